// Twofish-256 block cipher (CRYPTO.md §1.4): 16 rounds, 32-byte key, words read little endian.
// Written from the published algorithm description (Schneier et al., "Twofish: A 128-Bit Block
// Cipher"). Key setup folds the key-dependent S-boxes and the MDS matrix into four 256-entry
// tables ("full keying"), so each g() costs four lookups; the data path allocates nothing.

import type { CbcBlockCipher } from './cbc-cts.js';

export const TWOFISH_KEY_BYTES = 32;
const BLOCK = 16;
const ZERO_IV = new Uint8Array(BLOCK);

// The two fixed 8-bit permutations q0 and q1, each built from four 4-bit tables.
const Q_NIBBLE_TABLES = [
  [
    [8, 1, 7, 13, 6, 15, 3, 2, 0, 11, 5, 9, 14, 12, 10, 4],
    [14, 12, 11, 8, 1, 2, 3, 5, 15, 4, 10, 6, 7, 0, 9, 13],
    [11, 10, 5, 14, 6, 13, 9, 0, 12, 8, 15, 3, 2, 4, 7, 1],
    [13, 7, 15, 4, 1, 2, 6, 14, 9, 11, 3, 0, 8, 5, 12, 10],
  ],
  [
    [2, 8, 11, 13, 15, 7, 6, 14, 3, 1, 9, 4, 0, 10, 12, 5],
    [1, 14, 2, 11, 4, 12, 3, 7, 6, 13, 10, 5, 15, 9, 0, 8],
    [4, 12, 7, 5, 1, 6, 9, 10, 0, 14, 13, 8, 2, 11, 3, 15],
    [11, 9, 5, 1, 12, 3, 13, 14, 6, 4, 7, 15, 2, 0, 8, 10],
  ],
] as const;

function buildQ(t: readonly (readonly number[])[]): Uint8Array {
  const ror4 = (x: number): number => ((x >>> 1) | (x << 3)) & 15;
  const q = new Uint8Array(256);
  for (let x = 0; x < 256; x++) {
    let a = x >>> 4;
    let b = x & 15;
    for (let stage = 0; stage < 2; stage++) {
      const mixedA = a ^ b;
      const mixedB = (a ^ ror4(b) ^ (a << 3)) & 15;
      a = t[2 * stage]![mixedA]!;
      b = t[2 * stage + 1]![mixedB]!;
    }
    q[x] = (b << 4) | a;
  }
  return q;
}

const Q = [buildQ(Q_NIBBLE_TABLES[0]), buildQ(Q_NIBBLE_TABLES[1])] as const;

// For output byte j of h(): which q permutation each of the five stages uses (256-bit key).
const Q_CHAIN = [
  [1, 1, 0, 0, 1],
  [0, 1, 1, 0, 0],
  [0, 0, 0, 1, 1],
  [1, 0, 1, 1, 0],
] as const;

const MDS = [
  [0x01, 0xef, 0x5b, 0x5b],
  [0x5b, 0xef, 0xef, 0x01],
  [0xef, 0x5b, 0x01, 0xef],
  [0xef, 0x01, 0xef, 0x5b],
] as const;
const MDS_POLY = 0x169;

const RS = [
  [0x01, 0xa4, 0x55, 0x87, 0x5a, 0x58, 0xdb, 0x9e],
  [0xa4, 0x56, 0x82, 0xf3, 0x1e, 0xc6, 0x68, 0xe5],
  [0x02, 0xa1, 0xfc, 0xc1, 0x47, 0xae, 0x3d, 0x19],
  [0xa4, 0x55, 0x87, 0x5a, 0x58, 0xdb, 0x9e, 0x03],
] as const;
const RS_POLY = 0x14d;

function gfMultiply(a: number, b: number, poly: number): number {
  let product = 0;
  for (; b !== 0; b >>>= 1) {
    if ((b & 1) !== 0) product ^= a;
    a <<= 1;
    if ((a & 0x100) !== 0) a ^= poly;
  }
  return product;
}

/** The key-dependent S-box for byte position j: five q stages interleaved with key words l[3..0]. */
function sboxByte(j: number, x: number, l: readonly number[]): number {
  const chain = Q_CHAIN[j]!;
  let y = x;
  for (let stage = 0; stage < 4; stage++) {
    y = Q[chain[stage]!][y]! ^ ((l[3 - stage]! >>> (8 * j)) & 0xff);
  }
  return Q[chain[4]][y]!;
}

