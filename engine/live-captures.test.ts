// Replays the three live n3n captures (vectors/crypto/README.md) through the whole receive path:
// every header-encrypted datagram must decrypt under exactly one of the keys the README names, pass
// its checksum and carry a time stamp close to the capture time; user/password REGISTER_SUPER / ACK
// trailers and challenge echoes must verify, and the dynamic keys handed out must be the ones derived
// from key_time. Every datagram must then decode, and every PACKET's payload must decrypt with the
// community's cipher and decompress to a well-formed Ethernet frame.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ZERO_FEDERATION_FIELD, communityField, dynamicKey, federationField } from './crypto/dynamic-key.js';
import { decryptHeader, dynamicHeaderKeys, looksLikeClearHeader, staticHeaderKeys } from './crypto/header-encryption.js';
import type { HeaderKeys } from './crypto/header-encryption.js';
import { speckDecryptBlock } from './crypto/speck.js';
import type { Transform } from './crypto/transform.js';
import { createTransform } from './crypto/transforms/index.js';
import type { CipherName } from './crypto/transform.js';
import { decompressPayload } from './compress/test-support.js';
import { MessageType, decodeMessage } from './protocol/index.js';
import { fromHex, readVectorText, toHex } from './testing/vectors.js';
import { TimeStampVerifier } from './crypto/timestamp.js';
import type { SenderStampRecord } from './crypto/timestamp.js';
import {
  AUTH_TOKEN_SIZE,
  edgePrivateKey,
  federationPrivateKey,
  publicKeyOf,
  sharedSecret,
  tokenCipher,
  unwrapDynamicKey,
  verifyAuthTrailer,
} from './crypto/user-password.js';

interface CaptureRecord {
  t: number;
  tag: string;
  dir: 'edge->sn' | 'sn->edge';
  hex: string;
}

interface KeyCandidate {
  readonly name: string;
  readonly field: Uint8Array;
  readonly keys: HeaderKeys;
  /** Static keys of a user/password community: the last 16 bytes are the auth trailer. */
  readonly hasTrailer: boolean;
}

const STATIC_KEY_TYPES = new Set<number>([MessageType.RegisterSuper, MessageType.RegisterSuperAck, MessageType.RegisterSuperNak]);

function readCapture(file: string): CaptureRecord[] {
  return readVectorText(`crypto/${file}`)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CaptureRecord);
}

function candidate(name: string, field: Uint8Array, keys: HeaderKeys, hasTrailer = false): KeyCandidate {
  return { name, field, keys, hasTrailer };
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) assert.fail(r.error);
  return r.value;
}

/** User/password state of the capture: the federation's view of every listed user. */
class UserPasswordAuth {
  private readonly federationPrivate: Uint8Array;
  private readonly users = new Map<string, { secret: Uint8Array }>();
  private readonly lastChallenge = new Map<string, Uint8Array>();
  readonly handedOut: string[] = [];

  constructor(federation: string, users: readonly string[], password: string) {
    this.federationPrivate = federationPrivateKey(federation);
    const federationPublic = unwrap(publicKeyOf(this.federationPrivate));
    for (const user of users) {
      const edgePrivate = edgePrivateKey(user, password);
      const edgePublic = unwrap(publicKeyOf(edgePrivate));
      const secret = unwrap(sharedSecret(edgePrivate, federationPublic));
      // Both ends derive the same secret.
      assert.deepEqual(unwrap(sharedSecret(this.federationPrivate, edgePublic)), secret);
      this.users.set(toHex(edgePublic.subarray(16)), { secret });
    }
  }

  private user(publicKeySecondHalf: Uint8Array): { secret: Uint8Array } {
    const found = this.users.get(toHex(publicKeySecondHalf));
    assert.ok(found, 'token names a listed user');
    return found;
  }

