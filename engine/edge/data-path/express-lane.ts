// The express lane (native/express.ts) for one edge: which peers it carries, and what it carried
// applied to the engine's figures. The lane moves established direct traffic between the TAP and
// the main socket inside the addon; the engine stays in charge of who is in it. A peer is in the
// lane while its path is direct (PROTOCOL.md §8.5 step 7), at the socket the engine knows, reached
// from the main socket (a port spray's own socket stays in TypeScript), and its frames' sender
// addresses are known. Once per tick, before any expiry decision, the lane's counts become what
// DataPath.receive and sendDirect would have counted frame by frame, so a peer whose traffic only
// the lane carries stays direct and answering.
import { openExpressLane } from '../../../native/express.js';
import type { ExpressLane, ExpressPeer, ExpressSettings, ExpressTraffic } from '../../../native/express.js';
import type { ExpressFigures } from '../api/views.js';
import type { TapDevice } from '../../../native/tap.js';
import type { UdpBatchSocket } from '../../../native/udp.js';
import { addressBytes } from '../../protocol/address.js';
import { bytesEqual } from '../../protocol/codec.js';
import { DEFAULT_TTL, macKey, RegisterCookie, socketEquals } from '../../protocol/index.js';
import type { Socket } from '../../protocol/index.js';
import type { EdgeContext } from '../context.js';
import type { PeerRecord } from '../control/peer-table.js';
import { earn } from '../control/peer-trust.js';
import type { SupernodeRegistration } from '../control/supernode-registration.js';
import type { EdgeSettings } from '../settings.js';
import type { DataPath } from './data-path.js';
import { noteDecrypted } from './wrong-key.js';

export type ExpressOpener = (tap: TapDevice, udp: UdpBatchSocket, settings: ExpressSettings) => ExpressLane | string;

/** The edge's devices as the lane sees them. */
export interface ExpressDevices {
  /** The frame port's native TAP device; undefined for any other port. */
  readonly tap: TapDevice | undefined;
  /** The main socket when it is the addon's batched one. */
  readonly udp: UdpBatchSocket | undefined;
  /** The main socket is dual-stack (it reaches IPv6 peers). */
  readonly reachesIpv6: boolean;
  /** A test hook filters datagrams (EdgeOptions.drop): every datagram must pass through it. */
  readonly filtered: boolean;
}

/**
 * Why the lane cannot carry this edge's traffic, or undefined when it can: it knows neither header
 * encryption nor compression, and routing/bridging sends frames for hosts the lane cannot check.
 * KITH_EXPRESS=off in the environment turns it off (like KITH_UDP=dgram the batched socket).
 */
export function expressRefusal(settings: EdgeSettings, devices: ExpressDevices, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['KITH_EXPRESS'] === 'off') return 'KITH_EXPRESS=off';
  if (devices.tap === undefined) return 'the frame port is not a native TAP device';
  if (devices.udp === undefined) return 'the main socket is not the batched native one';
  if (devices.filtered) return 'a datagram filter is set';
  if (!settings.allowP2p) return 'peer-to-peer is off';
  if (settings.headerEncryption) return 'header encryption is on';
  if (settings.compression !== 'none') return `compression is ${settings.compression}`;
  if (settings.allowRouting) return 'routing/bridging is allowed';
  return undefined;
}

/** A peer as the lane has it: what setPeer was given, to tell whether the record changed since. */
interface LaneEntry {
  readonly mac: Uint8Array;
  readonly socket: Socket;
  readonly sender: Uint8Array;
}

export class EdgeExpress {
  private readonly entries = new Map<number, LaneEntry>();
  private enabled = false;
  /** The VPN IPv4 the lane was given, as text; undefined: none. */
  private address: string | undefined = undefined;
  private writeDrops = 0;
  private readonly onPathChanged = (): void => this.tick(this.ctx.clock.nowMs());

  private constructor(
    private readonly ctx: EdgeContext,
    private readonly registration: Pick<SupernodeRegistration, 'registered'>,
    private readonly dataPath: Pick<DataPath, 'noteDirectRx'>,
    private readonly lane: ExpressLane,
    private readonly reachesIpv6: boolean,
  ) {
    ctx.events.on('path-changed', this.onPathChanged);
  }

  /** The lane for this edge, or undefined (said in the debug log) where it cannot run. */
  static open(
    ctx: EdgeContext,
    registration: Pick<SupernodeRegistration, 'registered'>,
    dataPath: Pick<DataPath, 'noteDirectRx' | 'transformId'>,
    devices: ExpressDevices,
    open: ExpressOpener = openExpressLane,
  ): EdgeExpress | undefined {
    const refusal = expressRefusal(ctx.settings, devices);
    const { tap, udp } = devices;
    if (refusal !== undefined || tap === undefined || udp === undefined) {
      ctx.logger.debug(() => `express lane off: ${refusal ?? 'no device'}`);
      return undefined;
    }
    // The same header and payload transform as DataPath.encode, so the peer cannot tell the two apart.
    const lane = open(tap, udp, { communityField: ctx.settings.communityField, mac: ctx.mac, transform: dataPath.transformId, key: ctx.settings.key, ttl: DEFAULT_TTL });
    if (typeof lane === 'string') {
      ctx.logger.debug(() => `express lane off: ${lane}`);
      return undefined;
    }
    ctx.logger.debug(() => 'express lane open');
    const express = new EdgeExpress(ctx, registration, dataPath, lane, devices.reachesIpv6);
    express.sync(ctx.clock.nowMs());
    return express;
  }

  /**
   * Per tick, before any expiry decision, and whenever a path or the address changes: what the lane
   * carried, then who is in it now (a peer's counts are collected before it leaves the lane).
   */
  tick(now: number): void {
    this.collect(now);
    this.sync(now);
  }

