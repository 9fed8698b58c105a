// Property/fuzz tests: decoders of untrusted input (header decryption, Speck transform decrypt, ASCII
// key decoder) never throw, on random bytes and on mutations of real vectors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeAsciiKey } from './ascii-key.js';
import { communityField } from './dynamic-key.js';
import { decryptHeader, staticHeaderKeys } from './header-encryption.js';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, untrustedBytes } from '../testing/fuzz.js';
import { ascii, fromHex, readVectorJson } from '../testing/vectors.js';
import { createSpeckTransform } from './transforms/speck.js';


interface Datagram {
  community: string;
  encrypted_packet: string;
}
const cases = readVectorJson<{ header_encryption: { cases: Datagram[] } }>('crypto/n3n-crypto-vectors.json')
  .header_encryption.cases;
const seeds = cases.map((c) => fromHex(c.encrypted_packet));
const field = communityField('abc123def456');
const keys = staticHeaderKeys(field);
const scratch = new Uint8Array(2100);

const anyDatagram = untrustedBytes(seeds, 200);

test(`decryptHeader: ${FUZZ_RUNS} random and mutated datagrams, no exception, source untouched`, { timeout: FUZZ_TIMEOUT_MS }, () => {
  let accepted = 0;
  let runs = 0;
  fc.assert(
    fc.property(anyDatagram, fc.boolean(), (datagram, minusTrailer) => {
      runs++;
      const before = datagram.slice();
      const length = minusTrailer ? datagram.length - 16 : datagram.length;
      const result = decryptHeader(datagram, length, field, keys, scratch);
      if (result.ok) {
        accepted++;
        assert.ok(result.value.headerLen >= 24 && result.value.headerLen <= length);
      }
      assert.deepEqual(datagram, before);
    }),
    { numRuns: FUZZ_RUNS },
  );
  assert.equal(runs, FUZZ_RUNS);
  // Only unmodified seeds (or changes the checksum cannot see) may pass.
  assert.ok(accepted < FUZZ_RUNS / 2);
});

test(`Speck transform decrypt: ${FUZZ_RUNS} random and mutated payloads, no exception`, { timeout: FUZZ_TIMEOUT_MS }, () => {
  const transform = createSpeckTransform(ascii('SoMEVer!S$cUREPassWORD'));
  const payloads = seeds.map((s) => s.subarray(38));
  const payload = untrustedBytes(payloads, 300, 40);
  const dst = new Uint8Array(400);
  fc.assert(
    fc.property(payload, fc.integer({ min: -2, max: 410 }), (src, offset) => {
      const result = transform.decrypt(src, dst, offset);
      if (src.length < 16) assert.equal(result, 'too-short');
      else if (offset < 0 || offset + src.length - 16 > dst.length) assert.equal(result, 'too-long');
      else assert.equal(result, src.length - 16);
    }),
    { numRuns: FUZZ_RUNS },
  );
});

test(`decodeAsciiKey: ${FUZZ_RUNS} random strings, no exception, valid keys round-trip their length`, { timeout: FUZZ_TIMEOUT_MS }, () => {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+-';
  const text = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 50 }),
  );
  fc.assert(
    fc.property(text, (t) => {
      const result = decodeAsciiKey(t);
      if (result.ok) assert.equal(result.value.length, Math.floor((t.length * 6) / 8));
      else assert.ok(result.error === 'too-long' || result.error === 'bad-character');
    }),
    { numRuns: FUZZ_RUNS },
  );
});
