// Peer-to-peer establishment (PROTOCOL.md §8.7, §8.8): REGISTER / REGISTER_ACK between edges and
// the handling of received REGISTER, REGISTER_ACK and PEER_INFO. Where it differs from n3n and why:
// docs/nat-traversal.md.
import { isNullMac, macEquals, macKey, macToString, RegisterCookie, socketToString } from '../../protocol/index.js';
import type { Mac, PeerInfoMessage, RegisterAckMessage, RegisterMessage, Socket } from '../../protocol/index.js';
import { reportedSocket, sendToPeer, sendToSupernode, sendToSupernodeFor, stampAccepted } from '../context.js';
import type { EdgeContext } from '../context.js';
import { DIRECT_PROBE_INTERVAL_MS } from './peer-path.js';
import type { PeerRecord, SightingOutcome } from './peer-table.js';
import { earn, isRegistered, isVouched, vouch } from './peer-trust.js';
import { MAX_PROBE_AGE_MS } from './rtt.js';
import { review } from '../data-path/wrong-key.js';
import { flushNow } from '../../../native/callback-scope.js';
import { queryPeerMessage, registerAckMessage, registerMessage } from './messages.js';
import type { SupernodeRegistration } from './supernode-registration.js';
import type { SupernodeRecord } from './supernode-selection.js';
import type { Arrival } from '../io/udp-transport.js';
import type { Opened } from '../io/wire.js';

/** IP TTL of the NAT-opening first punch: past a home router and a carrier-grade NAT, not across the Internet. */
export const OPENER_TTL = 3;
/** Delays of the full-TTL retries after the opener (attempt 1, 2, …); afterwards the query procedure takes over. */
export const PUNCH_RETRY_DELAYS_MS: readonly number[] = [250, 1_000, 2_000, 4_000, 8_000];
/** §8.7.2: with register_pkt_ttl > 1, n3n sprays REGISTER (PORT) to port … port+15. */
const PORT_SPRAY = 16;
/** Kith: a PEER_INFO counts only as the answer to our QUERY_PEER for its MAC sent at most this long ago. */
export const PEER_INFO_WINDOW_MS = MAX_PROBE_AGE_MS;

/** When the next full-TTL punch of attempt (1-based) is due, or undefined when the schedule is over. */
export function punchDelay(attempt: number): number | undefined {
  return PUNCH_RETRY_DELAYS_MS[attempt - 1];
}

export class HolePunch {
  constructor(
    private readonly ctx: EdgeContext,
    private readonly registration: SupernodeRegistration,
    /** A peer moved (§8.7.2 step 3): whatever socket was dedicated to its old one goes (port-spray.ts). */
    private readonly peerMoved: (mac: Mac) => void = () => undefined,
  ) {}

  private sendRegister(record: PeerRecord, cookie: number, to: Socket, ttl?: number): void {
    if (sendToPeer(this.ctx, record, registerMessage(this.ctx, record.mac, cookie), to, ttl)) record.directRtt.probeSent(this.ctx.clock.nowMs(), cookie);
  }

  /**
   * REGISTER (FORWARDED) through the supernode, which relays it with our public socket (§4.1). Sent
   * after our opener (punchReported): the peer answers it at full TTL, and that answer must find our
   * NAT mapping already open, even when the path through the supernode is faster than the opener.
   */
  private sendForwardedRegister(record: PeerRecord): void {
    sendToSupernodeFor(this.ctx, record, registerMessage(this.ctx, record.mac, RegisterCookie.Forwarded));
  }

  /**
   * §8.5 step 7 query procedure, for a frame of ours to a peer without a direct path: REGISTER via
   * the supernode and QUERY_PEER. Our own traffic asks, so nothing is paid from the peer's credit.
   */
  query(record: PeerRecord, now: number): void {
    const { ctx } = this;
    if (ctx.settings.allowP2p) sendToSupernode(ctx, registerMessage(ctx, record.mac, RegisterCookie.Forwarded));
    record.relayRtt.probeSent(now);
    sendToSupernode(ctx, queryPeerMessage(ctx, record.mac));
  }

  /**
   * Kith: asks the supernode where record's MAC is registered (QUERY_PEER, at most once per
   * register_interval, paid from the peer's credit): its PEER_INFO vouches for the address (peer-trust.ts).
   */
  askSupernode(record: PeerRecord): void {
    const { ctx } = this;
    const now = ctx.clock.nowMs();
    if (record.lastSentQuery !== 0 && now - record.lastSentQuery <= ctx.settings.registerIntervalMs) return;
    if (!sendToSupernodeFor(ctx, record, queryPeerMessage(ctx, record.mac))) return;
    record.lastSentQuery = now;
    record.relayRtt.probeSent(now);
  }

