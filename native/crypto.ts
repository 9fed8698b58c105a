// Crypto in the kith_tap addon (native/src/crypto_napi.cc): the n2n payload transforms over whole
// batches of packets in one call, and the Pearson/Speck/Twofish kernels the engine's own crypto
// (engine/crypto) runs on. The TypeScript transforms in engine/crypto/transforms stay the
// reference: native/crypto.test.ts checks both agree byte for byte.
//
// AES and ChaCha20 use the OpenSSL the process exports (Node does; Electron, on BoringSSL, does
// not): openNativeCipher then says why not, and the caller keeps the TypeScript transform.
import { TransformId, type CipherName } from '../engine/crypto/transform.js';
import { loadAddon } from './tap.js';

/** An expanded key held by the addon (released when garbage-collected). */
export type KeyHandle = { readonly __kernelKey: unique symbol };

interface CryptoAddon {
  cipherOpen(id: number, key: Uint8Array): KeyHandle | string;
  cipherOverhead(handle: KeyHandle): number;
  cipherEncrypt(handle: KeyHandle, src: Uint8Array, srcSpans: Uint32Array, dst: Uint8Array, dstSpans: Int32Array, count: number, ivs?: Uint8Array): number;
  cipherDecrypt(handle: KeyHandle, src: Uint8Array, srcSpans: Uint32Array, dst: Uint8Array, dstSpans: Int32Array, count: number): number;
  pearsonHash(lanes: number, data: Uint8Array, start: number, end: number, out: Uint8Array): void;
  speckKey(key: Uint8Array): KeyHandle;
  speckRoundKeys(handle: KeyHandle): Uint8Array;
  speckBlock(handle: KeyHandle, decrypt: boolean, src: Uint8Array, srcAt: number, dst: Uint8Array, dstAt: number): void;
  speckCtr(handle: KeyHandle, iv: Uint8Array, ivAt: number, data: Uint8Array, start: number, end: number): void;
  twofishKey(key: Uint8Array): KeyHandle;
  twofishCbc(handle: KeyHandle, decrypt: boolean, src: Uint8Array, srcAt: number, length: number, iv: Uint8Array | undefined, ivAt: number, dst: Uint8Array, dstAt: number): void;
}

let cached: CryptoAddon | undefined;

/** The addon's crypto; throws (once the engine needs it) where the addon is not built. */
export function cryptoAddon(): CryptoAddon {
  if (cached !== undefined) return cached;
  const loaded = loadAddon();
  if (!loaded.ok) throw new Error(loaded.error.message);
  cached = loaded.value as unknown as CryptoAddon;
  return cached;
}

/** Per-packet results other than a length, as the batch calls report them. */
export const NativeCipherResult = { TooShort: -1, TooLong: -2, BadPadding: -3 } as const;

/**
 * One payload transform over batches. Packet i is src[srcSpans[2i] .. +srcSpans[2i+1]); its
 * output goes to dst from dstSpans[2i], with room dstSpans[2i+1], which the call replaces by the
 * length written or a NativeCipherResult. src and dst must be different memory.
 */
export interface NativeCipher {
  readonly cipher: CipherName;
  /** Bytes encryption adds: 0 for null, 16 for every cipher. */
  readonly overhead: number;
  /**
   * Encrypts count packets with fresh random IVs (one system call for all of them); returns how
   * many succeeded. ivs (16 bytes per packet) replaces those random bytes: tests only.
   */
  encrypt(src: Uint8Array, srcSpans: Uint32Array, dst: Uint8Array, dstSpans: Int32Array, count: number, ivs?: Uint8Array): number;
  /** Decrypts count received payloads; returns how many succeeded. */
  decrypt(src: Uint8Array, srcSpans: Uint32Array, dst: Uint8Array, dstSpans: Int32Array, count: number): number;
}

/** The native transform for cipher and the raw key string, or why there is none here. */
export function openNativeCipher(cipher: CipherName, key: Uint8Array): NativeCipher | string {
  let addon: CryptoAddon;
  try {
    addon = cryptoAddon();
  } catch (e) {
    return (e as Error).message;
  }
  const ids: Record<CipherName, number> = { null: TransformId.Null, Twofish: TransformId.Twofish, AES: TransformId.Aes, ChaCha20: TransformId.ChaCha20, Speck: TransformId.Speck };
  const handle = addon.cipherOpen(ids[cipher], key);
  if (typeof handle === 'string') return handle;
  const overhead = addon.cipherOverhead(handle);
  return {
    cipher,
    overhead,
    encrypt: (src, srcSpans, dst, dstSpans, count, ivs) => addon.cipherEncrypt(handle, src, srcSpans, dst, dstSpans, count, ivs),
    decrypt: (src, srcSpans, dst, dstSpans, count) => addon.cipherDecrypt(handle, src, srcSpans, dst, dstSpans, count),
  };
}
