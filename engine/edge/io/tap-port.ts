// The native TAP device as the edge's FramePort, plus the host side of the interface (MTU, up,
// IPv4 address). DESIGN.md (privilege on Linux): kith-tap is the one privileged piece. Started as
// root, the edge creates the TAP itself (it disappears when the edge closes it) and configures it
// with kith-tap; started as a user, it attaches to a persistent TAP that user owns, which kith-tap,
// installed with cap_net_admin, creates on first use (or `sudo kith-tap create <name> <user>` made)
// and configures. Or, with an agent (`kith-tap serve`, root: launchd on macOS, optionally systemd
// on Linux), an unprivileged edge gets the device's descriptor and its configuration from the
// agent instead: openAgentPort below. On Windows the installer makes the TAP-Windows6 adapter once,
// and its driver gives it the address: openWindowsPort.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agentRequest, openTap, openTapFromAgent, type AgentRequest, type TapDevice, type TapError } from '../../../native/tap.js';
import { routeOverlap, type RouteElsewhere } from '../../config/tap-address-rules.js';
import type { IpSubnet } from '../../protocol/index.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { flushAfter } from '../../../native/callback-scope.js';
import type { FramePort } from './frame-port.js';

export type TapPortErrorKind = 'permission' | 'missing' | 'busy' | 'unsupported' | 'invalid' | 'configure';

export interface TapPort extends FramePort {
  readonly name: string;
  /** This process created the device, so it disappears when the port closes. */
  readonly created: boolean;
  /** Sets the host's IPv4 address of the interface; rejects with a one-line reason. */
  configureAddress(address: IpSubnet): Promise<void>;
  /** Takes the address off again (disconnected), where the host side allows it. */
  clearAddress(): Promise<void>;
  /** After close(): removes the device if kith-tap made it for this port, else its address. */
  release(): Promise<void>;
}

export interface TapPortOptions {
  readonly name: string;
  readonly mtu: number;
  /** tuntap.macaddr; without it the device keeps the MAC the kernel gave it. */
  readonly mac: Uint8Array | undefined;
  /** Creates the device rather than attach to a persistent one (default: holds CAP_NET_ADMIN). */
  readonly privileged?: boolean;
  /** Path of kith-tap (default: $KITH_TAP_HELPER, the built copy in the tree, else PATH). */
  readonly helper?: string;
  /** The device vanished or failed while reading; the port is closed. */
  readonly onLost?: (reason: string) => void;
  /** kith-tap's agent socket for an unprivileged edge (default: agentSocket()). */
  readonly agent?: string;
}

const HELPER_TIMEOUT_MS = 10_000;

/**
 * Linux: the TAP opens with segmentation offload (native/tap.ts): a read may be one TCP super-frame,
 * which the addon splits into ordinary frames, and the frames of one callback are written together
 * so the device can coalesce them. Other systems keep plain frames.
 */
const OFFLOAD = process.platform === 'linux';

/** Frames per TAP read batch: a split 64 kB super-frame is ~45 frames, and a batch is one encrypt call. */
const READ_BATCH = 256;

/** kith-tap refuses names outside `kith[A-Za-z0-9_-]{0,11}` (kith-tap.c check_name). */
const HELPER_NAMES = /^kith[A-Za-z0-9_-]{0,11}$/;

const CAP_NET_ADMIN = 12;

/** Root, or a service given CAP_NET_ADMIN as an ambient capability (build/systemd/kith-edge@.service). */
export function holdsNetAdmin(): boolean {
  if (process.getuid?.() === 0) return true;
  try {
    const effective = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return effective !== undefined && (BigInt(`0x${effective}`) & (1n << BigInt(CAP_NET_ADMIN))) !== 0n;
  } catch {
    return false;
  }
}

/** The TAP name for a session (CONFIG.md §3): tuntap.name, else the session name cut to 15 bytes. */
export function tapNameFor(session: string, configured: string | undefined): string {
  return configured ?? session.slice(0, 15);
}

