// ChaCha20 beyond the n3n vectors: long inputs that cross n3n's no-carry counter wrap (CRYPTO.md
// §1.5), into a separate buffer and shifted forward within one buffer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCipheriv } from 'node:crypto';
import { pearson256 } from '../pearson.js';
import { chacha20Xor, createChaCha20Transform } from './chacha20.js';

const LARGE = 3 * 65536 + 100;
const pattern = (length: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);

/** The IV whose 32-bit LE block counter is advanced by `blocks`, wrapping without carry. */
function advanced(iv: Uint8Array, blocks: number): Uint8Array {
  const out = Uint8Array.from(iv);
  const view = new DataView(out.buffer);
  view.setUint32(0, (view.getUint32(0, true) + blocks) >>> 0, true);
  return out;
}

test('ChaCha20 across the 32-bit counter wrap equals per-piece runs with wrapped counters, also in place', () => {
  const key = pattern(32);
  const iv = Uint8Array.from([0xfe, 0xff, 0xff, 0xff, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0]);
  const expected = new Uint8Array(LARGE);
  for (let at = 0; at < LARGE; at += 65536) {
    const length = Math.min(65536, LARGE - at);
    chacha20Xor(key, advanced(iv, at / 64), 0, pattern(LARGE), at, length, expected, at);
  }
  const separate = new Uint8Array(LARGE);
  chacha20Xor(key, iv, 0, pattern(LARGE), 0, LARGE, separate, 0);
  assert.deepEqual(separate, expected);
  const shared = new Uint8Array(LARGE + 16);
  shared.set(pattern(LARGE));
  chacha20Xor(key, iv, 0, shared, 0, LARGE, shared, 16);
  assert.deepEqual(shared.subarray(16), expected);
});

test('ChaCha20 transform: every packet decrypts from its own IV; receiving contexts survive loss, reordering and other senders', () => {
  const key = new TextEncoder().encode('chacha-context-test');
  const cipherKey = pearson256(key);
  const sender = createChaCha20Transform(key);
  const receiver = createChaCha20Transform(key);
  const sent: { packet: Uint8Array; plain: Uint8Array }[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const plain = pattern(1 + ((i * 97) % 1500)).map((b) => b ^ i);
    // The frame sits inside a larger buffer, as in the TAP slab.
    const slab = new Uint8Array(plain.length + 200);
    slab.set(plain, 100);
    const out = new Uint8Array(plain.length + 16);
    assert.equal(sender.encrypt(slab.subarray(100, 100 + plain.length), out, 0), plain.length + 16);
    const reference = new Uint8Array(plain.length);
    chacha20Xor(cipherKey, out, 0, out, 16, plain.length, reference, 0);
    assert.deepEqual(reference, plain);
    // No keystream block is ever used twice.
    const counter = new DataView(out.buffer).getUint32(0, true);
    for (let block = 0; block < Math.ceil(plain.length / 64); block++) {
      const id = `${Buffer.from(out.subarray(4, 16)).toString('hex')}:${counter + block}`;
      assert.ok(!seen.has(id));
      seen.add(id);
    }
    sent.push({ packet: out, plain });
  }
  // Delivery: every 5th lost, pairs swapped, and a foreign random-IV packet now and then.
  const order = sent.filter((_, i) => i % 5 !== 2);
  for (let i = 0; i + 1 < order.length; i += 7) [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
  const back = new Uint8Array(2048);
  order.forEach(({ packet, plain }, i) => {
    if (i % 9 === 4) {
      const iv = Uint8Array.from({ length: 16 }, (_, j) => (i * 13 + j * 7) & 0xff);
      iv[3] = 0;
      const foreign = Buffer.concat([iv, createCipheriv('chacha20', cipherKey, iv).update(plain)]);
      assert.equal(receiver.decrypt(foreign, back, 0), plain.length);
      assert.deepEqual(back.subarray(0, plain.length), plain);
    }
    // Received datagrams have the header in front of the payload.
    const datagram = new Uint8Array(packet.length + 40);
    datagram.set(packet, 40);
    assert.equal(receiver.decrypt(datagram.subarray(40), back, 0), plain.length);
    assert.deepEqual(back.subarray(0, plain.length), plain);
  });
});

test('ChaCha20 transform: a prepared batch encrypts to the same kind of packets, with filtered frames passed over', () => {
  const key = new TextEncoder().encode('chacha-batch-test');
  const cipherKey = pearson256(key);
  const sender = createChaCha20Transform(key);
  const receiver = createChaCha20Transform(key);
  const slab = pattern(20_000);
  const frames = [60, 1514, 1, 700, 64, 1514, 1514, 99].map((length, i) => slab.subarray(i * 2000, i * 2000 + length));
  const seen = new Set<string>();
  const check = (plain: Uint8Array): void => {
    const out = new Uint8Array(plain.length + 16);
    assert.equal(sender.encrypt(plain, out, 0), plain.length + 16);
    const reference = new Uint8Array(plain.length);
    chacha20Xor(cipherKey, out, 0, out, 16, plain.length, reference, 0);
    assert.deepEqual(reference, plain);
    const counter = new DataView(out.buffer).getUint32(0, true);
    for (let block = 0; block < Math.ceil(plain.length / 64); block++) {
      const id = `${Buffer.from(out.subarray(4, 16)).toString('hex')}:${counter + block}`;
      assert.ok(!seen.has(id), 'keystream block used twice');
      seen.add(id);
    }
    const back = new Uint8Array(plain.length);
    assert.equal(receiver.decrypt(out, back, 0), plain.length);
    assert.deepEqual(back, plain);
  };
  for (let round = 0; round < 3; round++) {
    sender.prepare!(frames);
    // Frames 1 and 4 are filtered; then one frame out of the batch, then the rest unprepared.
    for (const i of [0, 2, 3, 5]) check(frames[i]!);
    check(pattern(333));
    for (const i of [6, 7]) check(frames[i]!);
  }
  sender.prepare!(frames);
  for (const frame of frames) check(frame);
});
