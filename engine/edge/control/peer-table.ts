// The edge's peer records (PROTOCOL.md §8.1): pending_peers (being registered or queried; traffic to
// them is relayed by the supernode) and known_peers (a REGISTER_ACK confirmed a direct path). The
// rules of §8.7.2 (bookkeeping), §8.7.3 (path confirmation), §8.5 step 7 (idle direct paths) and
// §8.7.4 (expiry) live here as pure state transitions on an injected time; sending is the caller's.
// Kith bounds both tables together and per source address, with an eviction order an attacker
// cannot turn against real peers (see makeRoom).
import { isMultiBroadcast, macEquals, macKey, RegisterCookie, socketEquals } from '../../protocol/index.js';
import type { IpSubnet, Mac, Socket } from '../../protocol/index.js';
import { NO_IP_SUBNET } from '../../protocol/index.js';
import type { SenderStampRecord } from '../../crypto/timestamp.js';
import { newTraffic } from '../data-path/counters.js';
import type { Traffic } from '../data-path/counters.js';
import { DirectPath } from './peer-path.js';
import type { SocketOrigin } from './peer-path.js';
import { isVouched } from './peer-trust.js';
import { RttEstimator } from './rtt.js';

/** §10.2 REGISTRATION_TIMEOUT: records not seen for this long are purged. */
export const REGISTRATION_TIMEOUT_MS = 60_000;
/** §10.2 PURGE_REGISTRATION_FREQUENCY. */
export const PURGE_INTERVAL_MS = 30_000;
/** §8.7.3: a worse-ranked REGISTER_ACK path is accepted only after this (REGISTRATION_TIMEOUT/4). */
export const PATH_RESELECTION_GUARD_MS = REGISTRATION_TIMEOUT_MS / 4;
/** §8.7.2 step 3: the socket-change check runs at most once a second unless the cookie improves. */
const SOCKET_CHECK_INTERVAL_MS = 1_000;
/** Kith (DESIGN.md: every table has a bound): peer records, pending and known together. */
export const MAX_PEERS = 1024;
/** Kith: records at one address that the supernode has not vouched for (a per-source limit). */
export const MAX_UNVOUCHED_PER_ADDRESS = 8;

export interface PeerRecord {
  mac: Mac;
  /** The peer's advertised LAN socket (PEER_INFO, PROTOCOL.md §8.8.2). */
  preferredSocket: Socket | undefined;
  devAddr: IpSubnet;
  description: string;
  /** Discovered by multicast on the local network (§8.8.1). */
  local: boolean;
  createdAt: number;
  lastSeen: number;
  /** Where the peer is reached: its socket and origin, last direct contact, trust deadline, our socket it leaves from. */
  readonly path: DirectPath;
  /** Cookie of the last accepted REGISTER_ACK path (§4.1.1 ranking); 0 = none. */
  lastCookie: number;
  lastSentQuery: number;
  /** Header-encryption replay record (§6.4); created on first use. */
  stamp: SenderStampRecord | undefined;
  /** Kith: position in the hole-punch retry schedule (hole-punch.ts); 0 = not punching. */
  punchAttempt: number;
  nextPunchAt: number;
  /**
   * Kith: the peer has sent its own punch towards us — a REGISTER from it arrived relayed by the
   * supernode, which it sends right after its TTL-limited opener — so its NAT now expects us and
   * full-TTL punches may go out (hole-punch.ts).
   */
  peerOpened: boolean;
  /** Kith: next REGISTER to a known peer, which keeps the path open and measures its RTT. */
  nextProbeAt: number;
  /** Kith (peer-trust.ts): addresses the supernode named for this MAC answering our QUERY_PEER. */
  vouched: string[];
  /** Kith (peer-trust.ts): bytes the peer's datagrams paid for datagrams to addresses nobody vouched for. */
  credit: number;
  /** Kith (wrong-key.ts): the peer's latest PACKETs that did not decrypt. */
  keyTrouble: KeyTrouble | undefined;
  /** Kith display fields. */
  vpnIpv4: string | undefined;
  vpnIpv6: string | undefined;
  /** The sender addresses of its latest frames as bytes (addressing.ts), so each is made text once. */
  lastSender: Uint8Array | undefined;
  /** REGISTER → REGISTER_ACK on the direct path. */
  directRtt: RttEstimator;
  /** QUERY_PEER → PEER_INFO through the supernode. */
  relayRtt: RttEstimator;
  traffic: Traffic;
}

/** PACKETs from one peer in a row that did not decrypt, all from one address. */
export interface KeyTrouble {
  count: number;
  address: string;
  /** The last one named another transform (community.cipher differs), rather than failing to decrypt. */
  cipher: boolean;
}

