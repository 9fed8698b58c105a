// Tunnel throughput and latency, Kith against n3n and wireguard-go in one run: edges in network
// namespaces on a plain bridge (the e2e/netns harness) with a kith-supernode, and per cipher the
// pairs Kith ↔ Kith, Kith ↔ n3n and n3n ↔ n3n (with an n3n build), plus wireguard-go (with Debian's
// wireguard-go and wg; ChaCha20-Poly1305 is its only cipher, so it joins the ChaCha20 rows). All
// pairs of a cipher run side by side on their own VPN subnets and are measured in turns, round after
// round (interleaved, so a busy moment of the machine spreads over all of them): ping over the
// tunnel (idle), then TCP with iperf3 from a to b and the CPU time of both edge processes meanwhile.
// The table gives medians over the rounds, the spread of the Mbit/s, and each edge's RSS.
// For Kith ↔ Kith and Kith ↔ n3n it also gives the RTT Kith reports for the peer and the supernode
// next to ping's average over the same paths: an n3n peer's figure shows what an n3n edge's own
// answering time adds, which ping (answered by the kernel) does not include. The Kith edges run
// from dist/ as installed (npm run bench:tunnel builds it first), through tsx only when dist/ is
// older than the sources, which the first line then says (bench/kith-runner.ts).
//
//   node --import tsx bench/tunnel.ts                     null, AES, ChaCha20
//   node --import tsx bench/tunnel.ts AES null            only these ciphers, in this order
//   KITH_BENCH_N3N=/tmp/n3n-3.4.5/apps                    directory of n3n-edge (adds the n3n pairs)
//   KITH_BENCH_ROUNDS=3 KITH_BENCH_SECONDS=5              rounds per pair, iperf3 seconds per run
//   KITH_BENCH_CPU_PROF=<dir>                             Kith edges run under `node --cpu-prof`
//                                                         (profiles land in <dir>; figures then not
//                                                         comparable)
//
// Needs root (namespaces). Every wait is bounded, the whole run is cut off after a limit computed
// from the rounds, the namespaces and processes are always removed, and it exits 0 printing whatever
// it could measure. The community key is a fixed bench value, passed on the command line and never
// printed; wireguard's keys are made for the run and kept in the run directory (0600).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  call,
  daemonPid,
  edgeArgs,
  edgePeers,
  FAST,
  ping,
  pingUntil,
  RunDir,
  SETTLE_MS,
  startCommand,
  startSupernode,
  SUPERNODE_PORT,
  waitFor,
  waitForPeerPath,
  waitForRegistered,
} from '../e2e/netns/kith.js';
import type { KithProcess } from '../e2e/netns/kith.js';
import { netnsSkipReason, run, Topology } from '../e2e/netns/topology.js';
import type { Host } from '../e2e/netns/topology.js';
import { RTT_WINDOW } from '../engine/edge/control/rtt.js';
import { DIRECT_PROBE_INTERVAL_MS } from '../engine/edge/control/peer-path.js';
import { kithProgram } from './kith-runner.js';
import type { KithProgram } from './kith-runner.js';
import { cpuSeconds, residentMegabytes, ticksPerSecond } from './proc-cpu.js';

const CIPHERS = ['null', 'AES', 'ChaCha20', 'Speck'] as const;
type Cipher = (typeof CIPHERS)[number];
const DEFAULT_CIPHERS: readonly Cipher[] = ['null', 'AES', 'ChaCha20'];
const ROUNDS = Math.max(1, Number(process.env['KITH_BENCH_ROUNDS'] ?? 3) || 3);
const IPERF_SECONDS = Math.max(1, Number(process.env['KITH_BENCH_SECONDS'] ?? 5) || 5);
const PINGS = 20;
const BENCH_KEY = 'kith-bench-tunnel-key';
const WG_PORT = 51820;
/**
 * The RTT Kith reports is the median of its last RTT_WINDOW probes (every 3 s to the supernode with
 * FAST, every 4 s to a direct peer): read after this much idleness, none was taken while iperf3
 * loaded the machine, so it compares with ping over the same idle paths.
 */
const RTT_SETTLE_MS = RTT_WINDOW * DIRECT_PROBE_INTERVAL_MS + 1_000;

type Implementation = 'kith' | 'mixed' | 'n3n' | 'wireguard-go';
const LABELS: Record<Implementation, string> = { kith: 'Kith ↔ Kith', mixed: 'Kith ↔ n3n', n3n: 'n3n ↔ n3n', 'wireguard-go': 'wireguard-go' };

