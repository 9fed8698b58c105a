// Edge cases of the wire codec: minimum lengths, sockets, limits (PROTOCOL.md §2–§4) and TCP framing (§1.2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BROADCAST_MAC,
  MessageType,
  NO_AUTH,
  NULL_MAC,
  TCP_MAX_FRAME_EDGE,
  TcpDeframer,
  communityFieldFromName,
  decodeMessage,
  encodeMessage,
  encodePacketHeaderInto,
  frameMessage,
  isLoopback,
  isMultiBroadcast,
  macToString,
  parseMac,
  socketCodec,
  socketEquals,
  socketFromAddress,
} from './index.js';
import type { Message, MessageCommon, Socket } from './index.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text.replace(/\s/g, ''), 'hex'));

function field(name: string): Uint8Array {
  const result = communityFieldFromName(name);
  assert.ok(result.ok);
  return result.value;
}

const common: MessageCommon = { ttl: 2, fromSupernode: false, communityField: field('vwtest') };
const mac1 = fromHex('020000000001');
const mac2 = fromHex('020000000002');
const v4: Socket = { family: 'IPv4', address: '10.0.0.1', port: 7654 };
const v6: Socket = { family: 'IPv6', address: 'fd00::1234', port: 7012 };
const subnet = { address: '10.9.0.1', prefix: 24 };

/** The smallest message of every type: no optional socket, empty tokens, no entries, no payload. */
const MINIMAL: Array<[Message, number]> = [
  [{ ...common, type: MessageType.Register, cookie: 1, srcMac: mac1, dstMac: mac2, devAddr: subnet, description: 'a' }, 61],
  [{ ...common, type: MessageType.RegisterAck, cookie: 1, dstMac: mac1, srcMac: mac2 }, 40],
  [{ ...common, type: MessageType.Packet, srcMac: mac1, dstMac: mac2, compression: 1, transform: 1, payload: new Uint8Array(0) }, 38],
  [{ ...common, type: MessageType.RegisterSuper, cookie: 1, edgeMac: mac1, devAddr: subnet, description: 'a', auth: NO_AUTH, keyTime: 0 }, 63],
  [{ ...common, type: MessageType.UnregisterSuper, auth: NO_AUTH, srcMac: mac1 }, 34],
  [{ ...common, type: MessageType.RegisterSuperAck, cookie: 1, srcMac: mac1, devAddr: subnet, lifetime: 15, socket: v4, auth: NO_AUTH, supernodes: [], keyTime: 0 }, 58],
  [{ ...common, type: MessageType.RegisterSuperNak, cookie: 1, srcMac: mac1, auth: NO_AUTH }, 38],
  [{ ...common, type: MessageType.QueryPeer, srcMac: mac1, targetMac: NULL_MAC, aflags: 0 }, 38],
  [{ ...common, type: MessageType.PeerInfo, aflags: 0, srcMac: mac1, targetMac: mac2, socket: v4, load: 0, uptime: 0, version: '3.4.5' }, 74],
  [{ ...common, type: MessageType.ReRegisterSuper }, 24],
];

test('every type at its minimum length decodes; one byte less is truncated', () => {
  for (const [msg, length] of MINIMAL) {
    const bytes = encodeMessage(msg);
    assert.equal(bytes.length, length, `type ${msg.type}`);
    const decoded = decodeMessage(bytes);
    assert.ok(decoded.ok, `type ${msg.type}`);
    assert.equal(decoded.value.trailingBytes, 0);
    assert.equal(hex(encodeMessage(decoded.value)), hex(bytes));
    const short = decodeMessage(bytes.subarray(0, length - 1));
    assert.ok(!short.ok && short.error === 'truncated', `type ${msg.type} short`);
  }
});

test('trailing bytes are ignored and counted', () => {
  const [msg] = MINIMAL[3]!;
  const bytes = new Uint8Array([...encodeMessage(msg), ...new Uint8Array(16).fill(7)]);
  const decoded = decodeMessage(bytes);
  assert.ok(decoded.ok);
  assert.equal(decoded.value.trailingBytes, 16);
});

