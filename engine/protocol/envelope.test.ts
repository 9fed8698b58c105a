import assert from 'node:assert/strict';
import { test } from 'node:test';
import { communityField } from '../crypto/dynamic-key.js';
import { dynamicHeaderKeys, staticHeaderKeys } from '../crypto/header-encryption.js';
import { TimeStampGenerator, TimeStampVerifier } from '../crypto/timestamp.js';
import type { SenderStampRecord } from '../crypto/timestamp.js';
import { AUTH_TRAILER_SIZE, tokenCipher, verifyAuthTrailer } from '../crypto/user-password.js';
import { addressBytes, dgramTarget } from './address.js';
import { MessageType } from './constants.js';
import { checkStamp, keyKindFor, sealMessage, sealPacket, staticKeyAllowed, unseal } from './envelope.js';
import { encodeMessage, encodePacketHeaderInto, packetHeaderLength } from './index.js';
import type { PacketHeader } from './index.js';

const field = communityField('envelope');
const staticKeys = staticHeaderKeys(field);
const dynamicKeys = dynamicHeaderKeys(new Uint8Array(16).fill(7));
const stamps = new TimeStampGenerator();
const reRegister = encodeMessage({ type: MessageType.ReRegisterSuper, ttl: 2, fromSupernode: true, communityField: field });

test('key pair per type (§6.1) and where the static pair is allowed with users (§9.2 step 4)', () => {
  const statics: readonly MessageType[] = [MessageType.RegisterSuper, MessageType.RegisterSuperAck, MessageType.RegisterSuperNak];
  for (const type of Object.values(MessageType)) {
    assert.equal(keyKindFor(type), statics.includes(type) ? 'static' : 'dynamic', `type ${type}`);
    assert.equal(staticKeyAllowed(type, true), statics.includes(type), `type ${type}`);
    assert.equal(staticKeyAllowed(type, false), true);
  }
});

test('a message opens under the dynamic pair over N; with a trailer, under the static pair over N − 16', () => {
  const bytes = new Uint8Array(reRegister.length + AUTH_TRAILER_SIZE);
  bytes.set(reRegister);
  const plain = new Uint8Array(bytes.length);
  assert.equal(sealMessage(bytes, reRegister.length, dynamicKeys, stamps.next(), undefined), reRegister.length);
  const dynamic = unseal(bytes.subarray(0, reRegister.length), field, { dynamic: dynamicKeys, static: staticKeys }, plain);
  assert.ok(dynamic.ok);
  assert.equal(dynamic.value.keys, 'dynamic');
  assert.deepEqual(dynamic.value.plain, reRegister);

  const cipher = tokenCipher(new Uint8Array(32).fill(3));
  bytes.set(reRegister);
  const length = sealMessage(bytes, reRegister.length, staticKeys, stamps.next(), cipher);
  assert.equal(length, reRegister.length + AUTH_TRAILER_SIZE);
  assert.ok(verifyAuthTrailer(cipher, bytes, length));
  const opened = unseal(bytes, field, { dynamic: dynamicKeys, static: staticKeys }, plain);
  assert.ok(opened.ok);
  assert.equal(opened.value.keys, 'static');
  assert.deepEqual(opened.value.plain, reRegister);
  // Without the static pair it does not open, and says why.
  const refused = unseal(bytes, field, { dynamic: dynamicKeys, static: undefined }, plain);
  assert.ok(!refused.ok);
  assert.equal(unseal(bytes.subarray(0, 20), field, { dynamic: dynamicKeys, static: staticKeys }, plain).ok, false);
});

test("a NAK's trailer is 16 zero bytes", () => {
  const bytes = new Uint8Array(reRegister.length + AUTH_TRAILER_SIZE).fill(0xee);
  bytes.set(reRegister);
  assert.equal(sealMessage(bytes, reRegister.length, staticKeys, stamps.next(), 'zeros'), bytes.length);
  assert.deepEqual(bytes.subarray(reRegister.length), new Uint8Array(AUTH_TRAILER_SIZE));
});

test('a PACKET is covered up to its header, with users up to 16 payload bytes more (§6.2)', () => {
  const header: PacketHeader = { ttl: 2, fromSupernode: false, communityField: field, srcMac: new Uint8Array(6).fill(1), dstMac: new Uint8Array(6).fill(2), compression: 0, transform: 1 };
  const headerLength = packetHeaderLength(header);
  const payload = Uint8Array.from({ length: 40 }, (_, i) => i + 1);
  for (const withUsers of [false, true]) {
    const bytes = new Uint8Array(headerLength + payload.length);
    encodePacketHeaderInto(bytes, 0, header);
    bytes.set(payload, headerLength);
    sealPacket(bytes, bytes.length, headerLength, dynamicKeys, stamps.next(), withUsers);
    const untouched = withUsers ? 16 : 0;
    assert.deepEqual(bytes.subarray(headerLength + untouched), payload.subarray(untouched), `users ${withUsers}`);
    if (withUsers) assert.notDeepEqual(bytes.subarray(headerLength, headerLength + 16), payload.subarray(0, 16));
    const plain = new Uint8Array(bytes.length);
    const opened = unseal(bytes, field, { dynamic: dynamicKeys, static: staticKeys }, plain);
    assert.ok(opened.ok);
    assert.deepEqual(opened.value.plain.subarray(headerLength), payload);
  }
});

test('stamps: none without header encryption; a record made on first use; a replay refused', () => {
  const verifier = new TimeStampVerifier();
  const holder: { stamp: SenderStampRecord | undefined } = { stamp: undefined };
  assert.ok(checkStamp(verifier, undefined, holder, false).ok);
  assert.equal(holder.stamp, undefined);
  const stamp = stamps.next();
  assert.ok(checkStamp(verifier, stamp, holder, false).ok);
  assert.notEqual(holder.stamp, undefined);
  assert.deepEqual(checkStamp(verifier, stamp, holder, false), { ok: false, error: 'replayed' });
  assert.ok(checkStamp(verifier, stamp, undefined, false).ok, 'an unknown sender gets the window check only');
  assert.equal(checkStamp(verifier, { hi: stamp.hi - 20, lo: 0 }, undefined, false).ok, false);
});

test('socket-call addresses: IPv4-mapped text is IPv4, zones and names are refused; dual-stack targets', () => {
  assert.deepEqual(addressBytes('10.1.2.3'), { family: 4, bytes: Uint8Array.from([10, 1, 2, 3]) });
  assert.deepEqual(addressBytes('::ffff:1.2.3.4'), { family: 4, bytes: Uint8Array.from([1, 2, 3, 4]) });
  assert.deepEqual(addressBytes('fe80::1:2'), { family: 6, bytes: Uint8Array.from([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2]) });
  assert.deepEqual(addressBytes('::1')?.bytes, Uint8Array.from([...Array<number>(15).fill(0), 1]));
  for (const bad of ['256.1.1.1', 'host', '1::2::3', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', '12345::', '']) assert.equal(addressBytes(bad), undefined, bad);
  assert.equal(dgramTarget('10.0.0.1', true, true), '::ffff:10.0.0.1');
  assert.equal(dgramTarget('10.0.0.1', true, false), '10.0.0.1');
  assert.equal(dgramTarget('::1', false, true), '::1');
});
