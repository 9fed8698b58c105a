// A real supernode and real edges in one process over real UDP/TCP on loopback, with in-memory
// frame ports. PROTOCOL.md §12 item 13: edges bind to their own 127.0.0.x addresses so every node
// has a distinct socket; the edge's rule for loopback sockets reported by a supernode is in
// engine/edge/context.ts (reportedSocket).
import { defaultConfig } from '../../engine/config/load.js';
import type { KithConfig } from '../../engine/config/schema.js';
import { Edge } from '../../engine/edge/edge.js';
import type { EdgeOptions } from '../../engine/edge/edge.js';
import { createMemoryFramePort } from '../../engine/edge/io/frame-port.js';
import type { MemoryFramePort } from '../../engine/edge/io/frame-port.js';
import { Logger } from '../../engine/log.js';
import { bytesEqual } from '../../engine/protocol/codec.js';
import type { Supernode } from '../../supernode/supernode.js';
import { mac } from '../supernode/messages.js';
import { quietLogger, startSupernode as startLoopbackSupernode, testConfig } from '../supernode/start.js';

export const SUPERNODE_ADDRESS = '127.0.0.1';

export interface RunningSupernode {
  supernode: Supernode;
  port: number;
}

export async function startSupernode(change?: (config: KithConfig) => void, port = 0): Promise<RunningSupernode> {
  return startLoopbackSupernode(
    testConfig((c) => {
      c.connection.bind = { address: SUPERNODE_ADDRESS, port };
      change?.(c);
    }),
  );
}

export interface TestEdge {
  edge: Edge;
  port: MemoryFramePort;
  mac: Uint8Array;
}

export function edgeConfig(community: string, supernodePort: number, bindAddress: string, change?: (config: KithConfig) => void): KithConfig {
  const config = defaultConfig('edge');
  config.community.name = community;
  config.community.supernode = [{ host: SUPERNODE_ADDRESS, port: supernodePort }];
  config.connection.bind = { address: bindAddress, port: 0 };
  // Distinct descriptions: the supernode derives auto addresses from them (CONFIG.md §8), and two
  // edges with the same address would be taken for one another (PROTOCOL.md §8.2).
  config.connection.description = `edge-${bindAddress}`;
  change?.(config);
  return config;
}

/** Starts an edge; log lines go nowhere unless KITH_TEST_LOG is set. */
export async function startEdge(config: KithConfig, edgeMac: string, extra: Partial<EdgeOptions> = {}): Promise<TestEdge> {
  const port = createMemoryFramePort(mac(edgeMac));
  const logger = process.env.KITH_TEST_LOG === undefined ? quietLogger() : new Logger(4);
  const edge = new Edge({ config, port, logger, localDiscovery: false, ...extra });
  await edge.connect();
  return { edge, port, mac: port.mac };
}

/** Polls condition every 10 ms; rejects with what after timeoutMs. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function ipv4Bytes(address: string): number[] {
  return address.split('.').map(Number);
}

/** An ARP request "who has target? tell sender" (broadcast). */
export function arpRequest(senderMac: Uint8Array, senderIp: string, targetIp: string): Uint8Array {
  return Uint8Array.from([
    ...new Array<number>(6).fill(0xff),
    ...senderMac,
    0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
    ...senderMac,
    ...ipv4Bytes(senderIp),
    0, 0, 0, 0, 0, 0,
    ...ipv4Bytes(targetIp),
  ]);
}

export function arpReply(senderMac: Uint8Array, senderIp: string, targetMac: Uint8Array, targetIp: string): Uint8Array {
  return Uint8Array.from([
    ...targetMac,
    ...senderMac,
    0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,
    ...senderMac,
    ...ipv4Bytes(senderIp),
    ...targetMac,
    ...ipv4Bytes(targetIp),
  ]);
}

/** A UDP-in-IPv4 frame with a recognisable payload (checksums zero: nothing here verifies them). */
export function ipv4Frame(srcMac: Uint8Array, dstMac: Uint8Array, srcIp: string, dstIp: string, payload: string): Uint8Array {
  const data = new TextEncoder().encode(payload);
  const total = 20 + 8 + data.length;
  return Uint8Array.from([
    ...dstMac,
    ...srcMac,
    0x08, 0x00,
    0x45, 0, total >> 8, total & 0xff, 0, 0, 0x40, 0, 64, 17, 0, 0,
    ...ipv4Bytes(srcIp),
    ...ipv4Bytes(dstIp),
    0x30, 0x39, 0x30, 0x39, (8 + data.length) >> 8, (8 + data.length) & 0xff, 0, 0,
    ...data,
  ]);
}

export function isGratuitousArpFrom(frame: Uint8Array, from: Uint8Array): boolean {
  return frame.length === 42 && frame[12] === 0x08 && frame[13] === 0x06 && frame[21] === 2 && bytesEqual(frame.subarray(6, 12), from) && frame[0] === 0xff;
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

