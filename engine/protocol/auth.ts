// Auth block (PROTOCOL.md §2.5): scheme u16, token_size u16, token.
import { err, ok } from '../../shared/result.js';
import type { Codec } from './codec.js';
import { TRUNCATED, readU16, writeU16 } from './codec.js';
import { MAX_AUTH_TOKEN_SIZE } from './constants.js';

export interface Auth {
  /** AuthScheme value; unknown schemes are carried through. */
  scheme: number;
  token: Uint8Array;
}

export const NO_AUTH: Auth = { scheme: 0, token: new Uint8Array(0) };

export const authCodec: Codec<Auth> = {
  encodingLength: (value) => 4 + value.token.length,
  encode(value, buf, offset) {
    if (value.token.length > MAX_AUTH_TOKEN_SIZE) {
      throw new RangeError(`auth token of ${value.token.length} bytes exceeds ${MAX_AUTH_TOKEN_SIZE}`);
    }
    writeU16(buf, offset, value.scheme);
    writeU16(buf, offset + 2, value.token.length);
    buf.set(value.token, offset + 4);
    return 4 + value.token.length;
  },
  decode(buf, offset) {
    if (offset + 4 > buf.length) return TRUNCATED;
    const scheme = readU16(buf, offset);
    const size = readU16(buf, offset + 2);
    if (size > MAX_AUTH_TOKEN_SIZE) return err('token-too-long', `token_size ${size}`);
    if (offset + 4 + size > buf.length) return TRUNCATED;
    return ok({ value: { scheme, token: buf.slice(offset + 4, offset + 4 + size) }, bytes: 4 + size });
  },
};