test('header checks: version, type range, unsupported types, community', () => {
  const bytes = encodeMessage(MINIMAL[9]![0]);
  const withByte = (at: number, value: number): Uint8Array => {
    const copy = bytes.slice();
    copy[at] = value;
    return copy;
  };
  const errorOf = (buf: Uint8Array): string => {
    const result = decodeMessage(buf);
    return result.ok ? 'ok' : result.error;
  };
  assert.equal(errorOf(withByte(0, 2)), 'bad-version');
  for (let type = 13; type < 32; type++) assert.equal(errorOf(withByte(3, type)), 'unknown-type');
  // PING, DEREGISTER and FEDERATION are defined but never sent (§3): header only, body ignored.
  for (const type of [MessageType.Ping, MessageType.Deregister, MessageType.Federation]) {
    const decoded = decodeMessage(withByte(3, type));
    assert.ok(decoded.ok);
    assert.equal(decoded.value.type, type);
    assert.deepEqual(encodeMessage(decoded.value), withByte(3, type).subarray(0, 24));
  }
  assert.equal(errorOf(withByte(4, 0)), 'bad-community');
  assert.equal(errorOf(withByte(23, 0x41)), 'bad-community');
  assert.equal(errorOf(withByte(2, 0x80)), 'ok', 'reserved flag bits are ignored');
  assert.equal(errorOf(bytes.subarray(0, 23)), 'truncated');
  assert.ok(!communityFieldFromName('').ok);
  assert.ok(!communityFieldFromName('x'.repeat(20)).ok);
  assert.ok(communityFieldFromName('x'.repeat(19)).ok);
});

test('IPv6 sockets round-trip; IPv4-mapped IPv6 is encoded as IPv4 and equals it', () => {
  const register: Message = { ...MINIMAL[0]![0], socket: v6 } as Message;
  const bytes = encodeMessage(register);
  assert.equal(bytes.length, 81);
  const decoded = decodeMessage(bytes);
  assert.ok(decoded.ok && decoded.value.type === MessageType.Register);
  assert.deepEqual(decoded.value.socket, v6);

  const mapped: Socket = { family: 'IPv6', address: '::ffff:10.0.0.1', port: 7654 };
  assert.equal(socketCodec.encodingLength(mapped), 8);
  const buf = new Uint8Array(8);
  socketCodec.encode(mapped, buf, 0);
  assert.equal(hex(buf), '00001de60a000001');
  assert.ok(socketEquals(mapped, v4));
  assert.ok(socketEquals({ family: 'IPv6', address: '0:0:0:0:0:0:0:1', port: 1 }, { family: 'IPv6', address: '::1', port: 1 }));
  assert.ok(!socketEquals(v4, { ...v4, port: 1 }));
  assert.deepEqual(socketFromAddress('::ffff:127.0.0.1', 5), { family: 'IPv4', address: '127.0.0.1', port: 5 });
  assert.deepEqual(socketFromAddress('fe80::1%eth0', 5), { family: 'IPv6', address: 'fe80::1', port: 5 });
  assert.equal(socketFromAddress('not an address', 5), undefined);

  // A 20-byte socket carrying a mapped address decodes as IPv4 (§1.1).
  const wire = fromHex('8000 1de6 00000000000000000000ffff0a000001');
  const socket = socketCodec.decode(wire, 0);
  assert.ok(socket.ok);
  assert.deepEqual(socket.value, { value: v4, bytes: 20 });
  // The TCP bit is accepted (§1.2).
  const tcp = socketCodec.decode(fromHex('4000 1de6 0a000001'), 0);
  assert.ok(tcp.ok);
  assert.deepEqual(tcp.value.value, { ...v4, tcp: true });
  assert.throws(() => socketCodec.encode({ family: 'IPv4', address: '::1', port: 1 }, new Uint8Array(20), 0), RangeError);
});

test('loopback detection', () => {
  assert.ok(isLoopback({ family: 'IPv4', address: '127.1.2.3', port: 1 }));
  assert.ok(isLoopback({ family: 'IPv6', address: '::1', port: 1 }));
  assert.ok(isLoopback({ family: 'IPv6', address: '::ffff:127.0.0.1', port: 1 }));
  assert.ok(!isLoopback(v4));
  assert.ok(!isLoopback(v6));
});