function defaultHelper(): string {
  const fromEnv = process.env['KITH_TAP_HELPER'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  // engine/edge/io/ (tsx) and dist/engine/edge/io/ (compiled) alike.
  const built = ['../../../native/build/kith-tap', '../../../../native/build/kith-tap'].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
  return built.find((path) => existsSync(path)) ?? 'kith-tap';
}

/** Runs a command to completion; resolves with its output, rejects with its first line of errors. */
function run(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: HELPER_TIMEOUT_MS, encoding: 'utf8', maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(stderr.trim().split('\n')[0] || error.message));
    });
  });
}

/**
 * How the host side is configured: kith-tap, except where its policy (kith* names; a non-root caller
 * only on TAPs it owns) refuses what a privileged edge may do itself, which iproute2 then does.
 */
interface HostInterface {
  mtu(mtu: number): Promise<unknown>;
  up(): Promise<unknown>;
  address(address: IpSubnet): Promise<unknown>;
  /** Removes the IPv4 address; absent where the host side cannot (the agent, Windows). */
  clear?(): Promise<unknown>;
  /** Removes a persistent device kith-tap made. */
  remove?(): Promise<unknown>;
}

function kithTapHost(helper: string, name: string, privileged: boolean): HostInterface {
  const call = async (args: string[]): Promise<void> => {
    try {
      await run(helper, args);
    } catch (error) {
      const hint = privileged ? '' : ` — kith-tap needs cap_net_admin: sudo setcap cap_net_admin=ep ${helper}`;
      throw new Error(`${(error as Error).message}${/not permitted|ENOENT/.test((error as Error).message) ? hint : ''}`);
    }
  };
  return {
    mtu: (mtu) => call(['mtu', name, String(mtu)]),
    up: () => call(['up', name]),
    address: (address) => call(['addr', name, `${address.address}/${address.prefix}`]),
    clear: () => call(['flush', name]),
    remove: () => call(['delete', name]),
  };
}

interface RouteRow {
  readonly dst?: unknown;
  readonly dev?: unknown;
  readonly nexthops?: readonly { readonly dev?: unknown }[];
}

/** A TUN/TAP device of this user (root: also an ownerless one), whose routes are this user's own VPN's. */
function ownTunDevice(device: string): boolean {
  try {
    readFileSync(`/sys/class/net/${device}/tun_flags`);
    const owner = Number(readFileSync(`/sys/class/net/${device}/owner`, 'utf8').trim());
    const me = process.geteuid?.();
    return owner === me || (me === 0 && owner === -1);
  } catch {
    return false; // not a TUN/TAP device, or gone
  }
}

/**
 * IPv4 routes of every table (iproute2's JSON) that leave through an interface other than `name`
 * and this user's own TUN/TAP devices: kith-tap's route_conflict, for devices it does not configure.
 */
async function routesElsewhere(name: string): Promise<RouteElsewhere[]> {
  const text = await run('ip', ['-j', '-4', 'route', 'show', 'table', 'all']);
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch {
    throw new Error('cannot read the routing table (ip -j route)');
  }
  if (!Array.isArray(rows)) throw new Error('cannot read the routing table (ip -j route)');
  return (rows as RouteRow[]).flatMap((row) => {
    const devices = typeof row.dev === 'string' ? [row.dev] : (row.nexthops ?? []).map((hop) => String(hop.dev));
    const others = devices.filter((dev) => dev !== name && !ownTunDevice(dev));
    if (typeof row.dst !== 'string' || row.dst === 'default' || (devices.length > 0 && others.length === 0)) return [];
    const [address = '', prefix = '32'] = row.dst.split('/');
    return [{ destination: { address, prefix: Number(prefix) }, via: others[0] ?? 'no interface' }];
  });
}

/**
 * E.g. n3n's TAP named after the session (`ci_edge1`), or one created under an ambient
 * CAP_NET_ADMIN. kith-tap is not involved, so its live-route rule is applied here.
 */
function iproute2Host(name: string): HostInterface {
  return {
    mtu: (mtu) => run('ip', ['link', 'set', 'dev', name, 'mtu', String(mtu)]),
    up: () => run('ip', ['link', 'set', 'dev', name, 'up']),
    address: async (address) => {
      const overlap = routeOverlap(address, await routesElsewhere(name));
      if (overlap !== undefined) throw new Error(overlap.message);
      await run('ip', ['-4', 'address', 'flush', 'dev', name]);
      await run('ip', ['address', 'add', `${address.address}/${address.prefix}`, 'dev', name]);
    },
    clear: () => run('ip', ['-4', 'address', 'flush', 'dev', name]),
  };
}

