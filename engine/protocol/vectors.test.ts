// Every captured packet of vectors/wire (PROTOCOL.md §14): decode, compare with the
// independent decoder's `decoded` object, re-encode and compare byte-for-byte (garbage fields of
// §12 excepted: for those we check that the clean form is sent).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromHex, readVectorJson, toHex } from '../testing/vectors.js';
import { Reader, readU16 } from './codec.js';
import { HEADER_SIZE, MessageType, TCP_MAX_FRAME_EDGE, TCP_MAX_FRAME_SUPERNODE, TYPE_MASK } from './constants.js';
import { NO_AUTH, communityName, decodeMessage, encodeMessage, isNullMac, macToString, socketCodec, socketToString } from './index.js';
import type { DecodedMessage, Message, Socket, SupernodeEntry } from './index.js';
import type { Header } from './header.js';
import type { MessageBodyCodec } from './message-body.js';
import { packetCodec } from './packet.js';
import { peerInfoCodec, queryPeerCodec } from './peer.js';
import { registerSuperAckCodec, registerSuperCodec, registerSuperNakCodec, unregisterSuperCodec } from './register-super.js';
import { registerAckCodec, registerCodec } from './register.js';
import { TcpDeframer } from './tcp-framing.js';


type Json = Record<string, unknown>;

/** The type names the captures' decoded records use (PROTOCOL.md §3). */
const MESSAGE_TYPE_NAMES: Readonly<Record<MessageType, string>> = {
  0: 'PING',
  1: 'REGISTER',
  2: 'DEREGISTER',
  3: 'PACKET',
  4: 'REGISTER_ACK',
  5: 'REGISTER_SUPER',
  6: 'UNREGISTER_SUPER',
  7: 'REGISTER_SUPER_ACK',
  8: 'REGISTER_SUPER_NAK',
  9: 'FEDERATION',
  10: 'PEER_INFO',
  11: 'QUERY_PEER',
  12: 'RE_REGISTER_SUPER',
};

function load(file: string): Json {
  return readVectorJson<Json>('wire', file);
}

function records(json: Json, key: string): Json[] {
  const list = json[key];
  assert.ok(Array.isArray(list), `missing array ${key}`);
  return list as Json[];
}

const str = (value: unknown): string => {
  assert.equal(typeof value, 'string');
  return value as string;
};

function decodeOk(bytes: Uint8Array, where: string): DecodedMessage {
  const result = decodeMessage(bytes);
  assert.ok(result.ok, `${where}: ${result.ok ? '' : `${result.error} ${result.detail ?? ''}`}`);
  return result.value;
}

/** §12 item 5: supernode-to-supernode REGISTER_SUPER (federation community, name starts with '*'). */
function isSupernodeToSupernodeRegisterSuper(msg: Message): boolean {
  return msg.type === MessageType.RegisterSuper && msg.communityField[0] === 0x2a;
}

function supernodeEntryText(entry: SupernodeEntry): string {
  const sock = new Uint8Array(20);
  const length = socketCodec.encode(entry.socket, sock, 0) - 4;
  const address = new Uint8Array(16);
  address.set(sock.subarray(4, 4 + length));
  const family = length === 4 ? 2 : 10;
  return `fam=${family} port=${entry.socket.port} addr=${toHex(address)} mac=${macToString(entry.mac)}`;
}

function field(msg: Message, name: string): unknown {
  return (msg as unknown as Record<string, unknown>)[name];
}

