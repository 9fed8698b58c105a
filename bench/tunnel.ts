// Tunnel throughput: two kith-edges and a kith-supernode on a bridge in network namespaces (the
// e2e/netns harness, plain underlay as in scenario 1), and per cipher: TCP through the tunnel with
// iperf3 (10 s, server in the other edge's namespace), ping RTT over the tunnel, and the CPU time
// each edge process used during the iperf run; then the same iperf3 on the bare underlay as the
// ceiling, and n3n's reference figures from the issue for comparison.
//
//   node --import tsx bench/tunnel.ts                 null, AES, ChaCha20, Speck
//   node --import tsx bench/tunnel.ts AES null        only these ciphers, in this order
//   KITH_BENCH_CPU_PROF=<dir>                         both edges run under `node --cpu-prof` (profiles,
//                                                     named with the pids printed, land in <dir> when
//                                                     they stop; the figures are then not comparable)
//
// Needs root (namespaces). Every wait is bounded, the whole run is cut off after MAX_RUN_MS, the
// namespaces and processes are always removed, and it exits 0 printing whatever it could measure.
// The community key is a fixed bench value, passed on the command line and never printed.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { call, daemonPid, FAST, pingUntil, ping, RunDir, SETTLE_MS, startEdge, startSupernode, SUPERNODE_PORT, VPN_A, VPN_B, waitFor, waitForPeerPath, waitForRegistered } from '../e2e/netns/kith.js';
import type { KithProcess } from '../e2e/netns/kith.js';
import { netnsSkipReason, run, Topology } from '../e2e/netns/topology.js';
import type { Host } from '../e2e/netns/topology.js';
import { cpuSeconds, ticksPerSecond } from './proc-cpu.js';

const CIPHERS = ['null', 'AES', 'ChaCha20', 'Speck'] as const;
type Cipher = (typeof CIPHERS)[number];
const IPERF_SECONDS = 10;
/** The whole bench must stay under 3 minutes, apt-get included. */
const MAX_RUN_MS = 170_000;
/** A cipher is skipped when less than this is left (start-up, iperf, ping, stop). */
const PER_CIPHER_MS = 25_000;
const BENCH_KEY = 'kith-bench-tunnel-key';

/** n3n 3.x figures from the issue (same kind of setup: two edges, TCP iperf3 through the tunnel). */
const N3N_MBITS: Partial<Record<Cipher | 'underlay', number>> = { null: 610, AES: 460, ChaCha20: 570, underlay: 16_000 };
const N3N_NOTE: Partial<Record<Cipher | 'underlay', string>> = { AES: 'median of 9, range 360–500' };

interface Row {
  readonly label: string;
  mbits?: number;
  rttMs?: number;
  cpuA?: number;
  cpuB?: number;
  /** kith.peers answered by the receiving edge during the iperf run: median and slowest, ms. */
  mgmtP50?: number;
  mgmtMax?: number;
  note?: string;
}

const started = Date.now();
const left = (): number => MAX_RUN_MS - (Date.now() - started);

