// PACKET payload compression (PROTOCOL.md §5, §5.2; CRYPTO.md §3.1): compression ids, the
// `community.compression` names, and the send/receive steps around the payload transform. The
// `…Into` functions are the per-packet data path: they write into caller-owned buffers and return
// a length or a string-literal error, allocating nothing.

import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import { DECOMPRESSED_SIZE_LIMIT } from './limits.js';
import { lzo1xCompressInto, lzo1xDecompressInto } from './lzo1x.js';
import type { LzoDecodeError } from './lzo1x.js';
import { zstdBackendName, zstdCompressInto, zstdDecompressInto } from './zstd.js';
import type { ZstdDecodeError } from './zstd.js';

export { DECOMPRESSED_SIZE_LIMIT } from './limits.js';

/** Compression ids as carried in the PACKET header (PROTOCOL.md §5.2). */
export const CompressionId = {
  Invalid: 0,
  None: 1,
  Lzo1x: 2,
  Zstd: 3,
} as const;
export type CompressionId = (typeof CompressionId)[keyof typeof CompressionId];

/** Configuration names (`community.compression`), as n3n spells them. */
export type CompressionName = 'none' | 'lzo' | 'zstd';

export type CompressionNameError =
  | 'unknown-compression' // not one of the words; CONFIG.md: case-sensitive, numbers rejected
  | 'zstd-unavailable'; // n3n only accepts `zstd` when built with it; we need a zstd backend

export type DecompressError =
  | LzoDecodeError
  | ZstdDecodeError
  | 'compression-invalid' // id 0
  | 'compression-unknown' // any id above 3
  | 'uncompressed-too-large'; // id 1 payload longer than the limit

const COMPRESSION_IDS: Readonly<Record<CompressionName, CompressionId>> = {
  none: CompressionId.None,
  lzo: CompressionId.Lzo1x,
  zstd: CompressionId.Zstd,
};

/** Parses a `community.compression` value. */
export function parseCompressionName(text: string): Result<CompressionName, CompressionNameError> {
  if (text === 'none' || text === 'lzo') return ok(text);
  if (text === 'zstd') return zstdBackendName() === null ? err('zstd-unavailable') : ok(text);
  return err('unknown-compression', `community.compression must be none, lzo or zstd, not ${JSON.stringify(text)}`);
}

export function compressionIdOf(name: CompressionName): CompressionId {
  return COMPRESSION_IDS[name];
}

/**
 * Compresses an Ethernet frame for sending, writing the payload to dst at dstOffset. Returns its
 * length n (0 < n < frame.length), to be sent with compressionIdOf(name); or 0, meaning send the
 * frame itself with CompressionId.None. PROTOCOL.md §5: compression is used only when it succeeds
 * and is strictly shorter. dst needs room for frame.length − 1 bytes. Never throws.
 */
export function compressFrameInto(name: CompressionName, frame: Uint8Array, dst: Uint8Array, dstOffset = 0): number {
  const maxLength = frame.length - 1;
  if (name === 'none' || maxLength <= 0) return 0;
  const length =
    name === 'lzo'
      ? lzo1xCompressInto(frame, dst, dstOffset, maxLength)
      : zstdCompressInto(frame, dst, dstOffset, maxLength);
  return typeof length === 'number' && length > 0 && length < frame.length ? length : 0;
}

/**
 * Undoes compression `id` of a received (already decrypted) payload into dst at dstOffset,
 * producing at most `limit` bytes and never writing past the end of dst. Returns the frame length
 * or an error meaning "drop the packet" (CRYPTO.md §3.1). Never throws.
 */
export function decompressPayloadInto(
  id: number,
  data: Uint8Array,
  dst: Uint8Array,
  dstOffset = 0,
  limit: number = DECOMPRESSED_SIZE_LIMIT,
): number | DecompressError {
  switch (id) {
    case CompressionId.None:
      if (!(Number.isInteger(dstOffset) && dstOffset >= 0)) return 'uncompressed-too-large';
      if (data.length > limit || data.length > dst.length - dstOffset) return 'uncompressed-too-large';
      dst.set(data, dstOffset);
      return data.length;
    case CompressionId.Lzo1x:
      return lzo1xDecompressInto(data, dst, dstOffset, limit);
    case CompressionId.Zstd:
      return zstdDecompressInto(data, dst, dstOffset, limit);
    case CompressionId.Invalid:
      return 'compression-invalid';
    default:
      return 'compression-unknown';
  }
}
