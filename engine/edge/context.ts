// State shared by the edge's modules, and the two ways a message leaves: to a socket (P2P) or to
// the current supernode (UDP, or the TCP connection in TCP mode, PROTOCOL.md §1.2).
import type { SenderStampRecord, TimeStamp, TimeStampVerifier } from '../crypto/timestamp.js';
import type { Logger } from '../log.js';
import { checkStamp } from '../protocol/envelope.js';
import { isLoopback } from '../protocol/index.js';
import type { ControlMessage, Mac, Socket } from '../protocol/index.js';
import type { Addressing } from './control/addressing.js';
import type { EdgeAuth } from './control/auth.js';
import type { Clock } from '../clock.js';
import type { PacketCounters } from './data-path/counters.js';
import type { EdgeEvents } from './api/events.js';
import type { PeerRecord, PeerTable } from './control/peer-table.js';
import { affordToPeer, affordViaSupernode } from './control/peer-trust.js';
import type { EdgeSettings } from './settings.js';
import type { SupernodeRecord } from './control/supernode-selection.js';
import type { UdpTransport } from './io/udp-transport.js';
import type { EdgeWire } from './io/wire.js';

/** Something datagrams can leave from: the main socket, or a peer's own socket (port-spray.ts). */
export interface DatagramSender {
  send(bytes: Uint8Array, to: Socket, ttl?: number): void;
}

export interface EdgeContext {
  readonly settings: EdgeSettings;
  readonly clock: Clock;
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
  /** The selected supernode (curr_sn); only registration (supernode-registration.ts) chooses it. */
  current: SupernodeRecord | undefined;
  transport: UdpTransport | undefined;
  /** Local discovery by multicast is on (§8.8.1). */
  readonly localDiscovery: boolean;
  /** Why PACKETs of registered peers do not decrypt (wrong-key.ts); undefined when they do. */
  keyError: string | undefined;
  /** This edge's UDP port as the home router maps it, advertised in REGISTER_SUPER (§8.8.2). */
  mappedSocket: Socket | undefined;
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
  (record.path.senderFor(to) ?? ctx.transport)?.send(bytes, to, ttl);
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

/** §6.4 (envelope.ts checkStamp): holder is the sender's record, created on first use. */
export function stampAccepted(
  ctx: EdgeContext,
  stamp: TimeStamp | undefined,
  holder: { stamp: SenderStampRecord | undefined } | undefined,
  allowJitter: boolean,
): boolean {
  return checkStamp(ctx.verifier, stamp, holder, allowJitter).ok;
}
