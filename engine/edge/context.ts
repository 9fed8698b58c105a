// State shared by the edge's modules, and the two ways a message leaves: to a socket (P2P) or to
// the current supernode (UDP, or the TCP connection in TCP mode, PROTOCOL.md §1.2).
import type { SenderStampRecord, TimeStamp, TimeStampVerifier } from '../crypto/timestamp.js';
import type { Logger } from '../log.js';
import { isLoopback, socketToString } from '../protocol/index.js';
import type { ControlMessage, Mac, Socket } from '../protocol/index.js';
import type { Addressing } from './addressing.js';
import type { EdgeAuth } from './auth.js';
import type { EdgeClock } from './clock.js';
import type { PacketCounters } from './counters.js';
import type { EdgeEvents } from './events.js';
import type { PeerRecord, PeerTable } from './peer-table.js';
import { affordToPeer, affordViaSupernode } from './peer-trust.js';
import type { EdgeSettings } from './settings.js';
import type { SupernodeRecord } from './supernode-selection.js';
import type { UdpTransport } from './udp-transport.js';
import type { EdgeWire } from './wire.js';

/** §8.1 sn_wait: 0 registered, 1 waiting for an ACK, 2 re-register now. */
export type SnWait = 0 | 1 | 2;

export interface RegistrationState {
  /** probe: start-up PING round (§8.2 step 2); bootstrap: address request (step 3); register: §8.3. */
  phase: 'probe' | 'bootstrap' | 'register';
  snWait: SnWait;
  supAttempts: number;
  lastRegisterReq: number;
  /** Last valid (non-bootstrap) ACK; 0 = never registered, which gates the data path (§8.3). */
  lastSup: number;
  lastSweep: number;
  /** Last PING round (probe phase and sweeps). */
  lastProbe: number;
  pingsAllowed: number;
  /** RE_REGISTER_SUPER asks to spread re-registrations over 3/4 of the interval (§8.3 step 5). */
  spreadNextRegistration: boolean;
  /** The current supernode stopped answering (attempts exhausted) and no other has answered yet. */
  unanswered: boolean;
  /** Our public socket as the current supernode sees it (REGISTER_SUPER_ACK sock, §4.7); undefined before the first ACK. */
  publicSocket: Socket | undefined;
}

/** Something datagrams can leave from: the main socket, or a peer's own socket (port-spray.ts). */
export interface DatagramSender {
  send(bytes: Uint8Array, to: Socket, ttl?: number): void;
}

export interface EdgeContext {
  readonly settings: EdgeSettings;
  readonly clock: EdgeClock;
  readonly logger: Logger;
  readonly mac: Mac;
  readonly wire: EdgeWire;
  readonly auth: EdgeAuth;
  readonly verifier: TimeStampVerifier;
  readonly peers: PeerTable;
  readonly counters: PacketCounters;
  readonly events: EdgeEvents;
  readonly addressing: Addressing;
  /** §8.1 supernode list, best first after a sort. */
  readonly supernodes: SupernodeRecord[];
  readonly registration: RegistrationState;
  current: SupernodeRecord | undefined;
  transport: UdpTransport | undefined;
  /**
   * Peer sockets (socketToString) that are reached from a socket other than the main one: the
   * winner of a port spray (port-spray.ts). Empty on almost every edge.
   */
  readonly routes: Map<string, DatagramSender>;
  /** Local discovery by multicast is on (§8.8.1). */
  readonly localDiscovery: boolean;
  /** Why the edge is in error (authentication, keys); undefined when fine. */
  errors: { auth: string | undefined; keys: string | undefined };
  /** This edge's UDP port as the home router maps it, advertised in REGISTER_SUPER (§8.8.2). */
  mappedSocket: Socket | undefined;
  lastRxP2p: number;
  lastRxSuper: number;
}

/**
 * Sends a control message directly to a socket on record's behalf (in TCP mode everything goes to
 * the supernode), within what peer-trust.ts allows: free to an address the supernode vouched for,
 * else paid from the peer's credit. Returns whether it was sent.
 */
export function sendToPeer(ctx: EdgeContext, record: PeerRecord, message: ControlMessage, to: Socket, ttl?: number): boolean {
  const bytes = ctx.wire.encode(message);
  if (!affordToPeer(record, to, bytes.length)) {
    ctx.counters.withheld++;
    return false;
  }
  if (ctx.settings.tcp) {
    ctx.transport?.sendTcp(bytes);
    return true;
  }
  const via = ctx.routes.size === 0 ? undefined : ctx.routes.get(socketToString(to));
  (via ?? ctx.transport)?.send(bytes, to, ttl);
  return true;
}

/** sendToSupernode on record's behalf, within what peer-trust.ts allows. Returns whether it was sent. */
export function sendToSupernodeFor(ctx: EdgeContext, record: PeerRecord, message: ControlMessage): boolean {
  const bytes = ctx.wire.encode(message);
  if (!affordViaSupernode(record, bytes.length, ctx.current?.socket?.family ?? 'IPv4')) {
    ctx.counters.withheld++;
    return false;
  }
  sendBytesToSupernode(ctx, bytes);
  return true;
}

/** Sends encoded bytes to the current supernode. */
export function sendBytesToSupernode(ctx: EdgeContext, bytes: Uint8Array): void {
  if (ctx.settings.tcp) {
    ctx.transport?.sendTcp(bytes);
    return;
  }
  const socket = ctx.current?.socket;
  if (socket !== undefined) ctx.transport?.send(bytes, socket);
}

export function sendToSupernode(ctx: EdgeContext, message: ControlMessage): void {
  sendBytesToSupernode(ctx, ctx.wire.encode(message));
}

/**
 * A socket reported by a supernode (inserted into a PACKET or REGISTER, or in PEER_INFO), if usable.
 * PROTOCOL.md §12 item 13: n3n ignores loopback sockets there, because a supernode on the edge's own
 * host sees its peers as 127.0.0.1. Kith's rule: a loopback socket is meaningful exactly when the
 * supernode that reports it is itself reached over loopback (everything on one host, as in the
 * loopback tests); otherwise it is ignored like n3n does.
 */
export function reportedSocket(reported: Socket | undefined, supernodeSource: Socket): Socket | undefined {
  if (reported === undefined || reported.port === 0) return undefined;
  if (isLoopback(reported) && !isLoopback(supernodeSource)) return undefined;
  return reported;
}

/**
 * §6.4: window and (for a known sender) replay check of a header-encryption stamp; holder is the
 * sender's record, created lazily. Without header encryption there is no stamp and nothing to check.
 */
export function stampAccepted(
  ctx: EdgeContext,
  stamp: TimeStamp | undefined,
  holder: { stamp: SenderStampRecord | undefined } | undefined,
  allowJitter: boolean,
): boolean {
  if (stamp === undefined) return true;
  if (holder !== undefined) holder.stamp ??= ctx.verifier.newRecord();
  return ctx.verifier.check(stamp, holder?.stamp, allowJitter).ok;
}
