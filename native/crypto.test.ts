// The addon's batched payload transforms (native/crypto.ts) against the TypeScript transforms, the
// reference (engine/crypto/transforms): n3n's captured vectors, then random frames in random
// batches, both ways — same random bytes must give the same bytes, each side must decrypt the
// other's output, and hostile ciphertexts must give the same verdict.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CipherName, Transform, TransformDecryptError } from '../engine/crypto/transform.js';
import { createAesTransform } from '../engine/crypto/transforms/aes.js';
import { createChaCha20Transform } from '../engine/crypto/transforms/chacha20.js';
import { createNullTransform } from '../engine/crypto/transforms/null.js';
import { createSpeckTransform } from '../engine/crypto/transforms/speck.js';
import { createTwofishTransform } from '../engine/crypto/transforms/twofish.js';
import { ascii, fromHex, readVectorJson, toHex } from '../engine/testing/vectors.js';
import { NativeCipherResult, openNativeCipher, type NativeCipher } from './crypto.js';
import { loadAddon } from './tap.js';

const skip = loadAddon().ok ? false : 'the addon is not built';
const PROPERTY_RUNS = 300;
const MAX_FRAME = 2048; // CRYPTO.md §2.0

type Factory = (key: Uint8Array, fillRandom: (dst: Uint8Array, offset?: number, length?: number) => void) => Transform;
const FACTORIES: Record<CipherName, Factory> = {
  null: () => createNullTransform(),
  Twofish: createTwofishTransform,
  AES: createAesTransform,
  ChaCha20: createChaCha20Transform,
  Speck: createSpeckTransform,
};
const CIPHERS = Object.keys(FACTORIES) as CipherName[];

function open(cipher: CipherName, key: Uint8Array): NativeCipher {
  const c = openNativeCipher(FACTORIES[cipher](key, () => undefined).id, key);
  assert.ok(typeof c !== 'string', typeof c === 'string' ? `${cipher}: ${c}` : cipher);
  return c;
}

/** Packets laid out one after another, as the batch calls take them. */
function pack(packets: readonly Uint8Array[]): { buf: Uint8Array; spans: Uint32Array } {
  const spans = new Uint32Array(2 * packets.length);
  let total = 0;
  packets.forEach((p, i) => {
    spans[2 * i] = total;
    spans[2 * i + 1] = p.length;
    total += p.length;
  });
  const buf = new Uint8Array(total);
  packets.forEach((p, i) => buf.set(p, spans[2 * i]));
  return { buf, spans };
}

/** Room for each result (room bytes per packet, or each input's length + extra). */
function rooms(count: number, room: (i: number) => number): { dst: Uint8Array; spans: Int32Array } {
  const spans = new Int32Array(2 * count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    spans[2 * i] = total;
    spans[2 * i + 1] = room(i);
    total += room(i);
  }
  return { dst: new Uint8Array(total), spans };
}

type Outcome = string; // hex of the result, or the error's name
const NATIVE_ERRORS: Record<number, TransformDecryptError> = {
  [NativeCipherResult.TooShort]: 'too-short',
  [NativeCipherResult.TooLong]: 'too-long',
  [NativeCipherResult.BadPadding]: 'bad-padding',
};

function nativeRun(c: NativeCipher, op: 'encrypt' | 'decrypt', inputs: readonly Uint8Array[], room: (i: number) => number, ivs?: Uint8Array): Outcome[] {
  const { buf, spans } = pack(inputs);
  const out = rooms(inputs.length, room);
  const ok = op === 'encrypt' ? c.encrypt(buf, spans, out.dst, out.spans, inputs.length, ivs) : c.decrypt(buf, spans, out.dst, out.spans, inputs.length);
  const results = inputs.map((_, i) => {
    const r = out.spans[2 * i + 1]!;
    return r >= 0 ? toHex(out.dst.subarray(out.spans[2 * i], out.spans[2 * i]! + r)) : (NATIVE_ERRORS[r] ?? `error ${r}`);
  });
  assert.equal(ok, results.filter((r) => !r.startsWith('too-') && r !== 'bad-padding').length);
  return results;
}

function tsDecrypt(t: Transform, input: Uint8Array, room: number): Outcome {
  const dst = new Uint8Array(room);
  const r = t.decrypt(input, dst, 0);
  return typeof r === 'number' ? toHex(dst.subarray(0, r)) : r;
}

