// The express lane (Linux, native/src/express_linux.cc): established direct traffic handled inside
// the addon's own poll callbacks, without entering JavaScript. A frame read from the TAP for a peer
// the engine has put in the lane becomes a PACKET sent from the batched UDP socket, and a PACKET
// from such a peer, from the socket the engine knows it at, becomes a frame written to the TAP.
// Everything else — broadcasts, ARP, frames the lane's checks do not vouch for, control messages,
// any datagram it cannot decrypt — reaches the engine exactly as before; a lane peer's REGISTER
// too, after the lane has sent its REGISTER_ACK (the datagram is marked ANSWERED_BY_EXPRESS). On an idle edge, entering
// JavaScript per packet costs more than the whole native path (docs/tunnel-benchmark.md); the
// engine stays in charge of who is in the lane and reads what the lane carried once per tick.
import { isNativeError, loadAddon, nativeTapHandle } from './tap.js';
import type { NativeError, TapDevice } from './tap.js';
import { nativeUdpHandle } from './udp.js';
import type { UdpBatchSocket } from './udp.js';

/** What every PACKET the lane sends carries, and how its payload is transformed (PROTOCOL.md §5). */
export interface ExpressSettings {
  /** The 20-byte community field. */
  readonly communityField: Uint8Array;
  /** This edge's MAC. */
  readonly mac: Uint8Array;
  /** The PACKET transform id (1 null, 2 Twofish, 3 AES, 4 ChaCha20, 5 Speck). */
  readonly transform: number;
  /** The payload key as the data path's transform gets it. */
  readonly key: Uint8Array;
  /** The TTL of sent PACKETs. */
  readonly ttl: number;
}

/** A peer whose traffic the lane carries: direct, at one socket, reached from the main socket. */
export interface ExpressPeer {
  readonly mac: Uint8Array;
  readonly family: 4 | 6;
  /** 4 or 16 bytes. */
  readonly address: Uint8Array;
  readonly port: number;
  /**
   * The peer's VPN addresses as its frames carry them (PeerRecord.lastSender: IPv4 in bytes 0..4,
   * IPv6 in 4..20). The lane takes a received IPv4 / IPv6 frame only from that source address, so
   * the engine sees every new one; undefined: the lane takes no frame from this peer.
   */
  readonly sender: Uint8Array | undefined;
}

/** What the lane carried for one peer since the last collect(). */
export interface ExpressTraffic {
  readonly framesIn: number;
  /** Ethernet bytes written to the TAP. */
  readonly bytesIn: number;
  /** Datagram bytes received (what the peer-trust account counts). */
  readonly datagramBytesIn: number;
  readonly framesOut: number;
  /** Ethernet bytes read from the TAP. */
  readonly bytesOut: number;
  /** Milliseconds since the latest frame from the peer; undefined when none came since the last collect(). */
  readonly idleMs: number | undefined;
}

export interface ExpressStats {
  /** Frames the lane sent, and the TAP frames it left to the engine. */
  readonly framesOut: number;
  readonly passedOut: number;
  /** Frames the lane wrote to the TAP, and the datagrams it left to the engine. */
  readonly framesIn: number;
  readonly passedIn: number;
  /** REGISTERs from lane peers it acknowledged itself (the engine still handled them). */
  readonly answered: number;
  /** Datagrams from a lane peer's socket that did not decrypt (left to the engine, which counts them). */
  readonly undecryptable: number;
  /** Sends the kernel refused, and TAP writes it dropped. */
  readonly sendErrors: number;
  readonly writeDrops: number;
}

export interface ExpressLane {
  /** This edge's VPN IPv4 (4 bytes); undefined while it has none (IPv4 frames then go to the engine). */
  setAddress(ipv4: Uint8Array | undefined): void;
  /** Puts a peer in the lane, or replaces its entry (a new socket or sender address); false when the lane's table is full. */
  setPeer(peer: ExpressPeer): boolean;
  removePeer(mac: Uint8Array): void;
  /** While off, the lane takes nothing (e.g. before the first registration); its peers stay. */
  setEnabled(on: boolean): void;
  /** Calls visit for each peer the lane carried traffic for since the last call; mac is a view valid during the call. */
  collect(visit: (mac: Uint8Array, traffic: ExpressTraffic) => void): void;
  stats(): ExpressStats;
  /** Takes the lane out of both devices; idempotent. */
  close(): void;
}