export interface SightingInput {
  fromSupernode: boolean;
  viaMulticast: boolean;
  mac: Mac;
  cookie: number;
  /** Sender socket: the datagram's source, or the one a supernode inserted (§8.6). */
  socket: Socket;
  devAddr?: IpSubnet | undefined;
  description?: string | undefined;
  now: number;
}

/**
 * What bookkeeping decided. 'new-peer': registration with the peer starts — the caller sends the
 * REGISTERs of §8.7.2 step 2 to record.path.socket. 'moved': a known peer showed up directly from another
 * socket; it is pending again (and registration restarts, like 'new-peer').
 */
export type SightingOutcome =
  | { kind: 'new-peer'; record: PeerRecord }
  | { kind: 'moved'; record: PeerRecord; oldSocket: Socket | undefined }
  | { kind: 'pending-updated'; record: PeerRecord }
  | { kind: 'known-updated'; record: PeerRecord }
  /** Kith: no room for a new peer (the table is full of vouched ones); nothing was recorded. */
  | { kind: 'refused' };

function isAllZeroAddress(socket: Socket): boolean {
  return socket.address === '0.0.0.0' || socket.address === '::';
}

function leastRecentlySeen(records: readonly PeerRecord[]): PeerRecord | undefined {
  let oldest: PeerRecord | undefined;
  for (const record of records) if (oldest === undefined || record.lastSeen < oldest.lastSeen) oldest = record;
  return oldest;
}

/**
 * Kith: a relayed PACKET or REGISTER claiming a pending peer at an address the supernode never named
 * for it does not move the peer away from one it did (anyone can send such a claim, peer-trust.ts).
 */
function keepsVouchedSocket(record: PeerRecord, reported: Socket): boolean {
  const socket = record.path.socket;
  return socket !== undefined && isVouched(record, socket.address) && !isVouched(record, reported.address);
}

/**
 * Kith: a known peer seen directly at its socket of the other family has not moved while its direct
 * IPv6 path is alive: n3n main peers on a dual-stack LAN announce on both discovery groups at every
 * registration, and following each would flip the path between the families. Only an IPv6 socket
 * takes over an IPv4 path (a direct IPv6 path is preferred); a silent IPv6 path gives way.
 */
function keepsIpv6Path(record: PeerRecord, socket: Socket, now: number): boolean {
  const current = record.path.socket;
  return current?.family === 'IPv6' && socket.family === 'IPv4' && now - record.path.lastP2p < PATH_RESELECTION_GUARD_MS;
}

/** Told when a MAC enters or leaves the peer list (pending ∪ known). */
export interface PeerListener {
  added(record: PeerRecord): void;
  removed(record: PeerRecord, reason: 'purged' | 'cleared'): void;
}

export class PeerTable {
  readonly pending = new Map<number, PeerRecord>();
  readonly known = new Map<number, PeerRecord>();

  constructor(
    private readonly registerIntervalMs: number,
    private readonly listener?: PeerListener,
  ) {}

  /** A peer by MAC, known first. */
  get(mac: Mac): PeerRecord | undefined {
    const key = macKey(mac);
    return this.known.get(key) ?? this.pending.get(key);
  }

  isKnown(mac: Mac): boolean {
    return this.known.has(macKey(mac));
  }

  get size(): number {
    return this.pending.size + this.known.size;
  }

  all(): PeerRecord[] {
    return [...this.pending.values(), ...this.known.values()];
  }

  private static bySocket(table: Map<number, PeerRecord>, socket: Socket): PeerRecord | undefined {
    for (const record of table.values()) if (record.path.socket !== undefined && socketEquals(record.path.socket, socket)) return record;
    return undefined;
  }

  private create(mac: Mac, socket: Socket | undefined, origin: SocketOrigin, now: number, inherit?: PeerRecord): PeerRecord {
    return {
      mac: Uint8Array.from(mac),
      preferredSocket: inherit?.preferredSocket,
      devAddr: inherit?.devAddr ?? NO_IP_SUBNET,
      description: inherit?.description ?? '',
      local: false,
      createdAt: inherit?.createdAt ?? now,
      lastSeen: now,
      path: new DirectPath(this.registerIntervalMs, socket, origin),
      lastCookie: RegisterCookie.None,
      lastSentQuery: 0,
      stamp: inherit?.stamp,
      punchAttempt: 0,
      nextPunchAt: 0,
      peerOpened: false,
      nextProbeAt: 0,
      // What the supernode said about the MAC stays true at a new socket; credit was the old one's.
      vouched: inherit === undefined ? [] : [...inherit.vouched],
      credit: 0,
      keyTrouble: undefined,
      vpnIpv4: inherit?.vpnIpv4,
      vpnIpv6: inherit?.vpnIpv6,
      lastSender: undefined,
      directRtt: inherit?.directRtt ?? new RttEstimator(),
      relayRtt: inherit?.relayRtt ?? new RttEstimator(),
      traffic: inherit?.traffic ?? newTraffic(),
    };
  }

