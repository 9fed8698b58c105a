// The express lane (native/express.ts) against the real kernel and the TypeScript codec and
// transforms, the reference (root; everything inside a network namespace made and deleted here):
// for every cipher, a peer's pings go through the lane to the kernel and its replies come back
// through the lane as PACKETs the reference decodes, none of it seen by JavaScript; what the lane
// must leave to the engine reaches the JavaScript handlers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAddon } from './tap.js';
import { fixture, haveIp, isRoot, must, namespacePair } from './test-fixtures/host.js';

const worker = fixture('express-worker.ts');
const addon = loadAddon();
const skip = !isRoot || !haveIp ? 'needs root and iproute2' : !addon.ok ? 'the addon is not built' : !('expressOpen' in addon.value) ? 'the express lane is Linux-only' : false;

const TRANSFORM_IDS: Record<string, number> = { null: 1, Twofish: 2, AES: 3, ChaCha20: 4, Speck: 5 };
const PINGS = 20;

interface CipherRun {
  readonly cipher: string;
  readonly replies: number;
  readonly uniqueReplies: number;
  readonly carried: { tapIcmp: number; tapOther: number; datagrams: number };
  readonly traffic: Record<string, { framesIn: number; bytesIn: number; datagramBytesIn: number; framesOut: number; bytesOut: number; idleMs: number | undefined }>;
  readonly passed: Record<string, number>;
  readonly stats: { framesOut: number; framesIn: number; sendErrors: number; writeDrops: number };
  readonly headers: string[];
  readonly ivs: string[];
  readonly referenceHeader: string;
  readonly answered: { acks: string[]; referenceAck: string; marked: number };
  readonly ordered: { toEngine: number; byLane: number };
  readonly finalAcks: number;
  readonly finalMarked: number;
}

describe('the express lane', { skip }, () => {
  const { a: ns } = namespacePair('express');

  it('carries pings both ways for every cipher, byte-compatible with the TypeScript codec, and leaves the rest to the engine', { timeout: 120_000 }, () => {
    const out = must('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', worker]);
    const runs = out
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as CipherRun);
    assert.deepEqual(
      runs.map((r) => r.cipher),
      ['null', 'AES', 'ChaCha20', 'Twofish', 'Speck'],
    );
    for (const r of runs) {
      const what = `${r.cipher}: ${JSON.stringify(r)}`;
      // Every ping answered once, through the lane only.
      assert.equal(r.uniqueReplies, PINGS, what);
      assert.equal(r.replies, PINGS, what);
      assert.deepEqual({ icmp: r.carried.tapIcmp, datagrams: r.carried.datagrams }, { icmp: 0, datagrams: 0 }, what);
      assert.equal(r.stats.framesIn, PINGS, what);
      assert.equal(r.stats.framesOut, PINGS, what);
      assert.equal(r.stats.sendErrors + r.stats.writeDrops, 0, what);
      // The PACKET header is the one the engine's data path writes (the TypeScript codec), and what
      // n3n expects (PROTOCOL.md §4.1, §5): version 3, TTL, type PACKET without flags, the
      // community, our MAC, the peer's, compression "none" (1), the transform.
      assert.deepEqual(r.headers, [r.referenceHeader], what);
      assert.equal(r.referenceHeader.slice(72), `01${TRANSFORM_IDS[r.cipher]!.toString(16).padStart(2, '0')}`, what);
      // What collect() hands the engine: the frames and bytes both ways, and how long ago the last came.
      const t = r.traffic['020000000002'];
      assert.ok(t !== undefined, what);
      assert.deepEqual([t.framesIn, t.framesOut, t.bytesIn, t.bytesOut], [PINGS, PINGS, PINGS * 98, PINGS * 98], what);
      assert.equal(t.datagramBytesIn, PINGS * (38 + 98 + (r.cipher === 'null' ? 0 : 16)), what);
      assert.ok(t.idleMs !== undefined && t.idleMs >= 0 && t.idleMs < 5_000, what);
      // Each of these reached JavaScript, once.
      assert.deepEqual(r.passed, { 'another socket': 1, 'another community': 1, undecryptable: 1, disabled: 1, 'not a lane peer': 1, 'a REGISTER from outside the lane': 1 }, what);
      // A lane peer's REGISTER: the lane's REGISTER_ACK is the engine's byte for byte; the engine
      // gets the REGISTER marked as answered; outside the lane, no ACK comes from the lane.
      assert.deepEqual(r.answered.acks, [r.answered.referenceAck], what);
      assert.equal(r.answered.marked, 1, what);
      assert.deepEqual([r.finalAcks, r.finalMarked], [1, 1], what);
      // Once the lane left a peer's PACKET to the engine, the next one in that batch went there too.
      assert.deepEqual(r.ordered, { toEngine: 2, byLane: 0 }, what);
      // Fresh IVs per packet; ChaCha20's count up by the blocks of the packet before (98 bytes: 2).
      if (r.cipher !== 'null') assert.equal(new Set(r.ivs).size, r.ivs.length, what);
      if (r.cipher === 'ChaCha20') {
        for (let i = 1; i < r.ivs.length; i++) {
          const counter = (iv: string): number => Buffer.from(iv, 'hex').readUInt32LE(0);
          const sameNonce = r.ivs[i]!.slice(8) === r.ivs[i - 1]!.slice(8);
          assert.ok(sameNonce && counter(r.ivs[i]!) === counter(r.ivs[i - 1]!) + 2, what);
        }
      }
    }
  });
});