  /** REGISTER_SUPER: token = pub ‖ E(challenge) just before key_time; remembers the challenge. */
  registerSuper(wire: Uint8Array, plain: Uint8Array, length: number): void {
    const token = plain.subarray(length - 4 - AUTH_TOKEN_SIZE, length - 4);
    const { secret } = this.user(token.subarray(16, 32));
    const cipher = tokenCipher(secret);
    assert.ok(verifyAuthTrailer(cipher, wire, wire.length), 'REGISTER_SUPER trailer');
    const challenge = new Uint8Array(16);
    speckDecryptBlock(cipher, token, 32, challenge, 0);
    this.lastChallenge.set(toHex(token.subarray(16, 32)), challenge);
  }

  /** REGISTER_SUPER_ACK: answer after the always-present socket; must echo the last challenge. */
  registerSuperAck(wire: Uint8Array, plain: Uint8Array): void {
    const socketSize = (plain[41]! & 0x80) !== 0 ? 20 : 8;
    const auth = 41 + socketSize;
    assert.equal((plain[auth]! << 8) | plain[auth + 1]!, 2, 'scheme user/password');
    assert.equal((plain[auth + 2]! << 8) | plain[auth + 3]!, AUTH_TOKEN_SIZE);
    const answer = plain.subarray(auth + 4, auth + 4 + AUTH_TOKEN_SIZE);
    const { secret } = this.user(answer.subarray(16, 32));
    const cipher = tokenCipher(secret);
    assert.ok(verifyAuthTrailer(cipher, wire, wire.length), 'ACK trailer');
    const challenge = this.lastChallenge.get(toHex(answer.subarray(16, 32)));
    assert.ok(challenge, 'ACK follows a REGISTER_SUPER');
    this.handedOut.push(toHex(unwrap(unwrapDynamicKey(answer, challenge, cipher, secret))));
  }
}

interface ReplayOptions {
  readonly candidates: readonly KeyCandidate[];
  readonly clearCommunity?: string;
  readonly auth?: UserPasswordAuth;
  /** Payload cipher per community name. */
  readonly ciphers: Readonly<Record<string, { readonly cipher: CipherName; readonly key: string }>>;
}

const ETHERTYPES = new Set([0x0800, 0x0806, 0x86dd]);

/** An IPv4 header's checksum sums to 0xffff: a wrong key or keystream could not produce that. */
function ipv4HeaderChecksumOk(header: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += (header[i]! << 8) | header[i + 1]!;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum === 0xffff;
}

/** Checks that a recovered frame is real Ethernet: known EtherType, and IPv4/ARP internally consistent. */
function assertEthernetFrame(frame: Uint8Array, where: string): void {
  assert.ok(frame.length >= 14, `${where}: frame of ${frame.length} bytes`);
  const etherType = (frame[12]! << 8) | frame[13]!;
  assert.ok(ETHERTYPES.has(etherType), `${where}: EtherType ${etherType.toString(16)}`);
  if (etherType === 0x0800) {
    const ihl = (frame[14]! & 0x0f) * 4;
    assert.equal(frame[14]! >>> 4, 4, `${where}: IPv4 version`);
    assert.ok(ipv4HeaderChecksumOk(frame.subarray(14, 14 + ihl)), `${where}: IPv4 header checksum`);
    assert.equal((frame[16]! << 8) | frame[17]!, frame.length - 14, `${where}: IPv4 total length`);
  } else if (etherType === 0x0806) {
    assert.equal(toHex(frame.subarray(14, 20)), '000108000604', `${where}: ARP for IPv4 over Ethernet`);
  } else {
    assert.equal(frame[14]! >>> 4, 6, `${where}: IPv6 version`);
    assert.equal((frame[18]! << 8) | frame[19]!, frame.length - 54, `${where}: IPv6 payload length`);
  }
}

