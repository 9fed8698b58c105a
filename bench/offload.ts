// The TAP segmentation offload (native/src/offload.h): frames/s of splitting kernel super-frames and
// coalescing segments, on bytes (no device), and, as root, TCP through two TAPs joined by a
// JavaScript loop (reads of one are batch writes to the other) with the offload on and off,
// interleaved, in network namespaces made and deleted here. Medians of the runs.
//   node --import tsx bench/offload.ts [runs=3]
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { loadAddon, openTap, type TapDevice } from '../native/tap.js';
import { offloadSupported, VNET_HDR_LEN } from '../native/offload.js';
import { tcpRun } from '../native/test-fixtures/packets.js';

const runs = Math.min(Math.max(Number(process.argv[2] ?? 3) || 3, 1), 9);
const self = fileURLToPath(import.meta.url);
const SECONDS = 0.5;
const MSS = 1448;

interface OffloadAddon {
  vnetSplit(input: Uint8Array, slab: Uint8Array, offsets: Uint32Array, lengths: Uint32Array): number | string;
  vnetCoalesce(buf: Uint8Array, offsets: Uint32Array, lengths: Uint32Array, count: number, out: Uint8Array, outOffsets: Uint32Array, outLengths: Uint32Array): number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** Calls op until SECONDS passed; returns calls per second. */
function rate(op: () => void): number {
  for (let i = 0; i < 100; i++) op();
  const start = process.hrtime.bigint();
  let calls = 0;
  while (Number(process.hrtime.bigint() - start) < SECONDS * 1e9) {
    for (let i = 0; i < 64; i++) op();
    calls += 64;
  }
  return calls / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** A kernel-style TCPv4 super-frame of `segments` full segments behind a NEEDS_CSUM GSO header. */
function superFrame(segments: number): Uint8Array {
  const run = tcpRun(segments, MSS);
  const first = run[0]!;
  const headers = first.length - MSS;
  const frame = new Uint8Array(VNET_HDR_LEN + headers + segments * MSS);
  const v = new DataView(frame.buffer);
  frame[0] = 1; // NEEDS_CSUM
  frame[1] = 1; // TCPv4
  v.setUint16(2, headers, true);
  v.setUint16(4, MSS, true);
  v.setUint16(6, 34, true);
  v.setUint16(8, 16, true);
  frame.set(first.subarray(0, headers), VNET_HDR_LEN);
  run.forEach((s, i) => frame.set(s.subarray(headers), VNET_HDR_LEN + headers + i * MSS));
  return frame;
}

function bytesBench(): void {
  const loaded = loadAddon();
  if (!loaded.ok || !offloadSupported()) {
    console.log('offload: the addon has no offload code here');
    return;
  }
  const a = loaded.value as unknown as OffloadAddon;
  const input = superFrame(45);
  const slab = new Uint8Array(1 << 20);
  const offsets = new Uint32Array(64);
  const lengths = new Uint32Array(64);
  const segments = tcpRun(64, MSS);
  const buf = new Uint8Array(segments.reduce((n, s) => n + s.length, 0));
  const offs = new Uint32Array(64);
  const lens = new Uint32Array(64);
  segments.reduce((at, s, i) => (buf.set(s, at), (offs[i] = at), (lens[i] = s.length), at + s.length), 0);
  const out = new Uint8Array(buf.length + 64 * VNET_HDR_LEN);
  const outOffs = new Uint32Array(64);
  const outLens = new Uint32Array(64);
  const split: number[] = [];
  const coalesce: number[] = [];
  for (let r = 0; r < runs; r++) {
    split.push(rate(() => a.vnetSplit(input, slab, offsets, lengths)) * 45);
    coalesce.push(rate(() => a.vnetCoalesce(buf, offs, lens, 64, out, outOffs, outLens)) * 64);
  }
  console.log(`offload on bytes (median of ${runs}; split copies each segment out and checksums it, coalescing only reads headers):`);
  console.log(`  split a 45-segment TCPv4 super-frame   ${fmt(median(split))} frames/s`);
  console.log(`  coalesce 64 segments of one flow       ${fmt(median(coalesce))} frames/s (into one super-frame)`);
}

// ---- Through two TAPs and a JavaScript loop (root) ----

/** iperf3 for 3 s to a server in ns; the client runs asynchronously so the loop keeps forwarding. */
function iperf(ns: string, server: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = spawn('ip', ['netns', 'exec', ns, 'iperf3', '-s', '-1', '-p', '5201'], { stdio: 'ignore' });
    setTimeout(() => {
      execFile('iperf3', ['-c', server, '-p', '5201', '-t', '3', '-J'], { timeout: 30_000 }, (error, stdout, stderr) => {
        s.kill();
        if (error !== null) return reject(new Error(`iperf3: ${stderr || error.message}`));
        resolve((JSON.parse(stdout) as { end: { sum_received: { bits_per_second: number } } }).end.sum_received.bits_per_second);
      });
    }, 300);
  });
}

