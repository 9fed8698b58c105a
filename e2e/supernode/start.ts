// Starting a supernode for a test: loopback, ephemeral port, quiet logger.
import { defaultConfig } from '../../engine/config/load.js';
import type { KithConfig } from '../../engine/config/schema.js';
import { Logger } from '../../engine/log.js';
import { Supernode } from '../../supernode/supernode.js';
import type { SupernodeOptions } from '../../supernode/supernode.js';
import { LOOPBACK } from './sim-peer.js';

export const SUPERNODE_MAC = Uint8Array.from([2, 0, 0, 0, 0, 1]);

export function testConfig(change?: (config: KithConfig) => void): KithConfig {
  const config = defaultConfig('supernode');
  config.connection.bind = { address: LOOPBACK, port: 0 };
  config.supernode.macaddr = SUPERNODE_MAC;
  config.supernode.version = '3.4.5';
  change?.(config);
  return config;
}

export const quietLogger = (): Logger => new Logger(0, { write: () => undefined });

export async function startSupernode(config: KithConfig = testConfig(), extra: Partial<SupernodeOptions> = {}): Promise<{ supernode: Supernode; port: number }> {
  const supernode = await Supernode.start({ config, logger: quietLogger(), ...extra });
  return { supernode, port: supernode.address().port };
}
