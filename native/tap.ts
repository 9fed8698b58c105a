// Layer-2 TAP devices, one interface on every OS. The OS work is in the kith_tap N-API addon
// (native/src); this module validates arguments, turns every failure into a typed TapError, and
// hands frames to the caller in batches: one handler call per kernel wake-up, with the frames laid
// out in a slab that is reused for the next batch (copy what you keep).

import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect, isIPv4 } from 'node:net';
import { fileURLToPath } from 'node:url';
import { inCallbackScope } from './callback-scope.js';

export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export type TapErrorKind =
  | 'not-built' // the addon is missing: run npm run build:native
  | 'invalid-argument' // rejected before any system call
  | 'system' // a system call failed; code/errno/syscall say which
  | 'closed' // the device was closed
  | 'refused' // kith-tap's agent said no; message is its reason
  | 'foreign'; // the device belongs to another user: the engine uses only its own user's

export interface TapError {
  readonly kind: TapErrorKind;
  /** errno name ('EPERM', 'ENODEV', …) for 'system' errors; 'EINVAL' / 'EBADF' / 'ENOENT' otherwise. */
  readonly code: string;
  readonly errno?: number;
  readonly syscall?: string;
  readonly message: string;
}

export interface TapOptions {
  /** Device name. Optional only with create (the OS picks one, e.g. kith0 on Linux). */
  readonly name?: string;
  /**
   * Create the device (privileged) or attach to an existing one (its owner needs no privilege).
   * Either way an existing device must belong to this user (root: or to nobody), else 'foreign'.
   */
  readonly create: boolean;
  readonly mtu?: number;
  readonly mac?: Uint8Array;
  /** Most frames per handler call (1..1024, default 64). */
  readonly batchSize?: number;
  /**
   * Linux: ask for segmentation offload (IFF_VNET_HDR, TSO/USO). Reads still hand out ordinary
   * frames; writeBatch coalesces TCP segments. `offload` on the device says what the kernel took.
   */
  readonly offload?: boolean;
}

/** TUN_F_* flags (linux/if_tun.h) the kernel accepted for a device opened with offload. */
export const TunOffload = { Csum: 0x01, Tso4: 0x02, Tso6: 0x04, TsoEcn: 0x08, Uso4: 0x20, Uso6: 0x40 } as const;

export interface TapStats {
  readonly framesRead: number;
  readonly bytesRead: number;
  /** Handler calls; framesRead / wakeups is the mean batch size. */
  readonly wakeups: number;
  readonly readErrors: number;
  readonly framesWritten: number;
  readonly bytesWritten: number;
  /** Frames the device could not take right now (queue full, interface down). */
  readonly writeDrops: number;
  readonly writeErrors: number;
  /** TUN_F_* offloads in force (0: none). */
  readonly offloadFlags: number;
  /** Super-frames read from the kernel, and the frames they were split into. */
  readonly superFramesRead: number;
  readonly segmentsRead: number;
  /** Super-frames written, and the frames coalesced into them. */
  readonly superFramesWritten: number;
  readonly segmentsCoalesced: number;
  /** Frames from the kernel with a virtio-net header that made no sense (dropped). */
  readonly badFrames: number;
}

/** Frames from one wake-up. Valid only during the handler call: the memory is reused after it. */
export interface FrameBatch {
  readonly count: number;
  /** The slab; frame i is data[offsets[i] .. offsets[i] + lengths[i]). */
  readonly data: Buffer;
  readonly offsets: Uint32Array;
  readonly lengths: Uint32Array;
  /** A view (not a copy) of frame i. */
  frame(i: number): Buffer;
}

