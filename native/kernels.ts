// The Pearson/Speck/Twofish kernels in the kith_tap addon (native/src/kernels.h), on which the
// engine's own crypto runs (engine/crypto/pearson.ts, speck.ts, twofish.ts): what neither Node nor
// OpenSSL offers. Expanded keys stay in the addon; JavaScript holds a handle, released with it.
import { loadAddon } from './tap.js';

/** An expanded key held by the addon (released when garbage-collected). */
export type KeyHandle = { readonly __kernelKey: unique symbol };

export interface KernelAddon {
  /** out[0, 8·lanes) = BE64(h_lanes) ‖ … ‖ BE64(h_1) of data[start, end). */
  pearsonHash(lanes: 1 | 2 | 4, data: Uint8Array, start: number, end: number, out: Uint8Array): void;
  speckKey(key: Uint8Array): KeyHandle;
  speckRoundKeys(handle: KeyHandle): Uint8Array;
  /** One block from src[srcAt..+16) to dst[dstAt..); the ranges may overlap. */
  speckBlock(handle: KeyHandle, decrypt: boolean, src: Uint8Array, srcAt: number, dst: Uint8Array, dstAt: number): void;
  /** n3n's CTR over data[start, end) in place from the counter block iv[ivAt..+16) (read first). */
  speckCtr(handle: KeyHandle, iv: Uint8Array, ivAt: number, data: Uint8Array, start: number, end: number): void;
  twofishKey(key: Uint8Array): KeyHandle;
  /** CBC over src[srcAt..+length) into dst[dstAt..) from iv (zero when undefined), block by block front to back. */
  twofishCbc(handle: KeyHandle, decrypt: boolean, src: Uint8Array, srcAt: number, length: number, iv: Uint8Array | undefined, ivAt: number, dst: Uint8Array, dstAt: number): void;
}

let cached: KernelAddon | undefined;

/** The addon's kernels; throws, when first needed, where the addon is not built. */
export function kernelAddon(): KernelAddon {
  if (cached !== undefined) return cached;
  const loaded = loadAddon();
  if (!loaded.ok) throw new Error(loaded.error.message);
  cached = loaded.value as unknown as KernelAddon;
  return cached;
}
