// Supernode selection (PROTOCOL.md §8.4) as pure functions over the edge's supernode list: the
// criteria of the load / rtt / mac strategies, the sort, the PING distribution of a sweep, and
// learning the federation's other supernodes from REGISTER_SUPER_ACK lists.
import { isNullMac, macEquals, socketEquals } from '../../protocol/index.js';
import type { Mac, Socket, SupernodeEntry } from '../../protocol/index.js';
import type { SenderStampRecord } from '../../crypto/timestamp.js';
import { RttEstimator } from './rtt.js';
import type { SelectionStrategy } from '../settings.js';

/**
 * §8.4.1 special criteria. n3n uses 2^63 − 1/2/3 in 64-bit integers; every real criterion here is
 * below 2^49 (a 48-bit MAC, a 32-bit load plus a small common value, an RTT), so the top of the
 * safe-integer range keeps the same order without BigInt.
 */
export const Criterion = {
  Bad: Number.MAX_SAFE_INTEGER,
  Default: Number.MAX_SAFE_INTEGER - 1,
  Good: Number.MAX_SAFE_INTEGER - 2,
} as const;

/** §10.2: SWEEP_TIME, first sweep 6 s after start-up, PINGs per sweep. */
export const SWEEP_INTERVAL_MS = 30_000;
export const FIRST_SWEEP_DELAY_MS = 6_000;
export const INITIAL_PINGS = 15;
export const REGULAR_PINGS = 5;

export interface SupernodeRecord {
  /** As configured (host name or literal), or the socket text for learned supernodes. */
  host: string;
  port: number;
  /** Resolved address; undefined until resolution succeeds. */
  socket: Socket | undefined;
  /** Every address the configured name resolved to, IPv4 first; socket is one of them (supernode-resolver.ts). */
  addresses: readonly Socket[];
  /** Learned from ACK / PONG / supernode lists. */
  mac: Mac | undefined;
  /** false for configured supernodes, true for ones learned from the federation. */
  purgeable: boolean;
  criterion: number;
  /** Cookie of the last REGISTER_SUPER sent to it (§8.3). */
  lastCookie: number;
  lastSeen: number;
  uptime: number;
  version: string;
  /** Load from its last PONG, byte-swapped as the reference does (§4.9). */
  load: number;
  stamp: SenderStampRecord | undefined;
  rtt: RttEstimator;
}

export function newSupernodeRecord(host: string, port: number, socket: Socket | undefined, purgeable: boolean, addresses: readonly Socket[] = socket === undefined ? [] : [socket]): SupernodeRecord {
  return {
    host,
    port,
    socket,
    addresses,
    mac: undefined,
    purgeable,
    criterion: Criterion.Default,
    lastCookie: 0,
    lastSeen: 0,
    uptime: 0,
    version: '',
    load: 0,
    stamp: undefined,
    rtt: new RttEstimator(),
  };
}

/** §4.9: the reference edge byte-swaps the received load. */
export function bswap32(value: number): number {
  return (((value & 0xff) << 24) | ((value & 0xff00) << 8) | ((value >>> 8) & 0xff00) | (value >>> 24)) >>> 0;
}

/** §8.4.3 "common": pending peers (doubled with header encryption) per supernode. */
export function commonValue(pendingPeers: number, headerEncryption: boolean, supernodeCount: number): number {
  if (pendingPeers === 0 || supernodeCount === 0) return 0;
  return Math.floor(((headerEncryption ? 2 : 1) * pendingPeers) / supernodeCount);
}

export interface PongFacts {
  /** The load field as received. */
  load: number;
  /** Round trip of the PING this PONG answers, in ms. */
  rttMs: number;
  mac: Mac;
  common: number;
  isCurrent: boolean;
  /** Known + pending peers, for the current supernode's stickiness. */
  peerCount: number;
}

/**
 * §8.4.3: the criterion a PONG yields; smaller is better. For rtt, n3n measures on the sub-second
 * part of its time stamps (a reply crossing a second boundary looks terrible); we use the measured
 * round trip, which orders supernodes the same way without that artefact.
 */
export function pongCriterion(strategy: SelectionStrategy, facts: PongFacts): number {
  switch (strategy) {
    case 'load': {
      const value = bswap32(facts.load) + facts.common;
      const k = facts.peerCount;
      return facts.isCurrent ? Math.floor((value * k) / (k + 1)) : value;
    }
    case 'rtt':
      return Math.max(0, Math.round(facts.rttMs));
    case 'mac':
      return macToNumber(facts.mac);
  }
}

export function macToNumber(mac: Mac): number {
  let value = 0;
  for (let i = 0; i < 6; i++) value = value * 256 + mac[i]!;
  return value;
}

/** Stable ascending sort by criterion (n3n sorts with a stable merge; ties keep list order). */
export function sortByCriterion(list: SupernodeRecord[]): void {
  const indexed = list.map((record, index) => ({ record, index }));
  indexed.sort((a, b) => a.record.criterion - b.record.criterion || a.index - b.index);
  for (let i = 0; i < indexed.length; i++) list[i] = indexed[i]!.record;
}

/**
 * §8.4.2: indices to PING: the first floor(n/2), then skip s, then the next ceil(n/2). random
 * returns a float in [0, 1); any distribution of s is acceptable.
 */
export function pingTargets(count: number, allowed: number, random: () => number): number[] {
  if (count <= allowed) return Array.from({ length: count }, (_, i) => i);
  const head = Math.floor(allowed / 2);
  const tail = allowed - head;
  const skip = Math.floor(random() * (count - allowed + 1));
  const targets: number[] = [];
  for (let i = 0; i < head; i++) targets.push(i);
  for (let i = head + skip; i < head + skip + tail; i++) targets.push(i);
  return targets;
}

/** Finds a supernode by source socket (FROM_SUPERNODE checks, §2.2). */
export function findBySocket(list: readonly SupernodeRecord[], socket: Socket): SupernodeRecord | undefined {
  return list.find((record) => record.socket !== undefined && socketEquals(record.socket, socket));
}

/**
 * §8.3 ACK step 5: adds every listed supernode not yet known (by MAC, else by socket). Returns the
 * records added.
 */
export function learnSupernodes(list: SupernodeRecord[], entries: readonly SupernodeEntry[]): SupernodeRecord[] {
  const added: SupernodeRecord[] = [];
  for (const entry of entries) {
    const byMac = !isNullMac(entry.mac) && list.some((record) => record.mac !== undefined && macEquals(record.mac, entry.mac));
    if (byMac || findBySocket(list, entry.socket) !== undefined) continue;
    const record = newSupernodeRecord(entry.socket.address, entry.socket.port, entry.socket, true);
    record.mac = Uint8Array.from(entry.mac);
    list.push(record);
    added.push(record);
  }
  return added;
}

/** MANAGEMENT.md §6.8 `selection` text for a supernode. */
export function selectionText(strategy: SelectionStrategy, record: SupernodeRecord, isCurrent: boolean): string {
  if (record.criterion >= Criterion.Good) return '';
  switch (strategy) {
    case 'load':
      return `load = ${String(record.criterion).padStart(8)}`;
    case 'rtt':
      return `rtt = ${String(record.criterion).padStart(6)} ms`;
    case 'mac':
      return isCurrent ? 'active' : 'standby';
  }
}
