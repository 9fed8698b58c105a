// Shared shape of every codec in this directory (dns-packet style) and the bounds-checked cursor the
// message decoders read with. PROTOCOL.md §4: decoders bounds-check every field and never throw.
import { err, ok } from '../../shared/result.js';
import type { Err, Result } from '../../shared/result.js';

export type DecodeError =
  | 'truncated' // a field extends past the end of the datagram
  | 'bad-version' // version byte is not 3 (§2.1)
  | 'unknown-type' // message type above 12 (§3)
  | 'bad-community' // empty name or byte 19 not NUL (§2.1.1)
  | 'token-too-long' // auth token_size above 48 (§2.5)
  | 'too-many-supernodes'; // num_sn × 26 above 1166 (§4.7)

export interface Decoded<T> {
  readonly value: T;
  /** Bytes consumed from the input. */
  readonly bytes: number;
}

export interface Codec<T> {
  encodingLength(value: T): number;
  /** Writes value at offset and returns the number of bytes written. Throws RangeError on invalid values. */
  encode(value: T, buf: Uint8Array, offset: number): number;
  decode(buf: Uint8Array, offset: number): Result<Decoded<T>, DecodeError>;
}

export const TRUNCATED: Err<'truncated'> = err('truncated');

export function readU16(buf: Uint8Array, offset: number): number {
  return (buf[offset]! << 8) | buf[offset + 1]!;
}

export function readU32(buf: Uint8Array, offset: number): number {
  return ((buf[offset]! << 24) | (buf[offset + 1]! << 16) | (buf[offset + 2]! << 8) | buf[offset + 3]!) >>> 0;
}

export function writeU16(buf: Uint8Array, offset: number, value: number): number {
  buf[offset] = value >>> 8;
  buf[offset + 1] = value;
  return 2;
}

export function writeU32(buf: Uint8Array, offset: number, value: number): number {
  buf[offset] = value >>> 24;
  buf[offset + 1] = value >>> 16;
  buf[offset + 2] = value >>> 8;
  buf[offset + 3] = value;
  return 4;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Throws unless buf has room for length bytes at offset; Uint8Array would silently drop them. */
export function assertRoom(buf: Uint8Array, offset: number, length: number): void {
  if (offset < 0 || offset + length > buf.length) {
    throw new RangeError(`need ${length} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
}

/**
 * A cursor with a sticky error: once a read fails, later reads return placeholder values and the
 * first error is kept, so a message decoder reads its fields in spec order and checks `error` once.
 */
export class Reader {
  private failure: Err<DecodeError> | undefined;

  constructor(
    private readonly buf: Uint8Array,
    private offset: number,
  ) {}

  get error(): Err<DecodeError> | undefined {
    return this.failure;
  }

  /** Bytes left after the current position. */
  get remaining(): number {
    return this.buf.length - this.offset;
  }

  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.buf[at]!;
  }

  u16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : readU16(this.buf, at);
  }

  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : readU32(this.buf, at);
  }

  /** Everything up to the end of the input, without copying. */
  rest(): Uint8Array {
    const rest = this.buf.subarray(this.offset);
    this.offset = this.buf.length;
    return rest;
  }

  /** Decodes a structure; on failure records the error and returns the fallback. */
  field<T>(codec: Pick<Codec<T>, 'decode'>, fallback: T): T {
    if (this.failure !== undefined) return fallback;
    const decoded = codec.decode(this.buf, this.offset);
    if (!decoded.ok) {
      this.failure = decoded;
      return fallback;
    }
    this.offset += decoded.value.bytes;
    return decoded.value.value;
  }

  private take(length: number): number {
    if (this.failure !== undefined) return -1;
    if (this.offset + length > this.buf.length) {
      this.failure = TRUNCATED;
      return -1;
    }
    const at = this.offset;
    this.offset += length;
    return at;
  }
}

/** decode() of a fixed-size codec: bounds check, then read. */
export function decodeFixed<T>(
  buf: Uint8Array,
  offset: number,
  size: number,
  read: (buf: Uint8Array, offset: number) => T,
): Result<Decoded<T>, DecodeError> {
  if (offset + size > buf.length) return TRUNCATED;
  return ok({ value: read(buf, offset), bytes: size });
}
