import assert from 'node:assert/strict';
import { test } from 'node:test';
import { communityField } from './dynamic-key.js';
import {
  decryptHeader,
  dynamicHeaderKeys,
  encryptHeader,
  looksLikeClearHeader,
  staticHeaderKeys,
} from './header-encryption.js';
import type { HeaderKeys } from './header-encryption.js';
import { speckDecryptBlock, speckKeySchedule } from './speck.js';
import { fromHex, readVectorJson, toHex } from '../testing/vectors.js';
import { stampFromBigInt, stampToBigInt } from '../testing/stamps.js';

interface KeyDerivation {
  community: string;
  community_field20: string;
  header_key: string;
  iv_key: string;
}
interface N3nCase {
  case: string;
  community: string;
  header_len: number;
  packet_len: number;
  stamp: string;
  checksum_pearson64: string;
  random4_bytes_12_15: string;
  pre_iv: string;
  plaintext_packet: string;
  encrypted_packet: string;
}
interface WireCase {
  community: string;
  header_len: number;
  stamp: string;
  plaintext: string;
  ciphertext: string;
  pre_iv: string;
  decrypted_stamp: string;
}
interface Handshake {
  community: string;
  dynamic_key: string;
  dynamic_header_key: string;
  dynamic_iv_key: string;
  register_super_plaintext: string;
  register_super_stamp: string;
  register_super_header_encrypted: string;
  register_super_on_wire_with_trailer: string;
}

const n3n = readVectorJson<{
  header_encryption: { key_derivation: KeyDerivation[]; cases: N3nCase[] };
  auth: { handshake: Handshake };
}>('crypto/n3n-crypto-vectors.json');

function assertSameKeys(keys: HeaderKeys, headerKey: string, ivKey: string): void {
  assert.deepEqual(keys.header.roundKeys, speckKeySchedule(fromHex(headerKey)).roundKeys);
  assert.deepEqual(keys.iv.roundKeys, speckKeySchedule(fromHex(ivKey)).roundKeys);
}

interface RoundTrip {
  community: string;
  headerLen: number;
  stamp: string;
  preIv: string;
  plaintext: string;
  ciphertext: string;
}

/** Encrypts the plaintext (fixed stamp and filler) to the vector and decrypts the vector back. */
function checkRoundTrip(v: RoundTrip): void {
  const field = communityField(v.community);
  const keys = staticHeaderKeys(field);
  const datagram = fromHex(v.plaintext);
  encryptHeader(datagram, datagram.length, v.headerLen, stampFromBigInt(BigInt(`0x${v.stamp}`)), keys, fromHex(v.preIv).subarray(12));
  assert.equal(toHex(datagram), v.ciphertext);

  const received = fromHex(v.ciphertext);
  const plain = new Uint8Array(received.length);
  const result = decryptHeader(received, received.length, field, keys, plain);
  assert.ok(result.ok, `decrypt failed: ${result.ok ? '' : result.error}`);
  assert.equal(result.value.headerLen, v.headerLen);
  assert.equal(stampToBigInt(result.value.stamp), BigInt(`0x${v.stamp}`));
  assert.equal(toHex(plain), v.plaintext);
  assert.equal(toHex(received), v.ciphertext, 'source must not be modified');

  const preIv = new Uint8Array(16);
  speckDecryptBlock(keys.iv, received, 0, preIv, 0);
  assert.equal(toHex(preIv), v.preIv);
}

test('n3n-crypto-vectors.json header_encryption.key_derivation: 5 communities', () => {
  const vectors = n3n.header_encryption.key_derivation;
  for (const v of vectors) {
    assert.equal(toHex(communityField(v.community)), v.community_field20);
    assertSameKeys(staticHeaderKeys(fromHex(v.community_field20)), v.header_key, v.iv_key);
  }
  assert.equal(vectors.length, 5);
});

test('n3n-crypto-vectors.json header_encryption.cases: 5 datagrams, encrypt and decrypt', () => {
  const cases = n3n.header_encryption.cases;
  for (const v of cases) {
    assert.equal(v.plaintext_packet.length / 2, v.packet_len);
    assert.equal(v.pre_iv.slice(24), v.random4_bytes_12_15);
    assert.equal(v.pre_iv.slice(0, 8), v.checksum_pearson64.slice(0, 8));
    checkRoundTrip({
      community: v.community,
      headerLen: v.header_len,
      stamp: v.stamp,
      preIv: v.pre_iv,
      plaintext: v.plaintext_packet,
      ciphertext: v.encrypted_packet,
    });
  }
  assert.equal(cases.length, 5);
});

test('wire/crypto.json header_encryption: 2 datagrams, encrypt and decrypt', () => {
  const cases = readVectorJson<{ header_encryption: WireCase[] }>('wire/crypto.json').header_encryption;
  for (const v of cases) {
    assert.equal(v.decrypted_stamp, v.stamp);
    checkRoundTrip({
      community: v.community,
      headerLen: v.header_len,
      stamp: v.stamp,
      preIv: v.pre_iv,
      plaintext: v.plaintext,
      ciphertext: v.ciphertext,
    });
  }
  assert.equal(cases.length, 2);
});

