// TAP throughput through the kith_tap addon: ICMP echo requests written to a TAP, echo replies
// from the kernel read back in batches. Needs root; runs entirely inside a network namespace it
// creates and deletes. Prints frames/s written and read and the mean frames per wake-up.
//   node --import tsx bench/tap.ts [seconds=2]

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { openTap } from '../native/tap.js';
import { arpRequest, echoReplySeq, icmpEcho, packFrames, parseIp, parseMac } from '../native/test-fixtures/frames.js';

const seconds = Math.min(Math.max(Number(process.argv[2] ?? 2) || 2, 0.5), 30);
const self = fileURLToPath(import.meta.url);
const kithTap = fileURLToPath(new URL('../native/build/kith-tap', import.meta.url));

if (process.env.KITH_BENCH_INNER !== '1') {
  if (process.getuid?.() !== 0) {
    console.error('bench/tap.ts needs root (it creates a network namespace and a TAP)');
    process.exit(1);
  }
  const ns = `kith-bench-${randomBytes(4).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', self, String(seconds)], {
      stdio: 'inherit',
      env: { ...process.env, KITH_BENCH_INNER: '1' },
      timeout: (seconds + 30) * 1000,
    });
    process.exitCode = r.status ?? 1;
  } finally {
    spawnSync('ip', ['netns', 'del', ns]);
  }
} else {
  const opened = openTap({ name: 'kithbench0', create: true });
  if (!opened.ok) throw new Error(opened.error.message);
  const tap = opened.value;
  const ours = parseMac('02:4b:49:54:00:01');
  const peerMac = parseMac('02:4b:49:54:00:02');
  const kernel = parseIp('10.80.0.1');
  const peer = parseIp('10.80.0.2');
  tap.setMac(ours);
  execFileSync(kithTap, ['addr', 'kithbench0', '10.80.0.1/24']);
  execFileSync(kithTap, ['up', 'kithbench0']);

  const BATCH = 64;
  const IN_FLIGHT = 512; // below the TAP's 1000-frame queue, so the kernel never drops replies
  const frames = Array.from({ length: BATCH }, (_, i) => icmpEcho(ours, peerMac, peer, kernel, 0x4b54, i));
  const { buf, offsets, lengths } = packFrames(frames);
  let replies = 0;
  tap.onFrames((b) => {
    for (let i = 0; i < b.count; i++) if (echoReplySeq(b.frame(i), 0x4b54) !== undefined) replies++;
  });
  tap.write(arpRequest(peerMac, peer, kernel)); // the kernel learns the peer's MAC

  let written = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      if (process.hrtime.bigint() >= deadline) return resolve();
      if (written - replies < IN_FLIGHT) written += tap.writeBatch(buf, offsets, lengths);
      setImmediate(pump);
    };
    pump();
  });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  await new Promise((r) => setTimeout(r, 100)); // let the last replies arrive
  const s = tap.stats();
  tap.close();
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log(`tap: ${seconds}s, ${frames[0]!.length}-byte frames, batches of ${BATCH}`);
  console.log(`  written  ${fmt(written / elapsed)} frames/s  (${fmt(written)} frames, ${s.writeDrops} dropped)`);
  console.log(`  read     ${fmt(replies / elapsed)} frames/s  (${fmt(s.framesRead)} frames in ${fmt(s.wakeups)} wake-ups, ${(s.framesRead / Math.max(1, s.wakeups)).toFixed(1)} per wake-up)`);
}
