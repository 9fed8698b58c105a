// n3n vectors for every payload transform and the primitives of Twofish, AES and ChaCha20
// (vectors/crypto/n3n-crypto-vectors.json, vectors/wire/crypto.json).
// Every group asserts how many vectors it checked, so a vector file change cannot silently skip any.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { randomFill } from '../random.js';
import type { Transform } from '../transform.js';
import { ascii, fromHex, readVectorJson, readVectorText, sizedHexdumpSections, toHex } from '../../testing/vectors.js';
import { pearson256 } from '../pearson.js';
import { Twofish } from '../twofish.js';
import { NodeAesCbc, aesKeyFor, createAesTransform } from './aes.js';
import { chacha20Xor, createChaCha20Transform } from './chacha20.js';
import { createNullTransform } from './null.js';
import { createSpeckTransform } from './speck.js';
import { createTwofishTransform } from './twofish.js';


interface Block {
  key: string;
  plaintext: string;
  ciphertext: string;
}
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
interface N3nVectors {
  primitives: {
    twofish256_ecb_zero: Block;
    twofish256_ecb_paper: Block;
    chacha20_rfc7539_block: { key: string; iv16: string; keystream: string };
    chacha20_counter_wrap_n3n_builtin: { key: string; iv16: string; keystream192: string };
    aes128_block: Block;
    aes192_block: Block;
    aes256_block: Block;
  };
  transforms: Record<'null' | 'twofish' | 'aes' | 'chacha20' | 'speck', { transform_id: number; keys: TransformKey[] }>;
}
interface WireTransform {
  transform: string;
  key: string;
  cipher_key: string;
  plaintext: string;
  ciphertext: string;
  preamble?: string;
  iv?: string;
}

const n3n = readVectorJson<N3nVectors>('crypto', 'n3n-crypto-vectors.json');
const wire = readVectorJson<{ transforms: WireTransform[] }>('wire', 'crypto.json');

type Factory = (key: Uint8Array, fillRandom: typeof randomFill) => Transform;

/**
 * One transform instance per key, fed each vector's random bytes in turn: AES keeps OpenSSL
 * contexts across packets, so reusing the instance is part of what is tested.
 */
class ReplayedTransform {
  private random16: Uint8Array = new Uint8Array(16);
  readonly transform: Transform;

  constructor(factory: Factory, key: Uint8Array) {
    this.transform = factory(key, (dst, offset = 0, length = dst.length - offset) => dst.set(this.random16.subarray(0, length), offset));
  }

  /** Encrypts with the given random bytes, compares, and decrypts the expected output back. */
  check(random16: Uint8Array, plaintext: Uint8Array, expected: Uint8Array): void {
    this.random16 = random16;
    checkWith(this.transform, plaintext, expected);
  }
}

function checkWith(transform: Transform, plaintext: Uint8Array, expected: Uint8Array): void {
  const out = new Uint8Array(plaintext.length + transform.overhead);
  assert.equal(transform.encrypt(plaintext, out, 0), expected.length);
  assert.equal(toHex(out), toHex(expected));
  const back = new Uint8Array(plaintext.length);
  assert.equal(transform.decrypt(expected, back, 0), plaintext.length);
  assert.equal(toHex(back), toHex(plaintext));
}

const FACTORIES: Record<keyof N3nVectors['transforms'], Factory> = {
  null: () => createNullTransform(),
  twofish: createTwofishTransform,
  aes: createAesTransform,
  chacha20: createChaCha20Transform,
  speck: createSpeckTransform,
};

test('Twofish-256 known answers (encrypt and decrypt)', () => {
  const blocks = [n3n.primitives.twofish256_ecb_zero, n3n.primitives.twofish256_ecb_paper];
  for (const block of blocks) {
    const cipher = new Twofish(fromHex(block.key));
    const out = new Uint8Array(16);
    cipher.encryptBlock(fromHex(block.plaintext), 0, out, 0);
    assert.equal(toHex(out), block.ciphertext);
    cipher.decryptBlock(out, 0, out, 0);
    assert.equal(toHex(out), block.plaintext);
  }
  assert.equal(blocks.length, 2);
});

test('AES FIPS-197 blocks through the CBC backend (one zero-IV block = ECB)', () => {
  const blocks = [n3n.primitives.aes128_block, n3n.primitives.aes192_block, n3n.primitives.aes256_block];
  for (const block of blocks) {
    const cipher = new NodeAesCbc(fromHex(block.key));
    // Twice, so the second run exercises the carried-over chaining value.
    for (let round = 0; round < 2; round++) {
      const buf = fromHex(block.plaintext);
      cipher.encryptCbcZeroIv(buf, 0, 16);
      assert.equal(toHex(buf), block.ciphertext);
      const back = new Uint8Array(16);
      cipher.decryptCbc(buf, 0, 16, new Uint8Array(16), 0, back, 0);
      assert.equal(toHex(back), block.plaintext);
    }
  }
  assert.equal(blocks.length, 3);
});

