// NUL-terminated text in a fixed-size field: desc (16 bytes) and the PEER_INFO version (20 bytes),
// PROTOCOL.md §1.3. Receivers stop at the first NUL and ignore what follows (§4.9: garbage in the
// reference); senders always NUL-terminate and zero the rest.
import { ok } from '../../shared/result.js';
import type { Codec } from './codec.js';
import { TRUNCATED } from './codec.js';
import { DESCRIPTION_SIZE, VERSION_STRING_SIZE } from './constants.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Encoding writes at most size − 1 bytes of UTF-8 (whole characters) so the NUL always fits. */
function fixedString(size: number): Codec<string> {
  return {
    encodingLength: () => size,
    encode(value, buf, offset) {
      const field = buf.subarray(offset, offset + size);
      if (field.length !== size) throw new RangeError(`need ${size} bytes at offset ${offset}`);
      const { written } = utf8Encoder.encodeInto(value, field.subarray(0, size - 1));
      field.fill(0, written);
      return size;
    },
    decode(buf, offset) {
      if (offset + size > buf.length) return TRUNCATED;
      const field = buf.subarray(offset, offset + size);
      const end = field.indexOf(0);
      return ok({ value: utf8Decoder.decode(end < 0 ? field : field.subarray(0, end)), bytes: size });
    },
  };
}

export const descriptionCodec = fixedString(DESCRIPTION_SIZE);
export const versionStringCodec = fixedString(VERSION_STRING_SIZE);
