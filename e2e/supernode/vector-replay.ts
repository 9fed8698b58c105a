// Replays captured edge requests (sn-scenarios.json, sn-federation.json) from simulated edges and
// compares the replies with the captured ones, with the capture's ports replaced by the test's.
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage, MessageType } from '../../engine/protocol/index.js';
import { fromHex, toHex } from '../../engine/testing/vectors.js';
import type { SimPeer } from './sim-peer.js';

export interface CapturedVector {
  name: string;
  direction: string;
  src: string;
  dst: string;
  hex: string;
}

/** A socket field (sock_flags 0, port, 127.0.0.1) as hex. */
export const ipv4SocketHex = (port: number): string => `0000${port.toString(16).padStart(4, '0')}7f000001`;

export function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

/** An IPv4 supernode-list entry's start (§2.6): family 2, unused, little-endian port, 127.0.0.1. */
const supernodeEntryHex = (port: number): string => `0200${(port & 0xff).toString(16).padStart(2, '0')}${(port >>> 8).toString(16).padStart(2, '0')}7f000001`;

/** Replaces every captured loopback socket (socket fields and supernode-list entries) by the test's. */
export function substitutePorts(hex: string, ports: ReadonlyMap<number, number>): string {
  let out = hex;
  for (const [captured, actual] of ports) {
    out = out.split(ipv4SocketHex(captured)).join(ipv4SocketHex(actual));
    out = out.split(supernodeEntryHex(captured)).join(supernodeEntryHex(actual));
  }
  return out;
}

/** PEER_INFO load/uptime/version are volatile (PONG) or garbage in n3n (answers); blank them. */
export function stabilised(bytes: Uint8Array): string {
  const decoded = decodeMessage(bytes);
  assert.ok(decoded.ok, 'reply decodes');
  if (decoded.value.type !== MessageType.PeerInfo) return toHex(bytes);
  return toHex(encodeMessage({ ...decoded.value, load: 0, uptime: 0, version: '' }));
}

/**
 * Sends every edge→sn vector addressed to the supernode from the peer standing in for its source
 * and checks the sn→edge vectors that follow it arrive at the peers standing in for their targets.
 */
export async function replay(
  vectors: readonly CapturedVector[],
  supernodePort: (address: string) => number | undefined,
  peerFor: (address: string) => SimPeer,
  ports: ReadonlyMap<number, number>,
  skip: (vector: CapturedVector) => boolean,
): Promise<number> {
  let compared = 0;
  for (let i = 0; i < vectors.length; i++) {
    const request = vectors[i]!;
    const target = supernodePort(request.dst);
    if (request.direction !== 'edge->sn' || target === undefined || skip(request)) continue;
    await peerFor(request.src).sendRaw(fromHex(request.hex), target);
    for (let j = i + 1; j < vectors.length && vectors[j]!.direction === 'sn->edge'; j++) {
      const expected = vectors[j]!;
      const { bytes } = await peerFor(expected.dst).nextRaw();
      assert.equal(stabilised(bytes), stabilised(fromHex(substitutePorts(expected.hex, ports))), `${request.name} → ${expected.name}`);
      compared++;
    }
  }
  return compared;
}