/** The addon refused a device another user owns (native/src/tap_linux.cc CheckOwner): whose it is, and what to do. */
function foreignFailure(name: string): Result<never, TapPortErrorKind> {
  let owner = 'another user';
  try {
    const uid = readFileSync(`/sys/class/net/${name}/owner`, 'utf8').trim();
    owner = uid === '-1' ? 'no user' : `uid ${uid}`;
  } catch {
    // Gone meanwhile: "another user" says enough.
  }
  return err(
    'permission',
    `cannot open TAP ${name}: it belongs to ${owner}, not to this user (uid ${process.geteuid?.() ?? '?'}), and Kith uses only its own user's TAP; choose another tuntap.name, or have its owner remove it (kith-tap delete ${name})`,
  );
}

/**
 * One line naming what went wrong and the command that fixes it. `created` is what kith-tap said
 * when it was asked to make the device and could not (the usual cause: it lacks cap_net_admin).
 */
function openFailure(name: string, privileged: boolean, helper: string, error: TapError, created?: string): Result<never, TapPortErrorKind> {
  const fix = HELPER_NAMES.test(name)
    ? `give kith-tap the capability once (sudo setcap cap_net_admin=ep ${helper}), or run as root`
    : `kith-tap makes only TAPs named kith…: set tuntap.name=kith${name.slice(0, 11).replace(/[^A-Za-z0-9_-]/g, '')}, or run as root`;
  if (error.kind === 'foreign') return foreignFailure(name);
  if (error.kind === 'not-built') return err('unsupported', `cannot open TAP ${name}: ${error.message}`);
  if (error.kind === 'invalid-argument') return err('invalid', `cannot open TAP ${name}: ${error.message}`);
  // Without the capability the edge only attaches to a TAP that exists (native: if_nametoindex).
  if (error.syscall === 'if_nametoindex') {
    const why = created === undefined ? '' : ` (kith-tap create: ${created})`;
    return err('permission', `cannot open TAP ${name}: it does not exist, and this user lacks CAP_NET_ADMIN to create it${why}; ${fix}`);
  }
  switch (error.code) {
    case 'EPERM':
    case 'EACCES':
      if (error.syscall === 'open') return err('permission', `cannot open TAP ${name}: /dev/net/tun: permission denied (Debian's mode is 0666: sudo chmod 0666 /dev/net/tun)`);
      if (privileged) return err('permission', `cannot create TAP ${name}: permission denied (CAP_NET_ADMIN missing?)`);
      return err('permission', `cannot open TAP ${name}: permission denied — it belongs to another user, and this user lacks CAP_NET_ADMIN; ${fix}`);
    case 'EBUSY':
      return err('busy', `cannot open TAP ${name}: in use by another process`);
    case 'ENOENT':
    case 'ENODEV':
    case 'ENXIO':
      return err('unsupported', `cannot open TAP ${name}: no /dev/net/tun (load the tun module)`);
    default:
      return err('configure', `cannot open TAP ${name}: ${error.message}`);
  }
}

/** Opens the device, sets the MTU and brings it up. The address comes later (configureAddress). */
export async function openTapPort(options: TapPortOptions): Promise<Result<TapPort, TapPortErrorKind>> {
  if (process.platform === 'win32') return openWindowsPort(options);
  const { name } = options;
  const privileged = options.privileged ?? holdsNetAdmin();
  const agent = options.agent ?? agentSocket();
  if (!privileged && agent !== undefined) return openAgentPort(options, agent);
  const existed = existsSync(`/sys/class/net/${name}`);
  const helper = options.helper ?? defaultHelper();
  // As a user, the persistent TAP is made on first use by kith-tap (which the packages install with
  // cap_net_admin), so connecting needs no root step; if that fails, the hints below still apply.
  const uid = process.getuid?.();
  let created: string | undefined;
  let madeByHelper = false;
  if (!privileged && !existed && uid !== undefined && HELPER_NAMES.test(name)) {
    await run(helper, ['create', name, String(uid)]).then(
      () => (madeByHelper = true),
      (error: Error) => (created = error.message),
    );
  }
  const opened = openTap({ name, create: privileged, offload: OFFLOAD, batchSize: READ_BATCH, ...(options.mac === undefined ? {} : { mac: options.mac }) });
  if (!opened.ok) return openFailure(name, privileged, helper, opened.error, created);
  const helperAllowed = !privileged || (uid === 0 && HELPER_NAMES.test(name));
  const host = helperAllowed ? kithTapHost(helper, name, privileged) : iproute2Host(name);
  return bringUp(opened.value, host, options, privileged && !existed, madeByHelper);
}

