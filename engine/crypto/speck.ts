// SPECK-128/128 and SPECK-128/256 in the implementation-guide byte order, plus n3n's CTR mode
// (CRYPTO.md §1.2, PROTOCOL.md Appendix B). Node/OpenSSL have no Speck; the rounds run in the
// WebAssembly kernels (wasm/kernels.c), which hold the expanded key in a slot of their memory.
// The data path runs CTR over every packet payload and every encrypted header.

import { speckBlock, speckCtrXor, speckExpand, speckRoundKeys } from './wasm/kernels.js';

/** Expanded key: a handle to its slot in the kernels' memory. */
export interface SpeckKeySchedule {
  readonly rounds: number;
  /** Address of the kernel slot; the slot is released when this object is garbage-collected. */
  readonly slot: number;
  /** Copy of the round keys k_0 .. k_{rounds-1}, little-endian 64-bit words (inspection, tests). */
  readonly roundKeys: Uint8Array;
}

class WasmSpeckKeySchedule implements SpeckKeySchedule {
  readonly slot: number;
  constructor(
    key: Uint8Array,
    readonly rounds: number,
  ) {
    this.slot = speckExpand(this, key);
  }
  get roundKeys(): Uint8Array {
    return speckRoundKeys(this.slot, this.rounds);
  }
}

/** Expands a 16-byte (SPECK-128/128, 32 rounds) or 32-byte (SPECK-128/256, 34 rounds) key. */
export function speckKeySchedule(key: Uint8Array): SpeckKeySchedule {
  if (key.length !== 16 && key.length !== 32) {
    throw new RangeError(`SPECK key must be 16 or 32 bytes, got ${key.length}`);
  }
  return new WasmSpeckKeySchedule(key, key.length === 16 ? 32 : 34);
}

/** Encrypts the 16-byte block src[srcAt..) into dst[dstAt..); src and dst may be the same. */
export function speckEncryptBlock(
  ks: SpeckKeySchedule,
  src: Uint8Array,
  srcAt: number,
  dst: Uint8Array,
  dstAt: number,
): void {
  speckBlock(ks.slot, false, src, srcAt, dst, dstAt);
}

/** Decrypts the 16-byte block src[srcAt..) into dst[dstAt..); src and dst may be the same. */
export function speckDecryptBlock(
  ks: SpeckKeySchedule,
  src: Uint8Array,
  srcAt: number,
  dst: Uint8Array,
  dstAt: number,
): void {
  speckBlock(ks.slot, true, src, srcAt, dst, dstAt);
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
  speckCtrXor(ks.slot, iv, ivAt, data, start, end);
}
