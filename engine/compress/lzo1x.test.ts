import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lzo1xCompressBound, lzo1xCompressInto, lzo1xDecompressInto } from './lzo1x.js';
import { lzo1xCompress, lzo1xDecompress, lzoDecoderCorpus, n3nLzoVectors, realFrames, testsCompressSections, wireLzoVectors } from './test-support.js';
import { fromHex } from '../testing/vectors.js';
import type { CompressionVector } from './test-support.js';

const END_MARKER = [0x11, 0x00, 0x00];

function decodeOrFail(stream: Uint8Array, limit?: number): Uint8Array {
  const result = lzo1xDecompress(stream, limit);
  assert.ok(result.ok, `decode failed: ${result.ok ? '' : result.error}`);
  return result.value;
}

/** Decodes every vector, and counts how often our encoder reproduces minilzo exactly (informative). */
function checkVectors(vectors: CompressionVector[]): { decoded: number; identicalEncodings: number } {
  let decoded = 0;
  let identicalEncodings = 0;
  for (const v of vectors) {
    assert.deepEqual(decodeOrFail(v.compressed, 4096), v.input, v.label);
    decoded++;
    if (Buffer.from(lzo1xCompress(v.input)).equals(v.compressed)) identicalEncodings++;
  }
  return { decoded, identicalEncodings };
}

function assertRoundTrip(input: Uint8Array): Uint8Array {
  const stream = lzo1xCompress(input);
  assert.ok(stream.length <= lzo1xCompressBound(input.length));
  assert.deepEqual([...stream.subarray(stream.length - 3)], END_MARKER);
  assert.deepEqual(decodeOrFail(stream, Math.max(input.length, 1)), input);
  return stream;
}

describe('LZO1X decoder against n3n/minilzo vectors', () => {
  it('decodes all 64 lines of lzo1x-decoder-corpus.txt', (t) => {
    const corpus = lzoDecoderCorpus();
    assert.equal(corpus.length, 64);
    assert.equal(corpus.filter((v) => v.input.length === 0).length, 1, 'one line has an empty input');
    const { decoded, identicalEncodings } = checkVectors(corpus);
    assert.equal(decoded, 64);
    t.diagnostic(`corpus: ${decoded} decoded; our encoder equals minilzo on ${identicalEncodings}/64`);
  });

  it('decodes the 6 lzo1x_1 vectors of n3n-crypto-vectors.json', (t) => {
    const vectors = n3nLzoVectors();
    const { decoded, identicalEncodings } = checkVectors(vectors);
    assert.equal(decoded, 6);
    for (const v of vectors) assert.equal(v.usedOnWire, v.compressed.length < v.input.length, v.label);
    t.diagnostic(`lzo1x_1: ${decoded} decoded; our encoder equals minilzo on ${identicalEncodings}/6`);
  });

  it('decodes the lzo vector of wire/crypto.json', (t) => {
    const { decoded, identicalEncodings } = checkVectors(wireLzoVectors());
    assert.equal(decoded, 1);
    t.diagnostic(`wire lzo: ${decoded} decoded; our encoder equals minilzo on ${identicalEncodings}/1`);
  });

  it('decodes the tests-compress.out stream: 512-byte pattern → 47 bytes', () => {
    const sections = testsCompressSections();
    const original = sections.get('original');
    const stream = sections.get('lzo1x');
    assert.ok(original !== undefined && stream !== undefined);
    assert.equal(original.length, 512);
    assert.equal(stream.length, 47);
    assert.deepEqual(decodeOrFail(stream), original);
    assert.ok(lzo1xCompress(original).length < original.length);
  });
});

describe('LZO1X decoder rejects malformed streams', () => {
  const pattern = Uint8Array.from({ length: 512 }, (_, i) => i & 15);
  const patternStream = lzo1xCompress(pattern);

  const cases: [string, string, string][] = [
    ['empty input', '', 'lzo-input-overrun'],
    ['first literals cut short', '1541', 'lzo-input-overrun'],
    ['no end marker', '1241', 'lzo-input-overrun'],
    ['end marker cut short', '12411100', 'lzo-input-overrun'],
    ['byte after the end marker', '1241110000ff', 'lzo-input-not-consumed'],
    ['match as the first instruction', '110400110000', 'lzo-lookbehind-overrun'],
    ['match reaching before the output', '1241210400110000', 'lzo-lookbehind-overrun'],
    ['extended length without its final byte', '12412000', 'lzo-input-overrun'],
    ['M3 without its distance word', '12412104', 'lzo-input-overrun'],
  ];
  for (const [label, hex, expected] of cases) {
    it(label, () => {
      const result = lzo1xDecompress(fromHex(hex));
      assert.equal(result.ok ? 'ok' : result.error, expected);
    });
  }

  it('enforces the output limit, 2048 bytes by default', () => {
    assert.equal(lzo1xDecompressInto(patternStream, new Uint8Array(512), 0, 511), 'lzo-output-overrun');
    assert.equal(lzo1xDecompressInto(patternStream, new Uint8Array(511)), 'lzo-output-overrun');
    assert.equal(lzo1xDecompressInto(patternStream, new Uint8Array(512), 0, 512), 512);
    const big = lzo1xCompress(new Uint8Array(2049));
    const defaultLimit = lzo1xDecompress(big);
    assert.equal(defaultLimit.ok ? 'ok' : defaultLimit.error, 'lzo-output-overrun');
    assert.equal(decodeOrFail(big, 2049).length, 2049);
    assert.equal(decodeOrFail(lzo1xCompress(new Uint8Array(2048))).length, 2048);
  });

  it('decodes at an offset without reading output before it', () => {
    const dst = new Uint8Array(600).fill(0xee);
    assert.equal(lzo1xDecompressInto(patternStream, dst, 88, 512), 512);
    assert.deepEqual(dst.subarray(88, 600), pattern);
    assert.ok(dst.subarray(0, 88).every((b) => b === 0xee));
    assert.equal(lzo1xDecompressInto(fromHex('1241210400110000'), dst, 88), 'lzo-lookbehind-overrun');
    assert.equal(lzo1xDecompressInto(patternStream, dst, 601), 'lzo-output-overrun');
    assert.equal(lzo1xDecompressInto(patternStream, dst, -1), 'lzo-output-overrun');
  });

  it('accepts the empty stream 11 00 00', () => {
    assert.equal(decodeOrFail(fromHex('110000')).length, 0);
    assert.deepEqual([...lzo1xCompress(new Uint8Array(0))], END_MARKER);
  });
});