test('auth token of 49 bytes is rejected, 48 accepted', () => {
  const [msg] = MINIMAL[4]!;
  const bytes = encodeMessage({ ...msg, auth: { scheme: 2, token: new Uint8Array(48) } } as Message);
  assert.ok(decodeMessage(bytes).ok);
  const tooLong = new Uint8Array([...bytes.subarray(0, 24), 0, 2, 0, 49, ...new Uint8Array(49), ...mac1]);
  const result = decodeMessage(tooLong);
  assert.ok(!result.ok && result.error === 'token-too-long');
});

test('every message with an auth token refuses one over 48 bytes (n3n main: N2N_AUTH_MAX_TOKEN_SIZE)', () => {
  for (const type of [MessageType.RegisterSuper, MessageType.UnregisterSuper, MessageType.RegisterSuperAck, MessageType.RegisterSuperNak]) {
    const [msg] = MINIMAL.find(([candidate]) => candidate.type === type)!;
    const bytes = encodeMessage({ ...msg, auth: { scheme: 2, token: new Uint8Array(48).fill(7) } } as Message);
    assert.ok(decodeMessage(bytes).ok, `type ${type} with 48 bytes`);
    // The encoder refuses 49 bytes as well: the auth field (scheme 2, size, token) grows by one by hand.
    const at = bytes.findIndex((_, i) => bytes[i] === 0 && bytes[i + 1] === 2 && bytes[i + 2] === 0 && bytes[i + 3] === 48 && bytes[i + 4] === 7);
    const tooLong = new Uint8Array([...bytes.subarray(0, at + 3), 49, 7, ...bytes.subarray(at + 4)]);
    const result = decodeMessage(tooLong);
    assert.ok(!result.ok && result.error === 'token-too-long', `type ${type} with 49 bytes`);
  }
});

/** A REGISTER_SUPER_ACK whose supernode list is given raw: count byte + entries. */
function ackWithList(count: number, entries: Uint8Array): Uint8Array {
  const base = encodeMessage(MINIMAL[5]![0]);
  return new Uint8Array([...base.subarray(0, 53), count, ...entries, 0, 0, 0, 0]);
}

test('num_sn 45 is rejected, 44 accepted', () => {
  const entry = fromHex('0200be1b7f000001000000000000000000000000020000000102');
  const many = (n: number): Uint8Array => new Uint8Array(Array.from({ length: n }, () => [...entry]).flat());
  const ok44 = decodeMessage(ackWithList(44, many(44)));
  assert.ok(ok44.ok && ok44.value.type === MessageType.RegisterSuperAck);
  assert.equal(ok44.value.supernodes.length, 44);
  const bad = decodeMessage(ackWithList(45, many(45)));
  assert.ok(!bad.ok && bad.error === 'too-many-supernodes');
});

test('supernode-list families: 2 → IPv4, 10/23/24/26/28/30 → IPv6, others ignored; port little-endian', () => {
  const v6Entry = (family: number): number[] => [family, 0x99, 0xbf, 0x1b, ...new Uint8Array(15), 1, ...mac2];
  const entries = new Uint8Array([
    ...fromHex('0207be1b7f000001000000000000000000000000020000000102'),
    ...[10, 23, 24, 26, 28, 30].flatMap(v6Entry),
    ...v6Entry(7),
  ]);
  const decoded = decodeMessage(ackWithList(8, entries));
  assert.ok(decoded.ok && decoded.value.type === MessageType.RegisterSuperAck);
  const list = decoded.value.supernodes;
  assert.equal(list.length, 7);
  assert.deepEqual(list[0]!.socket, { family: 'IPv4', address: '127.0.0.1', port: 7102 });
  assert.equal(macToString(list[0]!.mac), '02:00:00:00:01:02');
  for (const entry of list.slice(1)) assert.deepEqual(entry.socket, { family: 'IPv6', address: '::1', port: 7103 });
  // Re-encoding emits 2 / 10 and zero unused bytes.
  const again = encodeMessage(decoded.value);
  assert.equal(hex(again.subarray(54, 80)), '0200be1b7f000001000000000000000000000000020000000102');
  assert.equal(hex(again.subarray(80, 84)), '0a00bf1b');
});