  private rekey(table: Map<number, PeerRecord>, record: PeerRecord, mac: Mac): void {
    table.delete(macKey(record.mac));
    record.mac = Uint8Array.from(mac);
    record.lastCookie = RegisterCookie.None;
    // Kith: what was vouched for (and counted) was the old MAC's.
    record.vouched = [];
    record.keyTrouble = undefined;
    table.set(macKey(mac), record);
  }

  /**
   * Kith: room for one more record; address is where it will be unless it has no socket yet or the
   * supernode already vouched for it (then the per-address limit does not apply). Only records
   * the supernode has not vouched for are evicted, least recently seen first — at the same address
   * first (per-source limit), then pending before known — so made-up MACs push out each other, never
   * a registered peer; with the table full of vouched peers the newcomer is refused.
   */
  private makeRoom(address: string | undefined): boolean {
    if (address !== undefined) {
      const sameAddress = this.unvouched((record) => record.path.socket?.address === address);
      if (sameAddress.length >= MAX_UNVOUCHED_PER_ADDRESS) this.evict(leastRecentlySeen(sameAddress));
    }
    if (this.size < MAX_PEERS) return true;
    const victim = leastRecentlySeen(this.unvouched((record) => this.pending.get(macKey(record.mac)) === record)) ?? leastRecentlySeen(this.unvouched(() => true));
    if (victim === undefined) return false;
    this.evict(victim);
    return true;
  }

  private unvouched(matches: (record: PeerRecord) => boolean): PeerRecord[] {
    const found: PeerRecord[] = [];
    for (const table of [this.pending, this.known]) for (const record of table.values()) if (record.vouched.length === 0 && matches(record)) found.push(record);
    return found;
  }

  private evict(record: PeerRecord | undefined): void {
    if (record === undefined) return;
    const key = macKey(record.mac);
    if (this.pending.get(key) === record) this.pending.delete(key);
    if (this.known.get(key) === record) this.known.delete(key);
    this.listener?.removed(record, 'purged');
  }

  /** §8.7.2: a PACKET or REGISTER from (or relayed for) a peer. */
  sighting(input: SightingInput): SightingOutcome {
    const { mac, socket, now } = input;
    const direct = !input.fromSupernode;
    let record = this.known.get(macKey(mac));
    if (record === undefined && !isAllZeroAddress(socket)) {
      // Step 1: the same socket under another MAC means the peer changed its MAC.
      const sameSocket = PeerTable.bySocket(this.known, socket);
      if (sameSocket !== undefined) {
        this.rekey(this.known, sameSocket, mac);
        record = sameSocket;
      }
    }
    if (record === undefined) return this.registerWithNewPeer(input);

    // Step 3: a known peer. A REGISTER names it even when a PACKET made the record first.
    const keepPath = direct && keepsIpv6Path(record, socket, now);
    if (direct && !keepPath) record.path.lastP2p = now;
    if (input.description !== undefined) record.description = input.description;
    if (input.devAddr !== undefined) record.devAddr = input.devAddr;
    if (input.viaMulticast) record.local = true;
    if (now - record.lastSeen >= SOCKET_CHECK_INTERVAL_MS || input.cookie > record.lastCookie) {
      if (isAllZeroAddress(socket) || isMultiBroadcast(mac)) return { kind: 'known-updated', record };
      const differs = record.path.socket === undefined || !socketEquals(record.path.socket, socket);
      if (differs && direct && !keepPath) {
        // The peer moved: forget the direct path and register again at the new socket.
        this.known.delete(macKey(mac));
        const moved = this.registerWithNewPeer(input, record);
        if (moved.kind === 'refused') this.listener?.removed(record, 'purged');
        return moved;
      }
      // §8.7.5: a supernode's view may differ behind a symmetric NAT; direct evidence wins.
      if (!differs) record.lastSeen = now;
    }
    return { kind: 'known-updated', record };
  }