/** Two tunnel ends: a sends, b receives; vpnB is b's address inside the tunnel. */
interface Pair {
  readonly implementation: Implementation;
  readonly a: KithProcess;
  readonly b: KithProcess;
  readonly pidA: number | undefined;
  readonly pidB: number | undefined;
  readonly vpnB: string;
}

interface Sample {
  mbits?: number;
  pingMs?: number;
  cpuA?: number;
  cpuB?: number;
  note?: string;
}

interface Row {
  readonly cipher: Cipher;
  readonly implementation: Implementation;
  readonly samples: Sample[];
  rssA?: number;
  rssB?: number;
  /** Kith ↔ Kith and Kith ↔ n3n: what edge a reports for the peer and its supernode, and ping's average over each path. */
  reportedPeerMs?: number;
  reportedSupernodeMs?: number;
  pingSupernodeMs?: number;
  /** ping from host a to host b's underlay address: the path the peer's probes take. */
  pingPeerHostMs?: number;
  note?: string;
}

const started = Date.now();

function has(command: string, args: readonly string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

function ensureIperf(): string | undefined {
  if (has('iperf3', ['--version'])) return undefined;
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', 'iperf3'], { stdio: 'ignore', timeout: 90_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    // Reported below.
  }
  return has('iperf3', ['--version']) ? undefined : 'iperf3 is not installed and apt-get install -y iperf3 failed';
}

/** iperf3 server (one client, then it exits) in serverNs; client in clientNs towards address. */
async function iperf(topology: Topology, clientNs: string, serverNs: string, address: string): Promise<{ mbits?: number; error?: string }> {
  const server = topology.spawn(serverNs, 'iperf3', ['-s', '-1']);
  try {
    // Its "Server listening" line sits in a pipe buffer; the listening socket is what counts.
    await waitFor('the iperf3 server', async () => ((await topology.tryExec(serverNs, 'ss', ['-Hltn', 'sport', '=', ':5201'])).stdout.trim() !== '' ? true : undefined), 5_000, 100);
    const result = await topology.tryExec(clientNs, 'iperf3', ['-c', address, '-t', String(IPERF_SECONDS), '-J'], (IPERF_SECONDS + 15) * 1_000);
    try {
      const json = JSON.parse(result.stdout) as { error?: string; end?: { sum_received?: { bits_per_second?: number } } };
      if (json.error !== undefined) return { error: json.error };
      const bps = json.end?.sum_received?.bits_per_second;
      return bps === undefined ? { error: 'no sum_received in the iperf3 output' } : { mbits: bps / 1e6 };
    } catch {
      return { error: `iperf3 exited ${result.code}: ${(result.stderr || result.stdout).trim().split('\n')[0] ?? ''}` };
    }
  } catch (error) {
    return { error: (error as Error).message };
  } finally {
    await topology.stop(server, 1_000);
  }
}

interface Context {
  readonly topology: Topology;
  readonly runDir: RunDir;
  readonly supernode: string;
  readonly hostA: Host;
  readonly hostB: Host;
  readonly n3nEdge: string | undefined;
  readonly profileDir: string | undefined;
  /** How the Kith edges run: from dist/ as installed, or through tsx when dist/ is stale. */
  readonly kith: KithProgram;
}