/** A TypeScript transform fed recorded random bytes, so its draws can be replayed natively. */
function recording(cipher: CipherName, key: Uint8Array, random: () => number): { t: Transform; draws: Uint8Array[] } {
  const draws: Uint8Array[] = [];
  const t = FACTORIES[cipher](key, (dst, offset = 0, length = dst.length - offset) => {
    for (let i = 0; i < length; i++) dst[offset + i] = random();
    draws.push(dst.slice(offset, offset + length));
  });
  return { t, draws };
}

interface TransformVector {
  random16: string;
  plaintext: string;
  output: string;
}
const n3n = readVectorJson<{ transforms: Record<string, { keys: { key_ascii: string; vectors: TransformVector[] }[] }> }>('crypto', 'n3n-crypto-vectors.json');
const wire = readVectorJson<{ transforms: { transform: string; key: string; plaintext: string; ciphertext: string; preamble?: string; iv?: string }[] }>('wire', 'crypto.json');
const VECTOR_NAMES: Record<string, CipherName> = { null: 'null', twofish: 'Twofish', aes: 'AES', chacha20: 'ChaCha20', speck: 'Speck', tf: 'Twofish', cc20: 'ChaCha20' };

test('an id that names no transform gets a reason, not an exception', { skip }, () => {
  for (const id of [0, 6, 1.5, -1]) assert.equal(typeof openNativeCipher(id, new Uint8Array(8)), 'string', `id ${id}`);
});

test('n3n vectors, each key’s vectors as one batch: encrypt with their random bytes, decrypt back', { skip }, () => {
  let checked = 0;
  for (const [name, entry] of Object.entries(n3n.transforms)) {
    for (const k of entry.keys) {
      const c = open(VECTOR_NAMES[name]!, ascii(k.key_ascii));
      const plains = k.vectors.map((v) => fromHex(v.plaintext));
      const ivs = Uint8Array.from(k.vectors.flatMap((v) => [...fromHex(v.random16)]));
      assert.deepEqual(nativeRun(c, 'encrypt', plains, (i) => plains[i]!.length + 16, ivs), k.vectors.map((v) => v.output), `${name} ${k.key_ascii}`);
      assert.deepEqual(nativeRun(c, 'decrypt', k.vectors.map((v) => fromHex(v.output)), (i) => plains[i]!.length), k.vectors.map((v) => v.plaintext));
      checked += k.vectors.length;
    }
  }
  assert.equal(checked, 5 * 6 * 14);
});

test('wire/crypto.json vectors', { skip }, () => {
  for (const v of wire.transforms) {
    const c = open(VECTOR_NAMES[v.transform]!, ascii(v.key));
    const random = fromHex(v.preamble ?? v.iv ?? '');
    const plain = fromHex(v.plaintext);
    assert.deepEqual(nativeRun(c, 'encrypt', [plain], () => plain.length + 16, random), [v.ciphertext], `${v.transform} ${v.key}`);
    assert.deepEqual(nativeRun(c, 'decrypt', [fromHex(v.ciphertext)], () => plain.length), [v.plaintext]);
  }
  assert.equal(wire.transforms.length, 7);
});

const frame = fc.uint8Array({ maxLength: MAX_FRAME });
const frames = fc.array(frame, { minLength: 1, maxLength: 24 });
const keyBytes = fc.uint8Array({ minLength: 1, maxLength: 40 });

