// ChaCha20 transform (ID 4, CRYPTO.md §2.4): output = IV ‖ (ChaCha20(pearson256(key), IV) ⊕ P).
// The 16-byte IV is OpenSSL's "32-bit LE block counter ‖ 96-bit nonce", so Node's 'chacha20' cipher
// computes it, except at a counter wrap (CRYPTO.md §1.5).

import { createCipheriv } from 'node:crypto';
import { pearson256 } from '../pearson.js';
import { randomFill } from '../random.js';
import { TransformId } from '../transform.js';
import type { Transform } from '../transform.js';

const IV_BYTES = 16;
const BLOCK = 64;
const COUNTER_SPAN = 2 ** 32;

function readCounter(iv: Uint8Array, offset: number): number {
  return (iv[offset]! | (iv[offset + 1]! << 8) | (iv[offset + 2]! << 16) | (iv[offset + 3]! << 24)) >>> 0;
}

/** Bytes that can be processed before the 32-bit block counter wraps. */
function bytesBeforeWrap(iv: Uint8Array, ivOffset: number): number {
  return (COUNTER_SPAN - readCounter(iv, ivOffset)) * BLOCK;
}

/**
 * dst[dstOffset..] = src[srcOffset, srcOffset + length) ⊕ ChaCha20(key, iv); src and dst may overlap.
 * CRYPTO.md §1.5: n3n's
 * built-in ChaCha20 wraps the counter word to 0 without carrying into word 13 (OpenSSL carries), so
 * at a wrap the call is split and restarted with counter 0 and the same nonce.
 */
export function chacha20Xor(
  key: Uint8Array,
  iv: Uint8Array,
  ivOffset: number,
  src: Uint8Array,
  srcOffset: number,
  length: number,
  dst: Uint8Array,
  dstOffset: number,
): void {
  const ivBytes = iv.subarray(ivOffset, ivOffset + IV_BYTES);
  const head = Math.min(length, bytesBeforeWrap(iv, ivOffset));
  const first = createCipheriv('chacha20', key, ivBytes).update(src.subarray(srcOffset, srcOffset + head));
  if (head < length) {
    const wrappedIv = Uint8Array.from(ivBytes);
    wrappedIv.fill(0, 0, 4);
    // Both parts are computed before dst is written: dst may overlap src.
    const rest = createCipheriv('chacha20', key, wrappedIv).update(src.subarray(srcOffset + head, srcOffset + length));
    dst.set(rest, dstOffset + head);
  }
  dst.set(first, dstOffset);
}

export function createChaCha20Transform(key: Uint8Array, fillRandom: typeof randomFill = randomFill): Transform {
  const cipherKey = pearson256(key);
  const iv = new Uint8Array(IV_BYTES);
  return {
    id: TransformId.ChaCha20,
    name: 'ChaCha20',
    overhead: IV_BYTES,
    encrypt(src, dst, dstOffset) {
      // PROTOCOL.md §5.1.3: a sender should avoid IVs whose counter would wrap inside this packet,
      // so n3n builds with and without OpenSSL decrypt it identically.
      do fillRandom(iv, 0, IV_BYTES);
      while (bytesBeforeWrap(iv, 0) < src.length);
      // Ciphertext before IV: src may overlap dst.
      chacha20Xor(cipherKey, iv, 0, src, 0, src.length, dst, dstOffset + IV_BYTES);
      dst.set(iv, dstOffset);
      return src.length + IV_BYTES;
    },
    decrypt(src, dst, dstOffset) {
      if (src.length < IV_BYTES) return 'too-short';
      const length = src.length - IV_BYTES;
      if (dst.length - dstOffset < length) return 'too-long';
      chacha20Xor(cipherKey, src, 0, src, IV_BYTES, length, dst, dstOffset);
      return length;
    },
  };
}