/** An edge of either implementation in host; each pair has its own community. */
function startSide(ctx: Context, implementation: 'kith' | 'n3n', host: Host, session: string, address: string, cipher: Cipher, community: string): KithProcess {
  if (implementation === 'kith') {
    const profile = ctx.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${ctx.profileDir}`];
    const spec = { community, supernodes: [ctx.supernode], address, extra: [...FAST, `-Ocommunity.cipher=${cipher}`], ...(cipher === 'null' ? {} : { key: BENCH_KEY }) };
    return startCommand(ctx.topology, ctx.runDir, host, session, process.execPath, [...profile, ...ctx.kith.argv, ...edgeArgs(session, spec)]);
  }
  // n3n-edge in the foreground; it keeps root (daemon.userid) so its TAP stays configurable.
  const args = ['start', session, '-c', community, '-l', ctx.supernode, '-a', address, `-Otuntap.name=${session}`, `-Ocommunity.cipher=${cipher}`, '-Odaemon.userid=0', '-Odaemon.groupid=0'];
  if (cipher !== 'null') args.push('-k', BENCH_KEY);
  return startCommand(ctx.topology, ctx.runDir, host, session, ctx.n3nEdge!, args);
}

/** Edges on 10.99.<subnet>.0/24 (a: .1, b: .2). */
async function startEdgePair(ctx: Context, implementation: 'kith' | 'mixed' | 'n3n', cipher: Cipher, subnet: number): Promise<Pair> {
  const tag = `${cipher.toLowerCase().slice(0, 4)}${implementation.slice(0, 1)}`;
  const sideA = implementation === 'n3n' ? 'n3n' : 'kith';
  const sideB = implementation === 'kith' ? 'kith' : 'n3n';
  const a = startSide(ctx, sideA, ctx.hostA, `kith${tag}a`, `10.99.${subnet}.1/24`, cipher, `bench-${tag}`);
  const b = startSide(ctx, sideB, ctx.hostB, `kith${tag}b`, `10.99.${subnet}.2/24`, cipher, `bench-${tag}`);
  const vpnB = `10.99.${subnet}.2`;
  await Promise.all([a, b].flatMap((proc, i) => ((i === 0 ? sideA : sideB) === 'kith' ? [waitForRegistered(proc, SETTLE_MS)] : [])));
  await pingUntil(ctx.topology, ctx.hostA.ns, vpnB, SETTLE_MS);
  await pingUntil(ctx.topology, ctx.hostB.ns, `10.99.${subnet}.1`, SETTLE_MS);
  if (sideA === 'kith') await waitForPeerPath(a, 'direct', SETTLE_MS);
  if (sideB === 'kith') await waitForPeerPath(b, 'direct', SETTLE_MS);
  const pidOf = (proc: KithProcess, side: 'kith' | 'n3n'): number | undefined => daemonPid(proc, side === 'kith' ? process.execPath : ctx.n3nEdge!);
  return { implementation, a, b, pidA: pidOf(a, sideA), pidB: pidOf(b, sideB), vpnB };
}

/** wireguard-go on both hosts (TUN wgka/wgkb), 10.99.<subnet>.0/24 inside. */
async function startWireguardPair(ctx: Context, subnet: number): Promise<Pair> {
  const { topology, runDir } = ctx;
  const keys = ['a', 'b'].map((side) => {
    const secret = execFileSync('wg', ['genkey'], { encoding: 'utf8' }).trim();
    const file = runDir.file(`wg-${side}.key`);
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    return { file, public: execFileSync('wg', ['pubkey'], { input: secret, encoding: 'utf8' }).trim() };
  });
  const ends = [
    { host: ctx.hostA, name: 'wgka', address: `10.99.${subnet}.1`, key: keys[0]!, peer: keys[1]!, peerHost: ctx.hostB, peerAddress: `10.99.${subnet}.2` },
    { host: ctx.hostB, name: 'wgkb', address: `10.99.${subnet}.2`, key: keys[1]!, peer: keys[0]!, peerHost: ctx.hostA, peerAddress: `10.99.${subnet}.1` },
  ];
  const procs: KithProcess[] = [];
  for (const end of ends) {
    const proc = startCommand(topology, runDir, end.host, end.name, 'wireguard-go', ['-f', end.name], { env: { LOG_LEVEL: 'error' } });
    procs.push(proc);
    await waitFor(`wireguard-go's ${end.name}`, async () => ((await topology.tryExec(end.host.ns, 'ip', ['link', 'show', end.name])).code === 0 ? true : undefined), 5_000, 100);
    const wg = (...args: string[]): Promise<string> => topology.exec(end.host.ns, 'wg', args);
    await wg('set', end.name, 'listen-port', String(WG_PORT), 'private-key', end.key.file, 'peer', end.peer.public, 'endpoint', `${end.peerHost.address}:${WG_PORT}`, 'allowed-ips', `${end.peerAddress}/32`);
    await topology.exec(end.host.ns, 'ip', ['address', 'add', `${end.address}/24`, 'dev', end.name]);
    await topology.exec(end.host.ns, 'ip', ['link', 'set', end.name, 'up']);
  }
  await pingUntil(topology, ctx.hostA.ns, ends[1]!.address, SETTLE_MS);
  const [a, b] = procs as [KithProcess, KithProcess];
  return { implementation: 'wireguard-go', a, b, pidA: daemonPid(a, '/usr/bin/wireguard-go'), pidB: daemonPid(b, '/usr/bin/wireguard-go'), vpnB: ends[1]!.address };
}

