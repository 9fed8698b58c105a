// ChaCha20 transform (ID 4, CRYPTO.md §2.4): output = IV ‖ (ChaCha20(pearson256(key), IV) ⊕ P).
// The 16-byte IV fills state words 12..15, word 12 being the block counter (CRYPTO.md §1.5). The
// keystream comes from the WebAssembly kernels (four blocks per SIMD pass): a per-packet
// createCipheriv cost more than the cipher itself.

import { pearson256 } from '../pearson.js';
import { randomFill } from '../random.js';
import { TransformId } from '../transform.js';
import type { Transform } from '../transform.js';
import { chacha20Xor } from '../wasm/kernels.js';

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

// CRYPTO.md §1.5: like n3n's built-in ChaCha20, the kernel wraps the counter word to 0 without
// carrying into word 13 (OpenSSL carries).
export { chacha20Xor };

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
