// Pearson block hashes P32 / P64 / P128 / P256 (CRYPTO.md §1.1, PROTOCOL.md Appendix A). The lanes
// run in the WebAssembly kernels (wasm/kernels.c), which have native 64-bit multiplies. The
// header-encryption checksum hashes every datagram, hence the allocation-free pearson64Into.

import { pearson64High, pearson64Low, pearsonHash, pearsonOutput } from './wasm/kernels.js';

/**
 * P64 of data[start, end) without allocating: out[0] = high 32 bits, out[1] = low 32 bits.
 * The data path's checksum (CRYPTO.md §4.3).
 */
export function pearson64Into(data: Uint8Array, start: number, end: number, out: Uint32Array): void {
  pearsonHash(1, data, start, end);
  out[0] = pearson64High();
  out[1] = pearson64Low();
}

/** P256: BE64(h4) ‖ BE64(h3) ‖ BE64(h2) ‖ BE64(h1), 32 bytes. */
export function pearson256(data: Uint8Array): Uint8Array {
  pearsonHash(4, data, 0, data.length);
  return pearsonOutput(4);
}

/** P128: BE64(h2) ‖ BE64(h1), 16 bytes. */
export function pearson128(data: Uint8Array): Uint8Array {
  pearsonHash(2, data, 0, data.length);
  return pearsonOutput(2);
}

/** P64 as a bigint (control path and tests). */
export function pearson64(data: Uint8Array): bigint {
  pearsonHash(1, data, 0, data.length);
  return (BigInt(pearson64High()) << 32n) | BigInt(pearson64Low());
}

/** P32: the low 32 bits of P64, unsigned. */
export function pearson32(data: Uint8Array): number {
  pearsonHash(1, data, 0, data.length);
  return pearson64Low();
}
