// A UDP socket that moves datagrams in batches (Linux: recvmmsg/sendmmsg in the kith_tap addon,
// native/src/udp_linux.cc). Received datagrams arrive as one handler call per kernel wake-up, laid
// out in a slab that is reused for the next batch (copy what you keep). Sends are copied into a
// queue and leave together with one sendmmsg(): when the queue is full, when flush() is called, and
// otherwise when the device's or socket's handler returns (callback-scope.ts), so a batch of TAP
// frames becomes one system call (with gso, runs of equal-size datagrams to one peer even leave as
// one message, and with gro the kernel may hand over several at once: udp_linux.cc). It can also tell the local
// address each datagram came to and send from a chosen local address (a host with several
// addresses answers from the one asked). Where the addon has no such socket, openUdpBatch says so
// and callers use dgram.
import { constants } from 'node:os';
import { flushAfter, inCallbackScope } from './callback-scope.js';
import { isNativeError, loadAddon, type NativeError } from './tap.js';

const errnoNames = new Map(Object.entries(constants.errno).map(([name, value]) => [value, name]));

export interface UdpError {
  readonly code: string;
  readonly errno?: number;
  readonly syscall?: string;
  readonly message: string;
}

export type UdpFamily = 4 | 6;

/** In a datagram's TTL word: the express lane (native/express.ts) already sent this REGISTER's REGISTER_ACK. */
export const ANSWERED_BY_EXPRESS = 0x100;

/** Datagrams from one wake-up; valid only during the handler call. */
export interface DatagramBatch {
  readonly count: number;
  /** Datagram i is data[meta[4i] .. meta[4i] + meta[4i + 1]). */
  readonly data: Uint8Array;
  /**
   * Per datagram: offset, length, family << 16 | port, and the TTL (0 unless recvTtl) in the low
   * 8 bits of the last word, with ANSWERED_BY_EXPRESS set when the express lane answered it.
   */
  readonly meta: Uint32Array;
  /** Per datagram 16 bytes: an IPv4 source in the first 4 (IPv4-mapped ones included), else IPv6. */
  readonly addrs: Uint8Array;
  /**
   * With recvLocalAddress, per datagram 16 bytes: the local address it was sent to, as an IPv6
   * address (IPv4 as ::ffff:a.b.c.d), all zero when the kernel did not say.
   */
  readonly locals: Uint8Array | undefined;
  /**
   * When the latest of these datagrams arrived, in ms on the scale of performance.timeOrigin +
   * performance.now(): the kernel's receive time (SO_TIMESTAMPNS), else when the socket was found
   * readable; whatever the process and the engine did before them is not in it.
   */
  readonly arrivedAt: number;
}

export interface UdpBatchStats {
  readonly received: number;
  readonly bytesReceived: number;
  readonly wakeups: number;
  /** Datagrams larger than a slot (or without a usable source), dropped. */
  readonly truncated: number;
  readonly receiveErrors: number;
  readonly sent: number;
  readonly bytesSent: number;
  readonly sendErrors: number;
  /** Times the socket would have blocked; the queue was retried later. */
  readonly blocked: number;
  /** Messages that carried several datagrams with UDP_SEGMENT (gso). */
  readonly gsoSends: number;
  /** Such messages the kernel refused; their datagrams went again one by one. */
  readonly gsoRefused: number;
  /** Receives that brought several datagrams in one buffer (gro). */
  readonly groBuffers: number;
  /** Datagrams dropped because the send queue was full while the socket blocked. */
  readonly queueDrops: number;
}

export interface UdpBatchOptions {
  /** Local address: an IPv6 one (also '::') makes a dual-stack socket. */
  readonly address: string;
  readonly port: number;
  /** Report each datagram's IP TTL / hop limit (tests). */
  readonly recvTtl?: boolean;
  /** Report the local address each datagram was sent to (DatagramBatch.locals), for answering from it. */
  readonly recvLocalAddress?: boolean;
  /** Kernel receive and send buffer size in bytes (best effort; default: the system's). */
  readonly bufferBytes?: number;
  /** Largest datagram received; bigger ones are dropped and counted (default 2048 + 64). */
  readonly maxDatagram?: number;
  /** Datagrams per receive batch and per send queue (1..256, default 64). */
  readonly batchSize?: number;
  /**
   * Linux: queued datagrams to one destination from one source address, of one size but the last
   * and without a TTL of their own, leave as one message with UDP_SEGMENT (where the kernel has it;
   * else one by one as without).
   */
  readonly gso?: boolean;
  /**
   * Linux: let the kernel hand over several datagrams of one sender at once (UDP_GRO), cut apart
   * here; each keeps the buffer's TTL and local address.
   */
  readonly gro?: boolean;
}