  /** §8.7.2 step 2 "register with new peer", after bookkeeping decided so. */
  onSighting(outcome: SightingOutcome, fromSupernode: boolean): void {
    const { ctx } = this;
    if (outcome.kind === 'moved') {
      this.peerMoved(outcome.record.mac);
      ctx.events.emit('path-changed', { mac: macToString(outcome.record.mac), path: 'relayed', via: this.currentSupernode() });
    }
    if (outcome.kind !== 'new-peer' && outcome.kind !== 'moved') return;
    if (!ctx.settings.allowP2p) return;
    const record = outcome.record;
    const socket = record.path.socket;
    if (socket === undefined) return;
    if (!isVouched(record, socket.address)) this.askSupernode(record);
    if (fromSupernode) {
      this.punchReported(record, socket);
      this.sendForwardedRegister(record);
    } else {
      // The peer's datagram just came from there, so its NAT lets ours in: no TTL games needed.
      this.sendRegister(record, RegisterCookie.Regular, socket);
    }
    // For a peer nobody vouched for, the multicast REGISTERs of each registration refresh suffice.
    if (isRegistered(record)) this.registration.sendMulticastRegister();
  }

  /** IP TTL of a punch to a supernode-reported socket: full once the peer punched, else the opener's. */
  private punchTtl(record: PeerRecord): number | undefined {
    return record.peerOpened || record.path.origin === 'direct' ? undefined : OPENER_TTL;
  }

  /**
   * The peer's REGISTER arrived relayed by the supernode: it has just sent its direct punch, so our
   * full-TTL REGISTER now gets through its NAT (a stateful firewall lets it in as the answer).
   */
  private peerPunched(record: PeerRecord): void {
    const { ctx } = this;
    if (!ctx.settings.allowP2p || ctx.settings.registerTtl !== 0 || ctx.peers.isKnown(record.mac) || record.path.socket === undefined) return;
    record.peerOpened = true;
    this.sendRegister(record, RegisterCookie.Regular, record.path.socket);
    if (record.punchAttempt === 0) {
      record.punchAttempt = 1;
      record.nextPunchAt = ctx.clock.nowMs() + (punchDelay(1) ?? 0);
    }
  }

  /** Starts punching towards a socket a supernode reported (relayed PACKET/REGISTER or PEER_INFO). */
  private punchReported(record: PeerRecord, socket: Socket): void {
    const { ctx } = this;
    const ttl = ctx.settings.registerTtl;
    if (ttl === 1) return; // §8.7.2: register_pkt_ttl=1 sends nothing direct.
    if (ttl > 1) {
      for (let i = 0; i < PORT_SPRAY && socket.port + i <= 0xffff; i++) {
        this.sendRegister(record, RegisterCookie.Port, { ...socket, port: socket.port + i }, ttl);
      }
    } else {
      this.sendRegister(record, RegisterCookie.Regular, socket, OPENER_TTL);
    }
    record.punchAttempt = 1;
    record.nextPunchAt = ctx.clock.nowMs() + (punchDelay(1) ?? 0);
  }

  /** Periodic work: full-TTL punch retries for pending peers, keep-alive probes for known ones. */
  tick(now: number): void {
    const { ctx } = this;
    if (!ctx.settings.allowP2p) return;
    for (const record of ctx.peers.pending.values()) {
      if (record.punchAttempt === 0 || record.path.socket === undefined || now < record.nextPunchAt) continue;
      // Until the peer has punched, retries only keep our own mapping open (see the header).
      this.sendRegister(record, RegisterCookie.Regular, record.path.socket, this.punchTtl(record));
      if (record.preferredSocket !== undefined) this.sendRegister(record, RegisterCookie.Local, record.preferredSocket);
      const delay = punchDelay(++record.punchAttempt);
      if (delay === undefined) record.punchAttempt = 0;
      else record.nextPunchAt = now + delay;
    }
    for (const record of ctx.peers.known.values()) {
      if (record.path.socket === undefined || now < record.nextProbeAt) continue;
      record.nextProbeAt = now + DIRECT_PROBE_INTERVAL_MS;
      this.sendRegister(record, record.lastCookie === 0 ? RegisterCookie.Regular : record.lastCookie, record.path.socket);
    }
  }

  private currentSupernode(): string | undefined {
    const socket = this.ctx.current?.socket;
    return socket === undefined ? undefined : socketToString(socket);
  }

