// Starting a supernode for a test: loopback, ephemeral port, quiet logger; a free port for one
// started as a program.
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { defaultConfig } from '../../engine/config/load.js';
import type { KithConfig } from '../../shared/config/schema.js';
import { quietLogger } from '../../engine/testing/log.js';
import { LOOPBACK } from '../../engine/testing/loopback.js';
import { Supernode } from '../supernode.js';
import type { SupernodeOptions } from '../supernode.js';

export const SUPERNODE_MAC = Uint8Array.from([2, 0, 0, 0, 0, 1]);

export interface RunningSupernode {
  supernode: Supernode;
  port: number;
}

export function testConfig(change?: (config: KithConfig) => void): KithConfig {
  const config = defaultConfig('supernode');
  config.connection.bind = { address: LOOPBACK, port: 0 };
  config.supernode.macaddr = SUPERNODE_MAC;
  config.supernode.version = '3.4.5';
  change?.(config);
  return config;
}

export async function startSupernode(config: KithConfig = testConfig(), extra: Partial<SupernodeOptions> = {}): Promise<RunningSupernode> {
  const supernode = await Supernode.start({ config, logger: quietLogger(), ...extra });
  return { supernode, port: supernode.address().port };
}

/** A loopback port free for both UDP and TCP at the time of asking. */
export async function freePort(): Promise<number> {
  for (;;) {
    const udp = createSocket('udp4');
    const port = await new Promise<number>((resolve) => udp.bind(0, '127.0.0.1', () => resolve(udp.address().port)));
    const tcp = createServer();
    const tcpFree = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcpFree) await new Promise<void>((resolve) => tcp.close(() => resolve()));
    if (tcpFree) return port;
  }
}