/** Compares every key of the reference decoder's `decoded` object with our decoding. */
function checkDecoded(msg: DecodedMessage, raw: Uint8Array, decoded: Json, where: string): void {
  for (const [key, expected] of Object.entries(decoded)) {
    const at = `${where} ${key}`;
    switch (key) {
      case 'ver':
        assert.equal(expected, 3, at);
        assert.equal(raw[0], 3, at);
        break;
      case 'ttl':
        assert.equal(msg.ttl, expected, at);
        break;
      case 'type':
        assert.equal(MESSAGE_TYPE_NAMES[msg.type], expected, at);
        break;
      case 'flags': {
        const flags = readU16(raw, 2) & ~TYPE_MASK;
        assert.equal(flags, parseInt(str(expected), 16), at);
        assert.equal(msg.fromSupernode, (flags & 0x20) !== 0, at);
        break;
      }
      case 'community':
        assert.equal(communityName(msg.communityField), expected, at);
        break;
      case 'cookie':
        assert.equal(field(msg, 'cookie'), parseInt(str(expected), 16), at);
        break;
      case 'srcMac':
      case 'dstMac':
      case 'edgeMac':
      case 'targetMac':
      case 'mac':
      case 'dstMac(registering)':
      case 'srcMac(acking)': {
        const name = key === 'mac' ? 'targetMac' : key.replace(/\(.*\)$/, '');
        assert.equal(macToString(field(msg, name) as Uint8Array), expected, at);
        break;
      }
      case 'dev_addr': {
        const devAddr = field(msg, 'devAddr') as { address: string; prefix: number };
        assert.equal(`${devAddr.address}/${devAddr.prefix}`, expected, at);
        break;
      }
      case 'desc': {
        if (isSupernodeToSupernodeRegisterSuper(msg)) break; // §12 item 5: garbage, checked as clean form below
        const text = str(expected);
        const description = /^[0-9a-f]{32}$/.test(text)
          ? Buffer.from(text, 'hex').toString('utf8').replace(/\0.*$/s, '')
          : text;
        assert.equal(field(msg, 'description'), description, at);
        break;
      }
      case 'sock':
        assert.equal(socketToString(field(msg, 'socket') as Socket), expected, at);
        break;
      case 'preferred_sock':
        assert.equal(socketToString(field(msg, 'preferredSocket') as Socket), expected, at);
        break;
      case 'auth': {
        const auth = field(msg, 'auth') as { scheme: number; token: Uint8Array };
        assert.equal(`scheme=${auth.scheme} size=${auth.token.length} token=${toHex(auth.token)}`, expected, at);
        break;
      }
      case 'key_time':
        assert.equal(field(msg, 'keyTime'), expected, at);
        break;
      case 'lifetime':
      case 'aflags':
      case 'load':
      case 'uptime':
      case 'version':
      case 'compression':
      case 'transform':
        assert.equal(field(msg, key), expected, at);
        break;
      case 'num_sn':
        assert.equal((field(msg, 'supernodes') as SupernodeEntry[]).length, expected, at);
        break;
      case 'sn_list':
        assert.deepEqual((field(msg, 'supernodes') as SupernodeEntry[]).map(supernodeEntryText), expected, at);
        break;
      case 'payload_len':
        assert.equal((field(msg, 'payload') as Uint8Array).length, expected, at);
        break;
      case 'payload_head': {
        const head = str(expected);
        assert.equal(toHex((field(msg, 'payload') as Uint8Array).subarray(0, head.length / 2)), head, at);
        break;
      }
      case 'trailing':
        assert.equal(msg.trailingBytes, expected, at);
        break;
      default:
        assert.fail(`${at}: field not mapped by this test`);
    }
  }
}

/**
 * The message we would send for msg and the bytes it must produce: the received bytes without
 * trailing bytes, with the §12 garbage fields replaced by their clean (zero) form.
 */
function cleanForm(msg: DecodedMessage, raw: Uint8Array): { clean: Message; expected: Uint8Array } {
  const expected = raw.slice(0, raw.length - msg.trailingBytes);
  switch (msg.type) {
    case MessageType.PeerInfo: {
      const preferred = msg.preferredSocket === undefined ? 0 : socketCodec.encodingLength(msg.preferredSocket);
      const loadAt = HEADER_SIZE + 14 + socketCodec.encodingLength(msg.socket) + preferred;
      const versionAt = loadAt + 8;
      if (isNullMac(msg.targetMac)) {
        // PONG: only the version bytes after the NUL are garbage (§4.9).
        const nul = expected.indexOf(0, versionAt);
        if (nul >= 0 && nul < versionAt + 20) expected.fill(0, nul, versionAt + 20);
        return { clean: msg, expected };
      }
      // Peer answer: load, uptime and version are all uninitialised in the reference (§4.9).
      expected.fill(0, loadAt, versionAt + 20);
      return { clean: { ...msg, load: 0, uptime: 0, version: '' }, expected };
    }
    case MessageType.RegisterSuper: {
      if (!isSupernodeToSupernodeRegisterSuper(msg)) return { clean: msg, expected };
      const socketLength = msg.socket === undefined ? 0 : socketCodec.encodingLength(msg.socket);
      const descAt = HEADER_SIZE + 10 + socketLength + 5;
      expected.fill(0, descAt, descAt + 16);
      return { clean: { ...msg, description: '' }, expected };
    }
    case MessageType.RegisterSuperNak: {
      // §4.6: the NAK auth block is not meaningful; we send scheme 0, size 0.
      const authAt = HEADER_SIZE + 10;
      const clean = new Uint8Array(authAt + 4);
      clean.set(expected.subarray(0, authAt));
      return { clean: { ...msg, auth: NO_AUTH }, expected: clean };
    }
    default:
      return { clean: msg, expected };
  }
}

