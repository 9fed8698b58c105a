// The Speck transform's framing beyond the n3n vectors (those are in vectors.test.ts): fresh IVs,
// offsets, in-place decryption and the error cases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pearson256 } from '../pearson.js';
import { speckCtr, speckKeySchedule } from '../speck.js';
import { ascii, toHex } from '../../testing/vectors.js';
import { TransformId } from '../transform.js';
import { createSpeckTransform } from './speck.js';

/** What n3n would send for this IV: IV ‖ SPECK-128/256-CTR(P256(key), IV)(plaintext). */
function expectedOutput(key: string, iv: Uint8Array, plaintext: Uint8Array): string {
  const data = plaintext.slice();
  speckCtr(speckKeySchedule(pearson256(ascii(key))), iv, 0, data, 0, data.length);
  return toHex(iv) + toHex(data);
}

test('encrypt writes IV ‖ ciphertext at the offset with fresh IVs, and decrypts back', () => {
  const transform = createSpeckTransform(ascii('mySecretKey'));
  assert.equal(transform.id, TransformId.Speck);
  assert.equal(transform.name, 'Speck');
  assert.equal(transform.overhead, 16);
  const plaintext = Uint8Array.from({ length: 1400 }, (_, i) => i & 0xff);
  const a = new Uint8Array(1500);
  const b = new Uint8Array(1500);
  assert.equal(transform.encrypt(plaintext, a, 10), 1416);
  assert.equal(transform.encrypt(plaintext, b, 10), 1416);
  assert.notDeepEqual(a.subarray(10, 26), b.subarray(10, 26));
  assert.equal(toHex(a.subarray(10, 1426)), expectedOutput('mySecretKey', a.slice(10, 26), plaintext));
  const back = new Uint8Array(1400);
  assert.equal(transform.decrypt(a.subarray(10, 1426), back, 0), 1400);
  assert.deepEqual(back, plaintext);
});

test('decrypt in place (src and dst share memory) and the error cases', () => {
  const transform = createSpeckTransform(ascii('k'));
  const plaintext = Uint8Array.from({ length: 33 }, (_, i) => 200 - i);
  const buffer = new Uint8Array(49);
  transform.encrypt(plaintext, buffer, 0);
  assert.equal(transform.decrypt(buffer, buffer, 0), 33);
  assert.deepEqual(buffer.subarray(0, 33), plaintext);
  assert.equal(transform.decrypt(new Uint8Array(15), new Uint8Array(100), 0), 'too-short');
  assert.equal(transform.decrypt(new Uint8Array(16), new Uint8Array(0), 0), 0);
  assert.equal(transform.decrypt(new Uint8Array(40), new Uint8Array(30), 7), 'too-long');
});
