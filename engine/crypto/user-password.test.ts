import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAsciiKey, encodeAsciiKey } from './ascii-key.js';
import { ZERO_FEDERATION_FIELD, communityField, dynamicKey, federationField } from './dynamic-key.js';
import { encryptHeader, staticHeaderKeys } from './header-encryption.js';
import { pearson128, pearson256 } from './pearson.js';
import { speckDecryptBlock } from './speck.js';
import { fromHex, parseHexdumps, readVectorJson, readVectorText, toHex } from '../testing/vectors.js';
import { stampFromBigInt } from '../testing/stamps.js';
import {
  appendAuthTrailer,
  edgeAuthToken,
  edgePrivateKey,
  federationPrivateKey,
  publicKeyOf,
  sharedSecret,
  supernodeAnswerToken,
  tokenCipher,
  unwrapDynamicKey,
  verifyAuthTrailer,
} from './user-password.js';
import { N3N_BASE_POINT, x25519 } from './x25519.js';

interface UserKey {
  username: string;
  password: string;
  hash256_hash256_password: string;
  private_key: string;
  public_key: string;
  public_key_ascii: string;
}
interface FederationKey {
  federation_name: string;
  private_key: string;
  public_key: string;
  public_key_ascii: string;
}
interface Handshake {
  username: string;
  password: string;
  federation_name: string;
  community: string;
  edge_private_key: string;
  edge_public_key: string;
  federation_private_key: string;
  federation_public_key: string;
  x25519_raw_edge_side: string;
  shared_secret: string;
  key_time: number;
  key_time_bytes_hashed: string;
  community_field20: string;
  federation_field20: string;
  dynamic_key: string;
  challenge: string;
  edge_auth_token48: string;
  supernode_answer_token48: string;
  register_super_plaintext: string;
  register_super_stamp: string;
  register_super_header_encrypted: string;
  register_super_hash_plain_pearson128: string;
  register_super_on_wire_with_trailer: string;
}
interface WireUserPassword {
  federation: { name: string; private_key: string; public_key: string; public_key_ascii: string };
  users: {
    username: string;
    password: string;
    private_key_from_password: string;
    private_key_bound_to_username: string;
    public_key: string;
    public_key_ascii: string;
    shared_secret: string;
  }[];
  dynamic_keys: { key_time: number; community: string; federation: string; dynamic_key: string }[];
}

const auth = readVectorJson<{
  auth: {
    ascii_codec: { binary: string; ascii: string }[];
    user_keys: UserKey[];
    federation_keys: FederationKey[];
    handshake: Handshake;
  };
}>('crypto/n3n-crypto-vectors.json').auth;
const wire = readVectorJson<{ user_password: WireUserPassword }>('wire/crypto.json').user_password;

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) assert.fail(r.error);
  return r.value;
}

function publicHex(privateKey: Uint8Array): string {
  return toHex(unwrap(publicKeyOf(privateKey)));
}

test('auth.ascii_codec: 2 vectors, both directions', () => {
  for (const v of auth.ascii_codec) {
    assert.equal(encodeAsciiKey(fromHex(v.binary)), v.ascii);
    assert.equal(toHex(unwrap(decodeAsciiKey(v.ascii))), v.binary);
  }
  assert.equal(auth.ascii_codec.length, 2);
});

test('ASCII decoder rejects characters outside the alphabet and texts over 43 characters', () => {
  assert.deepEqual(decodeAsciiKey('00420mG51WS82GeB30qE3m!'), { ok: false, error: 'bad-character' });
  assert.deepEqual(decodeAsciiKey('nHWum+r42k1qDXdIeH-WFKeylK5UyLStRzxofRNAgpG0'), { ok: false, error: 'too-long' });
  assert.deepEqual(decodeAsciiKey('ä'), { ok: false, error: 'bad-character' });
  assert.equal(unwrap(decodeAsciiKey('')).length, 0);
});

test('auth.user_keys: 3 users → private key, public key, ASCII form', () => {
  for (const v of auth.user_keys) {
    assert.equal(toHex(federationPrivateKey(v.password)), v.hash256_hash256_password);
    const privateKey = edgePrivateKey(v.username, v.password);
    assert.equal(toHex(privateKey), v.private_key);
    assert.equal(publicHex(privateKey), v.public_key);
    assert.equal(encodeAsciiKey(fromHex(v.public_key)), v.public_key_ascii);
    assert.equal(toHex(unwrap(decodeAsciiKey(v.public_key_ascii))), v.public_key);
  }
  assert.equal(auth.user_keys.length, 3);
});