async function loopOnce(nsB: string, offload: boolean): Promise<{ mbps: number; reads: number; writes: number; frames: number }> {
  const open = (name: string): TapDevice => {
    const r = openTap({ name, create: true, offload, batchSize: 256 });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  const a = open('kbofa');
  const b = open('kbofb');
  execFileSync('ip', ['link', 'set', 'kbofb', 'netns', nsB]);
  execFileSync('ip', ['address', 'add', '10.97.0.1/24', 'dev', 'kbofa']);
  execFileSync('ip', ['link', 'set', 'kbofa', 'up']);
  execFileSync('ip', ['netns', 'exec', nsB, 'ip', 'address', 'add', '10.97.0.2/24', 'dev', 'kbofb']);
  execFileSync('ip', ['netns', 'exec', nsB, 'ip', 'link', 'set', 'kbofb', 'up']);
  a.onFrames((f) => b.writeBatch(f.data, f.offsets, f.lengths, f.count));
  b.onFrames((f) => a.writeBatch(f.data, f.offsets, f.lengths, f.count));
  const mbps = (await iperf(nsB, '10.97.0.2')) / 1e6;
  const sa = a.stats();
  const sb = b.stats();
  a.close();
  b.close();
  // System calls: a super-frame is one read (or write) for all its segments.
  const calls = (frames: number, segments: number, supers: number): number => frames - segments + supers;
  return {
    mbps,
    reads: calls(sa.framesRead, sa.segmentsRead, sa.superFramesRead) + calls(sb.framesRead, sb.segmentsRead, sb.superFramesRead),
    writes: calls(sa.framesWritten, sa.segmentsCoalesced, sa.superFramesWritten) + calls(sb.framesWritten, sb.segmentsCoalesced, sb.superFramesWritten),
    frames: sa.framesRead + sb.framesRead,
  };
}

async function loopBench(nsB: string): Promise<void> {
  const results: Record<'on' | 'off', { mbps: number; reads: number; writes: number; frames: number }[]> = { on: [], off: [] };
  for (let r = 0; r < runs; r++) {
    for (const mode of ['on', 'off'] as const) results[mode].push(await loopOnce(nsB, mode === 'on'));
  }
  console.log(`TCP (iperf3, 3 s) through two TAPs and a JavaScript loop, offload on and off interleaved, median of ${runs}:`);
  for (const mode of ['on', 'off'] as const) {
    const m = results[mode];
    const perFrame = (k: 'reads' | 'writes'): string => (median(m.map((x) => x.frames / x[k])) || 0).toFixed(1);
    console.log(`  offload ${mode.padEnd(3)} ${fmt(median(m.map((x) => x.mbps))).padStart(6)} Mbit/s   frames per read() ${perFrame('reads')}, per write() ${perFrame('writes')}`);
  }
}

if (process.env.KITH_BENCH_INNER === '1') {
  await loopBench(process.argv[3]!);
  process.exit(0);
} else {
  bytesBench();
  const haveIperf = spawnSync('iperf3', ['--version'], { stdio: 'ignore' }).status === 0;
  if (process.getuid?.() !== 0 || !haveIperf || !offloadSupported()) {
    console.log('(the TAP loop needs root, iperf3 and Linux)');
  } else {
    const id = randomBytes(4).toString('hex');
    const nsA = `kith-bench-${id}-a`;
    const nsB = `kith-bench-${id}-b`;
    execFileSync('ip', ['netns', 'add', nsA]);
    execFileSync('ip', ['netns', 'add', nsB]);
    try {
      spawnSync('ip', ['netns', 'exec', nsA, process.execPath, '--import', 'tsx', self, String(runs), nsB], {
        stdio: 'inherit',
        env: { ...process.env, KITH_BENCH_INNER: '1' },
        timeout: runs * 60_000,
      });
    } finally {
      spawnSync('ip', ['netns', 'del', nsA]);
      spawnSync('ip', ['netns', 'del', nsB]);
    }
  }
}
