// Twofish-256 block cipher (CRYPTO.md §1.4): 16 rounds, 32-byte key, words read little endian.
// Key setup ("full keying": key-dependent S-boxes with the MDS matrix folded into four 256-entry
// tables) and the CBC rounds run in the addon's kernels (native/kernels.ts); this object holds
// the handle of its expanded key.

import { kernelAddon, type KeyHandle } from '../../native/kernels.js';
import type { CbcBlockCipher } from './cbc-cts.js';

export const TWOFISH_KEY_BYTES = 32;
const BLOCK = 16;

export class Twofish implements CbcBlockCipher {
  /** The subkeys and g() tables in the addon; released when this object is collected. */
  private readonly handle: KeyHandle;

  /** key must be exactly 32 bytes. */
  constructor(key: Uint8Array) {
    if (key.length !== TWOFISH_KEY_BYTES) throw new RangeError('Twofish key must be 32 bytes');
    this.handle = kernelAddon().twofishKey(key);
  }

  /** Encrypts the 16-byte block at src[srcOffset] into dst[dstOffset] (may be the same place). */
  encryptBlock(src: Uint8Array, srcOffset: number, dst: Uint8Array, dstOffset: number): void {
    kernelAddon().twofishCbc(this.handle, false, src, srcOffset, BLOCK, undefined, 0, dst, dstOffset);
  }

  /** Decrypts the 16-byte block at src[srcOffset] into dst[dstOffset] (may be the same place). */
  decryptBlock(src: Uint8Array, srcOffset: number, dst: Uint8Array, dstOffset: number): void {
    kernelAddon().twofishCbc(this.handle, true, src, srcOffset, BLOCK, undefined, 0, dst, dstOffset);
  }

  encryptCbcZeroIv(buf: Uint8Array, offset: number, length: number): void {
    kernelAddon().twofishCbc(this.handle, false, buf, offset, length, undefined, 0, buf, offset);
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
    kernelAddon().twofishCbc(this.handle, true, src, srcOffset, length, iv, ivOffset, dst, dstOffset);
  }
}
