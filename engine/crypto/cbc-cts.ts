// CBC with an all-zero IV, a random first block and "swap the last two blocks" ciphertext stealing
// (NIST SP 800-38A addendum CS2): the framing n3n uses for both AES and Twofish (CRYPTO.md §2.2,
// §2.3, §9; PROTOCOL.md §5.1.2). Parameterised by a block-cipher backend so both share one
// implementation. Scratch space lives in the instance: one instance per transform, not shared
// across concurrent users.

import { randomFill } from './random.js';
import type { CipherName, Transform, TransformDecryptError, TransformId } from './transform.js';

const BLOCK = 16;

/** The two CBC operations the framing needs from a 16-byte block cipher. */
export interface CbcBlockCipher {
  /** CBC-encrypts buf[offset, offset + length) in place with an all-zero IV; length is a multiple of 16. */
  encryptCbcZeroIv(buf: Uint8Array, offset: number, length: number): void;
  /**
   * CBC-decrypts src[srcOffset, srcOffset + length) (a multiple of 16) with the IV at iv[ivOffset]
   * into dst at dstOffset. dst may share memory with src only if it starts at or before src; each
   * ciphertext block and the IV must be read before the plaintext over them is written.
   */
  decryptCbc(
    src: Uint8Array,
    srcOffset: number,
    length: number,
    iv: Uint8Array,
    ivOffset: number,
    dst: Uint8Array,
    dstOffset: number,
  ): void;
}

export class CbcCts {
  private scratch = new Uint8Array(2048 + 2 * BLOCK);
  private readonly lastBlock = new Uint8Array(BLOCK);
  private readonly spliced = new Uint8Array(BLOCK);
  private static readonly zeroIv = new Uint8Array(BLOCK);

  constructor(private readonly cipher: CbcBlockCipher) {}

  private scratchOf(size: number): Uint8Array {
    // Only frames beyond n3n's 2048-byte limit get here.
    if (this.scratch.length < size) this.scratch = new Uint8Array(size);
    return this.scratch;
  }

  /**
   * Encrypts random16 ‖ src and writes the src.length + 16 output bytes to dst at dstOffset.
   * CRYPTO.md §2.2 steps 1–5.
   */
  encrypt(random16: Uint8Array, src: Uint8Array, dst: Uint8Array, dstOffset: number): number {
    const length = src.length + BLOCK;
    const padded = Math.ceil(length / BLOCK) * BLOCK;
    const buf = this.scratchOf(padded);
    buf.set(random16.subarray(0, BLOCK), 0);
    buf.set(src, BLOCK);
    buf.fill(0, length, padded);
    this.cipher.encryptCbcZeroIv(buf, 0, padded);
    const tail = length % BLOCK;
    if (tail === 0) {
      dst.set(buf.subarray(0, length), dstOffset);
      return length;
    }
    // Stealing: [C_1 … C_{m-2} | C_m | first `tail` bytes of C_{m-1}].
    const prev = padded - 2 * BLOCK;
    dst.set(buf.subarray(0, prev), dstOffset);
    dst.set(buf.subarray(prev + BLOCK, padded), dstOffset + prev);
    dst.set(buf.subarray(prev, prev + tail), dstOffset + prev + BLOCK);
    return length;
  }

  /**
   * Decrypts src (the whole transform payload) into dst at dstOffset, dropping the random first
   * block. Returns the plaintext length (src.length - 16). dst may share memory with src only if
   * it starts at or before src (in-place decryption), as every block is read before it is overwritten.
   */
  decrypt(src: Uint8Array, dst: Uint8Array, dstOffset: number): number | TransformDecryptError {
    const length = src.length;
    if (length < BLOCK) return 'too-short';
    const plainLength = length - BLOCK;
    if (dst.length - dstOffset < plainLength) return 'too-long';
    const tail = length % BLOCK;
    if (tail === 0) {
      // The random first block is discarded, so only C_2.. need decrypting, chained from C_1.
      this.cipher.decryptCbc(src, BLOCK, plainLength, src, 0, dst, dstOffset);
      return plainLength;
    }
    // CRYPTO.md §2.2 decryption: p is the offset of the last full block D[p..p+16).
    const p = length - tail - BLOCK;
    const x = this.lastBlock;
    this.cipher.decryptCbc(src, p, BLOCK, CbcCts.zeroIv, 0, x, 0);
    // T = D[L-r..L) ‖ X[r..16) restores C_{m-1}; it stands at p in the rebuilt ciphertext.
    const t = this.spliced;
    t.set(x);
    t.set(src.subarray(length - tail), 0);
    if (p > 0) {
      // Plaintext blocks 2..m-1 come from D[16..p) ‖ T, chained from D[0..16).
      const rebuilt = this.scratchOf(p);
      rebuilt.set(src.subarray(BLOCK, p), 0);
      rebuilt.set(t, p - BLOCK);
      this.cipher.decryptCbc(rebuilt, 0, p, src, 0, dst, dstOffset);
    }
    // The last plaintext block is X ⊕ T: `tail` bytes of data, then the zero padding n3n checks.
    let padding = 0;
    for (let i = tail; i < BLOCK; i++) padding |= x[i]! ^ t[i]!;
    if (padding !== 0) return 'bad-padding';
    for (let i = 0; i < tail; i++) dst[dstOffset + p + i] = x[i]! ^ t[i]!;
    return plainLength;
  }
}

/**
 * A payload transform over CbcCts: 16 fresh random bytes per packet become the first block.
 * fillRandom is injectable so tests can replay n3n's vectors.
 */
export function createCbcCtsTransform(
  id: TransformId,
  name: CipherName,
  cipher: CbcBlockCipher,
  fillRandom: typeof randomFill = randomFill,
): Transform {
  const framing = new CbcCts(cipher);
  const random16 = new Uint8Array(BLOCK);
  return {
    id,
    name,
    overhead: BLOCK,
    encrypt(src, dst, dstOffset) {
      fillRandom(random16, 0, BLOCK);
      return framing.encrypt(random16, src, dst, dstOffset);
    },
    decrypt(src, dst, dstOffset) {
      return framing.decrypt(src, dst, dstOffset);
    },
  };
}
