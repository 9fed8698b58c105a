// Test-only loaders for the compression vectors (vectors/crypto, vectors/wire), and allocating
// forms of the data path's `…Into` functions for tests that want whole arrays.

import { err, ok, type Result } from '../../shared/result.js';
import { fromHex, readVectorJson, readVectorText, sizedHexdumpSections } from '../testing/vectors.js';
import { CompressionId, compressFrameInto, compressionIdOf, type CompressionName, type DecompressError } from './index.js';
import { DECOMPRESSED_SIZE_LIMIT } from './limits.js';
import { lzo1xCompressBound, lzo1xCompressInto, lzo1xDecompressInto, type LzoDecodeError } from './lzo1x.js';
import { zstdCompressInto, zstdDecompressInto, type ZstdCompressError, type ZstdDecodeError } from './zstd.js';

/** One raw LZO1X stream. */
export function lzo1xCompress(src: Uint8Array): Uint8Array {
  const dst = new Uint8Array(lzo1xCompressBound(src.length));
  // Cannot fail: dst holds the bound.
  return dst.slice(0, lzo1xCompressInto(src, dst, 0, dst.length) as number);
}

/** At most `limit` bytes; every input byte yields fewer than 256 output bytes, so no more room is needed. */
export function lzo1xDecompress(src: Uint8Array, limit: number = DECOMPRESSED_SIZE_LIMIT): Result<Uint8Array, LzoDecodeError> {
  const capacity = limit >= 0 ? Math.floor(Math.min(limit, src.length * 256)) : 0;
  const dst = new Uint8Array(capacity);
  const length = lzo1xDecompressInto(src, dst, 0, capacity);
  return typeof length === 'number' ? ok(dst.slice(0, length)) : err(length);
}

/** One zstd frame; room for incompressible input and the frame's overhead. */
export function zstdCompress(src: Uint8Array): Result<Uint8Array, ZstdCompressError> {
  const dst = new Uint8Array(src.length * 2 + 64);
  const length = zstdCompressInto(src, dst);
  return typeof length === 'number' ? ok(dst.slice(0, length)) : err(length);
}

/** At most `limit` bytes (a small number in tests). */
export function zstdDecompress(src: Uint8Array, limit: number = DECOMPRESSED_SIZE_LIMIT): Result<Uint8Array, ZstdDecodeError> {
  const dst = new Uint8Array(Math.max(0, Math.floor(limit)));
  const length = zstdDecompressInto(src, dst, 0, limit);
  return typeof length === 'number' ? ok(dst.slice(0, length)) : err(length);
}

/** compressFrameInto's outcome: the compressed bytes with their id, or the frame itself with None. */
export function compressFrame(name: CompressionName, frame: Uint8Array): { readonly id: CompressionId; readonly payload: Uint8Array } {
  const dst = new Uint8Array(Math.max(0, frame.length - 1));
  const length = compressFrameInto(name, frame, dst);
  return length === 0 ? { id: CompressionId.None, payload: frame } : { id: compressionIdOf(name), payload: dst.slice(0, length) };
}

/** decompressPayloadInto's outcome as an array; for None, `data` itself. */
export function decompressPayload(id: number, data: Uint8Array, limit: number = DECOMPRESSED_SIZE_LIMIT): Result<Uint8Array, DecompressError> {
  switch (id) {
    case CompressionId.None:
      return data.length <= limit ? ok(data) : err('uncompressed-too-large');
    case CompressionId.Lzo1x:
      return lzo1xDecompress(data, limit);
    case CompressionId.Zstd:
      return zstdDecompress(data, limit);
    case CompressionId.Invalid:
      return err('compression-invalid');
    default:
      return err('compression-unknown');
  }
}

export interface CompressionVector {
  readonly label: string;
  readonly input: Uint8Array;
  readonly compressed: Uint8Array;
}

/** crypto/lzo1x-decoder-corpus.txt: `<input hex> <compressed hex>` per line; an input may be empty. */
export function lzoDecoderCorpus(): CompressionVector[] {
  return readVectorText('crypto', 'lzo1x-decoder-corpus.txt')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line, index) => {
      const [input = '', compressed = ''] = line.split(' ');
      return { label: `corpus line ${index + 1}`, input: fromHex(input), compressed: fromHex(compressed) };
    });
}

/** crypto/n3n-crypto-vectors.json key `lzo1x_1`. */
export function n3nLzoVectors(): (CompressionVector & { readonly usedOnWire: boolean })[] {
  const json = readVectorJson<{
    lzo1x_1: { label: string; input: string; compressed: string; used_on_wire: boolean }[];
  }>('crypto', 'n3n-crypto-vectors.json');
  return json.lzo1x_1.map((v) => ({
    label: v.label,
    input: fromHex(v.input),
    compressed: fromHex(v.compressed),
    usedOnWire: v.used_on_wire,
  }));
}

/** wire/crypto.json key `lzo`. */
export function wireLzoVectors(): CompressionVector[] {
  const json = readVectorJson<{ lzo: { input: string; compressed: string }[] }>('wire', 'crypto.json');
  return json.lzo.map((v, index) => ({
    label: `wire lzo ${index}`,
    input: fromHex(v.input),
    compressed: fromHex(v.compressed),
  }));
}

/** crypto/zstd-frame.json. */
export function zstdFrameVector(): CompressionVector {
  const json = readVectorJson<{ input_hex: string; frame_hex: string }>('crypto', 'zstd-frame.json');
  return { label: 'zstd-frame.json', input: fromHex(json.input_hex), compressed: fromHex(json.frame_hex) };
}

/** crypto/n3n-unit-tests/tests-compress.out: the `original`, `lzo1x` and `zstd` sections. */
export function testsCompressSections(): Map<string, Uint8Array> {
  return sizedHexdumpSections(readVectorText('crypto', 'n3n-unit-tests', 'tests-compress.out'));
}

export interface TracedPayload {
  readonly seq: number;
  readonly compressionId: number;
  readonly payload: Uint8Array;
  readonly frame: Uint8Array;
}

/** wire/edge-trace-hdrenc-aes-lzo.json: decrypted PACKET payloads and the frames they decompress to. */
export function edgeTraceLzoPayloads(): TracedPayload[] {
  const json = readVectorJson<{
    packets: {
      seq: number;
      decoded?: { compression?: number };
      payload_after_transform_hex?: string;
      payload_after_decompression_hex?: string;
    }[];
  }>('wire', 'edge-trace-hdrenc-aes-lzo.json');
  const traced: TracedPayload[] = [];
  for (const p of json.packets) {
    if (p.payload_after_decompression_hex === undefined || p.payload_after_transform_hex === undefined) continue;
    traced.push({
      seq: p.seq,
      compressionId: p.decoded?.compression ?? -1,
      payload: fromHex(p.payload_after_transform_hex),
      frame: fromHex(p.payload_after_decompression_hex),
    });
  }
  return traced;
}

/** Ethernet frames seen on the wire plus the n3n vector inputs: realistic compressor inputs. */
export function realFrames(): Uint8Array[] {
  return [
    ...edgeTraceLzoPayloads().map((t) => t.frame),
    ...n3nLzoVectors().map((v) => v.input),
    ...wireLzoVectors().map((v) => v.input),
  ];
}
