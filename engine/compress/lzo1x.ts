// LZO1X, compression id 2 (CRYPTO.md §3.2): a bounds-checked decoder and a greedy LZO1X-1-class
// encoder, both written from the format description in the spec. Both run once per Ethernet frame
// on the data path, so they write into caller-owned buffers, report errors as string literals and
// allocate nothing.

import { DECOMPRESSED_SIZE_LIMIT } from './limits.js';

export type LzoDecodeError =
  | 'lzo-input-overrun' // the stream ends inside an instruction or before the end marker
  | 'lzo-output-overrun' // the output would exceed the limit
  | 'lzo-lookbehind-overrun' // a match reaches back before the start of the output
  | 'lzo-input-not-consumed'; // bytes follow the end marker

export type LzoCompressError = 'lzo-output-too-small';

// CRYPTO.md §3.2: distance and length ranges of the match instructions.
const M2_MAX_LENGTH = 8;
const M2_MAX_DISTANCE = 0x800;
const M3_MAX_DISTANCE = 0x4000;
const M4_MAX_DISTANCE = 0xbfff;
const M3_LENGTH_FIELD_MAX = 31;
const M4_LENGTH_FIELD_MAX = 7;
const LITERAL_RUN_FIELD_MAX = 15;
const FIRST_LITERALS_MAX = 238; // the `src[0] > 17` form: 17 + 238 = 255
const MIN_MATCH = 4; // matches are found through a hash of 4 bytes

// ---------------------------------------------------------------------------------------------
// Decoder

/**
 * Decodes an "extended length with base B" starting at `ip` (CRYPTO.md §3.2): zero bytes `z`, then a
 * non-zero byte `b`, value `255·z + base + b`. Returns -1 when the input ends first. The number of
 * bytes consumed follows from the value alone, see extendedLengthSize.
 */
function readExtendedLength(src: Uint8Array, ip: number, base: number): number {
  let value = base;
  while (ip < src.length) {
    const b = src[ip++]!;
    if (b !== 0) return value + b;
    value += 255;
  }
  return -1;
}

/** Bytes an extended length occupied: since the final byte is 1..255, z = ⌊(value − base − 1) / 255⌋. */
function extendedLengthSize(value: number, base: number): number {
  return (((value - base - 1) / 255) | 0) + 1;
}

/**
 * Decodes a raw LZO1X stream into `dst` starting at `dstOffset`, producing at most `limit` bytes
 * (and never past the end of `dst`). Returns the decoded length, or an error for any malformed,
 * truncated or oversized stream. The stream must end exactly with its end marker. Never throws.
 */
