// Paths of kernels.ts that the n3n vectors (in the speck / pearson / transforms tests) do not
// reach: inputs larger than the 64 KiB I/O area, which run in several kernel calls, and ChaCha20
// with dst ahead of src in the same buffer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pearson128, pearson256 } from '../pearson.js';
import { speckCtr, speckKeySchedule } from '../speck.js';
import { chacha20Xor } from '../transforms/chacha20.js';
import { Twofish } from '../twofish.js';

const LARGE = 3 * 65536 + 100;
const pattern = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);

/** The IV whose LE counter (bytes 0..width) is advanced by `blocks`, without carry beyond width. */
function advanced(iv: Uint8Array, width: 4 | 8, blocks: number): Uint8Array {
  const out = Uint8Array.from(iv);
  const view = new DataView(out.buffer);
  if (width === 4) view.setUint32(0, (view.getUint32(0, true) + blocks) >>> 0, true);
  else view.setBigUint64(0, BigInt.asUintN(64, view.getBigUint64(0, true) + BigInt(blocks)), true);
  return out;
}

test('Speck CTR across several kernel calls equals per-chunk CTR with advanced counters', () => {
  const ks = speckKeySchedule(pattern(32));
  const iv = Uint8Array.from([0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8]);
  const whole = pattern(LARGE);
  speckCtr(ks, iv, 0, whole, 0, LARGE);
  for (const at of [0, 65536, 131072, 196608]) {
    const piece = pattern(LARGE).subarray(at, Math.min(LARGE, at + 65536));
    speckCtr(ks, advanced(iv, 8, at / 16), 0, piece, 0, piece.length);
    assert.deepEqual(piece, whole.subarray(at, at + piece.length));
  }
});

test('ChaCha20 across several kernel calls, into a separate buffer and shifted forward in place', () => {
  const key = pattern(32);
  const iv = Uint8Array.from([0xfe, 0xff, 0xff, 0xff, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0]);
  const expected = new Uint8Array(LARGE);
  for (let at = 0; at < LARGE; at += 65536) {
    const length = Math.min(65536, LARGE - at);
    chacha20Xor(key, advanced(iv, 4, at / 64), 0, pattern(LARGE), at, length, expected, at);
  }
  const separate = new Uint8Array(LARGE);
  chacha20Xor(key, iv, 0, pattern(LARGE), 0, LARGE, separate, 0);
  assert.deepEqual(separate, expected);
  const shared = new Uint8Array(LARGE + 16);
  shared.set(pattern(LARGE));
  chacha20Xor(key, iv, 0, shared, 0, LARGE, shared, 16);
  assert.deepEqual(shared.subarray(16), expected);
});

test('Pearson across several kernel calls keeps the lane identities', () => {
  for (const length of [65536, 65537, LARGE]) {
    const data = pattern(length);
    assert.deepEqual(pearson128(data), pearson256(data).subarray(16));
    assert.notDeepEqual(pearson128(data), pearson128(data.subarray(1)));
  }
});

test('Twofish CBC across several kernel calls round-trips, in place and chained from an IV', () => {
  const cipher = new Twofish(pattern(32));
  const length = LARGE - (LARGE % 16);
  const buf = pattern(length);
  cipher.encryptCbcZeroIv(buf, 0, length);
  // Decrypting from block 2 chained from block 1 recovers everything after the first block.
  cipher.decryptCbc(buf, 16, length - 16, buf, 0, buf, 0);
  assert.deepEqual(buf.subarray(0, length - 16), pattern(length).subarray(16));
});

test('many live key schedules keep their own slots', () => {
  const keys = Array.from({ length: 300 }, (_, i) => speckKeySchedule(pattern(32).map((b) => b ^ i)));
  const ciphers = Array.from({ length: 40 }, (_, i) => new Twofish(pattern(32).map((b) => b ^ i)));
  const first = speckKeySchedule(pattern(32)).roundKeys;
  assert.deepEqual(keys[0]!.roundKeys, first);
  assert.notDeepEqual(keys[1]!.roundKeys, first);
  const a = new Uint8Array(16);
  const b = new Uint8Array(16);
  ciphers[0]!.encryptBlock(a, 0, a, 0);
  new Twofish(pattern(32)).encryptBlock(b, 0, b, 0);
  assert.deepEqual(a, b);
});