describe('LZO1X encoder', () => {
  it('round-trips structured inputs of 0..2048 bytes', (t) => {
    const inputs: Uint8Array[] = [];
    for (const length of [0, 1, 2, 3, 4, 5, 17, 18, 19, 238, 239, 240, 255, 273, 274, 1400, 2047, 2048]) {
      inputs.push(new Uint8Array(length), new Uint8Array(randomBytes(length)));
      inputs.push(Uint8Array.from({ length }, (_, i) => i & 15));
      inputs.push(Uint8Array.from({ length }, (_, i) => (i * 7) % 251));
    }
    for (const period of [1, 2, 3, 4, 5, 7, 8, 9, 33, 100, 255, 700]) {
      const unit = randomBytes(period);
      inputs.push(Uint8Array.from({ length: 1400 }, (_, i) => unit[i % period]!));
    }
    // Literal runs of every length class between matches: 1..3 attached, 4..18 short, longer extended.
    for (const gap of [1, 2, 3, 4, 18, 19, 273, 274, 600]) {
      const unit = randomBytes(40);
      inputs.push(Uint8Array.from([...unit, ...randomBytes(gap), ...unit, ...randomBytes(gap), ...unit]));
    }
    inputs.push(...realFrames());
    for (const input of inputs) assertRoundTrip(input);
    t.diagnostic(`${inputs.length} structured inputs round-tripped`);
  });

  it('finds and round-trips matches at M3 and M4 distances (beyond 2048 and 16384)', () => {
    const block = new Uint8Array(randomBytes(3000));
    // Zero filler hashes to a single slot, so the first block's entries survive to be matched.
    for (const gap of [2100, 10_000, 13_300, 13_400, 30_000, 46_000, 46_140, 46_200]) {
      const input = Uint8Array.from([...block, ...new Uint8Array(gap), ...block]);
      const stream = assertRoundTrip(input);
      const distance = block.length + gap;
      if (distance <= 0xbfff) assert.ok(stream.length < block.length + 400, `distance ${distance}: match not found`);
      else assert.ok(stream.length > 2 * block.length, `distance ${distance}: beyond M4 range`);
    }
  });

  it('produces only shorter-or-bounded output for incompressible data and compresses real frames', () => {
    const random = new Uint8Array(randomBytes(1400));
    assert.ok(lzo1xCompress(random).length <= lzo1xCompressBound(1400));
    const frames = realFrames().filter((f) => f.length > 100);
    assert.ok(frames.some((f) => lzo1xCompress(f).length < f.length));
  });

  it('round-trips arbitrary and repetitive inputs (property)', () => {
    const chunk = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.record({ byte: fc.integer({ min: 0, max: 255 }), count: fc.integer({ min: 1, max: 300 }) }).map(({ byte, count }) =>
        new Uint8Array(count).fill(byte),
      ),
    );
    const repetitive = fc
      .array(chunk, { maxLength: 40 })
      .chain((chunks) =>
        fc.array(fc.nat({ max: Math.max(0, chunks.length - 1) }), { maxLength: 60 }).map((order) =>
          Uint8Array.from(order.flatMap((i) => [...(chunks[i] ?? [])])).subarray(0, 2048),
        ),
      );
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 2048 }), repetitive), (input) => {
        assertRoundTrip(input);
      }),
      { numRuns: 3000 },
    );
  });

  it('honours maxLength exactly: fails only when the full stream would not fit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat({ max: 400 }), (input, maxLength) => {
        const full = lzo1xCompress(input);
        const dst = new Uint8Array(500).fill(0xee);
        const result = lzo1xCompressInto(input, dst, 7, maxLength);
        if (full.length <= maxLength) {
          assert.equal(result, full.length);
          assert.deepEqual(dst.subarray(7, 7 + full.length), full);
        } else {
          assert.equal(result, 'lzo-output-too-small');
        }
        assert.ok(dst.subarray(0, 7).every((b) => b === 0xee));
        assert.ok(dst.subarray(7 + Math.min(maxLength, 493)).every((b) => b === 0xee));
      }),
      { numRuns: 2000 },
    );
  });
});
