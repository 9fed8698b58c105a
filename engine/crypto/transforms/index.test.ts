import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CIPHER_NAMES, cipherFromName, createTransform, resolveCipher } from './index.js';

const KEY = new TextEncoder().encode('secret');

test('names map to their wire ids; names are exact as in CONFIG.md §6', () => {
  assert.deepEqual(CIPHER_NAMES, ['null', 'Twofish', 'AES', 'ChaCha20', 'Speck']);
  CIPHER_NAMES.forEach((name, index) => {
    assert.equal(cipherFromName(name), name);
    assert.equal(createTransform(name, KEY).id, index + 1);
  });
  for (const rejected of ['aes', 'AES ', '3', 'speck', '']) assert.equal(cipherFromName(rejected), undefined);
});

test("n3n's cipher/key rules", () => {
  assert.deepEqual(resolveCipher(undefined, undefined), { ok: true, value: 'null' });
  assert.deepEqual(resolveCipher(undefined, KEY), { ok: true, value: 'AES' });
  assert.deepEqual(resolveCipher('ChaCha20', KEY), { ok: true, value: 'ChaCha20' });
  assert.deepEqual(resolveCipher('null', undefined), { ok: true, value: 'null' });
  const needsKey = resolveCipher('Speck', undefined);
  assert.equal(needsKey.ok ? undefined : needsKey.error, 'cipher-needs-key');
  const nullWithKey = resolveCipher('null', KEY);
  assert.equal(nullWithKey.ok ? undefined : nullWithKey.error, 'null-cipher-with-key');
  const unknown = resolveCipher('aes', KEY);
  assert.equal(unknown.ok ? undefined : unknown.error, 'unknown-cipher');
  assert.ok(unknown.ok || !unknown.detail?.includes('secret'));
});