// Per peer in collect()'s output: framesIn, bytesIn, datagramBytesIn, framesOut, bytesOut, idleMs (-1: none).
const COLLECT_FIELDS = 6;

interface NativeExpressHandle {
  setAddress(ipv4: Uint8Array | undefined): void;
  setPeer(mac: Uint8Array, family: number, address: Uint8Array, port: number, sender: Uint8Array | undefined): boolean;
  removePeer(mac: Uint8Array): void;
  setEnabled(on: boolean): void;
  /** Fills macs (6 bytes each) and figures (COLLECT_FIELDS each); returns how many peers, at most capacity. */
  collect(macs: Uint8Array, figures: Float64Array): number;
  stats(): ExpressStats;
  close(): void;
}

interface ExpressAddon {
  expressOpen?: (tap: unknown, udp: unknown, settings: ExpressSettings) => NativeExpressHandle | NativeError | string;
}

const COLLECT_BATCH = 256;

class Lane implements ExpressLane {
  readonly #handle: NativeExpressHandle;
  readonly #macs = new Uint8Array(6 * COLLECT_BATCH);
  readonly #figures = new Float64Array(COLLECT_FIELDS * COLLECT_BATCH);
  #closed = false;

  constructor(handle: NativeExpressHandle) {
    this.#handle = handle;
  }

  setAddress(ipv4: Uint8Array | undefined): void {
    if (!this.#closed) this.#handle.setAddress(ipv4);
  }

  setPeer(peer: ExpressPeer): boolean {
    return !this.#closed && this.#handle.setPeer(peer.mac, peer.family, peer.address, peer.port, peer.sender);
  }

  removePeer(mac: Uint8Array): void {
    if (!this.#closed) this.#handle.removePeer(mac);
  }

  setEnabled(on: boolean): void {
    if (!this.#closed) this.#handle.setEnabled(on);
  }

  collect(visit: (mac: Uint8Array, traffic: ExpressTraffic) => void): void {
    if (this.#closed) return;
    // A full batch may leave more: the native side hands each peer out once, then forgets its counts.
    for (;;) {
      const count = this.#handle.collect(this.#macs, this.#figures);
      for (let i = 0; i < count; i++) {
        const f = COLLECT_FIELDS * i;
        const idle = this.#figures[f + 5]!;
        visit(this.#macs.subarray(6 * i, 6 * i + 6), {
          framesIn: this.#figures[f]!,
          bytesIn: this.#figures[f + 1]!,
          datagramBytesIn: this.#figures[f + 2]!,
          framesOut: this.#figures[f + 3]!,
          bytesOut: this.#figures[f + 4]!,
          idleMs: idle < 0 ? undefined : idle,
        });
      }
      if (count < COLLECT_BATCH) return;
    }
  }

  stats(): ExpressStats {
    return this.#handle.stats();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#handle.close();
  }
}

/**
 * Opens the express lane between a TAP device and the batched UDP socket the engine sends to its
 * peers from, or says why there is none here (another OS, no addon, a cipher the addon lacks, a
 * device not opened by this addon). It starts disabled and without peers.
 */
export function openExpressLane(tap: TapDevice, udp: UdpBatchSocket, settings: ExpressSettings): ExpressLane | string {
  const loaded = loadAddon();
  if (!loaded.ok) return loaded.error.message;
  const open = (loaded.value as ExpressAddon).expressOpen;
  if (typeof open !== 'function') return 'the express lane is Linux-only';
  const tapHandle = nativeTapHandle(tap);
  const udpHandle = nativeUdpHandle(udp);
  if (tapHandle === undefined || udpHandle === undefined) return 'the device or socket is not the addon’s';
  const handle = open(tapHandle, udpHandle, settings);
  if (typeof handle === 'string') return handle;
  if (isNativeError(handle)) return handle.message;
  return new Lane(handle);
}
