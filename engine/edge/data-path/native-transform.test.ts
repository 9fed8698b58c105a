// The data path's transforms on the addon (native-transform.ts) against the TypeScript ones: what
// n3n-style senders (a fresh random IV per packet) and Kith senders encrypt decrypts the same, and
// batches encrypted in one call (frames in one slab, as the TAP hands them over, or scattered)
// decrypt with the TypeScript transform to the frames.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { openNativeCipher } from '../../../native/crypto.js';
import type { CipherName } from '../../crypto/transform.js';
import { createTransform } from '../../crypto/transforms/index.js';
import { nativeTransform } from './native-transform.js';

const KEY = new TextEncoder().encode('data-path-native-key');
const available = typeof openNativeCipher(4, KEY) !== 'string';
const CIPHERS: CipherName[] = ['AES', 'ChaCha20', 'Speck', 'Twofish'];

/** count frames of assorted sizes, laid out in one slab like a TAP read batch. */
function slabFrames(count: number): Uint8Array[] {
  const slab = randomBytes(count * 1600);
  return Array.from({ length: count }, (_, i) => new Uint8Array(slab.buffer, slab.byteOffset + i * 1600, 14 + ((i * 131) % 1500)));
}

describe('data path: transforms on the addon', { skip: available ? false : 'no native cipher in this build' }, () => {
  for (const cipher of CIPHERS) {
    it(`${cipher}: decrypts what n3n-style and Kith senders encrypt, as the TypeScript transform does`, () => {
      const reference = createTransform(cipher, KEY);
      const inner = createTransform(cipher, KEY);
      const native = nativeTransform(inner, KEY);
      assert.notEqual(native, inner, 'the addon does the work');
      const kithSender = createTransform(cipher, KEY);
      const wire = new Uint8Array(2048);
      const out = new Uint8Array(2048);
      const expected = new Uint8Array(2048);
      for (let i = 0; i < 200; i++) {
        const frame = randomBytes(14 + ((i * 97) % 1400));
        // n3n: every packet from a new context, so a fresh random IV each time.
        const sender = i % 2 === 0 ? createTransform(cipher, KEY) : kithSender;
        const length = sender.encrypt(frame, wire, 0);
        const got = native.decrypt(wire.subarray(0, length), out, 8);
        assert.equal(got, frame.length);
        assert.deepEqual(out.subarray(8, 8 + frame.length), new Uint8Array(frame));
        assert.equal(reference.decrypt(wire.subarray(0, length), expected, 0), got);
      }
      for (const bad of [new Uint8Array(3), randomBytes(16), randomBytes(37)]) {
        assert.equal(native.decrypt(bad, out, 0), reference.decrypt(bad, expected, 0), `${bad.length} bytes`);
      }
    });

    it(`${cipher}: encrypts batches and single frames that the TypeScript transform decrypts`, () => {
      const native = nativeTransform(createTransform(cipher, KEY), KEY);
      const reference = createTransform(cipher, KEY);
      const wire = new Uint8Array(2048);
      const plain = new Uint8Array(2048);
      const check = (frame: Uint8Array): void => {
        const length = native.encrypt(frame, wire, 5);
        assert.equal(length, frame.length + native.overhead);
        assert.equal(reference.decrypt(wire.subarray(5, 5 + length), plain, 0), frame.length);
        assert.deepEqual(plain.subarray(0, frame.length), frame);
      };
      const batch = slabFrames(64);
      native.prepare?.(batch);
      // The data path may filter frames out of a batch: the rest still come from it.
      batch.forEach((frame, i) => i % 5 !== 3 && check(frame));
      const scattered = Array.from({ length: 8 }, (_, i) => new Uint8Array(randomBytes(20 + i * 150)));
      native.prepare?.(scattered);
      scattered.forEach(check);
      check(new Uint8Array(randomBytes(999)));
    });
  }
});
