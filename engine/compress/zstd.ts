// zstd, compression id 3 (CRYPTO.md §3.3): one frame at level 7 with the content size and no
// checksum, as n3n's ZSTD_compress produces; decoding into a bounded buffer like n3n's
// ZSTD_decompress. Backed by the zstd-napi binding or, where it is missing, by node:zlib's zstd
// (Node ≥ 22.15). Neither is guaranteed to exist, so every entry point reports 'zstd-unavailable'
// instead of throwing, and the backend is loaded on first use.

import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import type * as ZstdBinding from 'zstd-napi/binding.js';
import { DECOMPRESSED_SIZE_LIMIT } from './limits.js';

export type ZstdCompressError = 'zstd-unavailable' | 'zstd-output-too-small' | 'zstd-failed';
export type ZstdDecodeError = 'zstd-unavailable' | 'zstd-invalid' | 'zstd-output-overrun';
export type ZstdBackendName = 'zstd-napi' | 'node:zlib';

// CRYPTO.md §3.3: n3n compresses at level 7.
export const ZSTD_LEVEL = 7;

interface ZstdBackend {
  readonly name: ZstdBackendName;
  /** Compresses src into dst (capacity dst.length); returns the frame length. May throw. */
  compress(src: Uint8Array, dst: Uint8Array): number;
  /** Decodes src into dst (capacity dst.length); returns the decoded length. Never throws. */
  decompress(src: Uint8Array, dst: Uint8Array): number | ZstdDecodeError;
  compressBound(length: number): number;
}

function napiBackend(binding: typeof ZstdBinding): ZstdBackend {
  const cctx = new binding.CCtx();
  const dctx = new binding.DCtx();
  return {
    name: 'zstd-napi',
    // ZSTD_compressCCtx with a level behaves like n3n's ZSTD_compress: content size, no checksum.
    compress: (src, dst) => cctx.compress(dst, src, ZSTD_LEVEL),
    decompress(src, dst) {
      try {
        // A declared size above the capacity is rejected before any decoding work.
        const declared = binding.getFrameContentSize(src);
        if (declared !== null && declared > dst.length) return 'zstd-output-overrun';
        return dctx.decompress(dst, src);
      } catch (e) {
        return e instanceof Error && /too small/i.test(e.message) ? 'zstd-output-overrun' : 'zstd-invalid';
      }
    },
    compressBound: (length) => binding.compressBound(length),
  };
}

/** The zstd part of node:zlib in Node ≥ 22.15; @types/node 20 does not declare it. */
interface BuiltinZstd {
  zstdCompressSync(src: Uint8Array, options: { params: Record<number, number>; pledgedSrcSize: number }): Buffer;
  zstdDecompressSync(src: Uint8Array, options: { maxOutputLength: number }): Buffer;
}

function builtinBackend(builtin: BuiltinZstd): ZstdBackend {
  // Keys are zstd.h's stable ZSTD_cParameter values: compressionLevel, contentSizeFlag, checksumFlag.
  const params: Record<number, number> = { 100: ZSTD_LEVEL, 200: 1, 201: 0 };
  return {
    name: 'node:zlib',
    compress(src, dst) {
      const frame = builtin.zstdCompressSync(src, { params, pledgedSrcSize: src.length });
      dst.set(frame); // throws RangeError if it does not fit; the caller maps that
      return frame.length;
    },
    decompress(src, dst) {
      try {
        const frame = builtin.zstdDecompressSync(src, { maxOutputLength: dst.length });
        dst.set(frame);
        return frame.length;
      } catch (e) {
        return e instanceof RangeError ? 'zstd-output-overrun' : 'zstd-invalid';
      }
    },
    // zstd.h ZSTD_COMPRESSBOUND.
    compressBound: (length) => length + (length >> 8) + (length < 0x20000 ? (0x20000 - length) >> 11 : 0),
  };
}

