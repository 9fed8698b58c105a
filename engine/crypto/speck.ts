// SPECK-128/128 and SPECK-128/256 in the implementation-guide byte order, plus n3n's CTR mode
// (CRYPTO.md §1.2, PROTOCOL.md Appendix B). Node/OpenSSL have no Speck; the rounds run in the
// addon's kernels (native/kernels.ts), which hold the expanded key.
// The data path runs CTR over every packet payload and every encrypted header.

import { kernelAddon, type KeyHandle } from '../../native/kernels.js';

/** Expanded key: a handle to the addon's copy (released when garbage-collected). */
export interface SpeckKeySchedule {
  readonly rounds: number;
  readonly handle: KeyHandle;
  /** Copy of the round keys k_0 .. k_{rounds-1}, little-endian 64-bit words (inspection, tests). */
  readonly roundKeys: Uint8Array;
}

class NativeSpeckKeySchedule implements SpeckKeySchedule {
  readonly handle: KeyHandle;
  constructor(
    key: Uint8Array,
    readonly rounds: number,
  ) {
    this.handle = kernelAddon().speckKey(key);
  }
  get roundKeys(): Uint8Array {
    return kernelAddon().speckRoundKeys(this.handle);
  }
}

/** Expands a 16-byte (SPECK-128/128, 32 rounds) or 32-byte (SPECK-128/256, 34 rounds) key. */
export function speckKeySchedule(key: Uint8Array): SpeckKeySchedule {
  if (key.length !== 16 && key.length !== 32) {
    throw new RangeError(`SPECK key must be 16 or 32 bytes, got ${key.length}`);
  }
  return new NativeSpeckKeySchedule(key, key.length === 16 ? 32 : 34);
}

/** Encrypts the 16-byte block src[srcAt..) into dst[dstAt..); src and dst may be the same. */
export function speckEncryptBlock(
  ks: SpeckKeySchedule,
  src: Uint8Array,
  srcAt: number,
  dst: Uint8Array,
  dstAt: number,
): void {
  kernelAddon().speckBlock(ks.handle, false, src, srcAt, dst, dstAt);
}

/** Decrypts the 16-byte block src[srcAt..) into dst[dstAt..); src and dst may be the same. */
export function speckDecryptBlock(
  ks: SpeckKeySchedule,
  src: Uint8Array,
  srcAt: number,
  dst: Uint8Array,
  dstAt: number,
): void {
  kernelAddon().speckBlock(ks.handle, true, src, srcAt, dst, dstAt);
}

/**
 * n3n's SPECK-CTR over data[start, end) in place (encryption = decryption). The initial counter
 * block is iv[ivAt, ivAt + 16); it is read before any byte is written, so it may lie inside data.
 * CRYPTO.md §1.2: block j encrypts the IV with LE64(IV[0..8)) + j (mod 2^64); bytes 8..15 of the
 * counter never change (no carry).
 */
export function speckCtr(
  ks: SpeckKeySchedule,
  iv: Uint8Array,
  ivAt: number,
  data: Uint8Array,
  start: number,
  end: number,
): void {
  kernelAddon().speckCtr(ks.handle, iv, ivAt, data, start, end);
}
