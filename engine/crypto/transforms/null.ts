// The null transform (ID 1, CRYPTO.md §2.1): the payload is the frame, unchanged.

import { TransformId } from '../transform.js';
import type { Transform } from '../transform.js';

export function createNullTransform(): Transform {
  return {
    id: TransformId.Null,
    name: 'null',
    overhead: 0,
    encrypt(src, dst, dstOffset) {
      dst.set(src, dstOffset);
      return src.length;
    },
    decrypt(src, dst, dstOffset) {
      if (dst.length - dstOffset < src.length) return 'too-long';
      dst.set(src, dstOffset);
      return src.length;
    },
  };
}