test('REGISTER_SUPER_NAK never reads a socket; REGISTER_SUPER_ACK always does', () => {
  const nak = fromHex('030200687677636f6d6d00000000000000000000000000003333333302aa0000000100000000');
  const decoded = decodeMessage(nak);
  assert.ok(decoded.ok && decoded.value.type === MessageType.RegisterSuperNak);
  assert.equal(hex(encodeMessage(decoded.value)), hex(nak));
  const ack = encodeMessage(MINIMAL[5]![0]);
  ack[3] = 0x07; // SOCKET flag cleared: the socket is still there
  const again = decodeMessage(ack);
  assert.ok(again.ok && again.value.type === MessageType.RegisterSuperAck);
  assert.deepEqual(again.value.socket, v4);
});

test('encodePacketHeaderInto writes the PACKET header that encodeMessage writes', () => {
  const packet = { ...common, fromSupernode: true, srcMac: mac1, dstMac: BROADCAST_MAC, socket: v6, compression: 2, transform: 3 };
  const payload = fromHex('deadbeef');
  const full = encodeMessage({ ...packet, type: MessageType.Packet, payload });
  const buf = new Uint8Array(100).fill(0xee);
  const length = encodePacketHeaderInto(buf, 10, packet);
  assert.equal(length, 58);
  assert.equal(hex(buf.subarray(10, 10 + length)), hex(full.subarray(0, 58)));
  assert.equal(buf[9], 0xee);
  assert.equal(full[56], 2, 'compression before transform');
  assert.throws(() => encodePacketHeaderInto(new Uint8Array(57), 0, packet), RangeError);
});

test('MAC helpers', () => {
  assert.ok(isMultiBroadcast(BROADCAST_MAC));
  assert.ok(isMultiBroadcast(fromHex('01005e7fffff')));
  assert.ok(!isMultiBroadcast(fromHex('01005e800000')));
  assert.ok(isMultiBroadcast(fromHex('333300000001')));
  assert.ok(!isMultiBroadcast(fromHex('0180c2000000')));
  const parsed = parseMac('02:AA:00:00:00:01');
  assert.ok(parsed.ok);
  assert.equal(macToString(parsed.value), '02:aa:00:00:00:01');
  assert.ok(!parseMac('02:aa:00').ok);
});

test('TCP deframer reassembles at every split point', () => {
  const first = fromHex('0302000b74657374000000000000000000000000000000000000000000010000000000000000');
  const second = encodeMessage(MINIMAL[8]![0]);
  const stream = new Uint8Array([...frameMessage(first), ...frameMessage(second), ...frameMessage(new Uint8Array(0))]);
  for (let split = 0; split <= stream.length; split++) {
    for (const chunkSize of [1, 3, stream.length]) {
      const deframer = new TcpDeframer(TCP_MAX_FRAME_EDGE);
      const frames: string[] = [];
      const feed = (chunk: Uint8Array): void => {
        for (let at = 0; at < chunk.length; at += chunkSize) {
          const result = deframer.push(chunk.subarray(at, at + chunkSize));
          assert.ok(result.ok);
          frames.push(...result.value.map(hex));
        }
      };
      feed(stream.subarray(0, split));
      feed(stream.subarray(split));
      assert.deepEqual(frames, [hex(first), hex(second), '']);
    }
  }
});

test('TCP deframer reports frames above the limit, also when the prefix is split', () => {
  for (const chunks of [[fromHex('07ff00')], [fromHex('07'), fromHex('ff')]]) {
    const deframer = new TcpDeframer(2046);
    let last = deframer.push(new Uint8Array(0));
    for (const chunk of chunks) last = deframer.push(chunk);
    assert.ok(!last.ok && last.error === 'frame-too-long');
    const after = deframer.push(frameMessage(new Uint8Array(3)));
    assert.ok(!after.ok, 'the stream stays broken');
  }
  const atLimit = new TcpDeframer(2046).push(frameMessage(new Uint8Array(2046)));
  assert.ok(atLimit.ok && atLimit.value.length === 1);
});