async function measure(ctx: Context, pair: Pair): Promise<Sample> {
  const sample: Sample = {};
  const pings = await ping(ctx.topology, ctx.hostA.ns, pair.vpnB, PINGS);
  if (pings.rttMs !== undefined) sample.pingMs = pings.rttMs;
  const [beforeA, beforeB] = [cpuSeconds(pair.pidA), cpuSeconds(pair.pidB)];
  const outcome = await iperf(ctx.topology, ctx.hostA.ns, ctx.hostB.ns, pair.vpnB);
  const [afterA, afterB] = [cpuSeconds(pair.pidA), cpuSeconds(pair.pidB)];
  if (outcome.mbits !== undefined) sample.mbits = outcome.mbits;
  if (outcome.error !== undefined) sample.note = outcome.error;
  if (beforeA !== undefined && afterA !== undefined) sample.cpuA = afterA - beforeA;
  if (beforeB !== undefined && afterB !== undefined) sample.cpuB = afterB - beforeB;
  return sample;
}

/** Kith edge a: the RTT it reports for its peer and supernode, against ping over the same paths. */
async function reportedRtt(ctx: Context, pair: Pair, row: Row): Promise<void> {
  const supernodeAddress = ctx.supernode.split(':')[0]!;
  const pinged = await ping(ctx.topology, ctx.hostA.ns, supernodeAddress, PINGS);
  if (pinged.rttMs !== undefined) row.pingSupernodeMs = pinged.rttMs;
  const pingedPeer = await ping(ctx.topology, ctx.hostA.ns, ctx.hostB.address, PINGS);
  if (pingedPeer.rttMs !== undefined) row.pingPeerHostMs = pingedPeer.rttMs;
  const peer = (await edgePeers(pair.a))?.find((p) => p.path === 'direct');
  if (peer?.rttMs !== undefined) row.reportedPeerMs = peer.rttMs;
  const supernodes = (await call(pair.a, 'kith.supernodes')) as { selected?: boolean; rttMs?: number }[] | undefined;
  const selected = supernodes?.find((sn) => sn.selected === true);
  if (selected?.rttMs !== undefined) row.reportedSupernodeMs = selected.rttMs;
}

async function benchCipher(ctx: Context, cipher: Cipher, wireguard: boolean): Promise<Row[]> {
  const implementations: Implementation[] = ['kith', ...(ctx.n3nEdge === undefined ? [] : (['mixed', 'n3n'] as const)), ...(wireguard && cipher === 'ChaCha20' ? (['wireguard-go'] as const) : [])];
  const rows: Row[] = [];
  const pairs: Pair[] = [];
  try {
    for (const [i, implementation] of implementations.entries()) {
      const row: Row = { cipher, implementation, samples: [] };
      rows.push(row);
      try {
        pairs.push(implementation === 'wireguard-go' ? await startWireguardPair(ctx, 10 + i) : await startEdgePair(ctx, implementation, cipher, 10 + i));
      } catch (error) {
        row.note = `did not start: ${(error as Error).message.split('\n')[0] ?? ''}`;
      }
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const pair of pairs) {
        const sample = await measure(ctx, pair);
        rows.find((row) => row.implementation === pair.implementation)!.samples.push(sample);
        process.stdout.write(`  ${cipher} ${LABELS[pair.implementation]} round ${round + 1}: ${sample.mbits?.toFixed(0) ?? 'n/a'} Mbit/s, ping ${sample.pingMs?.toFixed(3) ?? 'n/a'} ms${sample.note === undefined ? '' : ` (${sample.note})`}\n`);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, RTT_SETTLE_MS));
    for (const pair of pairs) {
      const row = rows.find((r) => r.implementation === pair.implementation)!;
      const [rssA, rssB] = [residentMegabytes(pair.pidA), residentMegabytes(pair.pidB)];
      if (rssA !== undefined) row.rssA = rssA;
      if (rssB !== undefined) row.rssB = rssB;
      if (pair.implementation === 'kith' || pair.implementation === 'mixed') await reportedRtt(ctx, pair, row);
    }
  } finally {
    // Stopped gracefully so a --cpu-prof profile gets written.
    await Promise.all(pairs.flatMap((pair) => [pair.a, pair.b]).map((proc) => ctx.topology.stop(proc.child, 5_000)));
  }
  return rows;
}

