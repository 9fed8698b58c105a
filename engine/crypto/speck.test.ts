import assert from 'node:assert/strict';
import { test } from 'node:test';
import { speckCtr, speckDecryptBlock, speckEncryptBlock, speckKeySchedule } from './speck.js';
import { fromHex, readVectorJson, toHex } from '../testing/vectors.js';

interface BlockVector {
  key: string;
  plaintext: string;
  ciphertext: string;
}
interface Primitives {
  speck128_256_block: BlockVector;
  speck128_128_block: BlockVector;
  speck128_128_ctr_first_block_equals_block: boolean;
  speck128_256_ctr_counter_wrap: { key: string; iv: string; keystream64: string };
}
interface WireSpeckVector {
  key: string;
  bits: number;
  iv: string;
  in: string;
  ctr_out: string;
  ecb_encrypt_of_iv?: string;
}

const primitives = readVectorJson<{ primitives: Primitives }>('crypto/n3n-crypto-vectors.json').primitives;

test('primitives: SPECK-128/256 and SPECK-128/128 implementation-guide blocks, both directions', () => {
  let checked = 0;
  for (const v of [primitives.speck128_256_block, primitives.speck128_128_block]) {
    const ks = speckKeySchedule(fromHex(v.key));
    const out = new Uint8Array(16);
    speckEncryptBlock(ks, fromHex(v.plaintext), 0, out, 0);
    assert.equal(toHex(out), v.ciphertext);
    speckDecryptBlock(ks, out, 0, out, 0);
    assert.equal(toHex(out), v.plaintext);
    checked++;
  }
  assert.equal(checked, 2);
  assert.equal(speckKeySchedule(fromHex(primitives.speck128_256_block.key)).rounds, 34);
  assert.equal(speckKeySchedule(fromHex(primitives.speck128_128_block.key)).rounds, 32);
});

test('primitives: the first CTR keystream block is the encrypted IV', () => {
  assert.equal(primitives.speck128_128_ctr_first_block_equals_block, true);
  const v = primitives.speck128_128_block;
  const data = new Uint8Array(16);
  speckCtr(speckKeySchedule(fromHex(v.key)), fromHex(v.plaintext), 0, data, 0, 16);
  assert.equal(toHex(data), v.ciphertext);
});

test('primitives: CTR counter wraps mod 2^64 without carry into bytes 8..15', () => {
  const v = primitives.speck128_256_ctr_counter_wrap;
  const data = new Uint8Array(64);
  speckCtr(speckKeySchedule(fromHex(v.key)), fromHex(v.iv), 0, data, 0, 64);
  assert.equal(toHex(data), v.keystream64);
});

test('wire/crypto.json speck: CTR output and single-block encryption of the IV', () => {
  const vectors = readVectorJson<{ speck: WireSpeckVector[] }>('wire/crypto.json').speck;
  for (const v of vectors) {
    const ks = speckKeySchedule(fromHex(v.key));
    assert.equal(ks.rounds, v.bits === 128 ? 32 : 34);
    const data = fromHex(v.in);
    speckCtr(ks, fromHex(v.iv), 0, data, 0, data.length);
    assert.equal(toHex(data), v.ctr_out);
    if (v.ecb_encrypt_of_iv !== undefined) {
      const out = new Uint8Array(16);
      speckEncryptBlock(ks, fromHex(v.iv), 0, out, 0);
      assert.equal(toHex(out), v.ecb_encrypt_of_iv);
    }
  }
  assert.equal(vectors.length, 3);
});

test('CTR on a sub-range equals CTR on a standalone copy, for every partial length', () => {
  const ks = speckKeySchedule(fromHex(primitives.speck128_256_ctr_counter_wrap.key));
  const iv = fromHex('fdffffffffffffff00112233445566778899');
  for (let length = 0; length <= 70; length++) {
    const buffer = new Uint8Array(100).map((_, i) => i);
    const copy = buffer.slice(7, 7 + length);
    speckCtr(ks, iv, 2, buffer, 7, 7 + length);
    speckCtr(ks, iv, 2, copy, 0, length);
    assert.deepEqual(buffer.subarray(7, 7 + length), copy);
    assert.deepEqual(buffer.subarray(0, 7), Uint8Array.from({ length: 7 }, (_, i) => i));
    assert.equal(buffer[7 + length], 7 + length);
    speckCtr(ks, iv, 2, buffer, 7, 7 + length);
    assert.deepEqual(buffer, new Uint8Array(100).map((_, i) => i));
  }
});

test('key schedule rejects keys that are neither 16 nor 32 bytes', () => {
  assert.throws(() => speckKeySchedule(new Uint8Array(24)), RangeError);
});
