import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CompressionId,
  DECOMPRESSED_SIZE_LIMIT,
  compressFrameInto,
  compressionIdOf,
  decompressPayloadInto,
  parseCompressionName,
} from './index.js';
import { compressFrame, decompressPayload, edgeTraceLzoPayloads, realFrames, zstdFrameVector } from './test-support.js';
import { zstdBackendName } from './zstd.js';

const pattern = Uint8Array.from({ length: 512 }, (_, i) => i & 15);

function errorOf(result: { ok: boolean; error?: string }): string {
  return result.ok ? 'ok' : (result.error ?? '');
}

describe('compression ids and names', () => {
  it('maps ids and names as PROTOCOL.md §5.2 / CONFIG.md', () => {
    assert.deepEqual(CompressionId, { Invalid: 0, None: 1, Lzo1x: 2, Zstd: 3 });
    assert.equal(compressionIdOf('none'), 1);
    assert.equal(compressionIdOf('lzo'), 2);
    assert.equal(compressionIdOf('zstd'), 3);
    assert.equal(DECOMPRESSED_SIZE_LIMIT, 2048);
  });

  it('accepts exactly none, lzo and zstd (case-sensitive, no numbers)', () => {
    assert.deepEqual(parseCompressionName('none'), { ok: true, value: 'none' });
    assert.deepEqual(parseCompressionName('lzo'), { ok: true, value: 'lzo' });
    assert.equal(errorOf(parseCompressionName('zstd')), zstdBackendName() === null ? 'zstd-unavailable' : 'ok');
    for (const bad of ['', 'LZO', 'Lzo', 'lzo1x', 'zlib', '0', '1', '2', '3', ' lzo', 'lzo ']) {
      assert.equal(errorOf(parseCompressionName(bad)), 'unknown-compression', bad);
    }
  });
});

describe('compressFrame', () => {
  it('compresses only when the result is strictly shorter', () => {
    const lzo = compressFrame('lzo', pattern);
    assert.equal(lzo.id, CompressionId.Lzo1x);
    assert.ok(lzo.payload.length < pattern.length);
    for (const frame of [new Uint8Array(0), new Uint8Array(1), new Uint8Array(3), new Uint8Array(randomBytes(1400))]) {
      const result = compressFrame('lzo', frame);
      assert.equal(result.id, CompressionId.None);
      assert.equal(result.payload, frame);
    }
    assert.deepEqual(compressFrame('none', pattern), { id: CompressionId.None, payload: pattern });
  });

  it('decides at the exact boundary: an output of frame.length − 1 is used, frame.length is not', () => {
    // Eight distinct bytes then zeros: stream sizes cross the frame size as n grows.
    let sawShorterByOne = false;
    let sawEqual = false;
    for (let n = 0; n < 40; n++) {
      const frame = Uint8Array.from({ length: n }, (_, i) => (i < 8 ? i : 0));
      const standalone = compressFrameInto('lzo', frame, new Uint8Array(4096));
      const full = compressFrame('lzo', frame);
      if (standalone === 0) {
        assert.equal(full.id, CompressionId.None);
      } else {
        assert.ok(standalone > 0 && standalone < n);
        if (standalone === n - 1) sawShorterByOne = true;
      }
      const tight = compressFrameInto('lzo', frame, new Uint8Array(Math.max(0, n - 1)));
      assert.equal(tight, standalone, `n=${n}`);
      if (standalone === 0 && n > 0) sawEqual = true;
    }
    assert.ok(sawShorterByOne && sawEqual);
  });

  it('writes into a caller buffer at an offset and declines when it has no room', () => {
    const dst = new Uint8Array(600).fill(0xee);
    const length = compressFrameInto('lzo', pattern, dst, 10);
    assert.ok(length > 0);
    const back = decompressPayload(CompressionId.Lzo1x, dst.subarray(10, 10 + length));
    assert.ok(back.ok);
    assert.deepEqual(back.value, pattern);
    assert.equal(dst[9], 0xee);
    assert.equal(compressFrameInto('lzo', pattern, new Uint8Array(8)), 0);
  });

  it('uses zstd when configured and available', { skip: zstdBackendName() === null }, () => {
    const zstd = compressFrame('zstd', pattern);
    assert.equal(zstd.id, CompressionId.Zstd);
    assert.deepEqual(zstd.payload, zstdFrameVector().compressed);
    assert.equal(compressFrame('zstd', new Uint8Array(randomBytes(1400))).id, CompressionId.None);
  });
});

describe('decompressPayload', () => {
  it('decodes every LZO payload of edge-trace-hdrenc-aes-lzo.json to the recorded frame', (t) => {
    const traced = edgeTraceLzoPayloads();
    let checked = 0;
    for (const record of traced) {
      assert.equal(record.compressionId, CompressionId.Lzo1x);
      const result = decompressPayload(record.compressionId, record.payload);
      assert.ok(result.ok, `seq ${record.seq}`);
      assert.deepEqual(result.value, record.frame, `seq ${record.seq}`);
      const dst = new Uint8Array(DECOMPRESSED_SIZE_LIMIT);
      assert.equal(decompressPayloadInto(record.compressionId, record.payload, dst), record.frame.length);
      checked++;
    }
    assert.equal(checked, 8);
    t.diagnostic(`edge trace: ${checked} LZO payloads decoded`);
  });

  it('passes id 1 through, within the limit', () => {
    const frame = new Uint8Array(randomBytes(100));
    const result = decompressPayload(CompressionId.None, frame);
    assert.ok(result.ok);
    assert.equal(result.value, frame);
    assert.equal(errorOf(decompressPayload(CompressionId.None, new Uint8Array(2049))), 'uncompressed-too-large');
    const dst = new Uint8Array(120);
    assert.equal(decompressPayloadInto(CompressionId.None, frame, dst, 20), 100);
    assert.deepEqual(dst.subarray(20), frame);
    assert.equal(decompressPayloadInto(CompressionId.None, frame, dst, 21), 'uncompressed-too-large');
  });

  it('drops id 0 and unknown ids', () => {
    assert.equal(errorOf(decompressPayload(0, pattern)), 'compression-invalid');
    for (const id of [4, 5, 255, -1, 2.5]) assert.equal(errorOf(decompressPayload(id, pattern)), 'compression-unknown');
    assert.equal(decompressPayloadInto(7, pattern, new Uint8Array(10)), 'compression-unknown');
  });

  it('round-trips real frames through compressFrame and decompressPayload', () => {
    const names = zstdBackendName() === null ? (['none', 'lzo'] as const) : (['none', 'lzo', 'zstd'] as const);
    for (const name of names) {
      for (const frame of realFrames()) {
        const sent = compressFrame(name, frame);
        const received = decompressPayload(sent.id, sent.payload);
        assert.ok(received.ok);
        assert.deepEqual(received.value, frame);
      }
    }
  });
});
