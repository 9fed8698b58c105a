// A real supernode and real edges in one process over real UDP/TCP on loopback, with in-memory
// frame ports (engine/edge/testing/loopback-edge.ts); the frames they exchange come from
// engine/testing/frames.ts.
import type { KithConfig } from '../../shared/config/schema.js';
import type { TestEdge } from '../../engine/edge/testing/loopback-edge.js';
import { bytesEqual } from '../../engine/protocol/codec.js';
import { arpReply, arpRequest, ipv4Frame } from '../../engine/testing/frames.js';
import { LOOPBACK } from '../../engine/testing/loopback.js';
import { startSupernode as startLoopbackSupernode, testConfig, type RunningSupernode } from '../../supernode/testing/start.js';

export { edgeConfig, startEdge, type TestEdge } from '../../engine/edge/testing/loopback-edge.js';
export { waitFor } from '../../engine/testing/wait-for.js';
export { arpReply, arpRequest, ipv4Frame, isGratuitousArpFrom } from '../../engine/testing/frames.js';
export type { RunningSupernode } from '../../supernode/testing/start.js';

export const SUPERNODE_ADDRESS = LOOPBACK;

/** A supernode on LOOPBACK, on a given port (to restart it where edges expect it) or an ephemeral one. */
export async function startSupernode(change?: (config: KithConfig) => void, port = 0): Promise<RunningSupernode> {
  return startLoopbackSupernode(
    testConfig((c) => {
      c.connection.bind = { address: LOOPBACK, port };
      change?.(c);
    }),
  );
}

export async function stopAll(edges: readonly (TestEdge | undefined)[], supernode: RunningSupernode | undefined): Promise<void> {
  for (const item of edges) await item?.edge.stop();
  await supernode?.supernode.close();
}

/** Exchanges ARP and an IPv4 datagram each way between a and b; returns once all four arrived. */
export async function exchange(a: TestEdge, b: TestEdge, tag: string): Promise<void> {
  const ipA = a.edge.status().address!.address;
  const ipB = b.edge.status().address!.address;
  const request = arpRequest(a.mac, ipA, ipB);
  a.port.inject(request);
  await b.port.waitFor((frame) => bytesEqual(frame, request), 5_000);
  const reply = arpReply(b.mac, ipB, a.mac, ipA);
  b.port.inject(reply);
  await a.port.waitFor((frame) => bytesEqual(frame, reply), 5_000);
  const toB = ipv4Frame(a.mac, b.mac, ipA, ipB, `${tag} a to b`);
  const toA = ipv4Frame(b.mac, a.mac, ipB, ipA, `${tag} b to a`);
  a.port.inject(toB);
  b.port.inject(toA);
  await b.port.waitFor((frame) => bytesEqual(frame, toB), 5_000);
  await a.port.waitFor((frame) => bytesEqual(frame, toA), 5_000);
}

