// Load generator for a supernode over UDP on loopback (registrations/s, relayed PACKETs/s, memory,
// cost per registration as the table grows). Options and method: docs/supernode-benchmark.md.
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AuthScheme,
  CompressionId,
  DEFAULT_TTL,
  MessageType,
  NULL_MAC,
  communityFieldFromName,
  decodeMessage,
  encodeMessage,
} from '../engine/protocol/index.js';
import type { Mac, Message } from '../engine/protocol/index.js';
import { TransformId } from '../engine/crypto/transform.js';
import { kithProgram } from './kith-runner.js';
import type { KithRunner } from './kith-runner.js';
import { cpuSeconds, memoryKiB, schedulerCpuSeconds, ticksPerSecond } from './proc-cpu.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const LOOPBACK = '127.0.0.1';

interface Settings {
  readonly edgesSmall: number;
  readonly edgesLarge: number;
  readonly regSockets: number;
  readonly regWindow: number;
  readonly regTimeoutMs: number;
  readonly regAttempts: number;
  readonly regPhaseLimitMs: number;
  readonly relayWindow: number;
  readonly relayWarmupMs: number;
  /** Each of relayRounds back-to-back rounds; the median round is reported. */
  readonly relayMeasureMs: number;
  readonly relayRounds: number;
  readonly relayMaxPackets: number;
  readonly payloadBytes: number;
  readonly churnWaitS: number;
  /** Table sizes at which a registration batch is timed (empty: no series). */
  readonly scaleSizes: readonly number[];
  readonly scaleBatch: number;
}

const FULL: Settings = {
  edgesSmall: 1_000,
  edgesLarge: 10_000,
  regSockets: 4,
  regWindow: 32,
  regTimeoutMs: 500,
  regAttempts: 3,
  regPhaseLimitMs: 60_000,
  relayWindow: 64,
  relayWarmupMs: 500,
  relayMeasureMs: 2_000,
  relayRounds: 3,
  relayMaxPackets: 5_000_000,
  payloadBytes: 1400,
  churnWaitS: 100,
  scaleSizes: [1_000, 12_500, 37_000, 60_000],
  scaleBatch: 2_000,
};

const QUICK: Settings = { ...FULL, edgesSmall: 200, edgesLarge: 1_000, relayMeasureMs: 1_000, relayRounds: 1, churnWaitS: 0, scaleSizes: [1_000, 5_000], scaleBatch: 500 };
const WARM_UP_ROUNDS = 3;
/** Kith's per-address limits, lifted: the generator registers every edge from one address. */
const KITH_LOAD_OPTIONS = ['-Osupernode.edges_per_address=0', '-Osupernode.registrations_per_address=0', '-Osupernode.registrations_per_community=0'];
const MAX_CHURN_WAIT_S = 150;
const MAX_RELAY_WINDOW = 4096;
const MAX_ROUNDS = 9;
const READY_LIMIT_MS = 20_000;
const STOP_LIMIT_MS = 3_000;

// ---------------------------------------------------------------------------------------------
// Command line

