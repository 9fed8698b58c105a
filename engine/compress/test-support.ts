// Test-only loaders for the compression vectors (vectors/crypto, vectors/wire).

import { fromHex, readVectorJson, readVectorText, sizedHexdumpSections } from '../testing/vectors.js';

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