test('ChaCha20 RFC 7539 block and n3n built-in counter wrap', () => {
  const cases = [
    { ...n3n.primitives.chacha20_rfc7539_block },
    { ...n3n.primitives.chacha20_counter_wrap_n3n_builtin, keystream: n3n.primitives.chacha20_counter_wrap_n3n_builtin.keystream192 },
  ];
  for (const c of cases) {
    const expected = fromHex(c.keystream);
    const keystream = new Uint8Array(expected.length);
    chacha20Xor(fromHex(c.key), fromHex(c.iv16), 0, new Uint8Array(expected.length), 0, expected.length, keystream, 0);
    assert.equal(toHex(keystream), c.keystream);
  }
  assert.equal(cases.length, 2);
});

for (const name of ['null', 'twofish', 'aes', 'chacha20', 'speck'] as const) {
  test(`n3n transform vectors: ${name}`, () => {
    let checked = 0;
    for (const keyEntry of n3n.transforms[name].keys) {
      assert.equal(toHex(pearson256(ascii(keyEntry.key_ascii))), keyEntry.pearson256_of_key);
      let replayed = new ReplayedTransform(FACTORIES[name], ascii(keyEntry.key_ascii));
      for (const v of keyEntry.vectors) {
        assert.equal(v.plaintext.length / 2, v.plaintext_len);
        // A ChaCha20 sender draws a random IV per OpenSSL context and counts up from it; the vectors
        // are first packets of a context (chacha20.test.ts checks the packets after it).
        if (name === 'chacha20') replayed = new ReplayedTransform(FACTORIES[name], ascii(keyEntry.key_ascii));
        replayed.check(fromHex(v.random16), fromHex(v.plaintext), fromHex(v.output));
        checked++;
      }
    }
    assert.equal(checked, 6 * 14);
  });
}

test('AES key size follows the key string length (n3n vector keys)', () => {
  const keys = n3n.transforms.aes.keys;
  for (const k of keys) {
    const key = ascii(k.key_ascii);
    const size = key.length <= 22 ? 16 : key.length <= 32 ? 24 : 32;
    assert.equal(toHex(aesKeyFor(key)), k.pearson256_of_key.slice(64 - 2 * size));
  }
  assert.deepEqual(
    keys.map((k) => aesKeyFor(ascii(k.key_ascii)).length),
    [16, 16, 16, 24, 24, 32],
  );
});

test('wire/crypto.json transforms: aes, tf, cc20, speck', () => {
  const factories: Record<string, Factory> = {
    aes: createAesTransform,
    tf: createTwofishTransform,
    cc20: createChaCha20Transform,
    speck: createSpeckTransform,
  };
  const counts: Record<string, number> = {};
  for (const v of wire.transforms) {
    const factory = factories[v.transform];
    assert.ok(factory, v.transform);
    const random16 = fromHex(v.preamble ?? v.iv ?? '');
    new ReplayedTransform(factory, ascii(v.key)).check(random16, fromHex(v.plaintext), fromHex(v.ciphertext));
    if (v.transform === 'aes') assert.equal(toHex(aesKeyFor(ascii(v.key))), v.cipher_key);
    counts[v.transform] = (counts[v.transform] ?? 0) + 1;
  }
  assert.deepEqual(counts, { aes: 4, tf: 1, cc20: 1, speck: 1 });
});

test('n3n tests-transform.out: PACKET payloads of null, tf, aes, cc20', () => {
  const dump = sizedHexdumpSections(readVectorText('crypto', 'n3n-unit-tests', 'tests-transform.out'));
  // The tool's input: 512 bytes of 00..0f, key "SoMEVer!S$cUREPassWORD", n3n's test PRNG state.
  const plaintext = Uint8Array.from({ length: 512 }, (_, i) => i % 16);
  const key = ascii('SoMEVer!S$cUREPassWORD');
  const random16 = fromHex('c7dd61eeee0129bdff553651cc45d7f1');
  const PACKET_HEADER = 38; // PROTOCOL.md §4.3, no socket
  const factories: Record<string, Factory> = {
    null: () => createNullTransform(),
    tf: createTwofishTransform,
    aes: createAesTransform,
    cc20: createChaCha20Transform,
  };
  let checked = 0;
  for (const [name, factory] of Object.entries(factories)) {
    const packet = dump.get(name);
    assert.ok(packet !== undefined, name);
    new ReplayedTransform(factory, key).check(random16, plaintext, packet.subarray(PACKET_HEADER));
    checked++;
  }
  assert.equal(checked, 4);
});