export interface TapDevice {
  readonly name: string;
  readonly ifIndex: number;
  /** Current hardware address (read from the OS each time). */
  readonly mac: Uint8Array;
  /** Current MTU (read from the OS each time); 0 if it cannot be read. */
  readonly mtu: number;
  readonly closed: boolean;
  /** TUN_F_* offloads in force (see TunOffload); 0 without offload. */
  readonly offload: number;
  setMac(mac: Uint8Array): Result<void, TapError>;
  /** Needs privilege on Linux (EPERM otherwise: use kith-tap mtu). */
  setMtu(mtu: number): Result<void, TapError>;
  /**
   * Windows: gives the adapter address/prefix through TAP-Windows6's DHCP masquerade (the driver
   * answers the adapter's own DHCP requests), which needs no elevation. Elsewhere 'ENOTSUP':
   * kith-tap, its agent or ip set the address there.
   */
  setIpv4(address: string, prefix: number): Result<void, TapError>;
  /** Sets the one frame handler and starts reading. */
  onFrames(handler: (batch: FrameBatch) => void): Result<void, TapError>;
  /** Read errors (the device vanished); the device is closed when this runs. */
  onError(handler: (error: TapError) => void): void;
  /** Writes one frame; false if it was dropped (see stats). */
  write(frame: Uint8Array): boolean;
  /**
   * Writes frames[i] = buf[offsets[i] .. +lengths[i]) for i < count, in order; returns how many
   * were written. With offload, consecutive segments of one TCP flow leave as one super-frame.
   */
  writeBatch(buf: Uint8Array, offsets: Uint32Array, lengths: Uint32Array, count?: number): number;
  stats(): TapStats;
  /** Stops reading and releases the device. Idempotent. */
  close(): void;
}

// The addon's shape (native/src/addon.cc). Every handle reports failures as this value.
export interface NativeError {
  code: string;
  errno: number;
  syscall: string;
  message: string;
}
interface NativeHandle {
  name(): string;
  ifIndex(): number;
  getMac(): Buffer | NativeError;
  setMac(mac: Uint8Array): NativeError | undefined;
  getMtu(): number | NativeError;
  setMtu(mtu: number): NativeError | undefined;
  /** Both host-order uint32. */
  setIpv4(address: number, mask: number): NativeError | undefined;
  start(slab: Buffer, offsets: Uint32Array, lengths: Uint32Array, cb: (n: number, e?: NativeError) => void): NativeError | undefined;
  write(frame: Uint8Array): boolean;
  writeBatch(buf: Uint8Array, offsets: Uint32Array, lengths: Uint32Array, count: number): number;
  stats(): TapStats;
  close(): void;
}
interface NativeAddon {
  platform: string;
  maxFrame: number;
  open(opts: { name?: string; create: boolean; offload: boolean }): NativeHandle | NativeError;
  agentOpen(socketPath: string, name: string, offload: boolean): NativeHandle | NativeError | { refused: string };
}

export const MIN_MTU = 68;
export const MAX_MTU = 65535;
const DEFAULT_BATCH = 64;
const SLAB_BYTES = 1 << 20; // 64 full-size Ethernet frames need ~97 KiB; jumbo batches fit too

const invalid = (message: string): TapError => ({ kind: 'invalid-argument', code: 'EINVAL', message });
const closedError = (): TapError => ({ kind: 'closed', code: 'EBADF', message: 'device is closed' });
const fromNative = (e: NativeError): TapError =>
  e.syscall === 'owner'
    ? { kind: 'foreign', code: e.code, errno: e.errno, syscall: e.syscall, message: 'the device belongs to another user' }
    : { kind: 'system', code: e.code, errno: e.errno, syscall: e.syscall, message: `${e.syscall}: ${e.message}` };
export const isNativeError = (v: unknown): v is NativeError =>
  typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && 'code' in v && 'syscall' in v;

let addon: Result<NativeAddon, TapError> | undefined;

/** Loads the addon once; a missing build is an error value, not an exception. */
export function loadAddon(): Result<NativeAddon, TapError> {
  if (addon !== undefined) return addon;
  // From native/tap.ts (tsx) and from dist/native/tap.js (compiled) alike.
  const candidates = ['./build/Release/kith_tap.node', '../../native/build/Release/kith_tap.node'];
  const found = candidates.find((c) => existsSync(fileURLToPath(new URL(c, import.meta.url))));
  if (found === undefined) {
    addon = { ok: false, error: { kind: 'not-built', code: 'ENOENT', message: 'native addon not built: run npm run build:native' } };
    return addon;
  }
  try {
    const require = createRequire(import.meta.url);
    addon = { ok: true, value: require(found) as NativeAddon };
  } catch (e) {
    addon = { ok: false, error: { kind: 'not-built', code: 'ENOEXEC', message: `native addon failed to load (${String(e)}): run npm run build:native` } };
  }
  return addon;
}