export interface UdpBatchSocket {
  readonly localAddress: { readonly address: string; readonly port: number; readonly family: 'IPv4' | 'IPv6' };
  /** A dual-stack (IPv6) socket; an IPv4 one cannot send to IPv6 destinations. */
  readonly ipv6: boolean;
  /** The offloads the kernel took at open (both false unless asked for). */
  readonly offload: { readonly gso: boolean; readonly gro: boolean };
  /** Sets the one handler and starts receiving. error: a failed receive (the socket keeps going). */
  onDatagrams(handler: (batch: DatagramBatch) => void, onError: (error: UdpError) => void): UdpError | undefined;
  /** Called for a queued datagram the kernel refused; tag is what send() was given. */
  onSendError(handler: (error: UdpError, tag: unknown) => void): void;
  /**
   * Queues a copy of bytes for address (4 or 16 bytes, as engine/protocol's addressBytes gives them) and port; ttl > 0 limits
   * the IP TTL of this datagram only; source (16 bytes as in DatagramBatch.locals) is the local
   * address it leaves from. False if it was dropped (queue full while blocked, closed).
   */
  send(bytes: Uint8Array, family: UdpFamily, address: Uint8Array, port: number, ttl: number, tag: unknown, source?: Uint8Array): boolean;
  /** Hands the queue to the kernel now. */
  flush(): void;
  /** Called after queued datagrams went to the kernel, with the time the send call began (as DatagramBatch.arrivedAt). */
  onFlushed(handler: (at: number) => void): void;
  stats(): UdpBatchStats;
  close(): void;
  readonly closed: boolean;
}

interface NativeUdpHandle {
  localAddress(): { address: string; port: number; family: 'IPv4' | 'IPv6' } | NativeError;
  offload(): { gso: boolean; gro: boolean };
  start(slab: Uint8Array, meta: Uint32Array, addrs: Uint8Array, slot: number, cb: (n: number, error: NativeError | undefined, readyAtMs: number) => void, locals: Uint8Array | undefined): NativeError | undefined;
  send(buf: Uint8Array, meta: Uint32Array, addrs: Uint8Array, count: number, status: Int32Array, sources: Uint8Array): number;
  stats(): Omit<UdpBatchStats, 'queueDrops'>;
  close(): void;
}
interface NativeUdpAddon {
  udpOpen?: (options: { address: string; port: number; recvTtl: boolean; recvLocal: boolean; bufferBytes: number; gso: boolean; gro: boolean }) => NativeUdpHandle | NativeError;
}

const DEFAULT_BATCH = 64;
const DEFAULT_MAX_DATAGRAM = 2048 + 64;
/** Room per queued datagram; a larger one goes through its own slot run (see send). */
const SEND_SLOT = 2048 + 64;
/** Receive slab with gro: room for a few coalesced buffers (up to 64 KiB each) per handler call. */
const GRO_SLAB_BYTES = 512 * 1024;

/**
 * The addon's wake-up times are uv_hrtime() in ms, the clock performance.now() counts from
 * timeOrigin on; this turns them into the scale of performance.timeOrigin + performance.now().
 */
const TIME_ORIGIN = performance.timeOrigin;
const HRTIME_TO_EPOCH_MS = TIME_ORIGIN + performance.now() - Number(process.hrtime.bigint()) / 1e6;

const fromNative = (e: NativeError): UdpError => ({ code: e.code, errno: e.errno, syscall: e.syscall, message: `${e.syscall}: ${e.message}` });

/** True where the addon offers the batched socket (Linux, built). */
export function udpBatchSupported(): boolean {
  const loaded = loadAddon();
  return loaded.ok && typeof (loaded.value as NativeUdpAddon).udpOpen === 'function';
}

/** The addon's handle behind each socket this module opened (for the express lane, native/express.ts). */
const nativeHandles = new WeakMap<UdpBatchSocket, NativeUdpHandle>();

/** The addon's handle behind socket, or undefined for one this module did not open. */
export function nativeUdpHandle(socket: UdpBatchSocket): unknown {
  return nativeHandles.get(socket);
}

