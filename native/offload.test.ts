// The TAP offload's segmentation and coalescing (src/offload.h) on frames captured from the kernel
// (test-fixtures/vnet-frames.json, made by test-fixtures/capture-vnet.py) and on frames built
// here: split frames are checked field by field against the RFCs and by tshark; coalescing must
// rebuild what the kernel sent, refuse everything it must not merge, and never reorder a flow.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { coalesceFrames, offloadSupported, splitVnetFrame, VNET_HDR_LEN } from './offload.js';
import {
  be16,
  be32,
  checksumsVerify,
  fixChecksums,
  haveTshark,
  parse,
  put16,
  put32,
  TCP_ACK,
  TCP_PSH,
  tcpFrame,
  tcpRun,
  tsharkErrors,
  writePcap,
} from './test-fixtures/packets.js';

const skip = offloadSupported() ? false : 'the addon has no offload code here (Linux only, or not built)';
const PROPERTY_RUNS = 2_000;

interface Fixture {
  kind: string;
  vnet: Uint8Array;
}
const fixtures: Fixture[] = (JSON.parse(readFileSync(new URL('./test-fixtures/vnet-frames.json', import.meta.url), 'utf8')) as { frames: { kind: string; vnet: string }[] }).frames.map(
  (f) => ({ kind: f.kind, vnet: Uint8Array.from(Buffer.from(f.vnet, 'base64')) }),
);

interface Vnet {
  flags: number;
  gsoType: number;
  hdrLen: number;
  gsoSize: number;
  csumStart: number;
  csumOffset: number;
}
function vnetOf(b: Uint8Array): Vnet {
  const le = (at: number): number => b[at]! | (b[at + 1]! << 8);
  return { flags: b[0]!, gsoType: b[1]!, hdrLen: le(2), gsoSize: le(4), csumStart: le(6), csumOffset: le(8) };
}

function split(input: Uint8Array): Uint8Array[] {
  const r = splitVnetFrame(input);
  assert.ok(typeof r !== 'string', `split failed: ${String(r)}`);
  return r;
}

/** Checks split frames against their super-frame: RFC 791/793/768/8200 fields, one by one. */
function checkSegments(kind: string, input: Uint8Array, frames: Uint8Array[]): void {
  const v = vnetOf(input);
  const frame = input.subarray(VNET_HDR_LEN);
  const p = parse(frame)!;
  const l4 = v.csumStart;
  const headerEnd = p.proto === 6 ? l4 + (frame[l4 + 12]! >> 4) * 4 : l4 + 8;
  const data = frame.subarray(headerEnd);
  if ((v.gsoType & 0x7f) === 0) {
    assert.equal(frames.length, 1, kind);
    assert.deepEqual(checksumsVerify(frames[0]!), { ip: true, transport: true }, kind);
    return;
  }
  assert.equal(frames.length, Math.ceil(data.length / v.gsoSize), `${kind}: segment count`);
  const joined: number[] = [];
  frames.forEach((f, i) => {
    const q = parse(f)!;
    const last = i === frames.length - 1;
    assert.deepEqual(checksumsVerify(f), { ip: true, transport: true }, `${kind} #${i}: checksums`);
    assert.equal(q.l4, l4, `${kind} #${i}: same header layout`);
    const size = f.length - headerEnd;
    assert.ok(last ? size > 0 && size <= v.gsoSize : size === v.gsoSize, `${kind} #${i}: segment size ${size}`);
    // Ethernet and VLAN tags unchanged; IP lengths, ids.
    assert.deepEqual(f.subarray(0, p.l3), frame.subarray(0, p.l3), `${kind} #${i}: link header`);
    if (p.ipv4) {
      assert.equal(be16(f, p.l3 + 2), f.length - p.l3, `${kind} #${i}: total length`);
      assert.equal(be16(f, p.l3 + 4), (be16(frame, p.l3 + 4) + i) & 0xffff, `${kind} #${i}: id`);
    } else {
      assert.equal(be16(f, p.l3 + 4), f.length - p.l3 - 40, `${kind} #${i}: payload length`);
    }
    if (p.proto === 6) {
      assert.equal(be32(f, l4 + 4), (be32(frame, l4 + 4) + i * v.gsoSize) >>> 0, `${kind} #${i}: seq`);
      const flags = f[l4 + 13]!;
      const original = frame[l4 + 13]!;
      assert.equal(flags & 0x09, last ? original & 0x09 : 0, `${kind} #${i}: FIN/PSH only on the last`);
      assert.equal(flags & 0x80, i === 0 ? original & 0x80 : 0, `${kind} #${i}: CWR only on the first`);
      assert.equal(flags & 0x76, original & 0x76, `${kind} #${i}: other flags kept`);
      assert.deepEqual(f.subarray(l4 + 8, l4 + 13), frame.subarray(l4 + 8, l4 + 13), `${kind} #${i}: ack, offset`);
      assert.deepEqual(f.subarray(l4 + 14, l4 + 16), frame.subarray(l4 + 14, l4 + 16), `${kind} #${i}: window`);
      assert.deepEqual(f.subarray(l4 + 20, headerEnd), frame.subarray(l4 + 20, headerEnd), `${kind} #${i}: options`);
    } else {
      assert.equal(be16(f, l4 + 4), f.length - l4, `${kind} #${i}: UDP length`);
    }
    joined.push(...f.subarray(headerEnd));
  });
  assert.deepEqual(Uint8Array.from(joined), Uint8Array.from(data), `${kind}: payload`);
}

