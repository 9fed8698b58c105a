// Payload transform 5, Speck (CRYPTO.md §2.5, PROTOCOL.md §5.1.4): output = IV ‖ SPECK-128/256-CTR
// of the payload, IV = 16 random bytes, cipher key = P256(user key). No MAC.
import { pearson256 } from '../pearson.js';
import { randomFill } from '../random.js';
import { speckCtr, speckKeySchedule } from '../speck.js';
import { TransformId } from '../transform.js';
import type { Transform, TransformDecryptError } from '../transform.js';

const IV_SIZE = 16;
const ivScratch = new Uint8Array(IV_SIZE);

export function createSpeckTransform(key: Uint8Array, fillRandom: typeof randomFill = randomFill): Transform {
  const schedule = speckKeySchedule(pearson256(key));
  return {
    id: TransformId.Speck,
    name: 'Speck',
    overhead: IV_SIZE,
    encrypt(src: Uint8Array, dst: Uint8Array, dstOffset: number): number {
      // Payload first, then the IV: src may overlap dst (set() copies overlapping ranges correctly).
      const dataAt = dstOffset + IV_SIZE;
      dst.set(src, dataAt);
      fillRandom(dst, dstOffset, IV_SIZE);
      speckCtr(schedule, dst, dstOffset, dst, dataAt, dataAt + src.length);
      return IV_SIZE + src.length;
    },
    decrypt(src: Uint8Array, dst: Uint8Array, dstOffset: number): number | TransformDecryptError {
      if (src.length < IV_SIZE) return 'too-short';
      const plainLength = src.length - IV_SIZE;
      if (dstOffset < 0 || dstOffset + plainLength > dst.length) return 'too-long';
      // Read the IV before dst is written: src and dst may share memory.
      ivScratch.set(src.subarray(0, IV_SIZE));
      dst.set(src.subarray(IV_SIZE), dstOffset);
      speckCtr(schedule, ivScratch, 0, dst, dstOffset, dstOffset + plainLength);
      return plainLength;
    },
  };
}