/** Decode, compare with `decoded`, re-encode. */
function verifyMessage(raw: Uint8Array, decoded: Json | undefined, where: string): DecodedMessage {
  const msg = decodeOk(raw, where);
  if (decoded !== undefined) checkDecoded(msg, raw, decoded, where);
  if (msg.type === MessageType.Packet) {
    assert.equal(msg.payload.buffer, raw.buffer, `${where}: payload must be a view`);
    assert.equal(msg.payload.byteOffset + msg.payload.length, raw.byteOffset + raw.length, where);
  }
  const { clean, expected } = cleanForm(msg, raw);
  assert.equal(toHex(encodeMessage(clean)), toHex(expected), `${where}: re-encoding`);
  return msg;
}

interface Tally {
  verified: number;
  tcpFrames: number;
}

/** A UDP datagram record (hex, or plain_hex when header-encrypted) or a TCP segment record. */
function verifyRecord(record: Json, where: string, tally: Tally, streams: Map<string, TcpDeframer>): void {
  if (record.transport === 'tcp') {
    const direction = `${str(record.src)}>${str(record.dst)}`;
    let deframer = streams.get(direction);
    if (deframer === undefined) {
      const toSupernode = /:(7654|7001)$/.test(str(record.dst));
      deframer = new TcpDeframer(toSupernode ? TCP_MAX_FRAME_SUPERNODE : TCP_MAX_FRAME_EDGE);
      streams.set(direction, deframer);
    }
    const frames = deframer.push(fromHex(str(record.hex)));
    assert.ok(frames.ok, where);
    const listed = record.tcp_frames_completed_by_this_segment as Json[];
    assert.deepEqual(frames.value.map(toHex), listed.map((frame) => str(frame.hex)), `${where}: frames`);
    for (const [i, frame] of frames.value.entries()) {
      verifyMessage(frame, listed[i]?.decoded as Json | undefined, `${where} frame ${i}`);
      tally.tcpFrames++;
    }
    tally.verified++;
    return;
  }
  const encrypted = record.header_encrypted === true;
  const raw = fromHex(str(encrypted ? record.plain_hex : record.hex));
  if (!encrypted) assert.equal(raw.length, record.len ?? raw.length, `${where}: len`);
  const msg = verifyMessage(raw, record.decoded as Json, where);
  if (typeof record.appended_hash_hex === 'string') {
    // §7.3: the user/password hash follows the message and counts as trailing bytes.
    const withHash = fromHex(str(record.plain_hex) + record.appended_hash_hex);
    const again = decodeOk(withHash, where);
    assert.equal(again.trailingBytes, 16, `${where}: appended hash`);
    assert.equal(toHex(encodeMessage(again)), toHex(encodeMessage(msg)), where);
  }
  tally.verified++;
}

function verifyRecords(file: string, keys: string[]): Tally {
  const json = load(file);
  const tally: Tally = { verified: 0, tcpFrames: 0 };
  const streams = new Map<string, TcpDeframer>();
  let total = 0;
  for (const key of keys) {
    for (const [i, record] of records(json, key).entries()) {
      total++;
      const label = typeof record.name === 'string' ? record.name : `seq ${String(record.seq)}`;
      verifyRecord(record, `${file} ${key}[${i}] ${label}`, tally, streams);
    }
  }
  assert.equal(tally.verified, total, `${file}: every record verified`);
  return tally;
}

const TRACE_FILES: Array<[string, string[], number]> = [
  ['edge-trace-plain.json', ['packets'], 143],
  ['edge-trace-hdrenc-aes-lzo.json', ['packets'], 104],
  ['edge-trace-userpw-chacha20.json', ['packets'], 186],
  ['edge-trace-advertise-addr.json', ['packets'], 52],
  ['edge-trace-tcp.json', ['packets'], 37],
  ['sn-test-packets.json', ['packets'], 14],
  ['sn-scenarios.json', ['vectors'], 34],
  ['sn-federation.json', ['edge_side_vectors', 'capture'], 87],
  ['n3n-tests-wire.json', ['well_formed'], 3],
];

for (const [file, keys, count] of TRACE_FILES) {
  test(`vectors: ${file}`, (t) => {
    const tally = verifyRecords(file, keys);
    t.diagnostic(`${file}: ${tally.verified} records verified${tally.tcpFrames > 0 ? ` (${tally.tcpFrames} TCP frames)` : ''}`);
    assert.equal(tally.verified, count);
  });
}