export function lzo1xDecompressInto(
  src: Uint8Array,
  dst: Uint8Array,
  dstOffset = 0,
  limit: number = DECOMPRESSED_SIZE_LIMIT,
): number | LzoDecodeError {
  const inEnd = src.length;
  if (!(Number.isInteger(dstOffset) && dstOffset >= 0 && dstOffset <= dst.length)) return 'lzo-output-overrun';
  const outEnd = limit >= 0 ? Math.min(dst.length, dstOffset + limit) : dstOffset; // NaN → no room
  let ip = 0;
  let op = dstOffset;
  // CRYPTO.md §3.2 `state`: 0 after a match without literals (or at start), 1..3 literals attached
  // to the last match, 4 after a literal run.
  let state = 0;
  if (inEnd === 0) return 'lzo-input-overrun';

  let t = src[0]!;
  if (t > 17) {
    t -= 17;
    ip = 1;
    if (t > inEnd - ip) return 'lzo-input-overrun';
    if (t > outEnd - op) return 'lzo-output-overrun';
    for (let i = 0; i < t; i++) dst[op++] = src[ip++]!;
    state = t < 4 ? t : 4;
  }

  for (;;) {
    if (ip >= inEnd) return 'lzo-input-overrun';
    t = src[ip++]!;
    let length: number;
    let distance: number;
    let literals: number;

    if (t < 16) {
      if (state === 0) {
        let runLength = t + 3;
        if (t === 0) {
          const value = readExtendedLength(src, ip, LITERAL_RUN_FIELD_MAX);
          if (value < 0) return 'lzo-input-overrun';
          ip += extendedLengthSize(value, LITERAL_RUN_FIELD_MAX);
          runLength = value + 3;
        }
        if (runLength > inEnd - ip) return 'lzo-input-overrun';
        if (runLength > outEnd - op) return 'lzo-output-overrun';
        for (let i = 0; i < runLength; i++) dst[op++] = src[ip++]!;
        state = 4;
        continue;
      }
      if (ip >= inEnd) return 'lzo-input-overrun';
      distance = 1 + (t >> 2) + (src[ip++]! << 2);
      if (state === 4) {
        distance += M2_MAX_DISTANCE; // 3-byte match directly after a literal run
        length = 3;
      } else {
        length = 2; // 2-byte match after 1..3 attached literals
      }
      literals = t & 3;
    } else if (t >= 64) {
      if (ip >= inEnd) return 'lzo-input-overrun';
      distance = 1 + ((t >> 2) & 7) + (src[ip++]! << 3);
      length = (t >> 5) + 1;
      literals = t & 3;
    } else {
      const isM3 = t >= 32;
      const fieldMax = isM3 ? M3_LENGTH_FIELD_MAX : M4_LENGTH_FIELD_MAX;
      length = t & fieldMax;
      if (length === 0) {
        length = readExtendedLength(src, ip, fieldMax);
        if (length < 0) return 'lzo-input-overrun';
        ip += extendedLengthSize(length, fieldMax);
      }
      length += 2;
      if (inEnd - ip < 2) return 'lzo-input-overrun';
      const word = src[ip]! | (src[ip + 1]! << 8);
      ip += 2;
      literals = word & 3;
      if (isM3) {
        distance = 1 + (word >> 2);
      } else {
        distance = ((t & 8) << 11) + (word >> 2);
        // CRYPTO.md §3.2: an M4 with distance 0 is the end marker; nothing may follow it.
        if (distance === 0) return ip === inEnd ? op - dstOffset : 'lzo-input-not-consumed';
        distance += M3_MAX_DISTANCE;
      }
    }

    if (distance > op - dstOffset) return 'lzo-lookbehind-overrun';
    if (length > outEnd - op) return 'lzo-output-overrun';
    // Byte by byte on purpose: overlapping copies (distance < length) repeat the pattern.
    for (let i = 0; i < length; i++, op++) dst[op] = dst[op - distance]!;

    if (literals > inEnd - ip) return 'lzo-input-overrun';
    if (literals > outEnd - op) return 'lzo-output-overrun';
    for (let i = 0; i < literals; i++) dst[op++] = src[ip++]!;
    state = literals;
  }
}

// ---------------------------------------------------------------------------------------------
// Encoder

/** Output size the encoder may need for `inputLength` bytes; n3n reserves the same (CRYPTO.md §3.2). */
export function lzo1xCompressBound(inputLength: number): number {
  return inputLength + (inputLength >> 4) + 64 + 3;
}

const HASH_BITS = 13;
const HASH_SHIFT = 32 - HASH_BITS;
const HASH_MULTIPLIER = 0x1e35a7bd;
// Entries hold `positionBase + position`. Each call takes a fresh base above every value stored so
// far, which invalidates older entries without clearing the table.
const hashTable = new Int32Array(1 << HASH_BITS);
let nextPositionBase = 1;
const MAX_POSITION_BASE = 0x7fffffff;

function read32(src: Uint8Array, i: number): number {
  return src[i]! | (src[i + 1]! << 8) | (src[i + 2]! << 16) | (src[i + 3]! << 24);
}

/** Bytes of an extended length's zero bytes plus final byte, for a remainder ≥ 1 above the field maximum. */
function extendedTailSize(remainder: number): number {
  return (((remainder - 1) / 255) | 0) + 1;
}

/** Writes the zero bytes and final non-zero byte of an extended length whose remainder is ≥ 1. */
function emitExtendedTail(dst: Uint8Array, op: number, remainder: number): number {
  while (remainder > 255) {
    dst[op++] = 0;
    remainder -= 255;
  }
  dst[op++] = remainder;
  return op;
}

/**
 * Appends src[start..end) as literals after whatever was written to dst[dstStart..op). Returns the
 * new output position, or -1 if `outEnd` would be passed.
 */
function emitLiterals(
  src: Uint8Array,
  start: number,
  end: number,
  dst: Uint8Array,
  dstStart: number,
  op: number,
  outEnd: number,
): number {
  const count = end - start;
  if (count === 0) return op;
  const runField = count - 3;
  let headerSize: number;
  if (op === dstStart && count <= FIRST_LITERALS_MAX) headerSize = 1;
  else if (count <= 3) headerSize = 0;
  else if (runField <= LITERAL_RUN_FIELD_MAX) headerSize = 1;
  else headerSize = 1 + extendedTailSize(runField - LITERAL_RUN_FIELD_MAX);
  if (headerSize + count > outEnd - op) return -1;

  if (op === dstStart && count <= FIRST_LITERALS_MAX) {
    dst[op++] = 17 + count; // CRYPTO.md §3.2: special first instruction
  } else if (count <= 3) {
    // CRYPTO.md §3.2: 1..3 literals ride in the 2-bit field of the preceding match, which is
    // always the second-to-last byte written (the M2 opcode or the low byte of the M3/M4 word).
    dst[op - 2]! |= count;
  } else if (runField <= LITERAL_RUN_FIELD_MAX) {
    dst[op++] = runField;
  } else {
    dst[op++] = 0;
    op = emitExtendedTail(dst, op, runField - LITERAL_RUN_FIELD_MAX);
  }
  for (let i = start; i < end; i++) dst[op++] = src[i]!;
  return op;
}

