// Real Kith processes inside a Topology: kith-supernode and kith-edge started from their TypeScript
// entry points through `node --import tsx` (no build needed), a per-run directory for their
// management sockets and (empty) config directory, management calls over those sockets, and ping
// over the VPN. Every wait here is bounded.
import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { createManagementClient } from '../../engine/mgmt/client.js';
import type { AnyMethodSpec } from '../../engine/mgmt/method-table.js';
import { Topology } from './topology.js';
import type { Host } from './topology.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSX_LOADER = join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs');
export const SUPERNODE_MAIN = join(REPO, 'supernode', 'main.ts');
export const SUPERNODE_PORT = 7654;
export const EDGE_MAIN = join(REPO, 'engine', 'cli', 'edge-main.ts');

/** The management tables are the daemons' own; the tests only read plain JSON from them. */
type LooseTable = Readonly<Record<string, AnyMethodSpec & { handler: (params: never) => unknown }>>;

export interface KithProcess {
  readonly child: ChildProcess;
  readonly ns: string;
  readonly session: string;
  readonly socketPath: string;
  /** The process's output so far (stdout and stderr), for failure messages. */
  output(): string;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** One run's directories: KITH_RUN_DIR (management sockets) and an empty KITH_CONFIG_DIR. */
export class RunDir {
  readonly root: string;
  constructor(topology: Topology) {
    this.root = join('/tmp', `kith-netns-${topology.run}`);
    mkdirSync(join(this.root, 'run'), { recursive: true });
    mkdirSync(join(this.root, 'config'), { recursive: true });
  }

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, KITH_RUN_DIR: join(this.root, 'run'), KITH_CONFIG_DIR: join(this.root, 'config') };
  }

  socketPath(session: string): string {
    return join(this.root, 'run', session, 'mgmt');
  }

  file(name: string): string {
    return join(this.root, name);
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A program run through `node --import tsx` inside a Topology host. */
export interface NodeProgram {
  /** The TypeScript entry point. */
  readonly main: string;
  readonly args: readonly string[];
  /** Added to the run's environment (RunDir.env). */
  readonly env?: NodeJS.ProcessEnv | undefined;
  readonly asUser?: { uid: number; gid: number } | undefined;
  /** Options for node itself before the entry point. */
  readonly nodeOptions?: readonly string[] | undefined;
}

/**
 * Starts program in host.ns, keeping its output (bounded) for failure messages and echoing it with
 * KITH_TEST_LOG set. `name` labels that output and names the management socket's session directory.
 */
export function startProgram(topology: Topology, runDir: RunDir, host: Host, name: string, program: NodeProgram): KithProcess {
  return startCommand(topology, runDir, host, name, process.execPath, [...(program.nodeOptions ?? []), '--import', TSX_LOADER, program.main, ...program.args], program);
}

/** The same for any executable, e.g. a daemon as a package installed it. */
export function startCommand(
  topology: Topology,
  runDir: RunDir,
  host: Host,
  name: string,
  command: string,
  args: readonly string[],
  options: Pick<NodeProgram, 'env' | 'asUser'> = {},
): KithProcess {
  const child = topology.spawn(host.ns, command, args, {
    env: { ...runDir.env, ...options.env },
    cwd: REPO,
    ...(options.asUser === undefined ? {} : { asUser: options.asUser }),
  });
  const chunks: string[] = [];
  let size = 0;
  const keep = (chunk: Buffer): void => {
    // Bounded: a chatty daemon must not grow the test's memory.
    if (size > 256 * 1024) return;
    size += chunk.length;
    chunks.push(chunk.toString('utf8'));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  if (process.env['KITH_TEST_LOG'] !== undefined) {
    child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk.toString('utf8')}`));
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk.toString('utf8')}`));
  }
  return { child, ns: host.ns, session: name, socketPath: runDir.socketPath(name), output: () => chunks.join('') };
}

export function startSupernode(topology: Topology, runDir: RunDir, host: Host, session: string, options: readonly string[] = []): KithProcess {
  return startProgram(topology, runDir, host, session, { main: SUPERNODE_MAIN, args: ['start', session, `-Oconnection.bind=${SUPERNODE_PORT}`, '-Osupernode.version=3.4.5', ...options] });
}

/** A topology, its run directory and a supernode (session `sn`) on the internet that answers. */
export interface Network {
  readonly topology: Topology;
  readonly runDir: RunDir;
  readonly snHost: Host;
  readonly sn: KithProcess;
  /** `address:port` for an edge's `-l`. */
  readonly supernode: string;
}

/** `supernodeOptions` gives the supernode's further options, e.g. a community file it writes in runDir. */
export async function startNetwork(supernodeOptions: (runDir: RunDir) => readonly string[] = () => []): Promise<Network> {
  const topology = Topology.create();
  const runDir = new RunDir(topology);
  try {
    const snHost = await topology.publicHost('sn');
    const sn = startSupernode(topology, runDir, snHost, 'sn', supernodeOptions(runDir));
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    return { topology, runDir, snHost, sn, supernode: `${snHost.address}:${SUPERNODE_PORT}` };
  } catch (error) {
    await topology.destroy();
    runDir.remove();
    throw error;
  }
}