interface Args {
  target?: { host: string; port: number };
  pid?: number;
  spawn?: string;
  /** Measured after the first subject, in the order given. */
  references: string[];
  /** Every subject is measured this many times, the subjects taking turns; medians are shown. */
  rounds: number;
  quick: boolean;
  churnWaitS?: number;
  relayWindow?: number;
  kithRunner: KithRunner;
  scale: boolean;
  scaleOnly: boolean;
  problems: string[];
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { references: [], rounds: 1, quick: false, kithRunner: 'auto', scale: true, scaleOnly: false, problems: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string | undefined => {
      const next = argv[i + 1];
      if (next === undefined) args.problems.push(`${flag} needs a value`);
      else i++;
      return next;
    };
    switch (flag) {
      case '--target': {
        const text = value();
        const match = text === undefined ? null : /^(.*):(\d+)$/.exec(text);
        if (match === null) args.problems.push(`--target wants host:port, got ${text ?? 'nothing'}`);
        else args.target = { host: match[1]!.replace(/^\[(.*)\]$/, '$1') || LOOPBACK, port: Number(match[2]) };
        break;
      }
      case '--pid': {
        const text = value();
        if (text !== undefined && /^\d+$/.test(text)) args.pid = Number(text);
        else args.problems.push('--pid wants a number');
        break;
      }
      case '--spawn': {
        const text = value();
        if (text !== undefined) args.spawn = text;
        break;
      }
      case '--reference': {
        const text = value();
        if (text !== undefined) args.references.push(text);
        break;
      }
      case '--rounds': {
        const text = value();
        if (text !== undefined && /^\d+$/.test(text) && Number(text) >= 1) args.rounds = Math.min(MAX_ROUNDS, Number(text));
        else args.problems.push(`--rounds wants 1..${MAX_ROUNDS}`);
        break;
      }
      case '--churn-wait': {
        const text = value();
        if (text !== undefined && /^\d+$/.test(text)) args.churnWaitS = Math.min(MAX_CHURN_WAIT_S, Number(text));
        else args.problems.push('--churn-wait wants whole seconds');
        break;
      }
      case '--relay-window': {
        const text = value();
        if (text !== undefined && /^\d+$/.test(text) && Number(text) >= 1) args.relayWindow = Math.min(MAX_RELAY_WINDOW, Number(text));
        else args.problems.push(`--relay-window wants 1..${MAX_RELAY_WINDOW}`);
        break;
      }
      case '--kith-runner': {
        const text = value();
        if (text === 'auto' || text === 'dist' || text === 'tsx') args.kithRunner = text;
        else args.problems.push('--kith-runner is auto, dist or tsx');
        break;
      }
      case '--quick':
        args.quick = true;
        break;
      case '--no-scale':
        args.scale = false;
        break;
      case '--scale-only':
        args.scaleOnly = true;
        break;
      default:
        args.problems.push(`unknown argument ${flag}`);
    }
  }
  return args;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const nowMs = (): number => performance.now();

function field(name: string): Uint8Array {
  const result = communityFieldFromName(name);
  if (!result.ok) throw new Error(`bad community ${name}`);
  return result.value;
}

/** 02:bb:<wave>:<index, 24 bits>: unicast, locally administered, distinct per wave and index. */
function edgeMac(wave: number, index: number): Mac {
  return Uint8Array.from([0x02, 0xbb, wave & 0xff, (index >>> 16) & 0xff, (index >>> 8) & 0xff, index & 0xff]);
}

/** 10.<wave>.x.y/8, never .0: distinct per wave and index (index < 65,535). */
function devAddr(wave: number, index: number): { address: string; prefix: number } {
  const n = index + 1;
  return { address: `10.${wave & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`, prefix: 8 };
}

function token(wave: number, index: number): Uint8Array {
  const bytes = new Uint8Array(16);
  bytes.set(edgeMac(wave, index), 0);
  bytes[15] = 0x5a;
  return bytes;
}

const common = (community: string) => ({ ttl: DEFAULT_TTL, fromSupernode: false, communityField: field(community) });

function registerSuper(community: string, wave: number, index: number, cookie: number): Uint8Array {
  const message: Message = {
    ...common(community),
    type: MessageType.RegisterSuper,
    cookie,
    edgeMac: edgeMac(wave, index),
    devAddr: devAddr(wave, index),
    description: `w${wave}e${index}`,
    auth: { scheme: AuthScheme.SimpleId, token: token(wave, index) },
    keyTime: 0,
  };
  return encodeMessage(message);
}

function unregisterSuper(community: string, wave: number, index: number): Uint8Array {
  return encodeMessage({ ...common(community), type: MessageType.UnregisterSuper, auth: { scheme: AuthScheme.SimpleId, token: token(wave, index) }, srcMac: edgeMac(wave, index) });
}

function queryPeer(community: string, srcMac: Mac, targetMac: Mac): Uint8Array {
  return encodeMessage({ ...common(community), type: MessageType.QueryPeer, srcMac, targetMac, aflags: 0 });
}

async function openSocket(receiveBuffer?: number): Promise<UdpSocket> {
  const socket = createSocket({ type: 'udp4', ...(receiveBuffer === undefined ? {} : { recvBufferSize: receiveBuffer }) });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, LOOPBACK, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', () => undefined);
  return socket;
}

const closeSocket = (socket: UdpSocket): Promise<void> =>
  new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });

async function freePort(): Promise<number> {
  // A port free for UDP; TCP is checked by the supernode itself (it fails to start otherwise).
  const socket = await openSocket();
  const { port } = socket.address();
  await closeSocket(socket);
  return port;
}

// ---------------------------------------------------------------------------------------------
// /proc: memory and CPU of the supernode process

/** Busy CPU time of the whole host (all cores: user, nice, system, steal), in seconds. */
function hostBusySeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: interrupt time is left out (the loopback
    // traffic's own softirq work is not charged to any process), steal is kept (a busy hypervisor).
    const busy = fields[0]! + fields[1]! + fields[2]! + fields[7]!;
    return busy / ticksPerSecond();
  } catch {
    return undefined;
  }
}

class CpuMeter {
  // The scheduler's nanoseconds where Linux has them, else clock ticks; one source for both ends.
  private readonly snCpu: (pid: number | undefined) => number | undefined;
  private readonly startSn: number | undefined;
  private readonly startHost = hostBusySeconds();
  private readonly startGen = process.cpuUsage();
  private readonly startWall = nowMs();
  constructor(private readonly pid: number | undefined) {
    this.snCpu = schedulerCpuSeconds(pid) === undefined ? cpuSeconds : schedulerCpuSeconds;
    this.startSn = this.snCpu(pid);
  }
  /** Cores used (1 = one core busy) by the supernode, this generator and everything else on the host. */
  read(): { sn: number | undefined; gen: number; other: number | undefined } {
    const wall = (nowMs() - this.startWall) / 1000;
    const end = this.snCpu(this.pid);
    const host = hostBusySeconds();
    const usage = process.cpuUsage(this.startGen);
    const gen = wall <= 0 ? 0 : (usage.user + usage.system) / 1e6 / wall;
    const sn = end === undefined || this.startSn === undefined || wall <= 0 ? undefined : (end - this.startSn) / wall;
    const other = host === undefined || this.startHost === undefined || sn === undefined || wall <= 0 ? undefined : Math.max(0, (host - this.startHost) / wall - sn - gen);
    return { sn, gen, other };
  }
}

// ---------------------------------------------------------------------------------------------
// The supernode under test

interface Subject {
  readonly label: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number | undefined;
  readonly notes: string[];
  stop(): Promise<void>;
}