test('auth.federation_keys: 2 federations', () => {
  for (const v of auth.federation_keys) {
    const privateKey = federationPrivateKey(v.federation_name);
    assert.equal(toHex(privateKey), v.private_key);
    assert.equal(publicHex(privateKey), v.public_key);
    assert.equal(encodeAsciiKey(fromHex(v.public_key)), v.public_key_ascii);
  }
  assert.equal(auth.federation_keys.length, 2);
});

test('wire/crypto.json user_password: federation, 3 users with shared secrets, 3 dynamic keys', () => {
  const federationKey = federationPrivateKey(wire.federation.name);
  assert.equal(toHex(federationKey), wire.federation.private_key);
  assert.equal(publicHex(federationKey), wire.federation.public_key);
  assert.equal(encodeAsciiKey(fromHex(wire.federation.public_key)), wire.federation.public_key_ascii);
  for (const u of wire.users) {
    assert.equal(toHex(federationPrivateKey(u.password)), u.private_key_from_password);
    const privateKey = edgePrivateKey(u.username, u.password);
    assert.equal(toHex(privateKey), u.private_key_bound_to_username);
    assert.equal(publicHex(privateKey), u.public_key);
    assert.equal(encodeAsciiKey(fromHex(u.public_key)), u.public_key_ascii);
    assert.equal(toHex(unwrap(sharedSecret(privateKey, fromHex(wire.federation.public_key)))), u.shared_secret);
    assert.equal(toHex(unwrap(sharedSecret(federationKey, fromHex(u.public_key)))), u.shared_secret);
  }
  assert.equal(wire.users.length, 3);
  for (const d of wire.dynamic_keys) {
    // An empty federation name stands for n3n 3.4.5's all-zero start-up field (CRYPTO.md §5.6).
    const federation = d.federation === '' ? ZERO_FEDERATION_FIELD : communityField(d.federation);
    assert.equal(toHex(dynamicKey(communityField(d.community), federation, d.key_time)), d.dynamic_key);
  }
  assert.equal(wire.dynamic_keys.length, 3);
});

test('auth.handshake: every intermediate value and the REGISTER_SUPER on the wire', () => {
  const h = auth.handshake;
  const edgePrivate = edgePrivateKey(h.username, h.password);
  assert.equal(toHex(edgePrivate), h.edge_private_key);
  assert.equal(publicHex(edgePrivate), h.edge_public_key);
  const federationPrivate = federationPrivateKey(h.federation_name);
  assert.equal(toHex(federationPrivate), h.federation_private_key);
  assert.equal(publicHex(federationPrivate), h.federation_public_key);
  assert.equal(toHex(unwrap(x25519(edgePrivate, fromHex(h.federation_public_key)))), h.x25519_raw_edge_side);
  const secret = unwrap(sharedSecret(edgePrivate, fromHex(h.federation_public_key)));
  assert.equal(toHex(secret), h.shared_secret);
  assert.equal(toHex(unwrap(sharedSecret(federationPrivate, fromHex(h.edge_public_key)))), h.shared_secret);

  assert.equal(toHex(communityField(h.community)), h.community_field20);
  assert.equal(toHex(federationField(h.federation_name)), h.federation_field20);
  assert.equal(h.key_time_bytes_hashed, '00214365');
  const dk = dynamicKey(communityField(h.community), federationField(h.federation_name), h.key_time);
  assert.equal(toHex(dk), h.dynamic_key);

  const cipher = tokenCipher(secret);
  const challenge = fromHex(h.challenge);
  const token = edgeAuthToken(fromHex(h.edge_public_key), challenge, cipher);
  assert.equal(toHex(token), h.edge_auth_token48);
  const answer = supernodeAnswerToken(token, cipher, secret, dk);
  assert.equal(toHex(answer), h.supernode_answer_token48);
  assert.equal(toHex(unwrap(unwrapDynamicKey(answer, challenge, cipher, secret))), h.dynamic_key);
  const otherChallenge = challenge.slice();
  otherChallenge[0] = otherChallenge[0]! ^ 1;
  assert.deepEqual(unwrapDynamicKey(answer, otherChallenge, cipher, secret), { ok: false, error: 'challenge-mismatch' });
  assert.deepEqual(unwrapDynamicKey(answer.subarray(1), challenge, cipher, secret), { ok: false, error: 'bad-token-size' });

  // The REGISTER_SUPER: token is the last field but key_time; header-encrypted under the static key.
  const plain = fromHex(h.register_super_plaintext);
  assert.equal(toHex(plain.subarray(plain.length - 52, plain.length - 4)), h.edge_auth_token48);
  const keys = staticHeaderKeys(communityField(h.community));
  const expected = fromHex(h.register_super_header_encrypted);
  const preIv = new Uint8Array(16);
  speckDecryptBlock(keys.iv, expected, 0, preIv, 0);
  const datagram = new Uint8Array(plain.length + 16);
  datagram.set(plain);
  encryptHeader(datagram, plain.length, plain.length, stampFromBigInt(BigInt(`0x${h.register_super_stamp}`)), keys, preIv.subarray(12));
  assert.equal(toHex(datagram.subarray(0, plain.length)), h.register_super_header_encrypted);
  assert.equal(toHex(pearson128(datagram.subarray(0, plain.length))), h.register_super_hash_plain_pearson128);
  assert.equal(appendAuthTrailer(cipher, datagram, plain.length), plain.length + 16);
  assert.equal(toHex(datagram), h.register_super_on_wire_with_trailer);
  assert.equal(verifyAuthTrailer(cipher, datagram, datagram.length), true);
  datagram[5] = datagram[5]! ^ 0x80;
  assert.equal(verifyAuthTrailer(cipher, datagram, datagram.length), false);
  assert.equal(verifyAuthTrailer(cipher, datagram, 15), false);
});

