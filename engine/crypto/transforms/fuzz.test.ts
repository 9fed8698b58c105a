// Property tests of every transform's decrypt path on hostile input (random bytes, and bit flips,
// truncations and extensions of real n3n outputs) plus an encrypt → decrypt round trip.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CipherName, Transform, TransformDecryptError } from '../transform.js';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, fuzzRuns, untrustedBytes } from '../../testing/fuzz.js';
import { fromHex, readVectorJson } from '../../testing/vectors.js';
import { CIPHER_NAMES, createTransform } from './index.js';

const ROUND_TRIP_RUNS = fuzzRuns(10_000);
const MAX_PLAINTEXT = 2048; // CRYPTO.md §2.0: n3n's N2N_PKT_BUF_SIZE
const KEY = Uint8Array.from(Buffer.from('SoMEVer!S$cUREPassWORD', 'latin1'));
const DECRYPT_ERRORS: readonly TransformDecryptError[] = ['too-short', 'too-long', 'bad-padding'];

const VECTOR_FILE_KEYS: Record<CipherName, string> = {
  null: 'null',
  Twofish: 'twofish',
  AES: 'aes',
  ChaCha20: 'chacha20',
  Speck: 'speck',
};

interface VectorFile {
  transforms: Record<string, { keys: { key_ascii: string; vectors: { output: string }[] }[] }>;
}
const vectors = readVectorJson<VectorFile>('crypto', 'n3n-crypto-vectors.json');

/** The real n3n outputs made with KEY, as seeds for mutation. */
function seedsFor(cipher: CipherName): Uint8Array[] {
  const keys = vectors.transforms[VECTOR_FILE_KEYS[cipher]]!.keys.filter((k) => k.key_ascii === 'SoMEVer!S$cUREPassWORD');
  return keys.flatMap((k) => k.vectors.map((v) => fromHex(v.output)));
}

/** Decrypts into a buffer of the given room; the answer must be a valid length or a known error. */
function checkDecrypt(transform: Transform, input: Uint8Array, room: number): number | TransformDecryptError {
  const dst = new Uint8Array(room);
  const result = transform.decrypt(input, dst, 0);
  if (typeof result === 'number') {
    assert.equal(result, input.length - transform.overhead);
    assert.ok(result <= room);
  } else {
    assert.ok(DECRYPT_ERRORS.includes(result), result);
    if (result === 'too-short') assert.ok(input.length < transform.overhead);
  }
  return result;
}

for (const cipher of CIPHER_NAMES) {
  const transform = createTransform(cipher, cipher === 'null' ? new Uint8Array(0) : KEY);
  const seeds = seedsFor(cipher);

  test(`${cipher}: decrypt of random and mutated input never throws (${FUZZ_RUNS} runs)`, { timeout: FUZZ_TIMEOUT_MS }, () => {
    assert.equal(seeds.length, 14);
    const input = untrustedBytes(seeds, MAX_PLAINTEXT + 64);
    // Room is usually enough, sometimes one byte short, to reach 'too-long'.
    fc.assert(
      fc.property(input, fc.boolean(), (bytes, tight) => {
        const room = Math.max(0, bytes.length - transform.overhead - (tight ? 1 : 0));
        checkDecrypt(transform, bytes, room);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  test(`${cipher}: every truncation of every n3n output decrypts to a result`, { timeout: FUZZ_TIMEOUT_MS }, () => {
    let checked = 0;
    for (const seed of seeds) {
      for (let length = 0; length <= seed.length; length++) {
        checkDecrypt(transform, seed.subarray(0, length), length);
        checked++;
      }
    }
    assert.equal(checked, seeds.reduce((sum, s) => sum + s.length + 1, 0));
  });

  test(`${cipher}: encrypt → decrypt round trip, 0..${MAX_PLAINTEXT} bytes (${ROUND_TRIP_RUNS} runs)`, { timeout: FUZZ_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: MAX_PLAINTEXT, size: 'max' }), (plaintext) => {
        const wire = new Uint8Array(plaintext.length + transform.overhead);
        assert.equal(transform.encrypt(plaintext, wire, 0), wire.length);
        const back = new Uint8Array(plaintext.length);
        assert.equal(transform.decrypt(wire, back, 0), plaintext.length);
        assert.deepEqual(back, plaintext);
      }),
      { numRuns: ROUND_TRIP_RUNS },
    );
  });
}