// Pattern buffers: structs filled with a counting byte pattern. The header is not checkable (type
// bits 2 and flag 0x0400 come from the pattern and the community lacks its NUL), so the whole
// message must be rejected; the body is decoded with the layout named by the record and re-encoded.
const PATTERN_LAYOUTS: Record<string, MessageBodyCodec<Message>> = {
  REGISTER: registerCodec,
  PACKET: packetCodec,
  REGISTER_ACK: registerAckCodec,
  REGISTER_SUPER: registerSuperCodec,
  UNREGISTER_SUPER: unregisterSuperCodec,
  REGISTER_SUPER_ACK: registerSuperAckCodec,
  REGISTER_SUPER_NAK: registerSuperNakCodec,
  PEER_INFO: peerInfoCodec,
  QUERY_PEER: queryPeerCodec,
};

/**
 * Text fields of the pattern that have no NUL: we decode all bytes but always send a NUL
 * terminator, so the last byte of such a field is 0 in our encoding (offsets within the body).
 */
const PATTERN_UNTERMINATED_TEXT_END: Record<string, number> = {
  pattern_REGISTER_prep1: 37,
  pattern_REGISTER_prep2: 45,
  pattern_REGISTER_SUPER_prep1: 31,
  pattern_PEER_INFO_prep1: 50,
};

test('vectors: n3n-tests-wire.json pattern_roundtrip', (t) => {
  const patterns = records(load('n3n-tests-wire.json'), 'pattern_roundtrip');
  let verified = 0;
  for (const record of patterns) {
    const name = str(record.name);
    const raw = fromHex(str(record.hex));
    const result = decodeMessage(raw);
    assert.ok(!result.ok && result.error === 'bad-community', `${name}: whole message rejected`);
    const layout = /^pattern_(.+)_prep\d$/.exec(name)?.[1] ?? '';
    const codec = PATTERN_LAYOUTS[layout];
    assert.ok(codec !== undefined, `${name}: no layout`);
    const flags = readU16(raw, 2);
    const header: Header = {
      common: { ttl: raw[1]!, fromSupernode: (flags & 0x20) !== 0, communityField: raw.slice(4, 24) },
      type: MessageType.Register,
      socketFlag: (flags & 0x40) !== 0,
    };
    const reader = new Reader(raw, HEADER_SIZE);
    const msg = codec.decodeBody(reader, header);
    assert.equal(reader.error, undefined, name);
    assert.equal(reader.remaining, 0, `${name}: no trailing bytes`);
    const body = new Uint8Array(codec.bodyLength(msg));
    assert.equal(codec.encodeBody(msg, body, 0), body.length, name);
    const expected = raw.slice(HEADER_SIZE);
    const textEnd = PATTERN_UNTERMINATED_TEXT_END[name];
    if (textEnd !== undefined) expected[textEnd - 1] = 0;
    assert.equal(toHex(body), toHex(expected), `${name}: body re-encoding`);
    verified++;
  }
  t.diagnostic(`n3n-tests-wire.json: ${verified} pattern bodies verified`);
  assert.equal(verified, 10);
});

test('vectors: n3n-tool-outputs.json tests-transform PACKETs', (t) => {
  const outputs = (load('n3n-tool-outputs.json').outputs as Json)['tests-transform'] as Json[];
  let verified = 0;
  const notMessages: string[] = [];
  for (const output of outputs) {
    const label = str(output.label);
    if (!label.includes(': output size')) {
      notMessages.push(label); // the raw 512-byte input frame
      continue;
    }
    const msg = verifyMessage(fromHex(str(output.hex)), undefined, label);
    assert.equal(msg.type, MessageType.Packet, label);
    assert.equal(communityName(msg.communityField), 'abc123def456', label);
    verified++;
  }
  // The other sections (tests-auth, tests-elliptic, tests-compress) hold keys and compressed
  // frames, not protocol messages.
  assert.deepEqual(notMessages, ['environment: input size = 0x200']);
  t.diagnostic(`n3n-tool-outputs.json: ${verified} PACKETs verified`);
  assert.equal(verified, 7);
});

test('vectors: crypto.json header-encryption plaintexts', (t) => {
  // Only header_encryption[].plaintext are protocol messages; the other sections are cipher data.
  const entries = records(load('crypto.json'), 'header_encryption');
  for (const entry of entries) {
    const msg = verifyMessage(fromHex(str(entry.plaintext)), undefined, 'crypto.json');
    assert.equal(communityName(msg.communityField), entry.community);
  }
  t.diagnostic(`crypto.json: ${entries.length} plaintext messages verified`);
  assert.equal(entries.length, 2);
});
