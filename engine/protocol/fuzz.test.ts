// Property-based fuzzing of the decoders with fast-check: random bytes and mutations of every
// captured vector must never make decodeMessage, the PACKET fast path or the TCP deframer throw,
// whatever decodes must re-encode (and decode again), and the fast path must agree with decodeMessage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fastPathAgrees } from '../testing/fast-path-agreement.js';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, mutationsOf, randomBytes, untrustedBytes } from '../testing/fuzz.js';
import { wireVectorMessages } from '../testing/vectors.js';
import { MessageType, TCP_MAX_FRAME_EDGE, TCP_MAX_FRAME_SUPERNODE, TcpDeframer, decodeMessage, encodeMessage, frameMessage } from './index.js';

/** Every decodable message in the vector files. */
const corpus = wireVectorMessages().filter((bytes) => decodeMessage(bytes).ok);

/** decodeMessage must not throw; a successful decoding must re-encode and decode to the same type. */
function decodeNeverThrows(bytes: Uint8Array): void {
  const result = decodeMessage(bytes);
  if (!result.ok) return;
  const again = decodeMessage(encodeMessage(result.value));
  assert.ok(again.ok, again.ok ? '' : again.error);
  assert.equal(again.value.type, result.value.type);
}

/** Mutated real messages, sometimes with the type/flags word replaced to reach every layout. */
const mutatedVector = fc
  .tuple(mutationsOf(corpus), fc.option(fc.integer({ min: 0, max: 0xffff }), { nil: undefined }))
  .map(([bytes, flagsAndType]) => {
    if (flagsAndType !== undefined && bytes.length >= 4) {
      bytes[2] = flagsAndType >>> 8;
      bytes[3] = flagsAndType & 0xff;
    }
    return bytes;
  });

test('fuzz: corpus of real messages is non-trivial', { timeout: FUZZ_TIMEOUT_MS }, () => {
  assert.ok(corpus.length > 600, `only ${corpus.length} decodable vectors`);
});

test('fuzz: decodeMessage on random bytes (0..2100)', { timeout: FUZZ_TIMEOUT_MS }, () => {
  fc.assert(fc.property(randomBytes(2100), decodeNeverThrows), { numRuns: FUZZ_RUNS });
});

test('fuzz: decodeMessage on random bodies behind a valid header', { timeout: FUZZ_TIMEOUT_MS }, () => {
  const header = fc
    .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0x7f }), fc.nat({ max: corpus.length - 1 }))
    .map(([ttl, flagsAndType, index]) => {
      // A real community and version 3; any type with any combination of the two defined flags.
      const bytes = corpus[index]!.slice(0, 24);
      bytes[1] = ttl;
      bytes[2] = 0;
      bytes[3] = flagsAndType;
      return bytes;
    });
  const message = fc
    .tuple(header, fc.uint8Array({ minLength: 0, maxLength: 300 }))
    .map(([head, body]) => new Uint8Array([...head, ...body]));
  fc.assert(fc.property(message, decodeNeverThrows), { numRuns: FUZZ_RUNS });
});

test('fuzz: decodeMessage on mutated real vectors', { timeout: FUZZ_TIMEOUT_MS }, () => {
  fc.assert(fc.property(mutatedVector, decodeNeverThrows), { numRuns: FUZZ_RUNS });
});

/** Feeds chunks; must not throw, and the frames must be exactly what the stream announced. */
function deframeNeverThrows(limit: number, chunks: Uint8Array[]): void {
  const deframer = new TcpDeframer(limit);
  let framedBytes = 0;
  let total = 0;
  for (const chunk of chunks) {
    total += chunk.length;
    const result = deframer.push(chunk);
    if (!result.ok) {
      assert.equal(result.error, 'frame-too-long');
      return;
    }
    for (const frame of result.value) {
      assert.ok(frame.length <= limit);
      framedBytes += 2 + frame.length;
      decodeNeverThrows(frame);
    }
  }
  assert.ok(framedBytes <= total);
}

test('fuzz: TCP deframer on random chunks', { timeout: FUZZ_TIMEOUT_MS }, () => {
  const chunks = fc.array(fc.uint8Array({ minLength: 0, maxLength: 700, size: 'max' }), { maxLength: 6, size: 'max' });
  fc.assert(
    fc.property(fc.constantFrom(TCP_MAX_FRAME_SUPERNODE, TCP_MAX_FRAME_EDGE, 0, 100), chunks, deframeNeverThrows),
    { numRuns: FUZZ_RUNS },
  );
});

test('fuzz: TCP deframer on re-chunked streams of mutated vectors', { timeout: FUZZ_TIMEOUT_MS }, () => {
  const stream = fc
    .array(mutatedVector, { minLength: 1, maxLength: 4 })
    .map((messages) => new Uint8Array(messages.flatMap((bytes) => [...frameMessage(bytes)])));
  const chunked = fc
    .tuple(stream, fc.array(fc.nat(), { maxLength: 8, size: 'max' }))
    .map(([bytes, cuts]) => {
      const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
      return [0, ...points].map((start, i) => bytes.subarray(start, points[i] ?? bytes.length));
    });
  fc.assert(
    fc.property(chunked, (chunks) => {
      const deframer = new TcpDeframer(TCP_MAX_FRAME_EDGE);
      let frames = 0;
      for (const chunk of chunks) {
        const result = deframer.push(chunk);
        assert.ok(result.ok);
        frames += result.value.length;
        result.value.forEach(decodeNeverThrows);
      }
      assert.ok(frames >= 1);
    }),
    { numRuns: FUZZ_RUNS },
  );
});

test('fuzz: readPacketHeader agrees with decodeMessage on random and mutated input', { timeout: FUZZ_TIMEOUT_MS }, () => {
  fc.assert(
    fc.property(untrustedBytes(wireVectorMessages(), 2100), fc.boolean(), (buf, forcePacket) => {
      // Half the inputs get PACKET type bits, so the fast path's own checks are exercised.
      if (forcePacket && buf.length >= 4) buf[3] = (buf[3]! & ~0x1f) | MessageType.Packet;
      fastPathAgrees(buf);
    }),
    { numRuns: FUZZ_RUNS },
  );
});
