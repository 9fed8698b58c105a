// TAPs with segmentation offload against the real kernel (root; everything inside network
// namespaces made and deleted here): a TCP round trip through two TAPs joined by our own loop
// (super-frames split on read, coalesced on write), the kernel judging our coalesced checksums,
// and offloads never left behind on a persistent device.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { offloadSupported } from './offload.js';
import { TunOffload, type TapStats } from './tap.js';
import { asNobody, fixture, haveIp, isRoot, kithTap, must, namespacePair, NOBODY, run } from './test-fixtures/host.js';

const worker = fixture('offload-worker.ts');
const haveIperf = run('iperf3', ['--version']).status === 0;
const haveEthtool = run('ethtool', ['--version']).status === 0;
const skip = !isRoot || !haveIp ? 'needs root and iproute2' : !offloadSupported() ? 'no TAP offload on this platform' : false;

interface Result {
  ok: boolean;
  [key: string]: unknown;
}

function inNamespace(ns: string, args: string[], prefix: string[] = []): Result {
  const out = must('ip', ['netns', 'exec', ns, ...prefix, process.execPath, '--import', 'tsx', worker, ...args]);
  const r = JSON.parse(out.trim().split('\n').at(-1) ?? '') as Result;
  assert.ok(r.ok, out);
  return r;
}

describe('TAP offload in the kernel', { skip }, () => {
  const { a: nsA, b: nsB } = namespacePair('off');

  it('carries TCP through two offloading TAPs and our own loop, intact', { skip: haveIperf ? false : 'iperf3 is not installed', timeout: 180_000 }, () => {
    const r = inNamespace(nsA, ['loop', nsB]) as Result & {
      ipv4: number;
      ipv4Reverse: number;
      ipv6: number;
      hashes: { sent: string; received: string };
      csumErrors: { a: number; b: number };
      a: TapStats;
      b: TapStats;
      offload: number;
    };
    const mbps = (bps: number): string => (bps / 1e6).toFixed(0);
    console.log(`  iperf3 through the loop (Mbit/s): IPv4 ${mbps(r.ipv4)}, reverse ${mbps(r.ipv4Reverse)}, IPv6 ${mbps(r.ipv6)}`);
    assert.ok((r.offload & TunOffload.Tso4) !== 0 && (r.offload & TunOffload.Tso6) !== 0, `offloads ${r.offload}`);
    assert.equal(r.hashes.received, r.hashes.sent, 'every byte arrived as sent');
    assert.deepEqual(r.csumErrors, { a: 0, b: 0 }, 'no checksum errors in either kernel');
    for (const side of [r.a, r.b]) {
      assert.ok(side.superFramesRead > 0, 'the kernel handed us super-frames');
      assert.ok(side.segmentsRead > side.superFramesRead);
      assert.equal(side.badFrames, 0);
      assert.equal(side.writeErrors, 0);
    }
    for (const side of [r.a, r.b]) assert.ok(side.superFramesWritten > 0 && side.segmentsCoalesced > side.superFramesWritten, 'we handed the kernel super-frames');
    assert.ok(r.ipv4 > 0 && r.ipv4Reverse > 0 && r.ipv6 > 0);
  });

  it('lets the kernel verify coalesced checksums: an intact super-frame is answered, a damaged one counted', { timeout: 60_000 }, () => {
    const r = inNamespace(nsA, ['checksum']) as Result & { written: number[]; resets: number[]; csumErrors: number; stats: TapStats };
    assert.deepEqual(r.written, [5, 5]);
    assert.equal(r.stats.superFramesWritten, 2);
    assert.deepEqual(r.resets, [41001], 'RST for the intact one only');
    assert.equal(r.csumErrors, 1, 'the damaged one failed the kernel’s checksum');
  });

  it('lets the unprivileged owner of a persistent TAP attach with offload (IFF_VNET_HDR needs no privilege)', { timeout: 60_000 }, () => {
    must('ip', ['netns', 'exec', nsA, kithTap, 'create', 'kithofo0', String(NOBODY)]);
    const r = inNamespace(nsA, ['owner', 'kithofo0'], asNobody) as Result & { uid: number; flags: number };
    assert.equal(r.uid, NOBODY);
    assert.equal(r.flags & (TunOffload.Csum | TunOffload.Tso4 | TunOffload.Tso6), TunOffload.Csum | TunOffload.Tso4 | TunOffload.Tso6);
  });

  it('leaves no offload behind on a persistent TAP, also after a reader was killed', { skip: haveEthtool ? false : 'ethtool is not installed', timeout: 60_000 }, () => {
    const r = inNamespace(nsA, ['persist']) as Result & Record<'open' | 'closed' | 'orphaned' | 'plain', { tso: boolean; csum: boolean }>;
    assert.deepEqual(r.open, { tso: true, csum: true });
    assert.deepEqual(r.closed, { tso: false, csum: false });
    assert.deepEqual(r.orphaned, { tso: true, csum: true }, 'a killed reader cannot clean up');
    assert.deepEqual(r.plain, { tso: false, csum: false }, 'so a plain reader turns them off');
  });
});