/** Sets the MTU (when it differs) and the link up; a failure closes the device. */
async function bringUp(device: TapDevice, host: HostInterface, options: TapPortOptions, created: boolean, madeByHelper = false): Promise<Result<TapPort, TapPortErrorKind>> {
  const { name, mtu } = options;
  try {
    if (device.mtu !== mtu) await host.mtu(mtu);
    await host.up();
  } catch (error) {
    device.close();
    return err('configure', `cannot configure TAP ${name}: ${(error as Error).message}`);
  }
  device.onError((error) => options.onLost?.(`TAP ${name}: ${error.message}`));
  return ok(framePortOf(device, created, host, madeByHelper));
}

// ---- Through kith-tap's agent (kith-tap serve) ----

/** The macOS pkg's agent (build/macos/net.kith.tapd.plist). */
const MAC_AGENT_SOCKET = '/var/run/kith-tapd.sock';

/** $KITH_TAP_AGENT (empty: none), else the agent the macOS pkg installs; none by default on Linux. */
export function agentSocket(platform: NodeJS.Platform = process.platform): string | undefined {
  const configured = process.env['KITH_TAP_AGENT'];
  if (configured !== undefined) return configured === '' ? undefined : configured;
  return platform === 'darwin' ? MAC_AGENT_SOCKET : undefined;
}

function agentHost(socket: string, name: string): HostInterface {
  const call = async (request: AgentRequest): Promise<void> => {
    const r = await agentRequest(socket, request);
    if (!r.ok) throw new Error(r.error.message);
  };
  return {
    mtu: (mtu) => call({ op: 'mtu', name, mtu }),
    up: () => call({ op: 'up', name }),
    address: (address) => call({ op: 'addr', name, address: address.address, prefix: address.prefix }),
  };
}

function agentFailure(name: string, socket: string, error: TapError): Result<never, TapPortErrorKind> {
  const start = `start it (macOS: the Kith pkg installs it; Linux: kith-tap serve ${socket} as root) or unset KITH_TAP_AGENT`;
  if (error.kind === 'foreign') return foreignFailure(name);
  if (error.kind === 'not-built') return err('unsupported', `cannot open TAP ${name}: ${error.message}`);
  if (error.kind === 'invalid-argument') return err('invalid', `cannot open TAP ${name}: ${error.message}`);
  if (error.kind === 'refused') return err('permission', `cannot open TAP ${name}: ${error.message}`);
  if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED') return err('unsupported', `cannot open TAP ${name}: no kith-tap agent at ${socket} — ${start}`);
  if (error.code === 'EACCES') return err('permission', `cannot open TAP ${name}: no access to the kith-tap agent at ${socket}`);
  return err('configure', `cannot open TAP ${name}: ${error.message}`);
}

/** The agent creates (on first use) and opens the caller's device, then sets its MTU and link. */
async function openAgentPort(options: TapPortOptions, socket: string): Promise<Result<TapPort, TapPortErrorKind>> {
  const { name } = options;
  const opened = openTapFromAgent({ socket, name, offload: OFFLOAD, batchSize: READ_BATCH, ...(options.mac === undefined ? {} : { mac: options.mac }) });
  if (!opened.ok) return agentFailure(name, socket, opened.error);
  return bringUp(opened.value, agentHost(socket, name), options, false);
}

// ---- Windows: a TAP-Windows6 adapter ----

/**
 * TAP-Windows6 keeps its MTU and MAC in the adapter's properties (the installer sets them) and
 * connects the link when reading starts; its driver hands the adapter its address through DHCP
 * masquerade (native/src/tap_win.cc), so nothing here needs elevation.
 */
