// ChaCha20 beyond the n3n vectors: long inputs that cross n3n's no-carry counter wrap (CRYPTO.md
// §1.5), into a separate buffer and shifted forward within one buffer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chacha20Xor } from './chacha20.js';

const LARGE = 3 * 65536 + 100;
const pattern = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);

/** The IV whose 32-bit LE block counter is advanced by `blocks`, wrapping without carry. */
function advanced(iv: Uint8Array, blocks: number): Uint8Array {
  const out = Uint8Array.from(iv);
  const view = new DataView(out.buffer);
  view.setUint32(0, (view.getUint32(0, true) + blocks) >>> 0, true);
  return out;
}

test('ChaCha20 across the 32-bit counter wrap equals per-piece runs with wrapped counters, also in place', () => {
  const key = pattern(32);
  const iv = Uint8Array.from([0xfe, 0xff, 0xff, 0xff, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0]);
  const expected = new Uint8Array(LARGE);
  for (let at = 0; at < LARGE; at += 65536) {
    const length = Math.min(65536, LARGE - at);
    chacha20Xor(key, advanced(iv, at / 64), 0, pattern(LARGE), at, length, expected, at);
  }
  const separate = new Uint8Array(LARGE);
  chacha20Xor(key, iv, 0, pattern(LARGE), 0, LARGE, separate, 0);
  assert.deepEqual(separate, expected);
  const shared = new Uint8Array(LARGE + 16);
  shared.set(pattern(LARGE));
  chacha20Xor(key, iv, 0, shared, 0, LARGE, shared, 16);
  assert.deepEqual(shared.subarray(16), expected);
});