/** Column j of the MDS matrix times y, as a little-endian word. */
function mdsColumn(j: number, y: number): number {
  let word = 0;
  for (let row = 0; row < 4; row++) word |= gfMultiply(MDS[row]![j]!, y, MDS_POLY) << (8 * row);
  return word;
}

function h(x: number, l: readonly number[]): number {
  let z = 0;
  for (let j = 0; j < 4; j++) z ^= mdsColumn(j, sboxByte(j, (x >>> (8 * j)) & 0xff, l));
  return z;
}

const rol = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

function readWord(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
}

function writeWord(b: Uint8Array, o: number, w: number): void {
  b[o] = w;
  b[o + 1] = w >>> 8;
  b[o + 2] = w >>> 16;
  b[o + 3] = w >>> 24;
}

export class Twofish implements CbcBlockCipher {
  /** 40 round subkeys K0..K39. */
  private readonly k = new Int32Array(40);
  /**
   * Full-keyed g() tables, one per input byte j at s[256j, 256j + 256): g(x) = ⊕_j s[256j | x_j].
   * One array rather than four leaves the JIT more registers for the block state.
   */
  private readonly s = new Int32Array(1024);

  /** key must be exactly 32 bytes. */
  constructor(key: Uint8Array) {
    if (key.length !== TWOFISH_KEY_BYTES) throw new RangeError('Twofish key must be 32 bytes');
    const m = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => readWord(key, 4 * i));
    const even = [m[0]!, m[2]!, m[4]!, m[6]!];
    const odd = [m[1]!, m[3]!, m[5]!, m[7]!];
    // S_i = RS · key bytes 8i..8i+7; h() consumes them in reverse order (S_3 first).
    const sWords: number[] = [];
    for (let i = 0; i < 4; i++) {
      let word = 0;
      for (let row = 0; row < 4; row++) {
        let byte = 0;
        for (let col = 0; col < 8; col++) byte ^= gfMultiply(RS[row]![col]!, key[8 * i + col]!, RS_POLY);
        word |= byte << (8 * row);
      }
      sWords.unshift(word);
    }
    const rho = 0x01010101;
    for (let i = 0; i < 20; i++) {
      const a = h(Math.imul(2 * i, rho), even);
      const b = rol(h(Math.imul(2 * i + 1, rho), odd), 8);
      this.k[2 * i] = (a + b) | 0;
      this.k[2 * i + 1] = rol((a + 2 * b) | 0, 9);
    }
    for (let j = 0; j < 4; j++) {
      for (let x = 0; x < 256; x++) this.s[256 * j + x] = mdsColumn(j, sboxByte(j, x, sWords));
    }
  }

  /** Encrypts the 16-byte block at src[srcOffset] into dst[dstOffset] (may be the same place). */
  encryptBlock(src: Uint8Array, srcOffset: number, dst: Uint8Array, dstOffset: number): void {
    this.encryptCbc(src, srcOffset, BLOCK, dst, dstOffset);
  }

  /** Decrypts the 16-byte block at src[srcOffset] into dst[dstOffset] (may be the same place). */
  decryptBlock(src: Uint8Array, srcOffset: number, dst: Uint8Array, dstOffset: number): void {
    this.decryptCbc(src, srcOffset, BLOCK, ZERO_IV, 0, dst, dstOffset);
  }

  encryptCbcZeroIv(buf: Uint8Array, offset: number, length: number): void {
    this.encryptCbc(buf, offset, length, buf, offset);
  }

  /** CBC with a zero IV; the rounds are inlined so each block stays in locals. */
  private encryptCbc(src: Uint8Array, srcOffset: number, length: number, dst: Uint8Array, dstOffset: number): void {
    const { k, s } = this;
    let v0 = 0;
    let v1 = 0;
    let v2 = 0;
    let v3 = 0;
    for (let i = 0; i < length; i += BLOCK) {
      let a = readWord(src, srcOffset + i) ^ v0 ^ k[0]!;
      let b = readWord(src, srcOffset + i + 4) ^ v1 ^ k[1]!;
      let c = readWord(src, srcOffset + i + 8) ^ v2 ^ k[2]!;
      let d = readWord(src, srcOffset + i + 12) ^ v3 ^ k[3]!;
      for (let r = 8; r < 40; r += 4) {
        let t0 = s[a & 0xff]! ^ s[256 | ((a >>> 8) & 0xff)]! ^ s[512 | ((a >>> 16) & 0xff)]! ^ s[768 | (a >>> 24)]!;
        let t1 = s[b >>> 24]! ^ s[256 | (b & 0xff)]! ^ s[512 | ((b >>> 8) & 0xff)]! ^ s[768 | ((b >>> 16) & 0xff)]!;
        c ^= (t0 + t1 + k[r]!) | 0;
        c = (c >>> 1) | (c << 31);
        d = ((d << 1) | (d >>> 31)) ^ ((t0 + (t1 << 1) + k[r + 1]!) | 0);
        t0 = s[c & 0xff]! ^ s[256 | ((c >>> 8) & 0xff)]! ^ s[512 | ((c >>> 16) & 0xff)]! ^ s[768 | (c >>> 24)]!;
        t1 = s[d >>> 24]! ^ s[256 | (d & 0xff)]! ^ s[512 | ((d >>> 8) & 0xff)]! ^ s[768 | ((d >>> 16) & 0xff)]!;
        a ^= (t0 + t1 + k[r + 2]!) | 0;
        a = (a >>> 1) | (a << 31);
        b = ((b << 1) | (b >>> 31)) ^ ((t0 + (t1 << 1) + k[r + 3]!) | 0);
      }
      v0 = c ^ k[4]!;
      v1 = d ^ k[5]!;
      v2 = a ^ k[6]!;
      v3 = b ^ k[7]!;
      writeWord(dst, dstOffset + i, v0);
      writeWord(dst, dstOffset + i + 4, v1);
      writeWord(dst, dstOffset + i + 8, v2);
      writeWord(dst, dstOffset + i + 12, v3);
    }
  }

  decryptCbc(
    src: Uint8Array,
    srcOffset: number,
    length: number,
    iv: Uint8Array,
    ivOffset: number,
    dst: Uint8Array,
    dstOffset: number,
  ): void {
    const { k, s } = this;
    let v0 = readWord(iv, ivOffset);
    let v1 = readWord(iv, ivOffset + 4);
    let v2 = readWord(iv, ivOffset + 8);
    let v3 = readWord(iv, ivOffset + 12);
    for (let i = 0; i < length; i += BLOCK) {
      const c0 = readWord(src, srcOffset + i);
      const c1 = readWord(src, srcOffset + i + 4);
      const c2 = readWord(src, srcOffset + i + 8);
      const c3 = readWord(src, srcOffset + i + 12);
      let c = c0 ^ k[4]!;
      let d = c1 ^ k[5]!;
      let a = c2 ^ k[6]!;
      let b = c3 ^ k[7]!;
      for (let r = 36; r >= 8; r -= 4) {
        let t0 = s[c & 0xff]! ^ s[256 | ((c >>> 8) & 0xff)]! ^ s[512 | ((c >>> 16) & 0xff)]! ^ s[768 | (c >>> 24)]!;
        let t1 = s[d >>> 24]! ^ s[256 | (d & 0xff)]! ^ s[512 | ((d >>> 8) & 0xff)]! ^ s[768 | ((d >>> 16) & 0xff)]!;
        a = ((a << 1) | (a >>> 31)) ^ ((t0 + t1 + k[r + 2]!) | 0);
        b ^= (t0 + (t1 << 1) + k[r + 3]!) | 0;
        b = (b >>> 1) | (b << 31);
        t0 = s[a & 0xff]! ^ s[256 | ((a >>> 8) & 0xff)]! ^ s[512 | ((a >>> 16) & 0xff)]! ^ s[768 | (a >>> 24)]!;
        t1 = s[b >>> 24]! ^ s[256 | (b & 0xff)]! ^ s[512 | ((b >>> 8) & 0xff)]! ^ s[768 | ((b >>> 16) & 0xff)]!;
        c = ((c << 1) | (c >>> 31)) ^ ((t0 + t1 + k[r]!) | 0);
        d ^= (t0 + (t1 << 1) + k[r + 1]!) | 0;
        d = (d >>> 1) | (d << 31);
      }
      writeWord(dst, dstOffset + i, a ^ k[0]! ^ v0);
      writeWord(dst, dstOffset + i + 4, b ^ k[1]! ^ v1);
      writeWord(dst, dstOffset + i + 8, c ^ k[2]! ^ v2);
      writeWord(dst, dstOffset + i + 12, d ^ k[3]! ^ v3);
      v0 = c0;
      v1 = c1;
      v2 = c2;
      v3 = c3;
    }
  }
}