const median = (values: readonly (number | undefined)[]): number | undefined => {
  const known = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((x, y) => x - y);
  if (known.length === 0) return undefined;
  const mid = Math.floor(known.length / 2);
  return known.length % 2 === 1 ? known[mid] : (known[mid - 1]! + known[mid]!) / 2;
};
const fmt = (value: number | undefined, digits: number, width: number): string => (value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits)).padStart(width);

function printTable(rows: readonly Row[], underlay: Sample | undefined): void {
  const header = `${'cipher'.padEnd(9)}${'pair'.padEnd(14)}${'Mbit/s'.padStart(8)}${'range'.padStart(12)}${'ping ms'.padStart(9)}${'s/Gbit a'.padStart(10)}${'s/Gbit b'.padStart(10)}${'s/Gbit'.padStart(8)}${'RSS MB a/b'.padStart(13)}  note`;
  process.stdout.write(`\n${header}\n${'-'.repeat(header.length + 10)}\n`);
  for (const row of rows) {
    const perGbit = (cpu: (s: Sample) => number | undefined): number | undefined => median(row.samples.map((s) => (s.mbits === undefined || s.mbits === 0 || cpu(s) === undefined ? undefined : cpu(s)! / ((s.mbits * IPERF_SECONDS) / 1_000))));
    const mbits = row.samples.map((s) => s.mbits).filter((v): v is number => v !== undefined);
    const range = mbits.length === 0 ? 'n/a' : `${Math.min(...mbits).toFixed(0)}–${Math.max(...mbits).toFixed(0)}`;
    const notes = [row.note, ...row.samples.map((s) => s.note)].filter((n): n is string => n !== undefined);
    const rss = `${fmt(row.rssA, 0, 0)}/${fmt(row.rssB, 0, 0)}`;
    process.stdout.write(
      `${row.cipher.padEnd(9)}${LABELS[row.implementation].padEnd(14)}${fmt(median(mbits), 0, 8)}${range.padStart(12)}${fmt(median(row.samples.map((s) => s.pingMs)), 3, 9)}${fmt(perGbit((s) => s.cpuA), 2, 10)}${fmt(perGbit((s) => s.cpuB), 2, 10)}${fmt(perGbit((s) => (s.cpuA === undefined || s.cpuB === undefined ? undefined : s.cpuA + s.cpuB)), 2, 8)}${rss.padStart(13)}  ${[...new Set(notes)].join('; ')}\n`,
    );
  }
  if (underlay !== undefined) process.stdout.write(`${'-'.padEnd(9)}${'underlay'.padEnd(14)}${fmt(underlay.mbits, 0, 8)}${''.padStart(12)}${fmt(underlay.pingMs, 3, 9)}  bare veth/bridge, no tunnel${underlay.note === undefined ? '' : `; ${underlay.note}`}\n`);
  process.stdout.write(
    `\nMedians over ${ROUNDS} interleaved round(s) of iperf3 TCP ${IPERF_SECONDS} s a→b; range: slowest–fastest Mbit/s. ping: ${PINGS} pings every 0.2 s over the idle tunnel. s/Gbit a/b: CPU seconds of each edge process per Gbit carried (a sends); s/Gbit: both. RSS: after the runs.\n`,
  );
  const reported = rows.filter((row) => row.reportedPeerMs !== undefined || row.reportedSupernodeMs !== undefined);
  if (reported.length > 0) {
    process.stdout.write(`\nRTT Kith reports (edge a), read after ${RTT_SETTLE_MS / 1_000} s without load, against ping's average over the same path:\n`);
    for (const row of reported) {
      const pingPeer = median(row.samples.map((s) => s.pingMs));
      process.stdout.write(
        `  ${row.cipher.padEnd(9)}${LABELS[row.implementation].padEnd(12)} peer ${fmt(row.reportedPeerMs, 2, 0)} ms (ping to its host ${fmt(row.pingPeerHostMs, 3, 0)}, through the tunnel ${fmt(pingPeer, 3, 0)})   supernode ${fmt(row.reportedSupernodeMs, 2, 0)} ms (ping ${fmt(row.pingSupernodeMs, 3, 0)})\n`,
      );
    }
  }
}

