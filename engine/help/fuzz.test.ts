// Fuzzing of the help signalling's decoders: the frame reader and tag check on random bytes and
// mutated real frames, and the message shape check on arbitrary JSON signed with the right key (a
// member's engine may be broken or hostile). Each returns a typed refusal, never throws.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, untrustedBytes } from '../testing/fuzz.js';
import { decodeFrame, encodeFrame, FrameReader, helpKey, newNonce, type HelpMessage } from './wire.js';

const key = helpKey(Buffer.from('network key'), 'kith-home');
const envelope = { from: '02:00:00:00:00:0a', to: '02:00:00:00:00:0b', at: 1_700_000_000_000, nonce: newNonce() };
const SESSION = 'ab'.repeat(16);
const seeds: HelpMessage[] = [
  { ...envelope, kind: 'hello', name: 'grandma', version: 'help v1', probe: true },
  { ...envelope, kind: 'request', session: SESSION },
  { ...envelope, kind: 'answer', session: SESSION, answer: 'allow' },
  { ...envelope, kind: 'signal', session: SESSION, signal: { type: 'candidate', candidate: 'candidate:1 1 udp 1 10.99.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 } },
  { ...envelope, kind: 'stop', session: SESSION },
];
const seedFrames = seeds.map((message) => new Uint8Array(encodeFrame(key, message)!));
const DECODE_ERRORS = new Set(['short', 'bad-tag', 'bad-json', 'bad-shape']);

describe('help wire fuzz', () => {
  it('random and mutated frames: the reader and the tag check refuse, never throw', { timeout: FUZZ_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(untrustedBytes(seedFrames, 512), (bytes) => {
        const read = new FrameReader().feed(Buffer.from(bytes));
        if (!read.ok) return assert.equal(read.error, 'oversized');
        for (const payload of read.value) {
          const decoded = decodeFrame(key, payload);
          // A mutation that kept a whole frame unchanged decodes to that frame's message.
          if (decoded.ok) assert.ok(seeds.some((seed) => isDeepStrictEqual(seed, decoded.value)));
          else assert.ok(DECODE_ERRORS.has(decoded.error), decoded.error);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('arbitrary JSON under a valid tag: the shape check refuses or returns a well-formed message', { timeout: FUZZ_TIMEOUT_MS }, () => {
    const messages = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(...seeds).chain((seed) => fc.record({ field: fc.constantFrom(...Object.keys(seed), 'signal', 'answer'), value: fc.jsonValue() }).map(({ field, value }) => ({ ...seed, [field]: value }))),
    );
    fc.assert(
      fc.property(messages, (value) => {
        const json = Buffer.from(JSON.stringify(value) ?? 'null');
        const frame = encodeFrame(key, value as HelpMessage);
        if (frame === undefined) return;
        const read = new FrameReader().feed(frame);
        assert.ok(read.ok && read.value.length === 1, json.toString());
        const decoded = decodeFrame(key, read.value[0]!);
        if (!decoded.ok) return assert.ok(DECODE_ERRORS.has(decoded.error));
        assert.match(decoded.value.from, /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
        assert.ok(['hello', 'request', 'ask', 'answer', 'signal', 'stop'].includes(decoded.value.kind));
      }),
      { numRuns: FUZZ_RUNS / 10 },
    );
  });
});
