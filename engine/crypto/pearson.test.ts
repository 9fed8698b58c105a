import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pearson128, pearson256, pearson32, pearson64Into } from './pearson.js';
import { fromHex, readVectorJson, toHex } from '../testing/vectors.js';

interface N3nPearsonVector {
  input: string;
  hash256: string;
  hash128: string;
  hash64: string;
}
interface WirePearsonVector {
  in: string;
  h64: string;
  h32: string;
  h128: string;
  h256: string;
}

/** P64 of the whole input as one number, to compare with the vectors' hex. */
function pearson64(input: Uint8Array): bigint {
  const out = new Uint32Array(2);
  pearson64Into(input, 0, input.length, out);
  return (BigInt(out[0]!) << 32n) | BigInt(out[1]!);
}

function checkAll(input: Uint8Array, h256: string, h128: string, h64: string): void {
  assert.equal(toHex(pearson256(input)), h256);
  assert.equal(toHex(pearson128(input)), h128);
  assert.equal(pearson64(input), BigInt(`0x${h64}`));
  assert.equal(pearson32(input), Number(BigInt(`0x${h64}`) & 0xffffffffn));
}

test('n3n-crypto-vectors.json pearson: all 10 inputs, all widths', () => {
  const vectors = readVectorJson<{ pearson: N3nPearsonVector[] }>('crypto/n3n-crypto-vectors.json').pearson;
  for (const v of vectors) checkAll(fromHex(v.input), v.hash256, v.hash128, v.hash64);
  assert.equal(vectors.length, 10);
});

test('wire/crypto.json pearson: all 13 inputs, all widths', () => {
  const vectors = readVectorJson<{ pearson: WirePearsonVector[] }>('wire/crypto.json').pearson;
  for (const v of vectors) {
    checkAll(fromHex(v.in), v.h256, v.h128, v.h64);
    assert.equal(pearson32(fromHex(v.in)), parseInt(v.h32, 16));
  }
  assert.equal(vectors.length, 13);
});

test('pearson64Into hashes exactly the given range of a larger buffer', () => {
  const data = new Uint8Array(1500).map((_, i) => (i * 7 + 3) & 0xff);
  const out = new Uint32Array(2);
  for (const [start, end] of [[0, 0], [1, 9], [5, 1405], [17, 17 + 8 * 20 + 5], [0, 1500]] as const) {
    pearson64Into(data, start, end, out);
    const expected = pearson64(data.slice(start, end));
    assert.equal((BigInt(out[0]!) << 32n) | BigInt(out[1]!), expected);
  }
});

test('CRYPTO.md §1.1 lane identities: P128 and P64 are the tail of P256', () => {
  const input = fromHex('000102030405060708090a0b0c0d0e0f10');
  const h256 = pearson256(input);
  assert.deepEqual(pearson128(input), h256.subarray(16));
  assert.equal(pearson64(input), BigInt(`0x${toHex(h256.subarray(24))}`));
});