function n3nEdgeBinary(): string | undefined | Error {
  const dir = process.env['KITH_BENCH_N3N'];
  if (dir === undefined || dir === '') return undefined;
  const binary = resolve(dir, 'n3n-edge');
  return existsSync(binary) ? binary : new Error(`KITH_BENCH_N3N: no n3n-edge in ${dir}`);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((arg): arg is Cipher => (CIPHERS as readonly string[]).includes(arg));
  const ciphers = wanted.length > 0 ? wanted : [...DEFAULT_CIPHERS];
  const skip = netnsSkipReason() ?? ensureIperf();
  if (skip !== undefined) {
    process.stdout.write(`bench:tunnel skipped: ${skip}\n`);
    return;
  }
  const n3nEdge = n3nEdgeBinary();
  if (n3nEdge instanceof Error) {
    process.stdout.write(`bench:tunnel: ${n3nEdge.message}\n`);
    return;
  }
  const wireguard = has('wireguard-go', ['--version']) && has('wg', ['--version']);
  const profileDir = process.env['KITH_BENCH_CPU_PROF'] === undefined || process.env['KITH_BENCH_CPU_PROF'] === '' ? undefined : resolve(process.env['KITH_BENCH_CPU_PROF']);
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });

  const pairsPerCipher = 1 + (n3nEdge === undefined ? 0 : 2) + (wireguard ? 1 : 0);
  // Start-up of a cipher's pairs, then per round and pair: pings, iperf3 and its server.
  const limitMs = ciphers.length * (40_000 + RTT_SETTLE_MS + ROUNDS * pairsPerCipher * (PINGS * 200 + IPERF_SECONDS * 1_000 + 8_000)) + 60_000;
  const topology = Topology.create();
  const runDir = new RunDir(topology);
  const rows: Row[] = [];
  let underlay: Sample | undefined;
  // The hard cut-off: whatever is still running, tear down, print and leave.
  const cutOff = setTimeout(() => {
    process.stdout.write(`bench:tunnel: cut off after ${Math.round(limitMs / 1_000)} s\n`);
    topology.destroySync();
    runDir.remove();
    printTable(rows, underlay);
    process.exit(0);
  }, limitMs);
  cutOff.unref();
  try {
    const snHost = await topology.publicHost('sn');
    const sn = startSupernode(topology, runDir, snHost, 'sn');
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    const [hostA, hostB] = [await topology.publicHost('a'), await topology.publicHost('b')];
    const kith = kithProgram('edge');
    const ctx: Context = { topology, runDir, supernode: `${snHost.address}:${SUPERNODE_PORT}`, hostA, hostB, n3nEdge, profileDir, kith };
    const kernel = (await run('uname', ['-r'])).stdout.trim();
    const others = [n3nEdge === undefined ? 'no n3n (KITH_BENCH_N3N unset)' : `n3n ${n3nEdge}`, wireguard ? 'wireguard-go' : 'no wireguard-go'];
    process.stdout.write(
      `bench:tunnel: ${ciphers.join(', ')}; Kith from ${kith.how === 'dist' ? 'dist/' : 'the sources through tsx'}${kith.note === undefined ? '' : ` (${kith.note})`}; ${others.join(', ')}; ${ROUNDS} round(s) × iperf3 TCP ${IPERF_SECONDS} s a→b, node ${process.version}, kernel ${kernel}, ${ticksPerSecond()} ticks/s${profileDir === undefined ? '' : `, CPU profiles of the Kith edges in ${join(profileDir)}`}\n`,
    );
    for (const cipher of ciphers) rows.push(...(await benchCipher(ctx, cipher, wireguard)));
    underlay = {};
    const pings = await ping(topology, hostA.ns, hostB.address, PINGS);
    if (pings.rttMs !== undefined) underlay.pingMs = pings.rttMs;
    const outcome = await iperf(topology, hostA.ns, hostB.ns, hostB.address);
    if (outcome.mbits !== undefined) underlay.mbits = outcome.mbits;
    if (outcome.error !== undefined) underlay.note = outcome.error;
  } catch (error) {
    process.stdout.write(`bench:tunnel: stopped early: ${(error as Error).message.split('\n')[0]}\n`);
  } finally {
    clearTimeout(cutOff);
    await topology.destroy().catch(() => topology.destroySync());
    runDir.remove();
  }
  process.stdout.write(`bench:tunnel: ${Math.round((Date.now() - started) / 1_000)} s\n`);
  printTable(rows, underlay);
}

await main().catch((error: unknown) => process.stdout.write(`bench:tunnel failed: ${String(error)}\n`));
process.exit(0);
