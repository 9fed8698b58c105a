// Pearson block hashes P32 / P64 / P128 / P256 (CRYPTO.md §1.1, PROTOCOL.md Appendix A). The lanes
// run in the addon's kernels (native/kernels.ts), which have native 64-bit multiplies. The
// header-encryption checksum hashes every datagram, hence the allocation-free pearson64Into.
import { kernelAddon } from '../../native/kernels.js';

const out = new Uint8Array(32);
const view = new DataView(out.buffer);

function hash(lanes: 1 | 2 | 4, data: Uint8Array, start: number, end: number): void {
  kernelAddon().pearsonHash(lanes, data, start, end, out);
}

/**
 * P64 of data[start, end) without allocating: out[0] = high 32 bits, out[1] = low 32 bits.
 * The data path's checksum (CRYPTO.md §4.3).
 */
export function pearson64Into(data: Uint8Array, start: number, end: number, result: Uint32Array): void {
  hash(1, data, start, end);
  result[0] = view.getUint32(0);
  result[1] = view.getUint32(4);
}

/** P256: BE64(h4) ‖ BE64(h3) ‖ BE64(h2) ‖ BE64(h1), 32 bytes. */
export function pearson256(data: Uint8Array): Uint8Array {
  hash(4, data, 0, data.length);
  return out.slice(0, 32);
}

/** P128: BE64(h2) ‖ BE64(h1), 16 bytes. */
export function pearson128(data: Uint8Array): Uint8Array {
  hash(2, data, 0, data.length);
  return out.slice(0, 16);
}

/** P32: the low 32 bits of P64, unsigned. */
export function pearson32(data: Uint8Array): number {
  hash(1, data, 0, data.length);
  return view.getUint32(4);
}