/** Tears down what startNetwork built (and everything started in it). */
export async function stopNetwork(network: Network | undefined): Promise<void> {
  await network?.topology.destroy();
  network?.runDir.remove();
}

export interface EdgeSpec {
  readonly community: string;
  readonly supernodes: readonly string[];
  /** `-a` value, e.g. `10.99.0.1/24`. */
  readonly address: string;
  readonly key?: string;
  /** Further `-O section.option=value` settings and other flags. */
  readonly extra?: readonly string[];
  /** Runs the edge as this user; an explicit undefined in startPair's specB keeps edge b root. */
  readonly asUser?: { uid: number; gid: number } | undefined;
  /** Added to the run's environment, e.g. KITH_TAP_HELPER for an unprivileged edge. */
  readonly env?: NodeJS.ProcessEnv;
  /** Options for node itself before the entry point, e.g. `--cpu-prof` for the tunnel bench. */
  readonly nodeOptions?: readonly string[];
}

/** kith-edge's command line for spec: `start <session> -c … -a … -l …`. */
export function edgeArgs(session: string, spec: EdgeSpec): string[] {
  const args = ['start', session, '-c', spec.community, '-a', spec.address, ...spec.supernodes.flatMap((sn) => ['-l', sn])];
  if (spec.key !== undefined) args.push('-k', spec.key);
  // The TAP is named after the session; short registration intervals keep the suite fast.
  args.push(`-Otuntap.name=${session}`, ...(spec.extra ?? []));
  return args;
}

export function startEdge(topology: Topology, runDir: RunDir, host: Host, session: string, spec: EdgeSpec): KithProcess {
  return startProgram(topology, runDir, host, session, { main: EDGE_MAIN, args: edgeArgs(session, spec), asUser: spec.asUser, env: spec.env, nodeOptions: spec.nodeOptions });
}

/** A management call; undefined when the daemon does not answer (yet) or refuses. */
export async function call(proc: KithProcess, method: string, params?: unknown): Promise<unknown> {
  if (!existsSync(proc.socketPath)) return undefined;
  const client = createManagementClient<LooseTable>({ socketPath: proc.socketPath }, { timeoutMs: 2_000 });
  const result = await client.call(method, params as never);
  return result.ok ? result.value : undefined;
}

/** Fails fast with the process's output when it has exited. */
export function assertAlive(proc: KithProcess): void {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
    throw new Error(`${proc.session} exited (${proc.child.exitCode ?? proc.child.signalCode}):\n${proc.output().slice(-4_000)}`);
  }
}

export interface EdgeRowView {
  readonly mac?: string;
  readonly desc?: string;
  readonly community?: string;
}

/** Waits until the supernode lists `count` edges (its get_edges), for the federation and restart tests. */
export async function waitForSupernodeEdges(proc: KithProcess, count: number, timeoutMs: number): Promise<readonly EdgeRowView[]> {
  return waitFor(
    `${count} edge(s) at ${proc.session}`,
    async () => {
      assertAlive(proc);
      const rows = (await call(proc, 'get_edges')) as EdgeRowView[] | undefined;
      const edges = rows?.filter((row) => row.community !== undefined && !row.community.startsWith('*'));
      return edges !== undefined && edges.length >= count ? edges : undefined;
    },
    timeoutMs,
  );
}

export interface EdgeStatusView {
  readonly state: string;
  readonly reason?: string;
  readonly supernode?: string;
}

export interface PeerRowView {
  readonly mac: string;
  readonly path: 'direct' | 'relayed';
  readonly via?: string;
  readonly rttMs?: number;
  readonly socket?: string;
  /** The IP family the path uses (PeerView.family). */
  readonly family?: 'IPv4' | 'IPv6';
  readonly vpnIpv4?: string;
}

export async function edgeStatus(proc: KithProcess): Promise<EdgeStatusView | undefined> {
  return (await call(proc, 'kith.status')) as EdgeStatusView | undefined;
}

export async function edgePeers(proc: KithProcess): Promise<readonly PeerRowView[] | undefined> {
  const result = await call(proc, 'kith.peers');
  if (Array.isArray(result)) return result as PeerRowView[];
  // Tolerate a wrapped list ({ peers: [...] }).
  if (typeof result === 'object' && result !== null && Array.isArray((result as { peers?: unknown }).peers)) return (result as { peers: PeerRowView[] }).peers;
  return undefined;
}

export async function waitForRegistered(proc: KithProcess, timeoutMs: number): Promise<EdgeStatusView> {
  return waitFor(
    `${proc.session} to register`,
    async () => {
      assertAlive(proc);
      const status = await edgeStatus(proc);
      return status?.state === 'registered' ? status : undefined;
    },
    timeoutMs,
  );
}

/** `ping -c count -W 1` inside ns; true when at least one reply came back. */
export async function ping(topology: Topology, ns: string, address: string, count = 3): Promise<{ ok: boolean; rttMs: number | undefined; output: string }> {
  const result = await topology.tryExec(ns, 'ping', ['-n', '-c', String(count), '-W', '1', '-i', '0.2', address], 10_000 + count * 1_500);
  const avg = /= [\d.]+\/([\d.]+)\//.exec(result.stdout);
  return { ok: result.code === 0, rttMs: avg?.[1] === undefined ? undefined : Number(avg[1]), output: result.stdout + result.stderr };
}