for (const cipher of CIPHERS) {
  test(`${cipher}: with the reference's random bytes, native encryption is byte-for-byte the same; each decrypts the other`, { skip }, () => {
    fc.assert(
      fc.property(keyBytes, frames, fc.integer(), (key, plains, seed) => {
        let state = seed >>> 0;
        const { t, draws } = recording(cipher, key, () => (state = (state * 1103515245 + 12345) >>> 0) >>> 24);
        const reference = plains.map((p) => {
          const out = new Uint8Array(p.length + t.overhead);
          return toHex(out.subarray(0, t.encrypt(p, out, 0)));
        });
        // The bytes each packet drew: AES/Twofish's first block, Speck's IV, and for ChaCha20 the
        // IV on the wire (the reference counts up from a drawn one).
        const ivs =
          cipher === 'ChaCha20' || cipher === 'Speck'
            ? Uint8Array.from(reference.flatMap((r) => [...fromHex(r).subarray(0, 16)]))
            : Uint8Array.from(draws.flatMap((d) => [...d]));
        const c = open(cipher, key);
        assert.deepEqual(nativeRun(c, 'encrypt', plains, (i) => plains[i]!.length + 16, cipher === 'null' ? undefined : ivs), reference);
        const hex = plains.map(toHex);
        assert.deepEqual(nativeRun(c, 'decrypt', reference.map(fromHex), (i) => plains[i]!.length), hex);
        // Fresh random bytes on the native side: the reference decrypts them.
        const fresh = nativeRun(c, 'encrypt', plains, (i) => plains[i]!.length + 16);
        const decoder = FACTORIES[cipher](key, () => undefined);
        assert.deepEqual(fresh.map((f, i) => tsDecrypt(decoder, fromHex(f), plains[i]!.length)), hex);
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });

  test(`${cipher}: hostile ciphertexts and short rooms get the reference’s verdict`, { skip }, () => {
    fc.assert(
      fc.property(keyBytes, fc.array(fc.tuple(fc.uint8Array({ maxLength: MAX_FRAME + 32 }), fc.nat({ max: MAX_FRAME + 32 })), { minLength: 1, maxLength: 16 }), (key, cases) => {
        const c = open(cipher, key);
        const t = FACTORIES[cipher](key, () => undefined);
        const native = nativeRun(c, 'decrypt', cases.map(([d]) => d), (i) => cases[i]![1]);
        assert.deepEqual(native, cases.map(([d, room]) => tsDecrypt(t, d, room)));
      }),
      { numRuns: PROPERTY_RUNS },
    );
  });
}

test('fresh random bytes: never the same IV twice, and ChaCha20 counters never wrap inside a packet', { skip }, () => {
  for (const cipher of ['AES', 'Twofish', 'ChaCha20', 'Speck'] as const) {
    const c = open(cipher, ascii('SoMEVer!S$cUREPassWORD'));
    const plains = Array.from({ length: 200 }, () => new Uint8Array(2048));
    const outs = nativeRun(c, 'encrypt', plains, () => 2064);
    assert.equal(new Set(outs.map((o) => o.slice(0, 32))).size, outs.length, cipher);
    if (cipher === 'ChaCha20') {
      for (const o of outs) assert.ok(fromHex(o.slice(0, 8)).reduce((v, b, i) => v + b * 2 ** (8 * i), 0) + 32 <= 2 ** 32);
    }
  }
});

test('bad arguments are refused before anything is written', { skip }, () => {
  const c = open('AES', ascii('key'));
  const src = new Uint8Array(64);
  const dst = new Uint8Array(64);
  assert.throws(() => c.encrypt(src, Uint32Array.of(60, 10), dst, Int32Array.of(0, 64), 1), RangeError);
  assert.throws(() => c.encrypt(src, Uint32Array.of(0, 10), dst, Int32Array.of(60, 20), 1), RangeError);
  assert.throws(() => c.encrypt(src, Uint32Array.of(0, 10), dst, Int32Array.of(0, 64), 2), RangeError);
  assert.throws(() => c.encrypt(src, Uint32Array.of(0, 10), src.subarray(16), Int32Array.of(0, 40), 1), RangeError, 'overlap');
  assert.throws(() => c.encrypt(src, Uint32Array.of(0, 10), dst, Int32Array.of(0, 64), 1, new Uint8Array(8)), RangeError);
  assert.deepEqual(dst, new Uint8Array(64));
});

test('ChaCha20 across the 32-bit counter wrap: n3n’s no-carry rule, as the reference', { skip }, () => {
  const key = ascii('SoMEVer!S$cUREPassWORD');
  const c = open('ChaCha20', key);
  const t = createChaCha20Transform(key, () => undefined);
  const plain = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  for (const counter of [0xffffffff, 0xfffffffe, 0xfffffffc]) {
    const iv = fromHex('00000000' + '0102030405060708090a0b0c');
    new DataView(iv.buffer).setUint32(0, counter, true);
    const [out] = nativeRun(c, 'encrypt', [plain], () => 316, iv);
    assert.equal(out!.slice(0, 32), toHex(iv), 'a given IV is used as it is');
    assert.equal(tsDecrypt(t, fromHex(out!), 300), toHex(plain));
    assert.deepEqual(nativeRun(c, 'decrypt', [fromHex(out!)], () => 300), [toHex(plain)]);
  }
});