  /** What the lane carried and left to the engine so far (kith.status). */
  figures(): ExpressFigures {
    const { framesOut, framesIn, passedOut, passedIn, answered } = this.lane.stats();
    return { framesOut, framesIn, passedOut, passedIn, answered };
  }

  /** Applies what the lane carried since the last call to the engine's figures. */
  private collect(now: number): void {
    this.lane.collect((mac, traffic) => this.account(mac, traffic, now));
    // A frame the TAP refused counts as a tuntap_error (MANAGEMENT.md §6.7), as DataPath.receive counts its own.
    const drops = this.lane.stats().writeDrops;
    this.ctx.counters.tuntapError.tx += drops - this.writeDrops;
    this.writeDrops = drops;
  }

  /** Follows registration, the VPN address and the peers' paths. */
  private sync(now: number): void {
    const { ctx, lane } = this;
    if (this.registration.registered !== this.enabled) {
      this.enabled = this.registration.registered;
      lane.setEnabled(this.enabled);
    }
    const address = ctx.addressing.address?.address;
    if (address !== this.address) {
      this.address = address;
      lane.setAddress(address === undefined ? undefined : ctx.addressing.bytes.slice(0, 4));
    }
    for (const [key, entry] of this.entries) if (!ctx.peers.known.has(key)) this.remove(key, entry);
    for (const [key, record] of ctx.peers.known) {
      const entry = this.entries.get(key);
      const peer = this.laneSocket(record, now);
      if (peer === undefined) {
        if (entry !== undefined) this.remove(key, entry);
        continue;
      }
      // The record's socket object is replaced when the peer is reached elsewhere: the same object is the same socket.
      if (entry !== undefined && (entry.socket === peer.socket || socketEquals(entry.socket, peer.socket)) && bytesEqual(entry.sender, peer.sender)) continue;
      if (!this.put(key, record.mac, peer.socket, peer.sender) && entry !== undefined) this.remove(key, entry);
    }
  }

  /** Takes the lane out of the devices; the engine carries everything again. */
  close(): void {
    this.ctx.events.off('path-changed', this.onPathChanged);
    // What it carried since the last tick still counts.
    this.collect(this.ctx.clock.nowMs());
    this.lane.close();
    this.entries.clear();
  }

  /** Where the lane reaches record, or undefined when its traffic stays in TypeScript. */
  private laneSocket(record: PeerRecord, now: number): { socket: Socket; sender: Uint8Array } | undefined {
    const { socket } = record.path;
    const sender = record.lastSender;
    if (socket === undefined || sender === undefined || record.path.forSend(now) !== 'direct') return undefined;
    if (record.path.senderFor(socket) !== undefined || (socket.family === 'IPv6' && !this.reachesIpv6)) return undefined;
    return { socket, sender };
  }

  /** Puts the peer in the lane, or replaces its entry; false when its socket is no address the lane can take. */
  private put(key: number, mac: Uint8Array, socket: Socket, sender: Uint8Array): boolean {
    const address = addressBytes(socket.address);
    if (address === undefined) return false;
    // Copies: the record's sender bytes change in place (learnPeerAddresses).
    const entry: LaneEntry = { mac: Uint8Array.from(mac), socket, sender: Uint8Array.from(sender) };
    const peer: ExpressPeer = { mac: entry.mac, family: address.family, address: address.bytes, port: socket.port, sender: entry.sender };
    // A full lane table leaves the peer to the engine; the next sync tries again.
    if (!this.lane.setPeer(peer)) return false;
    this.entries.set(key, entry);
    return true;
  }

  private remove(key: number, entry: LaneEntry): void {
    this.lane.removePeer(entry.mac);
    this.entries.delete(key);
  }

  /** One peer's figures, counted as DataPath.receive and sendDirect count each frame. */
  private account(mac: Uint8Array, traffic: ExpressTraffic, now: number): void {
    const { ctx } = this;
    const { counters } = ctx;
    counters.transop.rx += traffic.framesIn;
    counters.p2p.rx += traffic.framesIn;
    counters.transop.tx += traffic.framesOut;
    counters.p2p.tx += traffic.framesOut;
    const at = traffic.idleMs === undefined ? undefined : now - traffic.idleMs;
    if (at !== undefined) this.dataPath.noteDirectRx(at);
    const record = ctx.peers.get(mac);
    if (record === undefined) return;
    record.traffic.framesIn += traffic.framesIn;
    record.traffic.bytesIn += traffic.bytesIn;
    record.traffic.framesOut += traffic.framesOut;
    record.traffic.bytesOut += traffic.bytesOut;
    if (traffic.framesIn === 0) return;
    const entry = this.entries.get(macKey(mac));
    earn(record, traffic.datagramBytesIn, entry?.socket.family ?? record.path.socket?.family ?? 'IPv4', traffic.framesIn);
    noteDecrypted(ctx, record);
    if (at !== undefined && entry !== undefined) this.heardDirect(record, entry.socket, at);
  }

  /**
   * The bookkeeping of a direct PACKET from the peer's own socket at `at` (PeerTable.sighting: the
   * path's last direct contact, last_seen), for a peer still known there. Figures read after the
   * fact never set those back: a later contact the engine saw itself stays the latest.
   */
  private heardDirect(record: PeerRecord, socket: Socket, at: number): void {
    const { peers } = this.ctx;
    const current = record.path.socket;
    if (!peers.isKnown(record.mac) || current === undefined || !socketEquals(current, socket) || at <= record.path.lastP2p) return;
    const seen = record.lastSeen;
    peers.sighting({ fromSupernode: false, viaMulticast: false, mac: record.mac, cookie: RegisterCookie.Regular, socket, now: at });
    record.lastSeen = Math.max(seen, record.lastSeen);
  }
}