/** Appends a match (length ≥ 3, distance 1..M4_MAX_DISTANCE). Returns the new position or -1. */
function emitMatch(dst: Uint8Array, op: number, outEnd: number, distance: number, length: number): number {
  if (length <= M2_MAX_LENGTH && distance <= M2_MAX_DISTANCE) {
    if (outEnd - op < 2) return -1;
    const d = distance - 1;
    dst[op++] = ((length - 1) << 5) | ((d & 7) << 2);
    dst[op++] = d >> 3;
    return op;
  }
  const isM3 = distance <= M3_MAX_DISTANCE;
  const fieldMax = isM3 ? M3_LENGTH_FIELD_MAX : M4_LENGTH_FIELD_MAX;
  const d = isM3 ? distance - 1 : distance - M3_MAX_DISTANCE;
  const opcode = isM3 ? 32 : 16 | ((d >> 11) & 8);
  const lengthField = length - 2;
  const extended = lengthField > fieldMax;
  if (3 + (extended ? extendedTailSize(lengthField - fieldMax) : 0) > outEnd - op) return -1;
  if (extended) {
    dst[op++] = opcode;
    op = emitExtendedTail(dst, op, lengthField - fieldMax);
  } else {
    dst[op++] = opcode | lengthField;
  }
  dst[op++] = (d & 63) << 2;
  dst[op++] = (d >> 6) & 0xff;
  return op;
}

/**
 * Compresses `src` as one raw LZO1X stream into `dst` at `dstOffset`, writing at most `maxLength`
 * bytes. Returns the stream length, or an error if it does not fit (it always fits in
 * lzo1xCompressBound(src.length)). A caller that only wants output shorter than the input passes
 * `maxLength = src.length - 1` and gets the error early for incompressible data.
 */
export function lzo1xCompressInto(
  src: Uint8Array,
  dst: Uint8Array,
  dstOffset = 0,
  maxLength: number = dst.length - dstOffset,
): number | LzoCompressError {
  if (!(Number.isInteger(dstOffset) && dstOffset >= 0 && dstOffset <= dst.length)) return 'lzo-output-too-small';
  const outEnd = maxLength >= 0 ? Math.min(dst.length, dstOffset + maxLength) : dstOffset;
  const inLength = src.length;
  if (nextPositionBase > MAX_POSITION_BASE - inLength) {
    hashTable.fill(0);
    nextPositionBase = 1;
  }
  const positionBase = nextPositionBase;
  nextPositionBase += inLength + 1;

  let op = dstOffset;
  let anchor = 0; // first byte not yet emitted
  let ip = 0;
  const lastMatchStart = inLength - MIN_MATCH;
  while (ip <= lastMatchStart) {
    const sequence = read32(src, ip);
    const slot = Math.imul(sequence, HASH_MULTIPLIER) >>> HASH_SHIFT;
    const candidate = hashTable[slot]! - positionBase;
    hashTable[slot] = positionBase + ip;
    const distance = ip - candidate;
    if (candidate < 0 || distance > M4_MAX_DISTANCE || read32(src, candidate) !== sequence) {
      // Step faster through data that keeps failing to match (as LZO1X-1 does).
      ip += 1 + ((ip - anchor) >> 5);
      continue;
    }
    let length = MIN_MATCH;
    while (ip + length < inLength && src[candidate + length] === src[ip + length]) length++;
    op = emitLiterals(src, anchor, ip, dst, dstOffset, op, outEnd);
    if (op < 0) return 'lzo-output-too-small';
    op = emitMatch(dst, op, outEnd, distance, length);
    if (op < 0) return 'lzo-output-too-small';
    ip += length;
    anchor = ip;
  }
  op = emitLiterals(src, anchor, inLength, dst, dstOffset, op, outEnd);
  if (op < 0 || outEnd - op < 3) return 'lzo-output-too-small';
  // CRYPTO.md §3.2: end marker, an M4 with distance 0.
  dst[op++] = 0x11;
  dst[op++] = 0;
  dst[op++] = 0;
  return op - dstOffset;
}