  /** §8.6 REGISTER. supernodeSource is the relaying supernode's socket when FROM_SUPERNODE. */
  handleRegister(opened: Opened, message: RegisterMessage, source: Socket, arrival: Arrival, supernode: SupernodeRecord | undefined): void {
    const { ctx } = this;
    const viaMulticast = arrival === 'multicast' && isNullMac(message.dstMac);
    const fromSupernode = message.fromSupernode;
    const holder = fromSupernode ? supernode : ctx.peers.get(message.srcMac);
    if (!stampAccepted(ctx, opened.stamp, holder, viaMulticast)) return;
    if (viaMulticast && macEquals(message.srcMac, ctx.mac)) return;
    if (!viaMulticast && !macEquals(message.dstMac, ctx.mac)) return;
    const socket = (fromSupernode ? reportedSocket(message.socket, source) : undefined) ?? source;
    const outcome = ctx.peers.sighting({
      fromSupernode,
      viaMulticast,
      mac: message.srcMac,
      cookie: message.cookie,
      socket,
      devAddr: message.devAddr.address === '0.0.0.0' ? undefined : message.devAddr,
      description: message.description,
      now: ctx.clock.nowMs(),
    });
    if (outcome.kind === 'refused') return;
    earn(outcome.record, opened.raw.length, source.family);
    // The express lane answers a lane peer's REGISTER from the addon itself ('answered').
    if (!fromSupernode && ctx.settings.allowP2p && arrival !== 'answered') {
      // Smaller than the REGISTER it answers: always within the credit that REGISTER brought. It
      // leaves at once: the peer times its REGISTER by it (rtt.ts), the rest is our bookkeeping.
      sendToPeer(ctx, outcome.record, registerAckMessage(ctx, message.srcMac, message.cookie), socket);
      flushNow();
    }
    this.onSighting(outcome, fromSupernode);
    if (fromSupernode && !viaMulticast) this.peerPunched(outcome.record);
    else if (!fromSupernode && !viaMulticast && outcome.kind !== 'new-peer' && outcome.kind !== 'moved') this.answerDirectRegister(outcome.record, socket);
  }

  /**
   * A pending peer's REGISTER came straight to us (to the port our router maps, say): its NAT lets
   * ours in now, so our REGISTER goes back at once with full TTL rather than waiting for the next
   * punch, whose opener TTL would stop short of that NAT.
   */
  private answerDirectRegister(record: PeerRecord, socket: Socket): void {
    const { ctx } = this;
    if (!ctx.settings.allowP2p || ctx.peers.isKnown(record.mac)) return;
    record.peerOpened = true;
    this.sendRegister(record, RegisterCookie.Regular, socket);
  }

  /** §8.6 REGISTER_ACK → §8.7.3 path confirmation. */
  handleRegisterAck(opened: Opened, message: RegisterAckMessage, source: Socket): void {
    const { ctx } = this;
    if (message.fromSupernode || !macEquals(message.dstMac, ctx.mac)) return;
    const existing = ctx.peers.get(message.srcMac);
    if (!stampAccepted(ctx, opened.stamp, existing, false)) return;
    if (existing !== undefined) earn(existing, opened.raw.length, source.family);
    const now = ctx.clock.nowMs();
    existing?.directRtt.replyReceived(now, message.cookie);
    const wasKnown = existing !== undefined && ctx.peers.isKnown(message.srcMac);
    const record = ctx.peers.confirmPath(message.srcMac, source, message.cookie, now);
    if (record === undefined || wasKnown) return;
    record.punchAttempt = 0;
    record.nextProbeAt = now + DIRECT_PROBE_INTERVAL_MS;
    ctx.logger.info(`direct path to ${macToString(record.mac)} at ${socketToString(source)}`);
    ctx.events.emit('path-changed', { mac: macToString(record.mac), path: 'direct', via: undefined });
  }

  /**
   * §8.6 PEER_INFO answering our QUERY_PEER (PONGs go to the registration). Kith: only an answer to
   * a query of ours (the supernode sends PEER_INFO for nothing else), and it vouches for the
   * addresses it names (peer-trust.ts); a peer it vouches for the first time gets the REGISTERs of
   * §8.7.2 step 2 that its credit did not cover.
   */
  handlePeerInfo(message: PeerInfoMessage, supernodeSource: Socket): void {
    const { ctx } = this;
    // §12 item 8: an advertised socket with port 0 (n3n head) is useless.
    const preferred = message.preferredSocket !== undefined && message.preferredSocket.port !== 0 ? message.preferredSocket : undefined;
    // A peer on its supernode's own computer registers from loopback; the socket its router maps for it is the one to use.
    const socket = reportedSocket(message.socket, supernodeSource) ?? preferred;
    if (socket === undefined) return;
    const record = ctx.peers.pending.get(macKey(message.targetMac)) ?? ctx.peers.known.get(macKey(message.targetMac));
    if (record === undefined) return;
    const now = ctx.clock.nowMs();
    if (record.lastSentQuery === 0 || now - record.lastSentQuery > PEER_INFO_WINDOW_MS) return;
    record.relayRtt.replyReceived(now);
    const fresh = vouch(record, socket.address);
    if (preferred !== undefined) vouch(record, preferred.address);
    const reached = record.path.reported(socket);
    review(ctx, record);
    if (!ctx.settings.allowP2p) return;
    if (preferred !== undefined) {
      record.preferredSocket = preferred;
      this.sendRegister(record, RegisterCookie.Local, preferred);
    }
    if (ctx.peers.isKnown(record.mac)) return;
    this.punchReported(record, reached);
    if (fresh) this.sendForwardedRegister(record);
  }
}