describe('TAP offload: splitting what the kernel sends', { skip }, () => {
  it('has a capture of every kind of frame', () => {
    const kinds = new Set(fixtures.map((f) => f.kind));
    for (const k of ['tcp4', 'tcp6', 'tcp4-ecn-cwr', 'tcp4-sack', 'tcp4-vlan', 'tcp6-vlan', 'udp4-uso', 'udp6-uso', 'tcp4-csum-partial', 'tcp6-csum-partial', 'udp4-csum-partial']) {
      assert.ok(kinds.has(k), `fixture kind ${k}`);
    }
  });

  it('cuts every captured super-frame into valid MTU-sized frames', () => {
    let checked = 0;
    for (const f of fixtures) {
      checkSegments(f.kind, f.vnet, split(f.vnet));
      checked++;
    }
    assert.equal(checked, fixtures.length);
  });

  it('keeps ECN: CWR on the first segment only, the ECT bits in every one', () => {
    const cwr = fixtures.filter((f) => f.kind === 'tcp4-ecn-cwr');
    assert.ok(cwr.length > 0);
    for (const f of cwr) {
      assert.equal(f.vnet[1]! & 0x80, 0x80, 'the kernel flagged ECN');
      const frames = split(f.vnet);
      for (const [i, s] of frames.entries()) {
        assert.equal(s[14 + 1]! & 3, f.vnet[VNET_HDR_LEN + 15]! & 3, 'ECT kept');
        assert.equal((s[47]! & 0x80) !== 0, i === 0);
      }
    }
  });

  it('tshark reads the split frames with every checksum check on and finds nothing wrong', { skip: haveTshark ? false : 'tshark is not installed (apt-get install tshark)' }, () => {
    const frames = fixtures.flatMap((f) => split(f.vnet));
    const dir = mkdtempSync(join(tmpdir(), 'kith-offload-'));
    try {
      writePcap(join(dir, 'split.pcap'), frames);
      const verdict = tsharkErrors(join(dir, 'split.pcap'));
      assert.equal(verdict.frames, frames.length);
      assert.deepEqual(verdict.errors, []);
      // The check itself works: one flipped payload bit is reported.
      const bad = Uint8Array.from(frames[0]!);
      bad[bad.length - 1]! ^= 1;
      writePcap(join(dir, 'bad.pcap'), [bad]);
      assert.equal(tsharkErrors(join(dir, 'bad.pcap')).errors.length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses nonsense headers and never reads past the frame', () => {
    const tcp = fixtures.find((f) => f.kind === 'tcp4')!.vnet;
    const cases: [string, (b: Uint8Array) => void, string][] = [
      ['unknown GSO type', (b) => (b[1] = 3), 'bad-gso-type'],
      ['TCPv6 on an IPv4 frame', (b) => (b[1] = 4), 'bad-gso-type'],
      ['no NEEDS_CSUM', (b) => (b[0] = 0), 'bad-headers'],
      ['zero gso_size', (b) => put16le(b, 4, 0), 'bad-headers'],
      ['csum_start off the TCP header', (b) => put16le(b, 6, 30), 'bad-headers'],
      ['wrong csum_offset', (b) => put16le(b, 8, 6), 'bad-headers'],
      ['checksum span past the end', (b) => (b[1] = 0, put16le(b, 6, 60000)), 'bad-checksum-span'],
    ];
    for (const [what, mutate, expected] of cases) {
      const b = Uint8Array.from(tcp);
      mutate(b);
      assert.equal(splitVnetFrame(b), expected, what);
    }
    assert.equal(splitVnetFrame(tcp.subarray(0, VNET_HDR_LEN + 40)), 'short');
  });

  it('survives random headers and mutated captures (property)', () => {
    const seeds = fixtures.map((f) => f.vnet);
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.uint8Array({ minLength: 10, maxLength: 10 }), fc.array(fc.nat(), { maxLength: 4 }), fc.nat(), (seed, header, flips, cut) => {
        const base = seeds[seed]!;
        const b = Uint8Array.from(base.subarray(0, VNET_HDR_LEN + (cut % (base.length - VNET_HDR_LEN + 1))));
        b.set(header.subarray(0, Math.min(10, b.length)));
        for (const at of flips) if (b.length > 0) b[at % b.length]! ^= 0x5a;
        const r = splitVnetFrame(b);
        if (typeof r === 'string') return;
        const limit = b.length - VNET_HDR_LEN;
        for (const f of r) assert.ok(f.length <= limit && f.length >= 14);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});

function put16le(b: Uint8Array, at: number, v: number): void {
  b[at] = v & 0xff;
  b[at + 1] = v >> 8;
}

/** What the coalescer made: each item's virtio-net header and frame. */
function items(frames: Uint8Array[]): { v: Vnet; frame: Uint8Array }[] {
  return coalesceFrames(frames).map((b) => ({ v: vnetOf(b), frame: b.subarray(VNET_HDR_LEN) }));
}

/** The TCP checksum of a super-frame, verified in full over all of its bytes. */
function superChecksumVerifies(frame: Uint8Array): boolean {
  return checksumsVerify(frame).transport && checksumsVerify(frame).ip;
}

/**
 * The segments a coalesced super-frame stands for, cut here by the rules a TCP sender follows
 * (ids and sequence numbers counting up, PSH on the last), checksums recomputed.
 */
function resegment(item: { v: Vnet; frame: Uint8Array }): Uint8Array[] {
  if (item.v.gsoType === 0) return [item.frame];
  const f = item.frame;
  const p = parse(f)!;
  const data = f.subarray(p.payload);
  const out: Uint8Array[] = [];
  for (let at = 0, i = 0; at < data.length; at += item.v.gsoSize, i++) {
    const chunk = data.subarray(at, Math.min(data.length, at + item.v.gsoSize));
    const s = new Uint8Array(p.payload + chunk.length);
    s.set(f.subarray(0, p.payload));
    s.set(chunk, p.payload);
    if (p.ipv4) {
      put16(s, p.l3 + 2, s.length - p.l3);
      put16(s, p.l3 + 4, (be16(f, p.l3 + 4) + i) & 0xffff);
    } else {
      put16(s, p.l3 + 4, s.length - p.l3 - 40);
    }
    put32(s, p.l4 + 4, (be32(f, p.l4 + 4) + at) >>> 0);
    if (at + chunk.length < data.length) s[p.l4 + 13]! &= ~TCP_PSH;
    out.push(fixChecksums(s));
  }
  return out;
}

const flowKey = (f: Uint8Array): string => {
  const p = parse(f);
  if (p === undefined || p.proto !== 6 || p.vlan !== 0) return 'other';
  const at = p.ipv4 ? p.l3 + 12 : p.l3 + 8;
  return Buffer.from(f.subarray(0, 14)).toString('hex') + Buffer.from(f.subarray(at, p.l4 + 4)).toString('hex');
};

function byFlow(frames: Uint8Array[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const f of frames) {
    const k = flowKey(f);
    m.set(k, [...(m.get(k) ?? []), Buffer.from(f).toString('hex')]);
  }
  return m;
}

describe('TAP offload: coalescing frames for the kernel', { skip }, () => {
  it('rebuilds the kernel’s own IPv4 and IPv6 super-frames from their segments', () => {
    let rebuilt = 0;
    for (const f of fixtures.filter((x) => x.kind === 'tcp4' || x.kind === 'tcp6' || x.kind === 'tcp4-ecn-cwr')) {
      const original = vnetOf(f.vnet);
      const frames = split(f.vnet);
      const out = items(frames);
      // FIN ends a flow and CWR starts a window: those segments travel on their own.
      const last = frames.at(-1)!;
      const fin = (last[parse(last)!.l4 + 13]! & 0x01) !== 0;
      const cwr = (frames[0]![parse(frames[0]!)!.l4 + 13]! & 0x80) !== 0;
      assert.equal(out.length, 1 + (fin ? 1 : 0) + (cwr ? 1 : 0), `${f.kind}: items`);
      const merged = out[cwr ? 1 : 0]!;
      assert.equal(merged.v.gsoType, original.gsoType & 0x7f);
      assert.equal(merged.v.gsoSize, original.gsoSize);
      assert.equal(merged.v.flags, 0, 'never NEEDS_CSUM or DATA_VALID');
      assert.ok(superChecksumVerifies(merged.frame), `${f.kind}: the derived checksum verifies over the whole super-frame`);
      assert.deepEqual(out.flatMap(resegment), frames, `${f.kind}: exactly the segments again`);
      rebuilt++;
    }
    assert.ok(rebuilt >= 4);
  });

  it('derives a checksum that fails when any segment was damaged', () => {
    const run = tcpRun(6, 1000);
    assert.ok(superChecksumVerifies(items(run)[0]!.frame));
    for (let victim = 0; victim < run.length; victim++) {
      const damaged = run.map((f) => Uint8Array.from(f));
      damaged[victim]![damaged[victim]!.length - 3]! ^= 0x40; // payload flipped, checksum left alone
      const out = items(damaged);
      assert.equal(out.length, 1, 'still coalesced: nothing here reads the payload');
      assert.equal(superChecksumVerifies(out[0]!.frame), false, `segment ${victim}`);
    }
    // The first segment's IPv4 header checksum stays wrong too (RFC 1624 update, not a recompute).
    const badIp = run.map((f) => Uint8Array.from(f));
    badIp[0]![14 + 10]! ^= 1;
    assert.equal(checksumsVerify(items(badIp)[0]!.frame).ip, false);
  });

  it('merges a run of full segments with a shorter last one, PSH at the end, IPv4 and IPv6', () => {
    for (const ipv4 of [true, false]) {
      const run = tcpRun(5, 1200, { ipv4 });
      run.push(tcpFrame({ ipv4, seq: 1_000_000 + 5 * 1200, id: 105, flags: TCP_ACK | TCP_PSH, payload: new Uint8Array(300).fill(9) }));
      const out = items(run);
      assert.equal(out.length, 1);
      assert.equal(out[0]!.v.gsoType, ipv4 ? 1 : 4);
      assert.equal(out[0]!.v.gsoSize, 1200);
      assert.equal(out[0]!.frame[parse(out[0]!.frame)!.l4 + 13], TCP_ACK | TCP_PSH);
      assert.deepEqual(resegment(out[0]!), run);
    }
  });

  // Each case: the run of 4 segments with one change, and the items expected (segments per item).
  const cases: [string, (run: Uint8Array[]) => Uint8Array[], number[]][] = [
    ['a different flow in between', (r) => [r[0]!, tcpFrame({ seq: 5, dstPort: 22, payload: new Uint8Array(100) }), r[1]!, r[2]!, r[3]!], [4, 1]],
    ['a gap in the sequence', (r) => [r[0]!, r[1]!, r[3]!], [2, 1]],
    ['a retransmission (sequence going back)', (r) => [r[0]!, r[1]!, r[1]!, r[2]!], [2, 2]],
    ['SYN', (r) => [r[0]!, mutate(r[1]!, (f, p) => (f[p.l4 + 13] = 0x12)), r[2]!], [1, 1, 1]],
    ['FIN', (r) => [r[0]!, mutate(r[1]!, (f, p) => (f[p.l4 + 13] = 0x11)), r[2]!], [1, 1, 1]],
    ['RST', (r) => [r[0]!, mutate(r[1]!, (f, p) => (f[p.l4 + 13] = 0x14)), r[2]!], [1, 1, 1]],
    ['URG', (r) => [r[0]!, mutate(r[1]!, (f, p) => (f[p.l4 + 13] = 0x30)), r[2]!], [1, 1, 1]],
    ['ECE', (r) => [r[0]!, mutate(r[1]!, (f, p) => (f[p.l4 + 13] = 0x50)), r[2]!], [1, 1, 1]],
    ['CWR on the first', (r) => [mutate(r[0]!, (f, p) => (f[p.l4 + 13] = 0x90)), r[1]!, r[2]!], [1, 2]],
    ['PSH in the middle ends the item', (r) => [r[0]!, mutate(r[1]!, (f, p) => (f[p.l4 + 13] = 0x18)), r[2]!, r[3]!], [2, 2]],
    ['a pure ACK', (r) => [r[0]!, tcpFrame({ seq: 1_001_000, id: 101, payload: new Uint8Array(0) }), r[1]!], [1, 1, 1]],
    ['a different ACK number', (r) => [r[0]!, mutate(r[1]!, (f, p) => put32(f, p.l4 + 8, 2000)), r[2]!], [1, 1, 1]],
    ['a different window', (r) => [r[0]!, mutate(r[1]!, (f, p) => put16(f, p.l4 + 14, 700)), r[2]!], [1, 1, 1]],
    ['different timestamps', (r) => [r[0]!, mutate(r[1]!, (f, p) => put32(f, p.l4 + 24, 99)), r[2]!], [1, 1, 1]],
    ['SACK blocks', () => tcpRun(3, 1000, { options: Uint8Array.of(1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2) }), [1, 1, 1]],
    ['IP options', (r) => [r[0]!, withIpOption(r[1]!), r[2]!], [1, 1, 1]],
    ['a fragment (MF)', (r) => [r[0]!, mutate(r[1]!, (f, p) => (f[p.l3 + 6] = 0x20)), r[2]!], [1, 1, 1]],
    ['a different TOS', (r) => [r[0]!, mutate(r[1]!, (f, p) => (f[p.l3 + 1] = 0x03)), r[2]!], [1, 1, 1]],
    ['a different TTL', (r) => [r[0]!, mutate(r[1]!, (f, p) => (f[p.l3 + 8] = 63)), r[2]!], [1, 1, 1]],
    ['DF differing', (r) => [r[0]!, mutate(r[1]!, (f, p) => (f[p.l3 + 6] = 0)), r[2]!], [1, 1, 1]],
    ['ip ids not counting up', (r) => [r[0]!, mutate(r[1]!, (f, p) => put16(f, p.l3 + 4, 7)), r[2]!], [1, 1, 1]],
    ['VLAN-tagged', () => tcpRun(3, 1000).map(vlanTagged), [1, 1, 1]],
    ['a segment larger than the first', () => [tcpFrame({ seq: 1_000_000, id: 100, payload: new Uint8Array(500) }), tcpFrame({ seq: 1_000_500, id: 101, payload: new Uint8Array(1000) })], [1, 1]],
    ['anything after a shorter segment', (r) => [r[0]!, tcpFrame({ seq: 1_001_000, id: 101, payload: new Uint8Array(10) }), tcpFrame({ seq: 1_001_010, id: 102, payload: new Uint8Array(1000) })], [2, 1]],
    ['Ethernet padding (IP shorter than the frame)', (r) => [r[0]!, Uint8Array.from([...r[1]!, 0, 0]), r[2]!], [1, 1, 1]],
  ];

  for (const [what, build, expected] of cases) {
    it(`does not merge across ${what}`, () => {
      const input = build(tcpRun(4, 1000));
      const out = items(input);
      assert.deepEqual(
        out.map((o) => (o.v.gsoType === 0 ? 1 : resegment(o).length)),
        expected,
      );
      for (const o of out) if (o.v.gsoType !== 0) assert.ok(superChecksumVerifies(o.frame));
      assert.deepEqual(byFlow(out.flatMap(resegment)), byFlow(input), 'every flow in its order, bytes unchanged');
    });
  }

  it('IPv6: a different flow label or hop limit is not merged', () => {
    const run = tcpRun(3, 1000, { ipv4: false });
    assert.deepEqual(items([run[0]!, mutate(run[1]!, (f, p) => (f[p.l3 + 3] = 0x55)), run[2]!]).map((o) => o.v.gsoType), [0, 0, 0]);
    assert.deepEqual(items([run[0]!, mutate(run[1]!, (f, p) => (f[p.l3 + 7] = 9)), run[2]!]).map((o) => o.v.gsoType), [0, 0, 0]);
  });

  it('stops at 64 segments and at 64 KiB', () => {
    assert.deepEqual(items(tcpRun(70, 100)).map((o) => resegment(o).length), [64, 6]);
    const big = items(tcpRun(60, 1448));
    assert.ok(big.length > 1);
    for (const o of big) assert.ok(o.frame.length - 14 <= 65535);
    assert.equal(big.reduce((n, o) => n + resegment(o).length, 0), 60);
  });

  it('never reorders a flow, never changes a byte, and only makes checksums that verify (property)', () => {
    const segment = fc.record({
      flow: fc.nat({ max: 2 }),
      size: fc.constantFrom(0, 1, 100, 999, 1000, 1000, 1000, 1000),
      step: fc.constantFrom(0, 0, 0, 0, 1, -1), // extra sequence step: mostly none
      flags: fc.constantFrom(TCP_ACK, TCP_ACK, TCP_ACK, TCP_ACK, TCP_ACK | TCP_PSH, 0x11, 0x90),
      idStep: fc.constantFrom(1, 1, 1, 1, 0, 2),
      ttl: fc.constantFrom(64, 64, 64, 63),
      ipv4: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 90 }), (specs) => {
        const next = new Map<number, { seq: number; id: number }>();
        const input = specs.map((s) => {
          const state = next.get(s.flow) ?? { seq: 5000, id: 1 };
          const f = tcpFrame({
            ipv4: s.flow === 2 ? s.ipv4 : true,
            srcPort: 40000 + s.flow,
            seq: (state.seq + s.step) >>> 0,
            id: state.id & 0xffff,
            flags: s.flags,
            ttl: s.ttl,
            payload: Uint8Array.from({ length: s.size }, (_, i) => (i * 13 + s.flow) & 0xff),
          });
          next.set(s.flow, { seq: state.seq + s.step + s.size, id: state.id + s.idStep });
          return f;
        });
        const out = items(input);
        for (const o of out) {
          if (o.v.gsoType === 0) continue;
          assert.ok(superChecksumVerifies(o.frame));
          assert.ok(resegment(o).length <= 64 && o.frame.length - 14 <= 65535);
        }
        assert.deepEqual(byFlow(out.flatMap(resegment)), byFlow(input));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  it('takes random bytes without harm (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 14, maxLength: 300 }), { maxLength: 20 }), (frames) => {
        // Random frames are passed through as they are.
        assert.deepEqual(
          items(frames).map((o) => Buffer.from(o.frame).toString('hex')),
          frames.map((f) => Buffer.from(f).toString('hex')),
        );
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
});

function mutate(f: Uint8Array, change: (f: Uint8Array, p: NonNullable<ReturnType<typeof parse>>) => void): Uint8Array {
  const copy = Uint8Array.from(f);
  change(copy, parse(copy)!);
  return fixChecksums(copy);
}

function withIpOption(f: Uint8Array): Uint8Array {
  const out = new Uint8Array(f.length + 4);
  out.set(f.subarray(0, 34));
  out.set([1, 1, 1, 0], 34); // NOP NOP NOP EOL
  out.set(f.subarray(34), 38);
  out[14] = 0x46;
  put16(out, 16, out.length - 14);
  return fixChecksums(out);
}

function vlanTagged(f: Uint8Array): Uint8Array {
  const out = new Uint8Array(f.length + 4);
  out.set(f.subarray(0, 12));
  out.set([0x81, 0x00, 0x00, 0x07], 12);
  out.set(f.subarray(12), 16);
  return out;
}