test('n3n-unit-tests/tests-auth.out: ASCII codec, key generation, shared secret', () => {
  const sections = parseHexdumps(readVectorText('crypto/n3n-unit-tests/tests-auth.out'));
  const byLabel = (label: string, index = 0): Uint8Array => {
    const found = sections.filter((s) => s.label === label)[index];
    assert.ok(found, `section ${label}`);
    return found.bytes;
  };
  const text = '00420mG51WS82GeB30qE3m';
  assert.equal(encodeAsciiKey(byLabel('bin_to_ascii: input size = 0x10')), text);
  const decoded = byLabel('ascii_to_bin: output:');
  assert.equal(decoded.length, 32); // n3n's output buffer: 16 decoded bytes, then zeros
  assert.deepEqual(unwrap(decodeAsciiKey(text)), decoded.subarray(0, 16));
  assert.deepEqual(decoded.subarray(16), new Uint8Array(16));
  // generate_private_key(seed) = P256(P256(seed)), the same derivation as a federation key.
  const privateKey = byLabel('generate_private_key: output:');
  assert.deepEqual(federationPrivateKey(text), privateKey);
  assert.deepEqual(byLabel('generate_public_key: input:'), privateKey);
  const publicKey = byLabel('generate_public_key: output:');
  assert.deepEqual(unwrap(publicKeyOf(privateKey)), publicKey);
  assert.deepEqual(byLabel('generate_shared_secret: input: prv'), privateKey);
  assert.deepEqual(byLabel('generate_shared_secret: input: pub'), publicKey);
  assert.deepEqual(unwrap(sharedSecret(privateKey, publicKey)), byLabel('generate_shared_secret: output:'));
  assert.equal(sections.length, 8);
});

test('n3n-unit-tests/tests-elliptic.out: X25519(55…55, 00…0009)', () => {
  const sections = parseHexdumps(readVectorText('crypto/n3n-unit-tests/tests-elliptic.out'));
  assert.deepEqual(
    sections.map((s) => s.label),
    ['environment: input', 'environment: key', 'curve25519: output'],
  );
  const [input, key, output] = sections.map((s) => s.bytes);
  assert.deepEqual(input, N3N_BASE_POINT);
  assert.deepEqual(key, new Uint8Array(32).fill(0x55));
  assert.deepEqual(unwrap(x25519(key, input)), output);
  assert.equal(toHex(output!), '7f421bf9345a59844a30bc536474fa7c158177a44d346d2f8bc18c05d6a94454');
});

test('X25519 failures are results, not exceptions', () => {
  assert.deepEqual(x25519(new Uint8Array(31), N3N_BASE_POINT), { ok: false, error: 'bad-length' });
  // u = 0 is a low-order point: OpenSSL refuses the all-zero result.
  assert.deepEqual(x25519(pearson256(new Uint8Array(1)), new Uint8Array(32)), { ok: false, error: 'rejected' });
});
