// The data path's native decryption against the TypeScript transforms: packets as n3n sends them
// (a fresh random IV for every packet) and as Kith sends them, and payloads that cannot be valid.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { openNativeCipher } from '../../native/crypto.js';
import type { CipherName } from '../crypto/transform.js';
import { createTransform } from '../crypto/transforms/index.js';
import { nativeDecrypting } from './data-path.js';

const KEY = new TextEncoder().encode('data-path-native-key');
const available = typeof openNativeCipher(4, KEY) !== 'string';

describe('data path: native decryption', { skip: available ? false : 'no native cipher in this build' }, () => {
  for (const cipher of ['AES', 'ChaCha20', 'Speck', 'Twofish'] as CipherName[]) {
    it(`${cipher}: decrypts what n3n-style and Kith senders encrypt, as the TypeScript transform does`, () => {
      const reference = createTransform(cipher, KEY);
      const inner = createTransform(cipher, KEY);
      const native = nativeDecrypting(inner, KEY);
      assert.notEqual(native, inner, 'the addon decrypts');
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
  }
});
