// Paths of kernels.ts that the n3n vectors (in the speck / pearson / transforms tests) do not
// reach: inputs larger than the 64 KiB I/O area, which run in several kernel calls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pearson128, pearson256 } from '../pearson.js';
import { speckCtr, speckKeySchedule } from '../speck.js';
import { Twofish } from '../twofish.js';

const LARGE = 3 * 65536 + 100;
const pattern = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);

/** The IV whose 64-bit LE counter (bytes 0..8) is advanced by `blocks`, without carry into bytes 8..16. */
function advanced(iv: Uint8Array, blocks: number): Uint8Array {
  const out = Uint8Array.from(iv);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt.asUintN(64, view.getBigUint64(0, true) + BigInt(blocks)), true);
  return out;
}

test('Speck CTR across several kernel calls equals per-chunk CTR with advanced counters', () => {
  const ks = speckKeySchedule(pattern(32));
  const iv = Uint8Array.from([0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8]);
  const whole = pattern(LARGE);
  speckCtr(ks, iv, 0, whole, 0, LARGE);
  for (const at of [0, 65536, 131072, 196608]) {
    const piece = pattern(LARGE).subarray(at, Math.min(LARGE, at + 65536));
    speckCtr(ks, advanced(iv, at / 16), 0, piece, 0, piece.length);
    assert.deepEqual(piece, whole.subarray(at, at + piece.length));
  }
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
