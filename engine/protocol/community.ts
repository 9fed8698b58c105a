// The 20-byte community field (PROTOCOL.md §1.3, §2.1.1). Messages carry the raw field because
// edges compare it as a 20-byte binary value; the name is derived from it when needed.
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import type { Codec } from './codec.js';
import { TRUNCATED, bytesEqual } from './codec.js';
import { COMMUNITY_FIELD_SIZE, COMMUNITY_NAME_MAX_LENGTH } from './constants.js';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Decoding accepts a field with a 1..19-byte name and NUL in byte 19; the field is copied verbatim. */
export const communityFieldCodec: Codec<Uint8Array> = {
  encodingLength: () => COMMUNITY_FIELD_SIZE,
  encode(value, buf, offset) {
    if (value.length !== COMMUNITY_FIELD_SIZE) {
      throw new RangeError(`a community field has ${COMMUNITY_FIELD_SIZE} bytes, got ${value.length}`);
    }
    buf.set(value, offset);
    return COMMUNITY_FIELD_SIZE;
  },
  decode(buf, offset) {
    if (offset + COMMUNITY_FIELD_SIZE > buf.length) return TRUNCATED;
    if (buf[offset] === 0) return err('bad-community', 'empty name');
    if (buf[offset + COMMUNITY_FIELD_SIZE - 1] !== 0) return err('bad-community', 'not NUL terminated');
    return ok({ value: buf.slice(offset, offset + COMMUNITY_FIELD_SIZE), bytes: COMMUNITY_FIELD_SIZE });
  },
};

/** Builds the zero-padded field for a configured name (UTF-8, 1..19 bytes, no NUL). */
export function communityFieldFromName(name: string): Result<Uint8Array, 'bad-community'> {
  const bytes = utf8Encoder.encode(name);
  if (bytes.length === 0 || bytes.length > COMMUNITY_NAME_MAX_LENGTH || bytes.includes(0)) {
    return err('bad-community', `community name must be 1..${COMMUNITY_NAME_MAX_LENGTH} bytes without NUL`);
  }
  const field = new Uint8Array(COMMUNITY_FIELD_SIZE);
  field.set(bytes);
  return ok(field);
}

/** The name up to the first NUL, as UTF-8 (invalid sequences become U+FFFD). */
export function communityName(field: Uint8Array): string {
  const end = field.indexOf(0);
  return utf8Decoder.decode(field.subarray(0, end < 0 ? field.length : end));
}

/** §1.3: edges compare the community as a 20-byte binary value. */
export function communityFieldEquals(a: Uint8Array, b: Uint8Array): boolean {
  return bytesEqual(a, b);
}