function hasIperf(): boolean {
  try {
    execFileSync('iperf3', ['--version'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

function ensureIperf(): string | undefined {
  if (hasIperf()) return undefined;
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', 'iperf3'], { stdio: 'ignore', timeout: 90_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    // Reported below.
  }
  return hasIperf() ? undefined : 'iperf3 is not installed and apt-get install -y iperf3 failed';
}

/**
 * Asks the edge for kith.peers every 200 ms until stopped and times each answer: how quickly the
 * engine's event loop serves the desktop window (IPC or HTTP) while the tunnel runs at full speed.
 */
function pollManagement(proc: KithProcess): { stop(): Promise<number[]> } {
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const began = performance.now();
      if ((await call(proc, 'kith.peers')) !== undefined) samples.push(performance.now() - began);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples.sort((x, y) => x - y);
    },
  };
}

interface IperfOutcome {
  readonly mbits?: number;
  readonly error?: string;
}

/** iperf3 server (one client, then it exits) in serverNs; client in clientNs towards address. */
async function iperf(topology: Topology, clientNs: string, serverNs: string, address: string): Promise<IperfOutcome> {
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

async function measureCipher(topology: Topology, runDir: RunDir, sn: string, hostA: Host, hostB: Host, cipher: Cipher, profileDir: string | undefined): Promise<Row> {
  const row: Row = { label: cipher };
  const tag = cipher.toLowerCase().slice(0, 6);
  // Own community and TAP names per cipher: nothing left over from the previous run can interfere.
  const common = { community: `bench-${tag}`, supernodes: [sn], extra: [...FAST, `-Ocommunity.cipher=${cipher}`], ...(cipher === 'null' ? {} : { key: BENCH_KEY }) };
  let a: KithProcess | undefined;
  let b: KithProcess | undefined;
  try {
    const profile = profileDir === undefined ? {} : { nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] };
    a = startEdge(topology, runDir, hostA, `kith${tag}a`, { ...common, address: `${VPN_A}/24`, ...profile });
    b = startEdge(topology, runDir, hostB, `kith${tag}b`, { ...common, address: `${VPN_B}/24`, ...profile });
    await Promise.all([waitForRegistered(a, SETTLE_MS), waitForRegistered(b, SETTLE_MS)]);
    await pingUntil(topology, hostA.ns, VPN_B, SETTLE_MS);
    await pingUntil(topology, hostB.ns, VPN_A, SETTLE_MS);
    await Promise.all([waitForPeerPath(a, 'direct', SETTLE_MS), waitForPeerPath(b, 'direct', SETTLE_MS)]);

    const pings = await ping(topology, hostA.ns, VPN_B, 20);
    if (pings.rttMs !== undefined) row.rttMs = pings.rttMs;

    const [pidA, pidB] = [daemonPid(a), daemonPid(b)];
    if (profileDir !== undefined) process.stdout.write(`  ${cipher}: edge a pid ${pidA ?? '?'}, edge b pid ${pidB ?? '?'}\n`);
    const [beforeA, beforeB] = [cpuSeconds(pidA), cpuSeconds(pidB)];
    const poller = pollManagement(b);
    const outcome = await iperf(topology, hostA.ns, hostB.ns, VPN_B);
    const [afterA, afterB] = [cpuSeconds(pidA), cpuSeconds(pidB)];
    const answered = await poller.stop();
    const [median, slowest] = [answered[Math.floor(answered.length / 2)], answered.at(-1)];
    if (median !== undefined && slowest !== undefined) {
      row.mgmtP50 = median;
      row.mgmtMax = slowest;
    }
    if (outcome.mbits !== undefined) row.mbits = outcome.mbits;
    if (outcome.error !== undefined) row.note = outcome.error;
    if (beforeA !== undefined && afterA !== undefined) row.cpuA = afterA - beforeA;
    if (beforeB !== undefined && afterB !== undefined) row.cpuB = afterB - beforeB;
  } catch (error) {
    row.note = (error as Error).message.split('\n')[0] ?? 'failed';
  } finally {
    // Stopped gracefully so a --cpu-prof profile gets written.
    await Promise.all([a, b].flatMap((proc) => (proc === undefined ? [] : [topology.stop(proc.child, 5_000)])));
  }
  return row;
}

const fmt = (value: number | undefined, digits: number, width: number): string => (value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(digits)).padStart(width);

function printTable(rows: readonly Row[], underlay: Row | undefined): void {
  const header = `${'cipher'.padEnd(10)}${'Mbit/s'.padStart(9)}${'RTT ms'.padStart(8)}${'CPU s a'.padStart(9)}${'CPU s b'.padStart(9)}${'s/Gbit a'.padStart(10)}${'s/Gbit b'.padStart(10)}${'CPU s/Gbit'.padStart(11)}${'n3n Mbit/s'.padStart(12)}${'ratio'.padStart(7)}${'mgmt ms'.padStart(12)}  note`;
  process.stdout.write(`\n${header}\n${'-'.repeat(header.length + 10)}\n`);
  for (const row of rows) {
    const gbit = row.mbits === undefined ? undefined : (row.mbits * IPERF_SECONDS) / 1_000;
    const cpu = row.cpuA === undefined || row.cpuB === undefined ? undefined : row.cpuA + row.cpuB;
    const perGbit = gbit === undefined || cpu === undefined || gbit === 0 ? undefined : cpu / gbit;
    const reference = N3N_MBITS[row.label as Cipher];
    const ratio = reference === undefined || row.mbits === undefined ? undefined : row.mbits / reference;
    const note = [N3N_NOTE[row.label as Cipher], row.note].filter((part) => part !== undefined).join('; ');
    const per = (cpu: number | undefined): number | undefined => (gbit === undefined || cpu === undefined || gbit === 0 ? undefined : cpu / gbit);
    process.stdout.write(`${row.label.padEnd(10)}${fmt(row.mbits, 0, 9)}${fmt(row.rttMs, 3, 8)}${fmt(row.cpuA, 2, 9)}${fmt(row.cpuB, 2, 9)}${fmt(per(row.cpuA), 2, 10)}${fmt(per(row.cpuB), 2, 10)}${fmt(perGbit, 2, 11)}${fmt(reference, 0, 12)}${fmt(ratio, 2, 7)}${`${fmt(row.mgmtP50, 1, 0)}/${fmt(row.mgmtMax, 0, 0)}`.padStart(12)}  ${note}\n`);
  }
  if (underlay !== undefined) {
    const reference = N3N_MBITS.underlay;
    const ratio = reference === undefined || underlay.mbits === undefined ? undefined : underlay.mbits / reference;
    process.stdout.write(`${'underlay'.padEnd(10)}${fmt(underlay.mbits, 0, 9)}${fmt(underlay.rttMs, 3, 8)}${'-'.padStart(9)}${'-'.padStart(9)}${'-'.padStart(10)}${'-'.padStart(10)}${'-'.padStart(11)}${fmt(reference, 0, 12)}${fmt(ratio, 2, 7)}  ceiling: bare veth/bridge, no tunnel${underlay.note === undefined ? '' : `; ${underlay.note}`}\n`);
  }
  process.stdout.write(
    `\nCPU s a/b: CPU time of each edge process during the ${IPERF_SECONDS} s iperf3 run (a sends); s/Gbit a/b: the same per Gbit carried; CPU s/Gbit: (a + b) per Gbit. ratio: ours / n3n's. mgmt ms: median/slowest answer of the receiving edge to kith.peers, asked every 200 ms during the run (what the desktop window waits for). UDP socket: ${process.env['KITH_UDP'] === 'dgram' ? 'node:dgram (KITH_UDP=dgram)' : 'batched where the addon has one (KITH_UDP=dgram: node:dgram)'}.\n`,
  );
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((arg): arg is Cipher => (CIPHERS as readonly string[]).includes(arg));
  const ciphers = wanted.length > 0 ? wanted : [...CIPHERS];
  const skip = netnsSkipReason() ?? ensureIperf();
  if (skip !== undefined) {
    process.stdout.write(`bench:tunnel skipped: ${skip}\n`);
    return;
  }
  const profileDir = process.env['KITH_BENCH_CPU_PROF'] === undefined || process.env['KITH_BENCH_CPU_PROF'] === '' ? undefined : resolve(process.env['KITH_BENCH_CPU_PROF']);
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });

  const topology = Topology.create();
  const runDir = new RunDir(topology);
  const rows: Row[] = [];
  let underlay: Row | undefined;
  // The hard cut-off: whatever is still running, tear down, print and leave.
  const cutOff = setTimeout(() => {
    process.stdout.write(`bench:tunnel: cut off after ${MAX_RUN_MS / 1_000} s\n`);
    topology.destroySync();
    runDir.remove();
    printTable(rows, underlay);
    process.exit(0);
  }, MAX_RUN_MS);
  cutOff.unref();
  try {
    const snHost = await topology.publicHost('sn');
    const sn = startSupernode(topology, runDir, snHost, 'sn');
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    const [hostA, hostB] = [await topology.publicHost('a'), await topology.publicHost('b')];
    const kernel = (await run('uname', ['-r'])).stdout.trim();
    process.stdout.write(`bench:tunnel: ${ciphers.join(', ')} — iperf3 TCP ${IPERF_SECONDS} s a→b, node ${process.version}, kernel ${kernel}, ${ticksPerSecond()} ticks/s${profileDir === undefined ? '' : `, CPU profiles of the edges in ${profileDir}`}\n`);
    for (const cipher of ciphers) {
      // Leave room for the underlay ceiling (about IPERF_SECONDS) after the ciphers.
      if (left() < PER_CIPHER_MS + (IPERF_SECONDS + 5) * 1_000) {
        rows.push({ label: cipher, note: 'skipped: out of time' });
        continue;
      }
      const row = await measureCipher(topology, runDir, `${snHost.address}:${SUPERNODE_PORT}`, hostA, hostB, cipher, profileDir);
      process.stdout.write(`  ${cipher}: ${row.mbits === undefined ? 'n/a' : `${row.mbits.toFixed(0)} Mbit/s`}${row.note === undefined ? '' : ` (${row.note})`}\n`);
      rows.push(row);
    }
    underlay = { label: 'underlay' };
    const pings = await ping(topology, hostA.ns, hostB.address, 20);
    if (pings.rttMs !== undefined) underlay.rttMs = pings.rttMs;
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
  printTable(rows, underlay);
}

await main().catch((error: unknown) => process.stdout.write(`bench:tunnel failed: ${String(error)}\n`));
process.exit(0);