/** Checks a device name for this OS without touching the system. */
export function validateTapName(name: string, platform: NodeJS.Platform = process.platform): TapError | undefined {
  if (platform === 'win32') {
    // TAP-Windows6 adapters are found by their connection name ("Kith", "Ethernet 3").
    const printable = [...name].every((c) => c.charCodeAt(0) >= 0x20 && !'\\/"'.includes(c));
    return name.length >= 1 && name.length <= 255 && printable ? undefined : invalid(`bad adapter name: ${JSON.stringify(name)}`);
  }
  // IFNAMSIZ is 16 on Linux, FreeBSD and macOS: at most 15 characters, no slashes or spaces.
  return /^[A-Za-z0-9_.-]{1,15}$/.test(name) && name !== '.' && name !== '..'
    ? undefined
    : invalid(`bad device name: ${JSON.stringify(name)} (1-15 of A-Z a-z 0-9 _ . -)`);
}

function validateMac(mac: Uint8Array): TapError | undefined {
  if (mac.length !== 6) return invalid('MAC must be 6 bytes');
  if ((mac[0]! & 1) !== 0) return invalid('MAC must be unicast');
  if (mac.every((b) => b === 0)) return invalid('MAC must not be all zero');
  return undefined;
}

/** A dotted-quad IPv4 address as a host-order uint32; undefined for anything else. */
function ipv4Number(address: string): number | undefined {
  if (!isIPv4(address)) return undefined;
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

function validateMtu(mtu: number): TapError | undefined {
  return Number.isInteger(mtu) && mtu >= MIN_MTU && mtu <= MAX_MTU ? undefined : invalid(`MTU must be an integer ${MIN_MTU}..${MAX_MTU}`);
}

class Batch implements FrameBatch {
  count = 0;
  constructor(
    readonly data: Buffer,
    readonly offsets: Uint32Array,
    readonly lengths: Uint32Array,
  ) {}
  frame(i: number): Buffer {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new RangeError(`frame ${i} of ${this.count}`);
    const off = this.offsets[i]!;
    return this.data.subarray(off, off + this.lengths[i]!);
  }
}

// Devices that are reading stay reachable even if the caller drops them, so the addon's GC
// finaliser never silently stops a live device; close() removes them.
const live = new Set<Device>();

/** The addon's handle behind each device this module opened (for the express lane, native/express.ts). */
const nativeHandles = new WeakMap<TapDevice, NativeHandle>();

/** The addon's handle behind device, or undefined for a device this module did not open. */
export function nativeTapHandle(device: TapDevice): unknown {
  return nativeHandles.get(device);
}

class Device implements TapDevice {
  readonly name: string;
  readonly ifIndex: number;
  #handle: NativeHandle;
  #closed = false;
  #started = false;
  #onError: ((e: TapError) => void) | undefined;
  readonly #batchSize: number;
  readonly #maxFrame: number;

  constructor(handle: NativeHandle, batchSize: number, maxFrame: number) {
    this.#handle = handle;
    nativeHandles.set(this, handle);
    this.name = handle.name();
    this.ifIndex = handle.ifIndex();
    this.#batchSize = batchSize;
    this.#maxFrame = maxFrame;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get mac(): Uint8Array {
    if (this.#closed) return new Uint8Array(6);
    const m = this.#handle.getMac();
    return isNativeError(m) ? new Uint8Array(6) : new Uint8Array(m);
  }

  get offload(): number {
    return this.#closed ? 0 : this.#handle.stats().offloadFlags;
  }

  get mtu(): number {
    if (this.#closed) return 0;
    const m = this.#handle.getMtu();
    return typeof m === 'number' ? m : 0;
  }

  setMac(mac: Uint8Array): Result<void, TapError> {
    const bad = validateMac(mac);
    if (bad) return { ok: false, error: bad };
    if (this.#closed) return { ok: false, error: closedError() };
    const e = this.#handle.setMac(mac);
    return e ? { ok: false, error: fromNative(e) } : { ok: true, value: undefined };
  }

  setMtu(mtu: number): Result<void, TapError> {
    const bad = validateMtu(mtu);
    if (bad) return { ok: false, error: bad };
    if (this.#closed) return { ok: false, error: closedError() };
    const e = this.#handle.setMtu(mtu);
    return e ? { ok: false, error: fromNative(e) } : { ok: true, value: undefined };
  }

  setIpv4(address: string, prefix: number): Result<void, TapError> {
    const host = ipv4Number(address);
    // The masquerade's server takes the subnet's last usable address: a /31 or /32 has none to spare.
    if (host === undefined || !Number.isInteger(prefix) || prefix < 1 || prefix > 30) return { ok: false, error: invalid(`bad IPv4 address: ${address}/${prefix}`) };
    if (this.#closed) return { ok: false, error: closedError() };
    const e = this.#handle.setIpv4(host, (0xffffffff << (32 - prefix)) >>> 0);
    return e ? { ok: false, error: fromNative(e) } : { ok: true, value: undefined };
  }

  onFrames(handler: (batch: FrameBatch) => void): Result<void, TapError> {
    if (this.#closed) return { ok: false, error: closedError() };
    if (this.#started) return { ok: false, error: invalid('onFrames may be called once') };
    const batch = new Batch(Buffer.allocUnsafeSlow(Math.max(SLAB_BYTES, this.#maxFrame)), new Uint32Array(this.#batchSize), new Uint32Array(this.#batchSize));
    const e = this.#handle.start(batch.data, batch.offsets, batch.lengths, (n, readError) => {
      if (n > 0) {
        batch.count = n;
        try {
          inCallbackScope(() => handler(batch));
        } finally {
          batch.count = 0;
        }
      }
      if (readError) {
        // The addon has already closed the device so a dead fd cannot spin the loop.
        this.#markClosed();
        const error = fromNative(readError);
        if (this.#onError) this.#onError(error);
        else process.emitWarning(`TAP ${this.name}: ${error.message}`, { code: 'KITH_TAP_READ' });
      }
    });
    if (e) return { ok: false, error: fromNative(e) };
    this.#started = true;
    live.add(this);
    return { ok: true, value: undefined };
  }

  onError(handler: (error: TapError) => void): void {
    this.#onError = handler;
  }

  write(frame: Uint8Array): boolean {
    if (frame.length < 14 || frame.length > this.#maxFrame) return false;
    return this.#handle.write(frame);
  }

  writeBatch(buf: Uint8Array, offsets: Uint32Array, lengths: Uint32Array, count = Math.min(offsets.length, lengths.length)): number {
    if (!Number.isInteger(count) || count < 0 || count > offsets.length || count > lengths.length) {
      throw new RangeError(`count ${count} out of range`);
    }
    return this.#handle.writeBatch(buf, offsets, lengths, count);
  }

  stats(): TapStats {
    return this.#handle.stats();
  }

  close(): void {
    if (this.#closed) return;
    this.#handle.close();
    this.#markClosed();
  }

  #markClosed(): void {
    this.#closed = true;
    live.delete(this);
  }
}

/** Opens (or creates) a TAP device. Never throws. */
export function openTap(opts: TapOptions): Result<TapDevice, TapError> {
  if (opts.name !== undefined) {
    const bad = validateTapName(opts.name);
    if (bad) return { ok: false, error: bad };
  } else if (!opts.create) {
    return { ok: false, error: invalid('a name is required to attach to an existing device') };
  }
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1024) return { ok: false, error: invalid('batchSize must be 1..1024') };
  const mtuBad = opts.mtu === undefined ? undefined : validateMtu(opts.mtu);
  if (mtuBad) return { ok: false, error: mtuBad };
  const macBad = opts.mac === undefined ? undefined : validateMac(opts.mac);
  if (macBad) return { ok: false, error: macBad };

  const loaded = loadAddon();
  if (!loaded.ok) return loaded;
  const offload = opts.offload === true;
  const h = loaded.value.open(opts.name === undefined ? { create: opts.create, offload } : { name: opts.name, create: opts.create, offload });
  if (isNativeError(h)) return { ok: false, error: fromNative(h) };
  const dev = new Device(h, batchSize, loaded.value.maxFrame);
  for (const step of [
    () => (opts.mac === undefined ? undefined : dev.setMac(opts.mac)),
    () => (opts.mtu === undefined || dev.mtu === opts.mtu ? undefined : dev.setMtu(opts.mtu)),
  ]) {
    const r = step();
    if (r && !r.ok) {
      dev.close();
      return r;
    }
  }
  return { ok: true, value: dev };
}

// kith-tap's agent (`kith-tap serve <socket>`, native/kith-tap/kith-tap.c): a root process that
// creates the caller's device and hands over its descriptor, and configures its host side. One
// request per connection; the reply is one line, "ok[ <ifname>]" or "error <reason>".

export interface AgentTapOptions {
  /** The agent's unix socket. */
  readonly socket: string;
  /** The kith name the agent knows the device by (it accepts kith[A-Za-z0-9_-]{0,11}). */
  readonly name: string;
  readonly mac?: Uint8Array;
  readonly batchSize?: number;
  /** Segmentation offload, where the agent opened the device with IFF_VNET_HDR (else off). */
  readonly offload?: boolean;
}

const AGENT_TIMEOUT_MS = 5000;
const AGENT_REPLY_MAX = 256;

const refused = (reason: string): TapError => ({ kind: 'refused', code: 'EPERM', message: `kith-tap agent: ${reason}` });

/**
 * The device from the agent, created for this user on first use. Its name is the OS interface the
 * descriptor is attached to (the kith name on Linux, the engine's feth on macOS). Never throws.
 */
export function openTapFromAgent(opts: AgentTapOptions): Result<TapDevice, TapError> {
  const bad = validateTapName(opts.name) ?? (opts.mac === undefined ? undefined : validateMac(opts.mac));
  if (bad) return { ok: false, error: bad };
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1024) return { ok: false, error: invalid('batchSize must be 1..1024') };
  const loaded = loadAddon();
  if (!loaded.ok) return loaded;
  const h = loaded.value.agentOpen(opts.socket, opts.name, opts.offload === true);
  if ('refused' in h) return { ok: false, error: refused(h.refused) };
  if (isNativeError(h)) return { ok: false, error: fromNative(h) };
  const dev = new Device(h, batchSize, loaded.value.maxFrame);
  if (opts.mac !== undefined) {
    const r = dev.setMac(opts.mac);
    if (!r.ok) {
      dev.close();
      return r;
    }
  }
  return { ok: true, value: dev };
}

export type AgentRequest =
  | { readonly op: 'addr'; readonly name: string; readonly address: string; readonly prefix: number }
  | { readonly op: 'mtu'; readonly name: string; readonly mtu: number }
  | { readonly op: 'up' | 'down'; readonly name: string };

function requestLine(r: AgentRequest): string | TapError {
  const bad = validateTapName(r.name);
  if (bad) return bad;
  switch (r.op) {
    case 'addr':
      return /^[0-9.]{7,15}$/.test(r.address) && Number.isInteger(r.prefix) ? `addr ${r.name} ${r.address}/${r.prefix}\n` : invalid('bad IPv4 address');
    case 'mtu':
      return validateMtu(r.mtu) ?? `mtu ${r.name} ${r.mtu}\n`;
    default:
      return `${r.op} ${r.name}\n`;
  }
}

/** Configures the host side through the agent (the same checks as kith-tap's commands). Never rejects. */
export function agentRequest(socketPath: string, request: AgentRequest): Promise<Result<void, TapError>> {
  const line = requestLine(request);
  if (typeof line !== 'string') return Promise.resolve({ ok: false, error: line });
  return new Promise((resolve) => {
    let reply = '';
    let done = false;
    const sock = connect(socketPath);
    const finish = (r: Result<void, TapError>): void => {
      if (done) return;
      done = true;
      sock.destroy();
      resolve(r);
    };
    const protocol = (what: string): Result<void, TapError> => ({ ok: false, error: { kind: 'system', code: 'EPROTO', syscall: 'agent', message: `kith-tap agent: ${what}` } });
    sock.setEncoding('latin1');
    sock.setTimeout(AGENT_TIMEOUT_MS, () => finish({ ok: false, error: { kind: 'system', code: 'ETIMEDOUT', syscall: 'agent', message: 'kith-tap agent: no reply' } }));
    sock.on('connect', () => sock.write(line));
    sock.on('data', (chunk: string) => {
      reply += chunk;
      const nl = reply.indexOf('\n');
      if (nl < 0) {
        if (reply.length > AGENT_REPLY_MAX) finish(protocol('reply too long'));
        return;
      }
      const text = reply.slice(0, nl);
      if (text === 'ok') finish({ ok: true, value: undefined });
      else if (text.startsWith('error ')) finish({ ok: false, error: refused(text.slice(6)) });
      else finish(protocol(`unexpected reply ${JSON.stringify(text.slice(0, 80))}`));
    });
    sock.on('error', (e: NodeJS.ErrnoException) =>
      finish({ ok: false, error: { kind: 'system', code: e.code ?? 'EIO', syscall: e.syscall ?? 'connect', message: `kith-tap agent at ${socketPath}: ${e.message}` } }),
    );
    sock.on('close', () => finish(protocol('closed without a reply')));
  });
}
