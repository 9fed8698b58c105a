// The addon's Pearson/Speck/Twofish kernels beyond what the n3n vectors reach (engine/crypto's
// pearson, speck and transforms tests run them on those): large inputs, many live keys, and
// handles and ranges that are not what they claim.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pearson128, pearson256 } from '../engine/crypto/pearson.js';
import { speckCtr, speckKeySchedule } from '../engine/crypto/speck.js';
import { Twofish } from '../engine/crypto/twofish.js';
import { kernelAddon, type KeyHandle } from './kernels.js';

const LARGE = 3 * 65536 + 100;
const pattern = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);

/** The IV whose 64-bit LE counter (bytes 0..8) is advanced by `blocks`, without carry into bytes 8..16. */
function advanced(iv: Uint8Array, blocks: number): Uint8Array {
  const out = Uint8Array.from(iv);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt.asUintN(64, view.getBigUint64(0, true) + BigInt(blocks)), true);
  return out;
}

test('Speck CTR over a large input equals CTR in pieces with advanced counters (64-bit wrap, no carry)', () => {
  const ks = speckKeySchedule(pattern(32));
  const iv = Uint8Array.from([0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8]);
  const whole = pattern(LARGE);
  speckCtr(ks, iv, 0, whole, 0, LARGE);
  for (const at of [0, 65536, 131072, 196608]) {
    const piece = pattern(LARGE).subarray(at, Math.min(LARGE, at + 65536));
    speckCtr(ks, advanced(iv, at / 16), 0, piece, 0, piece.length);
    assert.deepEqual(piece, whole.subarray(at, at + piece.length));
  }
  // Odd lengths end in a partial block: the same keystream, cut short.
  for (const length of [1, 15, 17, 63, 65, 100]) {
    const short = pattern(length);
    speckCtr(ks, iv, 0, short, 0, length);
    const long = pattern(128);
    speckCtr(ks, iv, 0, long, 0, 128);
    assert.deepEqual(short, long.subarray(0, length), `length ${length}`);
  }
});

test('Pearson on large inputs keeps the lane identities', () => {
  for (const length of [65536, 65537, LARGE]) {
    const data = pattern(length);
    assert.deepEqual(pearson128(data), pearson256(data).subarray(16));
    assert.notDeepEqual(pearson128(data), pearson128(data.subarray(1)));
  }
});

test('Twofish CBC over a large input round-trips, in place and chained from an IV', () => {
  const cipher = new Twofish(pattern(32));
  const length = LARGE - (LARGE % 16);
  const buf = pattern(length);
  cipher.encryptCbcZeroIv(buf, 0, length);
  // Decrypting from block 2 chained from block 1 recovers everything after the first block.
  cipher.decryptCbc(buf, 16, length - 16, buf, 0, buf, 0);
  assert.deepEqual(buf.subarray(0, length - 16), pattern(length).subarray(16));
});

test('many live keys keep their own expansion', () => {
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

test('a handle of another kind, a forged one, or a range outside the array is refused', () => {
  const k = kernelAddon();
  const speck = k.speckKey(pattern(32));
  const twofish = k.twofishKey(pattern(32));
  const block = new Uint8Array(16);
  assert.throws(() => k.speckBlock(twofish, false, block, 0, block, 0), TypeError);
  assert.throws(() => k.twofishCbc(speck, false, block, 0, 16, undefined, 0, block, 0), TypeError);
  assert.throws(() => k.speckBlock({} as KeyHandle, false, block, 0, block, 0), TypeError);
  assert.throws(() => k.speckBlock(speck, false, block, 1, block, 0), RangeError);
  assert.throws(() => k.speckCtr(speck, block, 0, block, 8, 4), RangeError);
  assert.throws(() => k.twofishCbc(twofish, false, block, 0, 8, undefined, 0, block, 0), RangeError);
  assert.throws(() => k.pearsonHash(3 as 4, block, 0, 16, new Uint8Array(32)), RangeError);
  assert.throws(() => k.pearsonHash(4, block, 0, 16, new Uint8Array(16)), RangeError);
  assert.throws(() => k.speckKey(new Uint8Array(24)), RangeError);
});
