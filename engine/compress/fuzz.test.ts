// Fuzzing of the two decoders that parse untrusted payloads: random bytes and mutations of real
// streams (bit flips, truncations, extensions). Each must return a length or a typed error, never
// throw.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, mutationsOf, randomBytes } from '../testing/fuzz.js';
import { lzo1xDecompressInto } from './lzo1x.js';
import { edgeTraceLzoPayloads, lzo1xCompress, lzoDecoderCorpus, n3nLzoVectors, realFrames, zstdCompress, zstdFrameVector } from './test-support.js';
import { zstdBackendName, zstdDecompressInto } from './zstd.js';

const LZO_ERRORS = new Set(['lzo-input-overrun', 'lzo-output-overrun', 'lzo-lookbehind-overrun', 'lzo-input-not-consumed']);
const ZSTD_ERRORS = new Set(['zstd-invalid', 'zstd-output-overrun']);
const LIMIT = 2048;

type Decoder = (src: Uint8Array, dst: Uint8Array) => number | string;

function fuzz(decode: Decoder, errors: Set<string>, input: fc.Arbitrary<Uint8Array>): { successes: number; ms: number } {
  const dst = new Uint8Array(LIMIT);
  let successes = 0;
  const started = performance.now();
  fc.assert(
    fc.property(input, (src) => {
      const result = decode(src, dst);
      if (typeof result === 'number') {
        assert.ok(Number.isInteger(result) && result >= 0 && result <= LIMIT);
        successes++;
      } else {
        assert.ok(errors.has(result), result);
      }
    }),
    { numRuns: FUZZ_RUNS },
  );
  return { successes, ms: performance.now() - started };
}

const lzoDecode: Decoder = (src, dst) => lzo1xDecompressInto(src, dst);
const zstdDecode: Decoder = (src, dst) => zstdDecompressInto(src, dst);

const lzoSeeds = [
  ...lzoDecoderCorpus().map((v) => v.compressed),
  ...n3nLzoVectors().map((v) => v.compressed),
  ...edgeTraceLzoPayloads().map((t) => t.payload),
  ...realFrames().map((f) => lzo1xCompress(f)),
];

describe('fuzz', () => {
  it(`LZO1X decoder: ${FUZZ_RUNS} random inputs`, { timeout: FUZZ_TIMEOUT_MS }, (t) => {
    const r = fuzz(lzoDecode, LZO_ERRORS, randomBytes(2100));
    t.diagnostic(`lzo random: ${FUZZ_RUNS} runs, ${r.successes} decoded, ${r.ms.toFixed(0)} ms`);
  });

  it(`LZO1X decoder: ${FUZZ_RUNS} mutated real streams`, { timeout: FUZZ_TIMEOUT_MS }, (t) => {
    const r = fuzz(lzoDecode, LZO_ERRORS, mutationsOf(lzoSeeds, 8));
    t.diagnostic(`lzo mutations of ${lzoSeeds.length} streams: ${FUZZ_RUNS} runs, ${r.successes} decoded, ${r.ms.toFixed(0)} ms`);
  });

  const noZstd = zstdBackendName() === null ? 'no zstd backend' : false;

  it(`zstd decoder: ${FUZZ_RUNS} random inputs, half behind a frame magic`, { skip: noZstd, timeout: FUZZ_TIMEOUT_MS }, (t) => {
    const magic = [0x28, 0xb5, 0x2f, 0xfd];
    const input = fc
      .tuple(fc.boolean(), fc.uint8Array({ maxLength: 300 }))
      .map(([withMagic, body]) => (withMagic ? Uint8Array.from([...magic, ...body]) : body));
    const r = fuzz(zstdDecode, ZSTD_ERRORS, input);
    t.diagnostic(`zstd random: ${FUZZ_RUNS} runs, ${r.successes} decoded, ${r.ms.toFixed(0)} ms`);
  });

  it(`zstd decoder: ${FUZZ_RUNS} mutated real frames`, { skip: noZstd, timeout: FUZZ_TIMEOUT_MS }, (t) => {
    const seeds = [zstdFrameVector().compressed];
    for (const frame of realFrames()) {
      const compressed = zstdCompress(frame);
      if (compressed.ok) seeds.push(compressed.value);
    }
    const r = fuzz(zstdDecode, ZSTD_ERRORS, mutationsOf(seeds, 8));
    t.diagnostic(`zstd mutations of ${seeds.length} frames: ${FUZZ_RUNS} runs, ${r.successes} decoded, ${r.ms.toFixed(0)} ms`);
  });
});
