// The n2n payload transforms over whole batches of packets in one call, in the kith_tap addon
// (native/src/payload.h, crypto_napi.cc). The TypeScript transforms in engine/crypto/transforms
// stay the reference: native/crypto.test.ts checks both agree byte for byte.
//
// AES and ChaCha20 use the OpenSSL the process exports (Node does; Electron, on BoringSSL, does
// not): openNativeCipher then says why not, and the caller keeps the TypeScript transform.
import { kernelAddon, type KeyHandle } from './kernels.js';

interface CipherAddon {
  cipherOpen(id: number, key: Uint8Array): KeyHandle | string;
  cipherOverhead(handle: KeyHandle): number;
  cipherEncrypt(handle: KeyHandle, src: Uint8Array, srcSpans: Uint32Array, dst: Uint8Array, dstSpans: Int32Array, count: number, ivs?: Uint8Array): number;
  cipherDecrypt(handle: KeyHandle, src: Uint8Array, srcSpans: Uint32Array, dst: Uint8Array, dstSpans: Int32Array, count: number): number;
}

/** Per-packet results other than a length, as the batch calls report them. */
export const NativeCipherResult = { TooShort: -1, TooLong: -2, BadPadding: -3 } as const;

/**
 * One payload transform over batches. Packet i is src[srcSpans[2i] .. +srcSpans[2i+1]); its
 * output goes to dst from dstSpans[2i], with room dstSpans[2i+1], which the call replaces by the
 * length written or a NativeCipherResult. src and dst must be different memory.
 */
export interface NativeCipher {
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

/**
 * The native transform for a PACKET transform id (PROTOCOL.md §5.1: 1 null … 5 Speck, as
 * engine/crypto/transform.ts names them) and the raw key string, or why there is none here.
 */
export function openNativeCipher(transform: number, key: Uint8Array): NativeCipher | string {
  if (!(Number.isInteger(transform) && transform >= 1 && transform <= 5)) return `no native transform has id ${transform}`;
  let addon: CipherAddon;
  try {
    addon = kernelAddon() as unknown as CipherAddon;
  } catch (e) {
    return (e as Error).message;
  }
  const handle = addon.cipherOpen(transform, key);
  if (typeof handle === 'string') return handle;
  const overhead = addon.cipherOverhead(handle);
  return {
    overhead,
    encrypt: (src, srcSpans, dst, dstSpans, count, ivs) => addon.cipherEncrypt(handle, src, srcSpans, dst, dstSpans, count, ivs),
    decrypt: (src, srcSpans, dst, dstSpans, count) => addon.cipherDecrypt(handle, src, srcSpans, dst, dstSpans, count),
  };
}
