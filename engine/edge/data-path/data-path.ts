// The data plane (PROTOCOL.md §5, §8.5, §8.6): Ethernet frames from the frame port become PACKETs
// (filters → compression → transform → header → header encryption) sent to the peer directly or via
// the supernode; received PACKETs go the reverse way to the frame port. Buffers are allocated once;
// per frame the only allocations are the subarray views the transform and the socket need.
import { compressFrameInto, compressionIdOf, CompressionId, decompressPayloadInto } from '../../compress/index.js';
import type { Transform } from '../../crypto/transform.js';
import { createTransform } from '../../crypto/transforms/index.js';
import {
  DEFAULT_TTL,
  encodePacketHeaderInto,
  isBroadcastMac,
  isMultiBroadcast,
  macEquals,
  macKey,
  macToString,
  MAX_DATAGRAM_SIZE,
  NULL_MAC,
  PACKET_HEADER_SIZE,
  RegisterCookie,
  socketToString,
} from '../../protocol/index.js';
import type { Mac, PacketHeader, Socket } from '../../protocol/index.js';
import { learnPeerAddresses } from '../control/addressing.js';
import { reportedSocket, sendBytesToSupernode, stampAccepted } from '../context.js';
import type { EdgeContext } from '../context.js';
import type { FramePort } from '../io/frame-port.js';
import { nativeTransform } from './native-transform.js';
import { acceptsInboundIpv4, destinationMac, ETHERNET_HEADER_SIZE, gratuitousArp, ipv4SourceIs, isIpv4Frame, isMulticastFrame, sourceMac } from './frames.js';
import type { HolePunch } from '../control/hole-punch.js';
import type { PeerRecord } from '../control/peer-table.js';
import { earn } from '../control/peer-trust.js';
import type { SupernodeRegistration } from '../control/supernode-registration.js';
import type { SupernodeRecord } from '../control/supernode-selection.js';
import type { Opened } from '../io/wire.js';
import { noteDecrypted, noteUndecryptable } from './wrong-key.js';
import type { Undecryptable } from './wrong-key.js';

/** §8.9 HOSTINFO_TIMEOUT: bridged hosts are forgotten after 300 s. */
const HOST_TABLE_TIMEOUT_MS = 300_000;
/** Kith (DESIGN.md: every table has a bound): bridged hosts remembered, the oldest forgotten first. */
export const MAX_BRIDGED_HOSTS = 4096;

const BUFFER_SIZE = MAX_DATAGRAM_SIZE + 64;

export class DataPath {
  private readonly transform: Transform;
  private readonly compression: number;
  /** The reused header of every PACKET we send; only dstMac and compression change per frame. */
  private readonly header: PacketHeader;
  private readonly tx = new Uint8Array(BUFFER_SIZE);
  private readonly compressed = new Uint8Array(BUFFER_SIZE);
  private readonly decrypted = new Uint8Array(BUFFER_SIZE);
  private readonly frame = new Uint8Array(BUFFER_SIZE);
  /** §8.9: inner MAC → the edge it lives behind (routing/bridging only). */
  private readonly hosts = new Map<number, { edge: Mac; seen: number }>();
  /** When a frame last arrived directly from a peer, and through a supernode; 0 = never. */
  private lastRxP2pMs = 0;
  private lastRxSuperMs = 0;

  constructor(
    private readonly ctx: EdgeContext,
    private readonly registration: Pick<SupernodeRegistration, 'registered' | 'awaitingAck'>,
    private readonly port: FramePort,
    private readonly holePunch: HolePunch,
  ) {
    this.transform = nativeTransform(createTransform(ctx.settings.cipher, ctx.settings.key), ctx.settings.key);
    this.compression = compressionIdOf(ctx.settings.compression);
    this.header = {
      ttl: DEFAULT_TTL,
      fromSupernode: false,
      communityField: ctx.settings.communityField,
      srcMac: ctx.mac,
      dstMac: NULL_MAC,
      compression: CompressionId.None,
      transform: this.transform.id,
    };
  }

  get lastRxP2p(): number {
    return this.lastRxP2pMs;
  }

  get lastRxSuper(): number {
    return this.lastRxSuperMs;
  }

  /** The PACKET transform id of every frame this path sends and accepts. */
  get transformId(): number {
    return this.transform.id;
  }

  /** A frame arrived directly from a peer at `at` by way of the express lane (express-lane.ts). */
  noteDirectRx(at: number): void {
    this.lastRxP2pMs = Math.max(this.lastRxP2pMs, at);
  }

  /** Frames read from the TAP device. */
  transmitFrames(frames: readonly Uint8Array[]): void {
    // Uncompressed, the frames are the transform's plaintexts: it may encrypt them all in one go.
    if (this.compression === CompressionId.None && frames.length > 1 && this.registration.registered) this.transform.prepare?.(frames);
    for (const frame of frames) this.transmit(frame);
  }