/** Reverses the sender's payload steps: transform, then decompression (PROTOCOL.md §5). */
function openPayload(transform: Transform, payload: Uint8Array, compression: number, where: string): Uint8Array {
  const plain = new Uint8Array(payload.length);
  const length = transform.decrypt(payload, plain, 0);
  assert.equal(typeof length, 'number', `${where}: transform decrypt ${String(length)}`);
  const frame = decompressPayload(compression, plain.subarray(0, length as number));
  assert.ok(frame.ok, `${where}: decompression ${frame.ok ? '' : frame.error}`);
  return frame.value;
}

/**
 * Decrypts and decodes every datagram; returns how many datagrams each key (or 'clear') accounted for,
 * plus 'packets' (PACKET payloads opened) and 'compressed' (of those, LZO-compressed).
 */
function replay(records: readonly CaptureRecord[], options: ReplayOptions): Map<string, number> {
  const counts = new Map<string, number>();
  const count = (what: string): void => void counts.set(what, (counts.get(what) ?? 0) + 1);
  const senders = new Map<string, SenderStampRecord>();
  const transforms = new Map(
    Object.entries(options.ciphers).map(([community, c]) => [community, createTransform(c.cipher, Buffer.from(c.key))]),
  );
  const checkDecoded = (plain: Uint8Array, where: string): void => {
    const decoded = decodeMessage(plain);
    assert.ok(decoded.ok, `${where}: decode ${decoded.ok ? '' : decoded.error}`);
    const message = decoded.value;
    if (message.type !== MessageType.Packet) return;
    const community = Buffer.from(message.communityField).toString('latin1').replace(/\0+$/, '');
    const transform = transforms.get(community);
    assert.ok(transform, `${where}: no cipher for ${community}`);
    assert.equal(message.transform, transform.id, `${where}: transform id`);
    assertEthernetFrame(openPayload(transform, message.payload, message.compression, where), where);
    count('packets');
    if (message.compression !== 1) count('compressed');
  };
  for (const [index, record] of records.entries()) {
    const wire = fromHex(record.hex);
    const where = `datagram ${index} (${record.tag} ${record.dir})`;
    const clock = (): number => Math.round(record.t * 1e6);
    const verifier = new TimeStampVerifier(clock);

    if (looksLikeClearHeader(wire, wire.length)) {
      assert.ok(options.clearCommunity !== undefined, `${where}: unexpected clear header`);
      assert.deepEqual(wire.subarray(4, 24), communityField(options.clearCommunity), where);
      count('clear');
      checkDecoded(wire, where);
      continue;
    }

    const plain = new Uint8Array(wire.length);
    const matches = options.candidates.flatMap((c) => {
      const length = c.hasTrailer ? wire.length - 16 : wire.length;
      const result = decryptHeader(wire, length, c.field, c.keys, plain);
      return result.ok ? [{ c, length, ...result.value, plain: plain.slice(0, length) }] : [];
    });
    assert.equal(matches.length, 1, `${where}: keys matching: ${matches.map((m) => m.c.name).join(',')}`);
    const match = matches[0]!;
    count(match.c.name);
    checkDecoded(match.plain, where);

    const type = match.plain[3]! & 0x1f;
    assert.equal(match.plain[0], 3, `${where}: version`);
    if (match.c.hasTrailer) assert.ok(STATIC_KEY_TYPES.has(type), `${where}: type ${type} under static key`);
    const seconds = match.stamp.hi + (match.stamp.lo >>> 12) / 1e6;
    assert.ok(Math.abs(seconds - record.t) < 3, `${where}: stamp ${seconds} vs capture ${record.t}`);
    assert.ok(verifier.check(match.stamp, undefined, false).ok, `${where}: window`);
    // Each sender's stamps increase (the relay preserves per-sender order); jitter allowed as for PACKET.
    const sender = `${record.tag} ${record.dir}`;
    const senderRecord = senders.get(sender) ?? verifier.newRecord();
    senders.set(sender, senderRecord);
    assert.ok(verifier.check(match.stamp, senderRecord, true).ok, `${where}: monotony`);

    if (options.auth !== undefined && match.c.hasTrailer) {
      if (type === MessageType.RegisterSuper) options.auth.registerSuper(wire, match.plain, match.length);
      if (type === MessageType.RegisterSuperAck) options.auth.registerSuperAck(wire, match.plain);
    }
  }
  return counts;
}