test('auth.handshake: dynamic header keys, and the REGISTER_SUPER under the static key over N − 16', () => {
  const h = n3n.auth.handshake;
  assertSameKeys(dynamicHeaderKeys(fromHex(h.dynamic_key)), h.dynamic_header_key, h.dynamic_iv_key);
  const field = communityField(h.community);
  const keys = staticHeaderKeys(field);
  const wire = fromHex(h.register_super_on_wire_with_trailer);
  assert.equal(toHex(wire.subarray(0, wire.length - 16)), h.register_super_header_encrypted);
  const plain = new Uint8Array(wire.length);
  const result = decryptHeader(wire, wire.length - 16, field, keys, plain);
  assert.ok(result.ok);
  assert.equal(result.value.headerLen, wire.length - 16);
  assert.equal(stampToBigInt(result.value.stamp), BigInt(`0x${h.register_super_stamp}`));
  assert.equal(toHex(plain.subarray(0, wire.length - 16)), h.register_super_plaintext);
  // Over the full length (trailer included) the checksum cannot match.
  const full = decryptHeader(wire, wire.length, field, keys, plain);
  assert.deepEqual(full.ok ? 'ok' : full.error, 'bad-checksum');
});

test('decryption rejects: short input, wrong key, corrupted bytes, impossible header lengths', () => {
  const v = n3n.header_encryption.cases[0]!;
  const field = communityField(v.community);
  const keys = staticHeaderKeys(field);
  const wire = fromHex(v.encrypted_packet);
  const scratch = new Uint8Array(wire.length);
  const errorOf = (src: Uint8Array, length: number, k: HeaderKeys = keys, dst = scratch): string => {
    const r = decryptHeader(src, length, field, k, dst);
    return r.ok ? 'ok' : r.error;
  };
  assert.equal(errorOf(wire, wire.length), 'ok');
  assert.equal(errorOf(wire, 23), 'too-short');
  assert.equal(errorOf(wire, wire.length + 1), 'too-short');
  assert.equal(errorOf(wire, wire.length, staticHeaderKeys(communityField('other'))), 'bad-magic');
  assert.equal(errorOf(wire, v.header_len - 1), 'bad-header-length');
  assert.equal(errorOf(wire, wire.length, keys, new Uint8Array(10)), 'scratch-too-small');
  const flipped = wire.slice();
  flipped[wire.length - 1] = flipped[wire.length - 1]! ^ 1; // payload byte: outside HL, inside the checksum
  assert.equal(errorOf(flipped, wire.length), 'bad-checksum');

  // A header length below 24 with a valid magic: encrypt with HL = 24, then rewrite the magic word.
  const tiny = fromHex(v.plaintext_packet);
  encryptHeader(tiny, tiny.length, 24, { hi: 1, lo: 2 }, keys);
  tiny[19] = tiny[19]! ^ 24 ^ 23;
  assert.equal(errorOf(tiny, tiny.length), 'bad-header-length');
});

test('encryption with random filler round-trips; misuse of lengths throws', () => {
  const field = communityField('kith');
  const keys = staticHeaderKeys(field);
  const plain = Uint8Array.from({ length: 120 }, (_, i) => (i < 24 ? [3, 2, 0, 3][i] ?? 0 : i));
  plain.set(field, 4);
  const datagram = plain.slice();
  const stamp = { hi: 0x6b074564, lo: 0x30212010 };
  encryptHeader(datagram, datagram.length, 46, stamp, keys);
  const out = new Uint8Array(200);
  const result = decryptHeader(datagram, datagram.length, field, keys, out);
  assert.ok(result.ok);
  assert.deepEqual(result.value, { headerLen: 46, stamp });
  assert.deepEqual(out.subarray(0, 120), plain);
  assert.throws(() => encryptHeader(plain.slice(), 120, 23, stamp, keys), RangeError);
  assert.throws(() => encryptHeader(plain.slice(), 120, 121, stamp, keys), RangeError);
  assert.throws(() => staticHeaderKeys(new Uint8Array(19)), RangeError);
});

test('clear-header heuristic (PROTOCOL.md §2.4)', () => {
  const plain = fromHex(n3n.header_encryption.cases[3]!.plaintext_packet);
  assert.equal(looksLikeClearHeader(plain, plain.length), true);
  assert.equal(looksLikeClearHeader(plain, 23), false);
  assert.equal(looksLikeClearHeader(fromHex(n3n.header_encryption.cases[3]!.encrypted_packet), plain.length), false);
  const flagged = plain.slice();
  flagged[2] = 1;
  assert.equal(looksLikeClearHeader(flagged, flagged.length), false);
});
