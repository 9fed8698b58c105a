// Real edges over real UDP/TCP on loopback, with in-memory frame ports. PROTOCOL.md §12 item 13:
// test supernodes listen on 127.0.0.1 and each edge binds its own 127.0.0.x, so every node has a
// distinct socket; the edge's rule for loopback sockets reported by a supernode is in
// engine/edge/context.ts (reportedSocket).
import { defaultConfig } from '../config/load.js';
import type { KithConfig } from '../config/schema.js';
import { Edge } from '../edge/edge.js';
import type { EdgeOptions } from '../edge/edge.js';
import { createMemoryFramePort } from '../edge/frame-port.js';
import type { MemoryFramePort } from '../edge/frame-port.js';
import { parseMac } from '../protocol/index.js';
import type { Mac } from '../protocol/index.js';
import { testLogger } from './log.js';

/** Where test supernodes listen. */
export const LOOPBACK = '127.0.0.1';

/** A MAC written "02:00:…" in a test; a typo fails the test. */
export function mac(text: string): Mac {
  const parsed = parseMac(text);
  if (!parsed.ok) throw new Error(`bad MAC ${text}`);
  return parsed.value;
}

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