const netleo = communityField('netleo');
const secretFed = federationField('secretFed');
const federationCandidate = candidate('federation', secretFed, staticHeaderKeys(secretFed));
const netleoStatic = candidate('static', netleo, staticHeaderKeys(netleo), true);

test('live capture 1: user/password, Speck, LZO — 40 datagrams', () => {
  const records = readCapture('live-capture-1-userpw-speck-lzo.jsonl');
  assert.equal(records.length, 40);
  const dk = dynamicKey(netleo, ZERO_FEDERATION_FIELD, 1795638896);
  assert.equal(toHex(dk), '79d29dedf6ab097e0c0abb690ef9756b');
  const auth = new UserPasswordAuth('secretFed', ['logan', 'sister'], '007');
  const counts = replay(records, {
    candidates: [candidate('dynamic', netleo, dynamicHeaderKeys(dk)), netleoStatic, federationCandidate],
    auth,
    ciphers: { netleo: { cipher: 'Speck', key: 'mySecretKey' } },
  });
  assert.deepEqual(Object.fromEntries(counts), { static: 4, dynamic: 36, packets: 34, compressed: 28 });
  assert.deepEqual(auth.handedOut, [toHex(dk), toHex(dk)]);
});

test('live capture 2: header encryption + AES-192, and a clear-header ChaCha20 community — 52 datagrams', () => {
  const records = readCapture('live-capture-2-headerenc-aes192-and-clear-chacha20-lzo.jsonl');
  assert.equal(records.length, 52);
  const mynetwork = communityField('mynetwork');
  const counts = replay(records, {
    candidates: [candidate('static', mynetwork, staticHeaderKeys(mynetwork))],
    clearCommunity: 'plainnet',
    ciphers: {
      mynetwork: { cipher: 'AES', key: 'a-25-character-key-for-AE' },
      plainnet: { cipher: 'ChaCha20', key: 'chacha-key' },
    },
  });
  assert.deepEqual(Object.fromEntries(counts), { static: 40, clear: 12, packets: 43, compressed: 7 });
  for (const r of records.filter((x) => x.tag === 'plain-cc20')) {
    const wire = fromHex(r.hex);
    assert.ok(looksLikeClearHeader(wire, wire.length));
  }
});

test('live capture 3: federation, dynamic-key change, user/password, ChaCha20 — 23 datagrams', () => {
  const records = readCapture('live-capture-3-federation-rekey-userpw-chacha20.jsonl');
  assert.equal(records.length, 23);
  const oldKey = dynamicKey(netleo, ZERO_FEDERATION_FIELD, 1795639052);
  const newKey = dynamicKey(netleo, secretFed, 1795639056);
  assert.equal(toHex(oldKey), '5eb206b7f34d388c3b4f575775188285');
  assert.equal(toHex(newKey), 'd86b449cf6ef6b9c5b02c93cc567e40b');
  const auth = new UserPasswordAuth('secretFed', ['logan', 'sister'], '007');
  const counts = replay(records, {
    candidates: [
      candidate('dynamic-old', netleo, dynamicHeaderKeys(oldKey)),
      candidate('dynamic-new', netleo, dynamicHeaderKeys(newKey)),
      netleoStatic,
      federationCandidate,
    ],
    auth,
    ciphers: { netleo: { cipher: 'ChaCha20', key: 'mySecretKey' } },
  });
  assert.deepEqual(auth.handedOut, [toHex(oldKey), toHex(newKey)]);
  assert.deepEqual(Object.fromEntries(counts), { static: 5, 'dynamic-old': 11, federation: 4, 'dynamic-new': 3, packets: 11 });
});