  /** §8.5 for one frame. */
  transmit(frame: Uint8Array): void {
    const { ctx } = this;
    if (frame.length < ETHERNET_HEADER_SIZE) return;
    // Step 1: multicast (not broadcast) is dropped unless allowed.
    if (!ctx.settings.allowMulticast && isMulticastFrame(frame)) {
      ctx.counters.multicastDrop.tx++;
      return;
    }
    // Step 2: nothing leaves before the first registration.
    if (!this.registration.registered) return;
    // Step 4: without routing, IPv4 must come from our own address.
    if (!ctx.settings.allowRouting && isIpv4Frame(frame) && !ipv4SourceIs(frame, ctx.addressing.bytes)) return;
    let dstMac = destinationMac(frame);
    // Step 5: a host behind a remote bridge is addressed through that bridge's edge.
    if (ctx.settings.allowRouting && !isMultiBroadcast(dstMac)) {
      const host = this.hosts.get(macKey(dstMac));
      if (host !== undefined) dstMac = host.edge;
    }
    const length = this.encode(frame, dstMac);
    if (length === 0) return;
    this.route(frame, dstMac, length);
  }

  /** Step 6: PACKET into this.tx; returns its length, 0 if the frame cannot be sent. */
  private encode(frame: Uint8Array, dstMac: Mac): number {
    const { ctx, header } = this;
    if (frame.length + PACKET_HEADER_SIZE + this.transform.overhead > MAX_DATAGRAM_SIZE) {
      ctx.logger.debug(() => `frame of ${frame.length} bytes too large to send`);
      return 0;
    }
    const compressedLength = compressFrameInto(ctx.settings.compression, frame, this.compressed);
    header.dstMac = dstMac;
    header.compression = compressedLength === 0 ? CompressionId.None : this.compression;
    const headerLength = encodePacketHeaderInto(this.tx, 0, header);
    const plain = compressedLength === 0 ? frame : this.compressed.subarray(0, compressedLength);
    const length = headerLength + this.transform.encrypt(plain, this.tx, headerLength);
    ctx.wire.sealPacket(this.tx, length, headerLength);
    ctx.counters.transop.tx++;
    return length;
  }

  /** Step 7: choose the destination(s). */
  private route(frame: Uint8Array, dstMac: Mac, length: number): void {
    const { ctx } = this;
    const bytes = this.tx.subarray(0, length);
    if (isMultiBroadcast(dstMac)) {
      if (this.registration.awaitingAck && ctx.peers.known.size > 0) {
        // While the supernode does not answer, broadcasts reach the known peers directly.
        for (const record of ctx.peers.known.values()) this.sendDirect(record, bytes, frame.length);
        return;
      }
      this.sendViaSupernode(bytes, true);
      return;
    }
    const now = ctx.clock.nowMs();
    if (ctx.peers.expireDirect(dstMac, now)) {
      ctx.events.emit('path-changed', { mac: macToString(dstMac), path: 'relayed', via: this.supernodeText() });
    }
    const known = ctx.peers.known.get(macKey(dstMac));
    if (known !== undefined && known.path.forSend(now) === 'direct') {
      this.sendDirect(known, bytes, frame.length);
      return;
    }
    this.sendViaSupernode(bytes, false);
    const query = ctx.peers.query(dstMac, now);
    if (query === undefined) return;
    query.record.traffic.framesOut++;
    query.record.traffic.bytesOut += frame.length;
    if (query.due) this.holePunch.query(query.record, now);
  }

  private sendDirect(record: PeerRecord, bytes: Uint8Array, frameLength: number): void {
    if (record.path.socket === undefined) return;
    // Port spray (port-spray.ts): a peer may be reached from its own socket instead of the main one.
    (record.path.senderFor(record.path.socket) ?? this.ctx.transport)?.send(bytes, record.path.socket);
    this.ctx.counters.p2p.tx++;
    record.traffic.framesOut++;
    record.traffic.bytesOut += frameLength;
  }

  private sendViaSupernode(bytes: Uint8Array, broadcast: boolean): void {
    sendBytesToSupernode(this.ctx, bytes);
    this.ctx.counters.super.tx++;
    if (broadcast) this.ctx.counters.superBroadcast.tx++;
  }

  /** §8.3 ACK step 8 / Appendix D: two gratuitous ARPs through the normal transmit path. */
  sendGratuitousArp(): void {
    const frame = gratuitousArp(this.ctx.mac, this.ctx.addressing.bytes);
    this.transmit(frame);
    this.transmit(frame);
  }

