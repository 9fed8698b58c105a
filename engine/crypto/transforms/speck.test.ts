import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pearson256 } from '../pearson.js';
import { speckCtr, speckKeySchedule } from '../speck.js';
import { ascii, fromHex, readVectorJson, toHex } from '../../testing/vectors.js';
import { TransformId } from '../transform.js';
import { createSpeckTransform } from './speck.js';

interface TransformVector {
  plaintext_len: number;
  random16: string;
  plaintext: string;
  output: string;
}
interface TransformKey {
  key_ascii: string;
  pearson256_of_key: string;
  vectors: TransformVector[];
}
interface WireTransformVector {
  transform: string;
  key: string;
  cipher_key: string;
  plaintext: string;
  ciphertext: string;
  iv?: string;
}

/** What n3n would send for this IV: IV ‖ SPECK-128/256-CTR(P256(key), IV)(plaintext). */
function expectedOutput(key: string, iv: Uint8Array, plaintext: Uint8Array): string {
  const data = plaintext.slice();
  speckCtr(speckKeySchedule(pearson256(ascii(key))), iv, 0, data, 0, data.length);
  return toHex(iv) + toHex(data);
}

function checkDecrypt(key: string, output: Uint8Array, plaintext: string): void {
  const transform = createSpeckTransform(ascii(key));
  const dst = new Uint8Array(output.length + 3);
  assert.equal(transform.decrypt(output, dst, 3), output.length - 16);
  assert.equal(toHex(dst.subarray(3, 3 + output.length - 16)), plaintext);
}

test('n3n-crypto-vectors.json transforms.speck: 6 keys × 14 lengths', () => {
  const speck = readVectorJson<{ transforms: { speck: { transform_id: number; keys: TransformKey[] } } }>(
    'crypto/n3n-crypto-vectors.json',
  ).transforms.speck;
  assert.equal(speck.transform_id, TransformId.Speck);
  let checked = 0;
  for (const k of speck.keys) {
    assert.equal(toHex(pearson256(ascii(k.key_ascii))), k.pearson256_of_key);
    for (const v of k.vectors) {
      assert.equal(v.plaintext.length / 2, v.plaintext_len);
      assert.equal(expectedOutput(k.key_ascii, fromHex(v.random16), fromHex(v.plaintext)), v.output);
      checkDecrypt(k.key_ascii, fromHex(v.output), v.plaintext);
      checked++;
    }
  }
  assert.equal(checked, 84);
});

test('wire/crypto.json transforms where transform is speck', () => {
  const vectors = readVectorJson<{ transforms: WireTransformVector[] }>('wire/crypto.json').transforms.filter(
    (v) => v.transform === 'speck',
  );
  for (const v of vectors) {
    assert.equal(toHex(pearson256(ascii(v.key))), v.cipher_key);
    const ciphertext = fromHex(v.ciphertext);
    assert.equal(toHex(ciphertext.subarray(0, 16)), v.iv);
    assert.equal(expectedOutput(v.key, ciphertext.subarray(0, 16), fromHex(v.plaintext)), v.ciphertext);
    checkDecrypt(v.key, ciphertext, v.plaintext);
  }
  assert.equal(vectors.length, 1);
});

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