class BatchSocket implements UdpBatchSocket {
  readonly localAddress: { address: string; port: number; family: 'IPv4' | 'IPv6' };
  readonly ipv6: boolean;
  readonly offload: { readonly gso: boolean; readonly gro: boolean };
  #handle: NativeUdpHandle;
  #closed = false;
  #started = false;
  readonly #batchSize: number;
  readonly #maxDatagram: number;
  readonly #recvLocal: boolean;
  #onSendError: ((error: UdpError, tag: unknown) => void) | undefined;
  #onFlushed: ((at: number) => void) | undefined;
  // The send queue: entries [head, count) wait; their bytes live in #out at #meta[4i].
  readonly #out: Uint8Array;
  readonly #meta: Uint32Array;
  readonly #addrs: Uint8Array;
  // Per queued datagram: its local source address (all zero: the kernel's choice).
  readonly #sources: Uint8Array;
  readonly #status: Int32Array;
  readonly #tags: unknown[];
  #head = 0;
  #count = 0;
  #used = 0;
  #scheduled = false;
  #retry: NodeJS.Immediate | undefined;
  #queueDrops = 0;
  readonly #flushNow = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  constructor(handle: NativeUdpHandle, local: { address: string; port: number; family: 'IPv4' | 'IPv6' }, batchSize: number, maxDatagram: number, recvLocal: boolean) {
    this.#handle = handle;
    nativeHandles.set(this, handle);
    this.localAddress = local;
    this.ipv6 = local.family === 'IPv6';
    this.offload = handle.offload();
    this.#batchSize = batchSize;
    this.#maxDatagram = maxDatagram;
    this.#recvLocal = recvLocal;
    this.#out = new Uint8Array(batchSize * SEND_SLOT);
    this.#meta = new Uint32Array(batchSize * 4);
    this.#addrs = new Uint8Array(batchSize * 16);
    this.#sources = new Uint8Array(batchSize * 16);
    this.#status = new Int32Array(batchSize);
    this.#tags = new Array<unknown>(batchSize).fill(undefined);
  }

  get closed(): boolean {
    return this.#closed;
  }

  onDatagrams(handler: (batch: DatagramBatch) => void, onError: (error: UdpError) => void): UdpError | undefined {
    if (this.#closed) return { code: 'EBADF', message: 'socket is closed' };
    if (this.#started) return { code: 'EINVAL', message: 'onDatagrams may be called once' };
    const slot = this.#maxDatagram;
    const slabBytes = this.offload.gro ? Math.max(GRO_SLAB_BYTES, slot * this.#batchSize) : slot * this.#batchSize;
    const batch = {
      count: 0,
      data: new Uint8Array(slabBytes),
      meta: new Uint32Array(this.#batchSize * 4),
      addrs: new Uint8Array(this.#batchSize * 16),
      locals: this.#recvLocal ? new Uint8Array(this.#batchSize * 16) : undefined,
      arrivedAt: 0,
    };
    const e = this.#handle.start(batch.data, batch.meta, batch.addrs, slot, (n, error, readyAtMs) => {
      if (n > 0) {
        batch.count = n;
        batch.arrivedAt = readyAtMs + HRTIME_TO_EPOCH_MS;
        try {
          inCallbackScope(() => handler(batch));
        } finally {
          batch.count = 0;
        }
      }
      if (error !== undefined) onError(fromNative(error));
    }, batch.locals);
    if (e !== undefined) return fromNative(e);
    this.#started = true;
    return undefined;
  }

  onSendError(handler: (error: UdpError, tag: unknown) => void): void {
    this.#onSendError = handler;
  }

  onFlushed(handler: (at: number) => void): void {
    this.#onFlushed = handler;
  }

  send(bytes: Uint8Array, family: UdpFamily, address: Uint8Array, port: number, ttl: number, tag: unknown, source?: Uint8Array): boolean {
    if (this.#closed || bytes.length > 65507) return false;
    if (family === 6 && !this.ipv6) return false;
    if (this.#count === this.#batchSize || this.#used + bytes.length > this.#out.length) {
      this.flush();
      this.#compact();
      if (this.#count === this.#batchSize || this.#used + bytes.length > this.#out.length) {
        this.#queueDrops++;
        return false;
      }
    }
    const i = this.#count++;
    const m = 4 * i;
    this.#meta[m] = this.#used;
    this.#meta[m + 1] = bytes.length;
    this.#meta[m + 2] = (family << 16) | (port & 0xffff);
    this.#meta[m + 3] = ttl > 0 && ttl < 256 ? ttl : 0;
    this.#out.set(bytes, this.#used);
    this.#used += bytes.length;
    this.#addrs.set(address.length > 16 ? address.subarray(0, 16) : address, 16 * i);
    if (source?.length === 16) this.#sources.set(source, 16 * i);
    else this.#sources.fill(0, 16 * i, 16 * i + 16);
    this.#tags[i] = tag;
    if (!this.#scheduled && this.#retry === undefined) {
      this.#scheduled = true;
      flushAfter(this.#flushNow);
    }
    return true;
  }

  flush(): void {
    if (this.#closed || this.#head === this.#count) return;
    const pending = this.#count - this.#head;
    const start = this.#head;
    // The native side sees the waiting entries from index 0 of these views.
    const meta = start === 0 ? this.#meta : this.#meta.subarray(4 * start);
    const addrs = start === 0 ? this.#addrs : this.#addrs.subarray(16 * start);
    const sources = start === 0 ? this.#sources : this.#sources.subarray(16 * start);
    // Taken before the call: a reply can arrive while the kernel still sends the rest of the batch.
    const handedAt = TIME_ORIGIN + performance.now();
    const done = this.#handle.send(this.#out, meta, addrs, pending, this.#status, sources);
    if (done > 0) this.#onFlushed?.(handedAt);
    for (let j = 0; j < done; j++) {
      const status = this.#status[j]!;
      if (status !== 0) this.#reportFailure(status, this.#tags[start + j]);
      this.#tags[start + j] = undefined;
    }
    this.#head += done;
    if (this.#head === this.#count) {
      this.#head = this.#count = this.#used = 0;
      return;
    }
    // Would block: try again once the loop has turned (the kernel frees buffer space meanwhile).
    this.#retry ??= setImmediate(() => {
      this.#retry = undefined;
      this.flush();
    });
  }

  /** Moves the waiting entries to the front of the queue. */
  #compact(): void {
    if (this.#head === 0) return;
    const from = this.#meta[4 * this.#head]!;
    this.#out.copyWithin(0, from, this.#used);
    for (let i = this.#head; i < this.#count; i++) {
      const to = i - this.#head;
      this.#meta[4 * to] = this.#meta[4 * i]! - from;
      this.#meta[4 * to + 1] = this.#meta[4 * i + 1]!;
      this.#meta[4 * to + 2] = this.#meta[4 * i + 2]!;
      this.#meta[4 * to + 3] = this.#meta[4 * i + 3]!;
      this.#addrs.copyWithin(16 * to, 16 * i, 16 * i + 16);
      this.#sources.copyWithin(16 * to, 16 * i, 16 * i + 16);
      this.#tags[to] = this.#tags[i];
      this.#tags[i] = undefined;
    }
    this.#count -= this.#head;
    this.#used -= from;
    this.#head = 0;
  }

  #reportFailure(errno: number, tag: unknown): void {
    const handler = this.#onSendError;
    if (handler === undefined) return;
    const code = errnoNames.get(errno) ?? `E${errno}`;
    handler({ code, errno, syscall: 'sendmmsg', message: `sendmmsg: ${code}` }, tag);
  }

  stats(): UdpBatchStats {
    return { ...this.#handle.stats(), queueDrops: this.#queueDrops };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#retry !== undefined) clearImmediate(this.#retry);
    this.#retry = undefined;
    this.#handle.close();
    this.#tags.fill(undefined);
  }
}

/** Opens a batched UDP socket; undefined where there is none (use dgram), an error if it failed. */
export function openUdpBatch(options: UdpBatchOptions): UdpBatchSocket | UdpError | undefined {
  const loaded = loadAddon();
  if (!loaded.ok) return undefined;
  const open = (loaded.value as NativeUdpAddon).udpOpen;
  if (typeof open !== 'function') return undefined;
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const maxDatagram = options.maxDatagram ?? DEFAULT_MAX_DATAGRAM;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 256) return { code: 'EINVAL', message: 'batchSize must be 1..256' };
  if (!Number.isInteger(maxDatagram) || maxDatagram < 64 || maxDatagram > 65536) return { code: 'EINVAL', message: 'maxDatagram must be 64..65536' };
  const recvLocal = options.recvLocalAddress === true;
  const handle = open({
    address: options.address,
    port: options.port,
    recvTtl: options.recvTtl === true,
    recvLocal,
    bufferBytes: options.bufferBytes ?? 0,
    gso: options.gso === true,
    gro: options.gro === true,
  });
  if (isNativeError(handle)) return fromNative(handle);
  const local = handle.localAddress();
  if (isNativeError(local)) {
    handle.close();
    return fromNative(local);
  }
  return new BatchSocket(handle, local, batchSize, maxDatagram, recvLocal);
}