function loadBackend(): ZstdBackend | null {
  try {
    const require = createRequire(import.meta.url);
    return napiBackend(require('zstd-napi/binding.js') as typeof ZstdBinding);
  } catch {
    // Not installed or not built for this platform: fall back to node:zlib below.
  }
  const builtin = zlib as unknown as Partial<BuiltinZstd>;
  if (typeof builtin.zstdCompressSync === 'function' && typeof builtin.zstdDecompressSync === 'function') {
    return builtinBackend(builtin as BuiltinZstd);
  }
  return null;
}

let backend: ZstdBackend | null | undefined;
function getBackend(): ZstdBackend | null {
  if (backend === undefined) backend = loadBackend();
  return backend;
}

/** Which library provides zstd, or null when zstd is unavailable in this process. */
export function zstdBackendName(): ZstdBackendName | null {
  return getBackend()?.name ?? null;
}

// A frame can expand without bound, so decode scratch never grows beyond this, whatever the limit.
const MAX_DECODE_CAPACITY = 1 << 20;

let compressScratch = new Uint8Array(0);
let decodeScratch = new Uint8Array(DECOMPRESSED_SIZE_LIMIT);

/** Compresses src into module scratch; returns the frame length there. */
function compressToScratch(src: Uint8Array): number | ZstdCompressError {
  const zstd = getBackend();
  if (zstd === null) return 'zstd-unavailable';
  try {
    const bound = zstd.compressBound(src.length);
    if (compressScratch.length < bound) compressScratch = new Uint8Array(bound);
    return zstd.compress(src, compressScratch);
  } catch {
    return 'zstd-failed';
  }
}

/**
 * Compresses src into one zstd frame written to dst at dstOffset, at most `maxLength` bytes.
 * Returns the frame length or an error. Never throws.
 */
export function zstdCompressInto(
  src: Uint8Array,
  dst: Uint8Array,
  dstOffset = 0,
  maxLength: number = dst.length - dstOffset,
): number | ZstdCompressError {
  const length = compressToScratch(src);
  if (typeof length !== 'number') return length;
  const room = Number.isInteger(dstOffset) && dstOffset >= 0 ? Math.min(maxLength, dst.length - dstOffset) : 0;
  if (!(length <= room)) return 'zstd-output-too-small';
  for (let i = 0; i < length; i++) dst[dstOffset + i] = compressScratch[i]!;
  return length;
}

/** Decodes into module scratch; returns the decoded length there. */
function decompressToScratch(src: Uint8Array, limit: number): number | ZstdDecodeError {
  const zstd = getBackend();
  if (zstd === null) return 'zstd-unavailable';
  // An empty payload is no frame at all, although ZSTD_decompress would return 0 for it.
  if (src.length === 0) return 'zstd-invalid';
  const capacity = limit >= 0 ? Math.floor(Math.min(limit, MAX_DECODE_CAPACITY)) : 0;
  if (decodeScratch.length < capacity) decodeScratch = new Uint8Array(capacity);
  const length = zstd.decompress(src, decodeScratch);
  if (typeof length === 'number' && length > capacity) return 'zstd-output-overrun';
  return length;
}

/**
 * Decodes a zstd payload into dst at dstOffset, producing at most `limit` bytes (and never past the
 * end of dst). Returns the decoded length or an error. Never throws.
 */
export function zstdDecompressInto(
  src: Uint8Array,
  dst: Uint8Array,
  dstOffset = 0,
  limit: number = DECOMPRESSED_SIZE_LIMIT,
): number | ZstdDecodeError {
  if (!(Number.isInteger(dstOffset) && dstOffset >= 0 && dstOffset <= dst.length)) return 'zstd-output-overrun';
  const length = decompressToScratch(src, Math.min(limit, dst.length - dstOffset));
  if (typeof length !== 'number') return length;
  for (let i = 0; i < length; i++) dst[dstOffset + i] = decodeScratch[i]!;
  return length;
}