  /** §8.6 PACKET. supernode is the relaying supernode when FROM_SUPERNODE. */
  receive(opened: Opened, message: PacketHeader, payload: Uint8Array, source: Socket, supernode: SupernodeRecord | undefined): void {
    const { ctx } = this;
    const fromSupernode = message.fromSupernode;
    const holder = fromSupernode ? supernode : ctx.peers.get(message.srcMac);
    if (!stampAccepted(ctx, opened.stamp, holder, true)) return;
    if (!this.registration.registered || macEquals(message.srcMac, ctx.mac)) return;
    const now = ctx.clock.nowMs();
    const reported = fromSupernode ? reportedSocket(message.socket, source) : undefined;
    // A peer on its supernode's own computer is reported at loopback, useless here: it keeps the
    // socket PEER_INFO gave it (the one its router maps), rather than taking the supernode's.
    const kept = fromSupernode && reported === undefined && message.socket !== undefined ? ctx.peers.get(message.srcMac)?.path.socket : undefined;
    const socket = reported ?? kept ?? source;
    const outcome = ctx.peers.sighting({
      fromSupernode,
      viaMulticast: false,
      mac: message.srcMac,
      cookie: fromSupernode ? RegisterCookie.Forwarded : RegisterCookie.Regular,
      socket,
      now,
    });
    // A full table of vouched peers (peer-table.ts) leaves a newcomer unrecorded; its frame still counts.
    const record = outcome.kind === 'refused' ? undefined : outcome.record;
    if (record !== undefined) earn(record, opened.raw.length, source.family);
    this.holePunch.onSighting(outcome, fromSupernode);

    const frameLength = this.decode(message, payload);
    if (typeof frameLength !== 'number') {
      ctx.logger.debug(() => `PACKET from ${macToString(message.srcMac)} dropped: ${frameLength}`);
      if (record !== undefined && noteUndecryptable(ctx, record, socket.address, frameLength)) this.holePunch.askSupernode(record);
      return;
    }
    noteDecrypted(ctx, record);
    const frame = this.frame.subarray(0, frameLength);
    if (!ctx.settings.allowMulticast && isMulticastFrame(frame)) {
      ctx.counters.multicastDrop.rx++;
      return;
    }
    if (!ctx.settings.allowRouting && !acceptsInboundIpv4(frame, ctx.addressing.bytes)) return;
    if (ctx.settings.allowRouting && !macEquals(sourceMac(frame), message.srcMac)) this.learnHost(macKey(frame, 6), message.srcMac, now);
    ctx.counters.transop.rx++;
    if (fromSupernode) {
      ctx.counters.super.rx++;
      if (isBroadcastMac(destinationMac(frame)) || isMultiBroadcast(destinationMac(frame))) ctx.counters.superBroadcast.rx++;
      this.lastRxSuperMs = now;
    } else {
      ctx.counters.p2p.rx++;
      this.lastRxP2pMs = now;
    }
    if (record !== undefined) {
      record.traffic.framesIn++;
      record.traffic.bytesIn += frameLength;
      if (macEquals(sourceMac(frame), message.srcMac)) learnPeerAddresses(record, frame);
    }
    try {
      this.port.write(frame);
    } catch (error) {
      ctx.counters.tuntapError.tx++;
      ctx.logger.debug(() => `frame port write failed: ${String(error)}`);
    }
  }

  /** Transform and decompression; the frame lands in this.frame. */
  private decode(message: PacketHeader, payload: Uint8Array): number | Undecryptable {
    if (message.transform !== this.transform.id) return 'transform-mismatch';
    const decrypted = this.transform.decrypt(payload, this.decrypted, 0);
    if (typeof decrypted !== 'number') return 'decrypt-failed';
    const length = decompressPayloadInto(message.compression, this.decrypted.subarray(0, decrypted), this.frame, 0);
    if (typeof length !== 'number') return 'decompress-failed';
    if (length < ETHERNET_HEADER_SIZE) return 'implausible-frame';
    // A payload decrypted with the wrong key is noise; a real frame is addressed to us (or to all),
    // unless routing/bridging lets frames for other hosts through.
    const dst = this.frame.subarray(0, 6);
    if (!this.ctx.settings.allowRouting && !isMultiBroadcast(dst) && !macEquals(dst, this.ctx.mac)) return 'implausible-frame';
    return length;
  }

  /** §8.9: inner MAC key → the edge it lives behind; a full table forgets its oldest entry. */
  private learnHost(key: number, edge: Mac, now: number): void {
    if (!this.hosts.has(key) && this.hosts.size >= MAX_BRIDGED_HOSTS) {
      const oldest = this.hosts.keys().next();
      if (oldest.done !== true) this.hosts.delete(oldest.value);
    }
    this.hosts.set(key, { edge: Uint8Array.from(edge), seen: now });
  }

  /** §8.9: forgets bridged hosts not seen for 300 s. */
  purgeHosts(now: number): void {
    for (const [key, host] of this.hosts) if (now - host.seen > HOST_TABLE_TIMEOUT_MS) this.hosts.delete(key);
  }

  private supernodeText(): string | undefined {
    const socket = this.ctx.current?.socket;
    return socket === undefined ? undefined : socketToString(socket);
  }
}