/** Pings until a reply comes (the first ARP exchange goes through the supernode), bounded. */
export async function pingUntil(topology: Topology, ns: string, address: string, timeoutMs: number): Promise<void> {
  await waitFor(`${address} to answer ping from ${ns}`, async () => ((await ping(topology, ns, address, 1)).ok ? true : undefined), timeoutMs, 100);
}

/** Waits until the edge lists a peer with the wanted path (and, for direct, a measured RTT). */
export async function waitForPeerPath(proc: KithProcess, path: 'direct' | 'relayed', timeoutMs: number): Promise<PeerRowView> {
  return waitFor(
    `${proc.session} to report a ${path} peer`,
    async () => {
      assertAlive(proc);
      const peers = await edgePeers(proc);
      return peers?.find((peer) => peer.path === path && (path === 'relayed' || typeof peer.rttMs === 'number'));
    },
    timeoutMs,
    250,
  );
}

export function describePeer(peer: PeerRowView | undefined): string {
  if (peer === undefined) return 'none';
  return `${peer.path}${peer.via === undefined ? '' : ` via ${peer.via}`} ${peer.family ?? '-'} socket=${peer.socket ?? '-'} rtt=${peer.rttMs === undefined ? '-' : peer.rttMs.toFixed(2)}ms`;
}

export interface EdgePair {
  readonly a: KithProcess;
  readonly b: KithProcess;
  readonly hostA: Host;
  readonly hostB: Host;
}

export const VPN_A = '10.99.0.1';
export const VPN_B = '10.99.0.2';
/** Registration and punching settle well within this on the 2-core CI machine. */
export const SETTLE_MS = 20_000;
/** Short keep-alives: registration (and re-registration after a restart) happens within seconds. */
export const FAST = ['-Oconnection.register_interval=3'];

/**
 * Starts edges kitha / kithb (10.99.0.1 / .2) on hostA / hostB and waits until `settled` holds for
 * both (by default: each edge says it is registered). When they do not settle, both are stopped before
 * the error goes on, so a failed test leaves no daemon holding the next test's session names.
 */
export async function startPair(
  topology: Topology,
  runDir: RunDir,
  hostA: Host,
  hostB: Host,
  spec: Omit<EdgeSpec, 'address'>,
  specB: Partial<EdgeSpec> = {},
  settled: (pair: EdgePair) => Promise<unknown> = ({ a, b }) => Promise.all([waitForRegistered(a, SETTLE_MS), waitForRegistered(b, SETTLE_MS)]),
): Promise<EdgePair> {
  const a = startEdge(topology, runDir, hostA, 'kitha', { ...spec, address: `${VPN_A}/24`, extra: [...FAST, '-Oconnection.description=kitha', ...(spec.extra ?? [])] });
  const b = startEdge(topology, runDir, hostB, 'kithb', { ...spec, address: `${VPN_B}/24`, extra: [...FAST, '-Oconnection.description=kithb', ...(spec.extra ?? [])], ...specB });
  const pair = { a, b, hostA, hostB };
  try {
    await settled(pair);
  } catch (error) {
    await Promise.all([topology.stop(a.child), topology.stop(b.child)]);
    throw error;
  }
  return pair;
}

/** Ping both ways over the VPN (the first replies may take a relayed ARP round). */
export async function pingBothWays(topology: Topology, pair: EdgePair): Promise<{ ab: number | undefined; ba: number | undefined }> {
  await pingUntil(topology, pair.hostA.ns, VPN_B, SETTLE_MS);
  await pingUntil(topology, pair.hostB.ns, VPN_A, SETTLE_MS);
  const ab = await ping(topology, pair.hostA.ns, VPN_B);
  const ba = await ping(topology, pair.hostB.ns, VPN_A);
  if (!ab.ok || !ba.ok) throw new Error(`ping over the VPN failed:\n${ab.output}\n${ba.output}`);
  return { ab: ab.rttMs, ba: ba.rttMs };
}

/**
 * The pid of the process running a daemon (node, or `executable` for another program): `ip netns
 * exec` (and setpriv, for asUser) exec into it or stay its parent depending on the iproute2
 * version, so the spawned child's process tree is searched for the binary. Undefined when it is gone.
 */
export function daemonPid(proc: Pick<KithProcess, 'child'>, executable: string = process.execPath): number | undefined {
  const root = proc.child.pid;
  if (root === undefined) return undefined;
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The field after the parenthesised comm (which may hold spaces) is the state, then the ppid.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Exited while listing.
    }
  }
  const binary = realpathSync(executable);
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) === binary) return pid;
    } catch {
      // Exited, or not readable: keep looking below it.
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return undefined;
}

/** Prints one observation line for the report (node:test shows diagnostics with the test). */
export function observe(line: string): void {
  process.stdout.write(`# observed: ${line}\n`);
}
