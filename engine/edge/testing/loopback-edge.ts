// Real edges over real UDP/TCP on loopback with in-memory frame ports, for the tests that run an
// edge against a test supernode (supernode/testing/start.ts).
import { defaultConfig } from '../../config/load.js';
import type { KithConfig } from '../../../shared/config/schema.js';
import { testLogger } from '../../testing/log.js';
import { LOOPBACK, mac } from '../../testing/loopback.js';
import { Edge } from '../edge.js';
import type { EdgeOptions } from '../edge.js';
import { createMemoryFramePort } from '../io/frame-port.js';
import type { MemoryFramePort } from '../io/frame-port.js';

export interface TestEdge {
  edge: Edge;
  port: MemoryFramePort;
  mac: Uint8Array;
}

export function edgeConfig(community: string, supernodePort: number, bindAddress: string, change?: (config: KithConfig) => void): KithConfig {
  const config = defaultConfig('edge');
  config.community.name = community;
  config.community.supernode = [{ host: LOOPBACK, port: supernodePort }];
  config.connection.bind = { address: bindAddress, port: 0 };
  // Distinct descriptions: the supernode derives auto addresses from them (CONFIG.md §8), and two
  // edges with the same address would be taken for one another (PROTOCOL.md §8.2).
  config.connection.description = `edge-${bindAddress}`;
  change?.(config);
  return config;
}

/** Starts an edge on a memory frame port with the given MAC ("02:00:…"). */
export async function startEdge(config: KithConfig, edgeMac: string, extra: Partial<EdgeOptions> = {}): Promise<TestEdge> {
  const port = createMemoryFramePort(mac(edgeMac));
  const edge = new Edge({ config, port, logger: testLogger(), localDiscovery: false, ...extra });
  await edge.connect();
  return { edge, port, mac: port.mac };
}