export function windowsHost(device: Pick<TapDevice, 'setIpv4'>): HostInterface {
  return {
    mtu: () => Promise.resolve(),
    up: () => Promise.resolve(),
    address: ({ address, prefix }) => {
      const set = device.setIpv4(address, prefix);
      return set.ok ? Promise.resolve() : Promise.reject(new Error(set.error.message));
    },
  };
}

/** The adapter is found by its connection name (e.g. "Kith"); tuntap.macaddr cannot apply to it. */
function openWindowsPort(options: TapPortOptions): Promise<Result<TapPort, TapPortErrorKind>> {
  const { name } = options;
  const opened = openTap({ name, create: false });
  if (opened.ok) return bringUp(opened.value, windowsHost(opened.value), options, false);
  const { error } = opened;
  if (error.kind === 'not-built') return Promise.resolve(err('unsupported', `cannot open TAP ${name}: ${error.message}`));
  if (error.kind === 'invalid-argument') return Promise.resolve(err('invalid', `cannot open TAP ${name}: ${error.message}`));
  if (error.code === 'ENOENT') return Promise.resolve(err('missing', `cannot open TAP ${name}: no TAP-Windows6 adapter by that name (Kith's installer sets one up)`));
  return Promise.resolve(err('configure', `cannot open TAP ${name}: ${error.message}`));
}

/** Frames written during one handler (callback-scope.ts), handed to the device together when it returns. */
function batchedWrites(device: TapDevice): (frame: Uint8Array) => void {
  const slab = new Uint8Array(1 << 20);
  const offsets = new Uint32Array(1024);
  const lengths = new Uint32Array(1024);
  let count = 0;
  let used = 0;
  const flush = (): void => {
    if (count > 0 && !device.closed) device.writeBatch(slab, offsets, lengths, count);
    count = used = 0;
  };
  return (frame) => {
    if (count === offsets.length || used + frame.length > slab.length) flush();
    if (count === 0) flushAfter(flush);
    slab.set(frame, used);
    offsets[count] = used;
    lengths[count++] = frame.length;
    used += frame.length;
  };
}

function framePortOf(device: TapDevice, created: boolean, host: HostInterface, madeByHelper: boolean): TapPort {
  const mac = device.mac;
  const frames: Uint8Array[] = [];
  const queue = device.offload !== 0 ? batchedWrites(device) : undefined;
  return {
    name: device.name,
    created,
    mac,
    nativeDevice: device,
    get mtu() {
      return device.mtu;
    },
    onFrames(handler) {
      // The views are only valid during the call; the engine encodes them before returning.
      const started = device.onFrames((batch) => {
        const { data, offsets, lengths } = batch;
        // Plain Uint8Array views: cheaper to make than Buffer ones (no species lookup).
        const base = data.byteOffset;
        frames.length = batch.count;
        for (let i = 0; i < batch.count; i++) frames[i] = new Uint8Array(data.buffer, base + offsets[i]!, lengths[i]);
        handler(frames);
        frames.length = 0;
      });
      if (!started.ok) throw new Error(`cannot read TAP ${device.name}: ${started.error.message}`);
    },
    write(frame) {
      if (queue !== undefined) return queue(frame);
      // The engine counts a throw as a tuntap_error (MANAGEMENT.md §6.7).
      if (!device.write(frame)) throw new Error(`TAP ${device.name} dropped a frame`);
    },
    close() {
      device.close();
    },
    async configureAddress(address) {
      try {
        await host.address(address);
      } catch (error) {
        throw new Error(`cannot set ${address.address}/${address.prefix} on TAP ${device.name}: ${(error as Error).message}`);
      }
    },
    async clearAddress() {
      try {
        await host.clear?.();
      } catch (error) {
        throw new Error(`cannot take the address off TAP ${device.name}: ${(error as Error).message}`);
      }
    },
    // A device that went with close() (created) needs nothing; kith-tap's persistent one made for
    // this port goes (remove); one that was there before stays, without its address (clear).
    async release() {
      if (created) return;
      try {
        await (madeByHelper && host.remove !== undefined ? host.remove() : host.clear?.());
      } catch (error) {
        throw new Error(`cannot clean up TAP ${device.name}: ${(error as Error).message}`);
      }
    },
  };
}
