import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { realFrames, testsCompressSections, zstdCompress, zstdDecompress, zstdFrameVector } from './test-support.js';
import { fromHex } from '../testing/vectors.js';
import { zstdBackendName, zstdCompressInto, zstdDecompressInto } from './zstd.js';

// Made with the zstd CLI from stdin, so the frames carry no content size (and a checksum).
const ZEROS_3000_NO_CONTENT_SIZE = fromHex('28b52ffd04584d00001000000100b3f30116bddbcb4f');
const HELLO_NO_CONTENT_SIZE = fromHex('28b52ffd04586500003068656c6c6f200100a94b11874e200a');

function errorOf(result: { ok: boolean; error?: string }): string {
  return result.ok ? 'ok' : (result.error ?? '');
}

describe('zstd', { skip: zstdBackendName() === null ? 'no zstd backend in this process' : false }, () => {
  it('uses the zstd-napi dependency on this Node', () => {
    assert.equal(zstdBackendName(), 'zstd-napi');
  });

  it('decodes zstd-frame.json and the tests-compress.out frame, and reproduces the 33-byte frame', () => {
    const vector = zstdFrameVector();
    const sections = testsCompressSections();
    const frames = [vector.compressed, sections.get('zstd')];
    let checked = 0;
    for (const frame of frames) {
      assert.ok(frame !== undefined);
      assert.equal(frame.length, 33);
      const decoded = zstdDecompress(frame);
      assert.ok(decoded.ok);
      assert.deepEqual(decoded.value, vector.input);
      checked++;
    }
    assert.equal(checked, 2);
    assert.deepEqual(sections.get('original'), vector.input);
    const ours = zstdCompress(vector.input);
    assert.ok(ours.ok);
    assert.deepEqual(ours.value, vector.compressed, 'level 7, content size, no checksum: byte-identical to n3n');
  });

  it('round-trips real frames, random data and runs', () => {
    const inputs = [...realFrames(), new Uint8Array(0), new Uint8Array(2048), new Uint8Array(randomBytes(1400))];
    for (const input of inputs) {
      const frame = zstdCompress(input);
      assert.ok(frame.ok);
      const decoded = zstdDecompress(frame.value);
      assert.ok(decoded.ok);
      assert.deepEqual(decoded.value, input);
    }
  });

  it('decodes frames without a content size', () => {
    const hello = zstdDecompress(HELLO_NO_CONTENT_SIZE);
    assert.ok(hello.ok);
    assert.equal(Buffer.from(hello.value).toString(), 'hello hello hello hello hello');
    assert.equal(errorOf(zstdDecompress(ZEROS_3000_NO_CONTENT_SIZE)), 'zstd-output-overrun');
    const zeros = zstdDecompress(ZEROS_3000_NO_CONTENT_SIZE, 3000);
    assert.ok(zeros.ok);
    assert.equal(zeros.value.length, 3000);
  });

  it('enforces the 2048-byte limit by default', () => {
    const big = zstdCompress(new Uint8Array(2049));
    assert.ok(big.ok);
    assert.equal(errorOf(zstdDecompress(big.value)), 'zstd-output-overrun');
    assert.equal(errorOf(zstdDecompress(big.value, 2049)), 'ok');
    const dst = new Uint8Array(3000);
    assert.equal(zstdDecompressInto(big.value, dst), 'zstd-output-overrun');
    assert.equal(zstdDecompressInto(big.value, dst, 0, 3000), 2049);
    assert.equal(zstdDecompressInto(big.value, dst, 1000, 3000), 'zstd-output-overrun');
  });

  it('reports malformed input as zstd-invalid', () => {
    const frame = zstdFrameVector().compressed;
    for (const bad of [new Uint8Array(0), fromHex('0102030405'), frame.subarray(0, 20), frame.subarray(0, 4)]) {
      assert.equal(errorOf(zstdDecompress(bad)), 'zstd-invalid');
    }
  });

  it('compresses into a caller buffer at an offset, refusing when it does not fit', () => {
    const vector = zstdFrameVector();
    const dst = new Uint8Array(64).fill(0xee);
    assert.equal(zstdCompressInto(vector.input, dst, 5), 33);
    assert.deepEqual(dst.subarray(5, 38), vector.compressed);
    assert.equal(dst[4], 0xee);
    assert.equal(dst[38], 0xee);
    assert.equal(zstdCompressInto(vector.input, dst, 5, 32), 'zstd-output-too-small');
    assert.equal(zstdCompressInto(vector.input, dst, 40), 'zstd-output-too-small');
  });
});
