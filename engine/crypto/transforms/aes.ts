// AES transform (ID 3, CRYPTO.md §2.3): the Twofish framing (zero-IV CBC, random first block, CS2
// stealing) over OpenSSL's AES, with the key size picked by the length of the key string.

import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Cipher, Decipher } from 'node:crypto';
import type { CbcBlockCipher } from '../cbc-cts.js';
import { createCbcCtsTransform } from '../cbc-cts.js';
import { pearson256 } from '../pearson.js';
import { randomFill } from '../random.js';
import { TransformId } from '../transform.js';
import type { Transform } from '../transform.js';

const BLOCK = 16;

/** CRYPTO.md §2.3: ≤22 → AES-128, 23–32 → AES-192, ≥33 → AES-256, always the last bytes of H. */
export function aesKeyFor(key: Uint8Array): Uint8Array {
  const hash = pearson256(key);
  const keyBytes = key.length <= 22 ? 16 : key.length <= 32 ? 24 : 32;
  return hash.subarray(hash.length - keyBytes);
}

/**
 * AES-CBC through two long-lived OpenSSL contexts. Creating a cipher per packet costs more than
 * encrypting 1400 bytes, so each context runs one endless CBC chain and we track its chaining value:
 * XOR-ing it into (encrypt) or out of (decrypt) the first block gives the zero / caller IV we need.
 */
export class NodeAesCbc implements CbcBlockCipher {
  private readonly encipher: Cipher;
  private readonly decipher: Decipher;
  private readonly encryptChain = new Uint8Array(BLOCK);
  private readonly decryptChain = new Uint8Array(BLOCK);

  constructor(aesKey: Uint8Array) {
    const algorithm = `aes-${aesKey.length * 8}-cbc`;
    const zeroIv = new Uint8Array(BLOCK);
    this.encipher = createCipheriv(algorithm, aesKey, zeroIv).setAutoPadding(false);
    this.decipher = createDecipheriv(algorithm, aesKey, zeroIv).setAutoPadding(false);
  }

  encryptCbcZeroIv(buf: Uint8Array, offset: number, length: number): void {
    if (length === 0) return;
    const chain = this.encryptChain;
    for (let i = 0; i < BLOCK; i++) buf[offset + i]! ^= chain[i]!;
    const out = this.encipher.update(buf.subarray(offset, offset + length));
    buf.set(out, offset);
    chain.set(out.subarray(length - BLOCK, length));
  }

  decryptCbc(
    src: Uint8Array,
    srcOffset: number,
    length: number,
    iv: Uint8Array,
    ivOffset: number,
    dst: Uint8Array,
    dstOffset: number,
  ): void {
    if (length === 0) return;
    const out = this.decipher.update(src.subarray(srcOffset, srcOffset + length));
    const chain = this.decryptChain;
    for (let i = 0; i < BLOCK; i++) out[i]! ^= chain[i]! ^ iv[ivOffset + i]!;
    chain.set(src.subarray(srcOffset + length - BLOCK, srcOffset + length));
    dst.set(out, dstOffset);
  }
}

export function createAesTransform(key: Uint8Array, fillRandom: typeof randomFill = randomFill): Transform {
  return createCbcCtsTransform(TransformId.Aes, 'AES', new NodeAesCbc(aesKeyFor(key)), fillRandom);
}