  /** §8.7.2 step 2. */
  private registerWithNewPeer(input: SightingInput, inherit?: PeerRecord): SightingOutcome {
    const { mac, socket, now } = input;
    const origin: SocketOrigin = input.fromSupernode ? 'supernode' : 'direct';
    let record = this.pending.get(macKey(mac));
    let kind: 'new-peer' | 'pending-updated' = 'pending-updated';
    if (record === undefined) {
      if (!this.makeRoom(inherit !== undefined && inherit.vouched.length > 0 ? undefined : socket.address)) return { kind: 'refused' };
      record = this.create(mac, socket, origin, now, inherit);
      record.local = input.viaMulticast;
      this.pending.set(macKey(mac), record);
      kind = 'new-peer';
      if (inherit === undefined) this.listener?.added(record);
    } else if (origin === 'direct') {
      // n3n drops the pending record on direct evidence and starts over (§8.6 PACKET/REGISTER);
      // keeping the record and restarting its registration at the observed source is the same.
      record.path.reach(socket, 'direct');
      if (input.viaMulticast) record.local = true;
      kind = 'new-peer';
    } else if (!keepsVouchedSocket(record, socket)) {
      record.path.reported(socket);
    }
    record.lastSeen = now;
    if (input.devAddr !== undefined) record.devAddr = input.devAddr;
    if (input.description !== undefined) record.description = input.description;
    const outcome: SightingOutcome = inherit === undefined ? { kind, record } : { kind: 'moved', record, oldSocket: inherit.path.socket };
    return outcome;
  }

  /**
   * §8.7.3: a REGISTER_ACK from source confirms the direct path. Returns the record now in
   * known_peers, or undefined when the ACK matches no pending peer.
   */
  confirmPath(srcMac: Mac, source: Socket, cookie: number, now: number): PeerRecord | undefined {
    let record = this.pending.get(macKey(srcMac));
    if (record === undefined) {
      const sameSocket = PeerTable.bySocket(this.pending, source);
      if (sameSocket === undefined) return undefined;
      this.rekey(this.pending, sameSocket, srcMac);
      record = sameSocket;
    }
    this.pending.delete(macKey(record.mac));
    const knownAtSocket = PeerTable.bySocket(this.known, source);
    if (knownAtSocket !== undefined) {
      if (!macEquals(knownAtSocket.mac, srcMac)) this.rekey(this.known, knownAtSocket, srcMac);
      else knownAtSocket.lastCookie = RegisterCookie.None;
      record = knownAtSocket;
    } else if (
      now - record.lastSeen > PATH_RESELECTION_GUARD_MS ||
      cookie > record.lastCookie ||
      // Kith: the ACK's source is observed, a supernode-reported socket is only a guess.
      record.path.origin !== 'direct'
    ) {
      record.path.reach(source, 'direct');
      record.lastCookie = cookie;
    }
    record.path.lastP2p = now;
    record.lastSeen = now;
    this.known.set(macKey(record.mac), record);
    return record;
  }

  /**
   * §8.5 step 7: a known peer whose direct path is no longer trusted (peer-path.ts) loses it and is
   * pending again; true when that happened. n3n forgets the record; keeping it as pending is
   * equivalent for the protocol (the next frame runs the query procedure) and keeps its figures for
   * display.
   */
  expireDirect(mac: Mac, now: number): boolean {
    const key = macKey(mac);
    const record = this.known.get(key);
    if (record === undefined || record.lastSeen === 0 || now < record.path.trustedUntil) return false;
    this.known.delete(key);
    record.punchAttempt = 0;
    if (!this.pending.has(key)) this.pending.set(key, record);
    return true;
  }

  /**
   * §8.5 step 7 query procedure: ensures a pending record for mac and tells whether a REGISTER via
   * the supernode and a QUERY_PEER are due (at most once per register_interval).
   */
  query(mac: Mac, now: number): { record: PeerRecord; due: boolean } | undefined {
    let record = this.pending.get(macKey(mac));
    if (record === undefined) {
      if (!this.makeRoom(undefined)) return undefined;
      record = this.create(mac, undefined, 'supernode', now);
      this.pending.set(macKey(mac), record);
      this.listener?.added(record);
    }
    const due = record.lastSentQuery === 0 || now - record.lastSentQuery > this.registerIntervalMs;
    if (due) record.lastSentQuery = now;
    return { record, due };
  }

  /** §8.7.4: removes records not seen for 60 s; known peers are kept while the supernode is silent. */
  purge(now: number, keepKnown: boolean): PeerRecord[] {
    const removed: PeerRecord[] = [];
    const tables = keepKnown ? [this.pending] : [this.pending, this.known];
    for (const table of tables) {
      for (const [key, record] of table) {
        if (now - record.lastSeen > REGISTRATION_TIMEOUT_MS) {
          table.delete(key);
          removed.push(record);
          if (!this.pending.has(key) && !this.known.has(key)) this.listener?.removed(record, 'purged');
        }
      }
    }
    return removed;
  }

  clear(): void {
    for (const record of this.all()) this.listener?.removed(record, 'cleared');
    this.pending.clear();
    this.known.clear();
  }
}