function describeBinary(path: string): string {
  let version = '';
  try {
    const out = execFileSync(path, ['-V'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'pipe'] });
    version = /v?(\d+\.\d+\.\d+[\w.+-]*)/.exec(out)?.[1] ?? '';
  } catch (error) {
    const stdout = (error as { stdout?: unknown }).stdout;
    const out = typeof stdout === 'string' ? stdout : '';
    version = /v?(\d+\.\d+\.\d+[\w.+-]*)/.exec(out)?.[1] ?? '';
  }
  let commit = '';
  try {
    const dir = dirname(realpathSync(path));
    commit = execFileSync('git', ['-C', dir, 'describe', '--tags', '--always', '--dirty', '--abbrev=12'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const full = execFileSync('git', ['-C', dir, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (!commit.includes(full)) commit = `${commit} ${full}`;
  } catch {
    commit = '';
  }
  const name = path.split('/').pop() ?? path;
  return [name, version === '' ? '' : `v${version}`, commit === '' ? '' : `(${commit})`].filter((part) => part !== '').join(' ');
}

/** kind: 'kith', or the path of a supernode binary with the n3n command line. */
async function spawnSupernode(kind: string, args: Args, workDir: string): Promise<Subject> {
  const port = await freePort();
  const session = `bench${process.pid}${kind === 'kith' ? 'k' : 'r'}`;
  const logPath = join(workDir, `${session}.log`);
  const log = openSync(logPath, 'w');
  const options = [
    'start',
    session,
    `-Oconnection.bind=${LOOPBACK}:${port}`,
    `-Osupernode.macaddr=02:00:00:be:0${kind === 'kith' ? '1' : '2'}:00`,
    '-Ologging.verbose=1',
    ...(kind === 'kith' ? KITH_LOAD_OPTIONS : []),
    // Keep the caller's identity: a supernode that drops to another user cannot remove its
    // session directory on exit (and may chown the shared run directory).
    ...(process.getuid === undefined || process.getgid === undefined ? [] : [`-Odaemon.userid=${process.getuid()}`, `-Odaemon.groupid=${process.getgid()}`]),
  ];
  const notes: string[] = [];
  let child: ChildProcess;
  let label: string;
  if (kind === 'kith') {
    const command = kithProgram('supernode', args.kithRunner);
    if (command.note !== undefined) notes.push(command.note);
    child = spawn(process.execPath, [...command.argv, ...options], {
      cwd: REPO,
      env: { ...process.env, KITH_RUN_DIR: join(workDir, 'run') },
      stdio: ['ignore', log, log],
    });
    let version = '';
    try {
      version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version?: string }).version ?? '';
    } catch {
      version = '';
    }
    label = `Kith ${version} (${command.how}, node ${process.version})`;
  } else {
    label = describeBinary(kind);
    child = spawn(kind, options, { cwd: workDir, stdio: ['ignore', log, log] });
  }
  closeSync(log);
  let exited = false;
  child.on('exit', () => (exited = true));
  child.on('error', (error) => {
    exited = true;
    notes.push(`${label}: ${error.message}`);
  });
  const stop = async (): Promise<void> => {
    if (exited || child.pid === undefined) return;
    child.kill('SIGTERM');
    const deadline = nowMs() + STOP_LIMIT_MS;
    while (!exited && nowMs() < deadline) await sleep(50);
    if (!exited) child.kill('SIGKILL');
  };
  const subject: Subject = { label, host: LOOPBACK, port, pid: child.pid, notes, stop };
  const pong = await waitReady(subject, () => exited);
  if (pong === undefined) {
    notes.push(`${label} did not answer a PING within ${READY_LIMIT_MS / 1000} s (log: ${logPath})`);
    await stop();
    throw new Error('not ready');
  }
  return subject;
}

/** PING (QUERY_PEER with a null target) until a PEER_INFO comes back; returns the announced version. */
async function waitReady(subject: Pick<Subject, 'host' | 'port'>, gone: () => boolean = () => false): Promise<string | undefined> {
  const socket = await openSocket();
  let version: string | undefined;
  socket.on('message', (bytes) => {
    const decoded = decodeMessage(bytes);
    if (decoded.ok && decoded.value.type === MessageType.PeerInfo) version = decoded.value.version;
  });
  const ping = queryPeer('benchping', edgeMac(0xee, 1), NULL_MAC);
  const deadline = nowMs() + READY_LIMIT_MS;
  try {
    while (version === undefined && !gone() && nowMs() < deadline) {
      socket.send(ping, subject.port, subject.host);
      await sleep(100);
    }
  } finally {
    await closeSocket(socket);
  }
  return version;
}

// ---------------------------------------------------------------------------------------------
// Registrations

interface RegistrationResult {
  readonly acked: number;
  readonly naks: number;
  readonly failed: number;
  readonly resent: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly snCpu: number | undefined;
  readonly genCpu: number;
  readonly otherCpu: number | undefined;
}

/** Registers indices [from, to) of a wave: window-bounded per socket, resend on timeout, time-bounded. */
async function register(subject: Subject, settings: Settings, community: string, wave: number, from: number, to: number): Promise<RegistrationResult> {
  const sockets = await Promise.all(Array.from({ length: settings.regSockets }, () => openSocket(1 << 20)));
  const cpu = new CpuMeter(subject.pid);
  const start = nowMs();
  const hardDeadline = start + settings.regPhaseLimitMs;
  let acked = 0;
  let naks = 0;
  let failed = 0;
  let resent = 0;
  let cookieCounter = (wave << 24) >>> 0;
  await Promise.all(
    sockets.map(
      (socket, s) =>
        new Promise<void>((resolve) => {
          // This socket's share: indices from + s, from + s + n, …
          const queue: { index: number; attempt: number }[] = [];
          for (let index = from + s; index < to; index += sockets.length) queue.push({ index, attempt: 1 });
          queue.reverse();
          const inFlight = new Map<number, { index: number; attempt: number; sentAt: number }>();
          let finished = false;
          const finish = (): void => {
            if (finished) return;
            finished = true;
            clearInterval(timer);
            failed += queue.length + inFlight.size;
            resolve();
          };
          const pump = (): void => {
            if (nowMs() > hardDeadline) return finish();
            while (inFlight.size < settings.regWindow && queue.length > 0) {
              const next = queue.pop()!;
              const cookie = (cookieCounter = (cookieCounter + 1) >>> 0);
              inFlight.set(cookie, { ...next, sentAt: nowMs() });
              socket.send(registerSuper(community, wave, next.index, cookie), subject.port, subject.host);
            }
            if (inFlight.size === 0 && queue.length === 0) finish();
          };
          socket.on('message', (bytes) => {
            const decoded = decodeMessage(bytes);
            if (!decoded.ok) return;
            const reply = decoded.value;
            if (reply.type !== MessageType.RegisterSuperAck && reply.type !== MessageType.RegisterSuperNak) return;
            if (!inFlight.delete(reply.cookie)) return;
            if (reply.type === MessageType.RegisterSuperAck) acked++;
            else naks++;
            pump();
          });
          const timer = setInterval(() => {
            const now = nowMs();
            for (const [cookie, request] of inFlight) {
              if (now - request.sentAt < settings.regTimeoutMs) continue;
              inFlight.delete(cookie);
              if (request.attempt < settings.regAttempts) {
                resent++;
                queue.push({ index: request.index, attempt: request.attempt + 1 });
              } else failed++;
            }
            pump();
          }, 20);
          pump();
        }),
    ),
  );
  const seconds = (nowMs() - start) / 1000;
  const usage = cpu.read();
  await Promise.all(sockets.map(closeSocket));
  return { acked, naks, failed, resent, seconds, perSecond: acked / seconds, snCpu: usage.sn, genCpu: usage.gen, otherCpu: usage.other };
}

/** UNREGISTER_SUPER for indices [from, to) of a wave; nothing answers it, so it is paced (64 per 5 ms). */
async function unregister(subject: Subject, community: string, wave: number, from: number, to: number): Promise<void> {
  const socket = await openSocket();
  try {
    for (let index = from; index < to; index++) {
      socket.send(unregisterSuper(community, wave, index), subject.port, subject.host);
      if ((index - from) % 64 === 63) await sleep(5);
    }
    await sleep(200);
  } finally {
    await closeSocket(socket);
  }
}

// ---------------------------------------------------------------------------------------------
// Relay

interface RelayResult {
  readonly perSecond: number;
  readonly lossRatio: number;
  readonly snCpu: number | undefined;
  readonly genCpu: number;
  readonly otherCpu?: number | undefined;
  /** Slowest and fastest round. */
  readonly low?: number;
  readonly high?: number;
  readonly note?: string;
}

async function relay(subject: Subject, settings: Settings): Promise<RelayResult> {
  const community = 'benchrelay';
  const a = await openSocket(1 << 20);
  const b = await openSocket(8 << 20);
  try {
    // Register both pseudo-edges from their own sockets (a few tries each).
    for (const [socket, index] of [[a, 1], [b, 2]] as const) {
      let acked = false;
      socket.on('message', (bytes) => {
        const decoded = decodeMessage(bytes);
        if (decoded.ok && decoded.value.type === MessageType.RegisterSuperAck) acked = true;
      });
      for (let attempt = 0; attempt < 10 && !acked; attempt++) {
        socket.send(registerSuper(community, 0xaa, index, 0x7700 + attempt), subject.port, subject.host);
        await sleep(100);
      }
      socket.removeAllListeners('message');
      if (!acked) return { perSecond: 0, lossRatio: 1, snCpu: undefined, genCpu: 0, note: 'relay edges were not acknowledged' };
    }
    const packet = encodeMessage({
      ...common(community),
      type: MessageType.Packet,
      srcMac: edgeMac(0xaa, 1),
      dstMac: edgeMac(0xaa, 2),
      compression: CompressionId.None,
      transform: TransformId.Null,
      payload: Uint8Array.from({ length: settings.payloadBytes }, (_, i) => (i * 7 + 3) & 0xff),
    });
    let sent = 0;
    let received = 0;
    let lost = 0;
    let lastProgress = nowMs();
    b.on('message', (bytes) => {
      if (bytes.length >= settings.payloadBytes && (bytes[3]! & 0x1f) === MessageType.Packet) {
        received++;
        lastProgress = nowMs();
        pump();
      }
    });
    const end = nowMs() + settings.relayWarmupMs + settings.relayMeasureMs * settings.relayRounds + 100;
    const pump = (): void => {
      let inFlight = sent - received - lost;
      if (inFlight < 0) {
        lost += inFlight; // late arrivals of packets counted as lost
        inFlight = 0;
      }
      while (inFlight < settings.relayWindow && sent < settings.relayMaxPackets && nowMs() < end) {
        a.send(packet, subject.port, subject.host);
        sent++;
        inFlight++;
      }
    };
    const stall = setInterval(() => {
      // Nothing arrived for 30 ms: count what is in flight as lost and refill the window.
      if (nowMs() - lastProgress > 30) {
        lost += Math.max(0, sent - received - lost);
        lastProgress = nowMs();
        pump();
      }
    }, 10);
    pump();
    await sleep(settings.relayWarmupMs);
    const rounds: RelayResult[] = [];
    for (let round = 0; round < settings.relayRounds; round++) {
      const cpu = new CpuMeter(subject.pid);
      const sentAtStart = sent;
      const receivedAtStart = received;
      const start = nowMs();
      await sleep(settings.relayMeasureMs);
      const seconds = (nowMs() - start) / 1000;
      const usage = cpu.read();
      const delivered = received - receivedAtStart;
      const offered = sent - sentAtStart;
      rounds.push({
        perSecond: delivered / seconds,
        lossRatio: offered === 0 ? 0 : Math.max(0, 1 - delivered / offered),
        snCpu: usage.sn,
        genCpu: usage.gen,
        otherCpu: usage.other,
      });
    }
    clearInterval(stall);
    await sleep(100);
    rounds.sort((x, y) => x.perSecond - y.perSecond);
    const median = rounds[Math.floor(rounds.length / 2)]!;
    return { ...median, low: rounds[0]!.perSecond, high: rounds[rounds.length - 1]!.perSecond };
  } finally {
    await closeSocket(a);
    await closeSocket(b);
  }
}

// ---------------------------------------------------------------------------------------------
// Expiry probe

/** How many of the sample MACs the supernode still knows (QUERY_PEER answered with PEER_INFO). */
async function knownCount(subject: Subject, community: string, samples: readonly Mac[]): Promise<number> {
  const socket = await openSocket();
  const answered = new Set<string>();
  socket.on('message', (bytes) => {
    const decoded = decodeMessage(bytes);
    if (decoded.ok && decoded.value.type === MessageType.PeerInfo) answered.add(Buffer.from(decoded.value.targetMac).toString('hex'));
  });
  try {
    for (let round = 0; round < 2; round++) {
      for (const mac of samples) socket.send(queryPeer(community, edgeMac(0xef, 1), mac), subject.port, subject.host);
      await sleep(150);
    }
  } finally {
    await closeSocket(socket);
  }
  return answered.size;
}

// ---------------------------------------------------------------------------------------------
// One supernode, all measurements

interface Report {
  label: string;
  version?: string | undefined;
  idle?: number | undefined;
  small?: number | undefined;
  large?: number | undefined;
  /** The two parts of `large`: anonymous and file-backed resident pages. */
  largeAnon?: number | undefined;
  largeFile?: number | undefined;
  regNew?: RegistrationResult | undefined;
  regKnown?: RegistrationResult | undefined;
  relay?: RelayResult | undefined;
  expiredAfterS?: number | undefined;
  afterExpiry?: number | undefined;
  secondWave?: number | undefined;
  secondWaveReg?: RegistrationResult | undefined;
  peak?: number | undefined;
  /** Per table size: the timed batch of new registrations. */
  scale?: Map<number, RegistrationResult> | undefined;
  scaleRss?: number | undefined;
  notes: string[];
}

function combine(a: RegistrationResult, b: RegistrationResult): RegistrationResult {
  const seconds = a.seconds + b.seconds;
  const weighted = (x: number | undefined, y: number | undefined): number | undefined =>
    x === undefined || y === undefined ? undefined : (x * a.seconds + y * b.seconds) / seconds;
  return {
    acked: a.acked + b.acked,
    naks: a.naks + b.naks,
    failed: a.failed + b.failed,
    resent: a.resent + b.resent,
    seconds,
    perSecond: (a.acked + b.acked) / seconds,
    snCpu: weighted(a.snCpu, b.snCpu),
    genCpu: weighted(a.genCpu, b.genCpu) ?? 0,
    otherCpu: weighted(a.otherCpu, b.otherCpu),
  };
}

function registrationNotes(what: string, result: RegistrationResult, expected: number, notes: string[]): void {
  if (result.acked !== expected || result.naks > 0) {
    notes.push(`${what}: ${result.acked}/${expected} acknowledged, ${result.naks} NAK, ${result.failed} unanswered, ${result.resent} re-sent`);
  } else if (result.resent > 0) notes.push(`${what}: ${result.resent} requests re-sent after a timeout`);
}

async function measure(subject: Subject, settings: Settings): Promise<Report> {
  const report: Report = { label: subject.label, notes: subject.notes };
  const { pid } = subject;
  const step = async <T>(what: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (error) {
      report.notes.push(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  };
  report.version = await step('PING', () => waitReady(subject));
  await sleep(1000);
  report.idle = memoryKiB(pid);
  const community = 'benchreg';
  const small = await step('registration', () => register(subject, settings, community, 1, 0, settings.edgesSmall));
  await sleep(500);
  report.small = memoryKiB(pid);
  const rest = await step('registration', () => register(subject, settings, community, 1, settings.edgesSmall, settings.edgesLarge));
  await sleep(500);
  report.large = memoryKiB(pid);
  report.largeAnon = memoryKiB(pid, 'RssAnon');
  report.largeFile = memoryKiB(pid, 'RssFile');
  if (small !== undefined && rest !== undefined) {
    report.regNew = combine(small, rest);
    registrationNotes(`${settings.edgesLarge} new registrations`, report.regNew, settings.edgesLarge, report.notes);
  }
  report.regKnown = await step('re-registration', () => register(subject, settings, community, 1, 0, settings.edgesLarge));
  if (report.regKnown !== undefined) registrationNotes(`${settings.edgesLarge} re-registrations`, report.regKnown, settings.edgesLarge, report.notes);
  report.relay = await step('relay', () => relay(subject, settings));
  if (report.relay?.note !== undefined) report.notes.push(report.relay.note);

  if (settings.churnWaitS > 0) {
    const samples = [0, Math.floor(settings.edgesLarge / 2), settings.edgesLarge - 1].map((index) => edgeMac(1, index));
    const before = await step('expiry probe', () => knownCount(subject, community, samples));
    const start = nowMs();
    const deadline = start + settings.churnWaitS * 1000;
    if (before === undefined || before === 0) {
      report.notes.push('QUERY_PEER probe not answered for registered edges: waited the full churn time');
      await sleep(settings.churnWaitS * 1000);
    } else {
      let known = before;
      while (known > 0 && nowMs() < deadline) {
        await sleep(Math.min(2000, Math.max(0, deadline - nowMs())));
        known = (await step('expiry probe', () => knownCount(subject, community, samples))) ?? known;
      }
      if (known > 0) report.notes.push(`${known}/${samples.length} sample edges still known after ${settings.churnWaitS} s`);
      else report.expiredAfterS = Math.round((nowMs() - start) / 1000);
    }
    await sleep(1000);
    report.afterExpiry = memoryKiB(pid);
    report.secondWaveReg = await step('second wave', () => register(subject, settings, community, 2, 0, settings.edgesLarge));
    if (report.secondWaveReg !== undefined) registrationNotes(`second wave of ${settings.edgesLarge}`, report.secondWaveReg, settings.edgesLarge, report.notes);
    await sleep(500);
    report.secondWave = memoryKiB(pid);
  }
  report.peak = memoryKiB(pid, 'VmHWM');
  if (pid === undefined) report.notes.push('no process id: memory not measured (give --pid with --target)');
  return report;
}

/**
 * Registration cost with the table at each of settings.scaleSizes (see the method above), on a
 * supernode that holds no other edges: a spawned subject is started afresh for it.
 */
async function scaleSeries(subject: Subject, settings: Settings, report: Report): Promise<void> {
  const community = 'benchscale';
  const wave = 3;
  const oldest = edgeMac(wave, 0);
  const results = new Map<number, RegistrationResult>();
  report.scale = results;
  let registered = 0;
  for (const [i, size] of settings.scaleSizes.entries()) {
    if (size > registered) {
      const fill = await register(subject, settings, community, wave, registered, size);
      registrationNotes(`filling to ${size}`, fill, size - registered, report.notes);
      registered = size;
    }
    // A fresh process compiles its hot paths during the first thousands of messages: warm up
    // with re-registrations and, since the timed batches are new edges (a record, its indexes,
    // the events), with new edges of another community that then unregister, before the first
    // timed batch.
    if (i === 0) {
      for (let round = 0; round < WARM_UP_ROUNDS; round++) await register(subject, settings, community, wave, 0, registered);
      await warmUpNewEdges(subject, settings, report);
    }
    const batch = await register(subject, settings, community, wave, registered, registered + settings.scaleBatch);
    registrationNotes(`${settings.scaleBatch} new registrations at ${size}`, batch, settings.scaleBatch, report.notes);
    registered += settings.scaleBatch;
    results.set(size, batch);
    if ((await knownCount(subject, community, [oldest])) === 0) {
      report.notes.push(`at ${size} edges the first edges of the series had expired (over 60 s since they registered): the table held fewer`);
    }
  }
  report.scaleRss = memoryKiB(subject.pid);
}

/** New edges registered and unregistered again before the table-size series (see scaleSeries). */
async function warmUpNewEdges(subject: Subject, settings: Settings, report: Report): Promise<void> {
  const community = 'benchwarm';
  const wave = 4;
  const count = 2 * settings.scaleBatch;
  await register(subject, settings, community, wave, 0, count);
  await unregister(subject, community, wave, 0, count);
  const left = await knownCount(subject, community, [edgeMac(wave, 0), edgeMac(wave, count - 1)]);
  if (left > 0) report.notes.push(`warm-up: ${left}/2 sample edges still registered after UNREGISTER_SUPER (the table held up to ${count} more)`);
}

/** The supernode's CPU time per acknowledged registration, in µs. */
function cpuMicrosPerRegistration(result: RegistrationResult | undefined): number | undefined {
  if (result?.snCpu === undefined || result.acked === 0) return undefined;
  return (result.snCpu * result.seconds * 1e6) / result.acked;
}

// ---------------------------------------------------------------------------------------------
// Output

const integer = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? 'n/a' : Math.round(n).toLocaleString('en-US'));
const mib = (kib: number | undefined): string => (kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`);
const percent = (x: number | undefined): string => (x === undefined ? 'n/a' : `${Math.round(x * 100)} %`);

function table(reports: readonly Report[], settings: Settings): string {
  const large = settings.edgesLarge.toLocaleString('en-US');
  const small = settings.edgesSmall.toLocaleString('en-US');
  const perEdge = (r: Report): string =>
    r.large === undefined || r.idle === undefined ? 'n/a' : `${Math.round(((r.large - r.idle) * 1024) / settings.edgesLarge)} B`;
  const rows: [string, (r: Report) => string][] = [
    ['announced version (PEER_INFO)', (r) => r.version ?? 'n/a'],
    [`registrations/s (${large} new MACs)`, (r) => integer(r.regNew?.perSecond)],
    [`re-registrations/s (${large} known MACs)`, (r) => integer(r.regKnown?.perSecond)],
    ['  supernode CPU while registering', (r) => percent(r.regNew?.snCpu)],
    ['  generator CPU while registering', (r) => percent(r.regNew?.genCpu)],
    ['  other CPU on the host while registering', (r) => percent(r.regNew?.otherCpu)],
    [`relay packets/s (${settings.payloadBytes}-byte payload, median)`, (r) => integer(r.relay?.perSecond)],
    ['  slowest – fastest round', (r) => (r.relay?.low === undefined ? 'n/a' : `${integer(r.relay.low)} – ${integer(r.relay.high)}`)],
    ['  relay loss', (r) => (r.relay === undefined ? 'n/a' : `${(r.relay.lossRatio * 100).toFixed(2)} %`)],
    ['  supernode CPU while relaying', (r) => percent(r.relay?.snCpu)],
    ['  generator CPU while relaying', (r) => percent(r.relay?.genCpu)],
    ['  other CPU on the host while relaying', (r) => percent(r.relay?.otherCpu)],
    ['RSS idle', (r) => mib(r.idle)],
    [`RSS with ${small} edges`, (r) => mib(r.small)],
    [`RSS with ${large} edges`, (r) => mib(r.large)],
    ['  anonymous (RssAnon: heaps, stacks)', (r) => mib(r.largeAnon)],
    ['  file-backed (RssFile: the executable, libraries)', (r) => mib(r.largeFile)],
    [`  per edge ((${large} − idle) / ${large})`, perEdge],
  ];
  if (settings.churnWaitS > 0) {
    rows.push(
      [`RSS after the ${large} expired`, (r) => mib(r.afterExpiry)],
      ['  expired after (s of waiting)', (r) => (r.expiredAfterS === undefined ? 'n/a' : String(r.expiredAfterS))],
      [`RSS with a 2nd wave of ${large} new MACs`, (r) => mib(r.secondWave)],
    );
  }
  rows.push(['peak RSS (VmHWM)', (r) => mib(r.peak)]);
  for (const size of settings.scaleSizes) {
    const label = size.toLocaleString('en-US');
    rows.push(
      [`registrations/s with ${label} edges registered`, (r) => integer(r.scale?.get(size)?.perSecond)],
      [`  supernode CPU µs per registration`, (r) => integer(cpuMicrosPerRegistration(r.scale?.get(size)))],
      [`  generator CPU`, (r) => percent(r.scale?.get(size)?.genCpu)],
      [`  other CPU on the host`, (r) => percent(r.scale?.get(size)?.otherCpu)],
    );
  }
  if (settings.scaleSizes.length > 0) rows.push([`RSS after the table-size series`, (r) => mib(r.scaleRss)]);
  const header = ['', ...reports.map((r) => r.label)];
  const lines = rows.map(([name, cell]) => [name, ...reports.map(cell)]);
  const widths = header.map((_, column) => Math.max(...[header, ...lines].map((line) => line[column]!.length)));
  const render = (line: readonly string[]): string => line.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!))).join('  ');
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main: never throws, always prints the table

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

/** One subject measured once (spawned afresh, and again for the table-size series). */
async function measureSubject(kind: 'target' | 'spawn', what: string, args: Args, settings: Settings, workDir: string): Promise<Report> {
  let subject: Subject | undefined;
  try {
    if (kind === 'target') {
      const { host, port } = args.target!;
      subject = { label: `supernode at ${what}${args.pid === undefined ? '' : ` (pid ${args.pid})`}`, host, port, pid: args.pid, notes: [], stop: () => Promise.resolve() };
    } else {
      if (what !== 'kith' && !existsSync(what)) throw new Error(`no such binary: ${what}`);
      subject = await spawnSupernode(what, args, workDir);
    }
    console.error(`measuring ${subject.label} on ${subject.host}:${subject.port}${settings.churnWaitS > 0 ? ` (includes up to ${settings.churnWaitS} s of waiting for expiry)` : ''}…`);
    const report: Report = args.scaleOnly ? { label: subject.label, notes: subject.notes } : await measure(subject, settings);
    if (settings.scaleSizes.length > 0) {
      if (args.scaleOnly) {
        report.idle = memoryKiB(subject.pid);
      } else if (kind === 'spawn') {
        await subject.stop();
        subject = await spawnSupernode(what, args, workDir);
      } else {
        report.notes.push('table-size series on the running supernode, which still holds the edges of the other phases');
      }
      console.error(`registration cost by table size (${settings.scaleSizes.join(', ')} edges)…`);
      await scaleSeries(subject, settings, report).catch((error: unknown) => report.notes.push(`table-size series failed: ${error instanceof Error ? error.message : String(error)}`));
    }
    return report;
  } catch (error) {
    const label = subject?.label ?? what;
    return { label, notes: [...(subject?.notes ?? []), `not measured: ${error instanceof Error ? error.message : String(error)}`] };
  } finally {
    await subject?.stop().catch(() => undefined);
  }
}

/** The middle one of values (the lower middle of an even count); undefined when there are none. */
function median<T>(values: readonly T[], by: (value: T) => number | undefined): T | undefined {
  const known = values.filter((value) => by(value) !== undefined).sort((a, b) => by(a)! - by(b)!);
  return known[Math.floor((known.length - 1) / 2)];
}

/**
 * One report of a subject's rounds: per figure the median round's (a registration or relay phase
 * whole, so its CPU shares stay its own), with every round's value in a note to show the noise.
 */
function medianReport(rounds: readonly Report[], settings: Settings): Report {
  const number = (pick: (r: Report) => number | undefined): number | undefined => median(rounds.map(pick), (x) => x);
  const relay = median(rounds.map((r) => r.relay), (x) => x?.perSecond);
  const lows = rounds.flatMap((r) => (r.relay?.low === undefined ? [] : [r.relay.low]));
  const highs = rounds.flatMap((r) => (r.relay?.high === undefined ? [] : [r.relay.high]));
  const report: Report = {
    label: rounds[0]!.label,
    version: rounds.find((r) => r.version !== undefined)?.version,
    idle: number((r) => r.idle),
    small: number((r) => r.small),
    large: number((r) => r.large),
    largeAnon: number((r) => r.largeAnon),
    largeFile: number((r) => r.largeFile),
    regNew: median(rounds.map((r) => r.regNew), (x) => x?.perSecond),
    regKnown: median(rounds.map((r) => r.regKnown), (x) => x?.perSecond),
    relay: relay === undefined ? undefined : { ...relay, low: Math.min(...lows), high: Math.max(...highs) },
    expiredAfterS: number((r) => r.expiredAfterS),
    afterExpiry: number((r) => r.afterExpiry),
    secondWave: number((r) => r.secondWave),
    secondWaveReg: median(rounds.map((r) => r.secondWaveReg), (x) => x?.perSecond),
    peak: number((r) => r.peak),
    scaleRss: number((r) => r.scaleRss),
    notes: [...new Set(rounds.flatMap((r) => r.notes))],
  };
  if (settings.scaleSizes.length > 0) {
    report.scale = new Map();
    for (const size of settings.scaleSizes) {
      const batch = median(rounds.map((r) => r.scale?.get(size)), cpuMicrosPerRegistration);
      if (batch !== undefined) report.scale.set(size, batch);
    }
  }
  const each = (what: string, format: (r: Report) => string): void => void report.notes.push(`${what}, round by round: ${rounds.map(format).join(' | ')}`);
  each('relay packets/s', (r) => integer(r.relay?.perSecond));
  each(`RSS with ${settings.edgesLarge.toLocaleString('en-US')} edges`, (r) => mib(r.large));
  for (const size of settings.scaleSizes) each(`CPU µs per registration at ${size.toLocaleString('en-US')} edges`, (r) => integer(cpuMicrosPerRegistration(r.scale?.get(size))));
  return report;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const settings: Settings = {
    ...(args.quick ? QUICK : FULL),
    ...(args.churnWaitS === undefined ? {} : { churnWaitS: args.churnWaitS }),
    ...(args.relayWindow === undefined ? {} : { relayWindow: args.relayWindow }),
    ...(args.scale ? {} : { scaleSizes: [] }),
  };
  const loadBefore = loadAverage();
  const workDir = mkdtempSync(join(tmpdir(), 'kith-bench-sn-'));
  const reports: Report[] = [];
  const general: string[] = [...args.problems];
  const subjects: { kind: 'target' | 'spawn'; what: string }[] = [];
  if (args.target !== undefined) subjects.push({ kind: 'target', what: `${args.target.host}:${args.target.port}` });
  else subjects.push({ kind: 'spawn', what: args.spawn ?? 'kith' });
  for (const reference of args.references) subjects.push({ kind: 'spawn', what: reference });

  const byRound: Report[][] = subjects.map(() => []);
  for (let round = 0; round < args.rounds; round++) {
    for (const [index, { kind, what }] of subjects.entries()) {
      if (args.rounds > 1) console.error(`round ${round + 1} of ${args.rounds}:`);
      byRound[index]!.push(await measureSubject(kind, what, args, settings, workDir));
    }
  }
  for (const rounds of byRound) reports.push(rounds.length === 1 ? rounds[0]! : medianReport(rounds, settings));

  console.log(
    `Supernode load test over UDP on ${LOOPBACK}, node ${process.version}; ${settings.regSockets} client sockets × ${settings.regWindow} registrations in flight, ` +
      `relay window ${settings.relayWindow}, median of ${settings.relayRounds} × ${settings.relayMeasureMs / 1000} s; MiB = 2^20 bytes of VmRSS`,
  );
  console.log(table(reports, settings));
  for (const report of reports) for (const note of report.notes) console.log(`note (${report.label}): ${note}`);
  console.log(`note: load average before ${loadBefore}, after ${loadAverage()} (other work on the host skews the figures)`);
  for (const note of general) console.log(`note: ${note}`);
  // The supernodes' logs stay behind when a start failed (the notes name them).
  if (reports.every((report) => report.notes.every((note) => !note.includes(workDir)))) {
    try {
      rmSync(workDir, { recursive: true, force: true });
    } catch {
      // Nothing else to do.
    }
  }
}

await main().catch((error: unknown) => console.log(`benchmark aborted: ${error instanceof Error ? error.message : String(error)}`));
process.exit(0);
