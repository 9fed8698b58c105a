// PROTOCOL.md §14 steps 3–4 on the captured edge and federation traces: every header-encrypted
// datagram decrypts to its recorded plaintext, time stamp and pre-IV, and re-encrypting that
// plaintext with the recorded stamp and random bytes reproduces the wire bytes exactly; every PACKET
// payload decrypts (and decompresses) to the recorded bytes, and re-encrypts with the recorded
// preamble or IV to the same payload.
import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { test } from 'node:test';
import { decompressPayload } from './compress/test-support.js';
import { communityField, federationField } from './crypto/dynamic-key.js';
import { decryptHeader, dynamicHeaderKeys, encryptHeader, staticHeaderKeys } from './crypto/header-encryption.js';
import type { HeaderKeys } from './crypto/header-encryption.js';
import { stampFromBigInt } from './testing/stamps.js';
import type { CipherName, Transform } from './crypto/transform.js';
import { aesKeyFor, createAesTransform } from './crypto/transforms/aes.js';
import { createChaCha20Transform } from './crypto/transforms/chacha20.js';
import { MessageType, decodeMessage } from './protocol/index.js';
import { fromHex, readVectorJson, toHex } from './testing/vectors.js';

interface TraceRecord {
  seq: number;
  hex: string;
  header_encrypted?: boolean;
  plain_hex?: string;
  header_len?: number;
  timestamp?: string;
  pre_iv?: string;
  key?: 'static' | 'dynamic';
  dynamic_key?: string;
  appended_hash_hex?: string;
  payload_after_transform_hex?: string;
  payload_after_decompression_hex?: string;
}

interface Trace {
  readonly file: string;
  readonly records: (trace: Record<string, TraceRecord[]>) => TraceRecord[];
  readonly community: string;
  readonly cipher?: { readonly name: CipherName; readonly key: string };
}

const counted = { headers: 0, payloads: 0, decompressed: 0 };

/** The 16 random bytes the sender's transform consumed, recovered from the payload. */
function senderRandom(cipher: CipherName, key: Uint8Array, payload: Uint8Array): Uint8Array {
  if (cipher !== 'AES') return payload.subarray(0, 16); // ChaCha20 / Speck: the clear IV
  // AES-CBC with a zero IV: the first ciphertext block is E(R), so R = D(C1).
  const aesKey = aesKeyFor(key);
  const ecb = createDecipheriv(`aes-${aesKey.length * 8}-ecb`, aesKey, null).setAutoPadding(false);
  return Uint8Array.from(ecb.update(payload.subarray(0, 16)));
}

function transformFor(cipher: CipherName, key: Uint8Array, random: Uint8Array): Transform {
  const fill = (dst: Uint8Array, offset = 0, length = dst.length - offset): void => dst.set(random.subarray(0, length), offset);
  return cipher === 'AES' ? createAesTransform(key, fill) : createChaCha20Transform(key, fill);
}

function checkPayload(trace: Trace, record: TraceRecord, plain: Uint8Array): void {
  if (record.payload_after_transform_hex === undefined || trace.cipher === undefined) return;
  const decoded = decodeMessage(plain);
  assert.ok(decoded.ok && decoded.value.type === MessageType.Packet, `seq ${record.seq}: PACKET`);
  const message = decoded.value;
  const key = Buffer.from(trace.cipher.key);
  const random = senderRandom(trace.cipher.name, key, message.payload);
  const transform = transformFor(trace.cipher.name, key, random);
  const opened = new Uint8Array(message.payload.length);
  const length = transform.decrypt(message.payload, opened, 0);
  assert.equal(typeof length, 'number', `seq ${record.seq}`);
  const inner = opened.subarray(0, length as number);
  assert.equal(toHex(inner), record.payload_after_transform_hex, `seq ${record.seq}: payload`);
  const sealed = new Uint8Array(inner.length + transform.overhead);
  transform.encrypt(inner, sealed, 0);
  assert.equal(toHex(sealed), toHex(message.payload), `seq ${record.seq}: payload re-encryption`);
  counted.payloads++;
  if (record.payload_after_decompression_hex !== undefined) {
    const frame = decompressPayload(message.compression, inner);
    assert.ok(frame.ok);
    assert.equal(toHex(frame.value), record.payload_after_decompression_hex, `seq ${record.seq}: decompressed`);
    counted.decompressed++;
  }
}

function replayTrace(trace: Trace, keysFor: (record: TraceRecord) => { keys: HeaderKeys; field: Uint8Array; trailer: number }): number {
  const records = trace.records(readVectorJson<Record<string, TraceRecord[]>>('wire', trace.file));
  let checked = 0;
  for (const record of records.filter((r) => r.header_encrypted === true)) {
    const wire = fromHex(record.hex);
    const { keys, field, trailer } = keysFor(record);
    const length = wire.length - trailer;
    const plain = new Uint8Array(length);
    const result = decryptHeader(wire, length, field, keys, plain);
    assert.ok(result.ok, `${trace.file} seq ${record.seq}: ${result.ok ? '' : result.error}`);
    assert.equal(toHex(plain), record.plain_hex, `seq ${record.seq}: plaintext`);
    assert.equal(result.value.headerLen, record.header_len);
    const stamp = stampFromBigInt(BigInt(`0x${record.timestamp ?? ''}`));
    assert.deepEqual(result.value.stamp, stamp, `seq ${record.seq}: time stamp`);

    const again = Uint8Array.from(plain);
    encryptHeader(again, length, result.value.headerLen, stamp, keys, fromHex(record.pre_iv ?? '').subarray(12, 16));
    assert.equal(toHex(again), toHex(wire.subarray(0, length)), `seq ${record.seq}: re-encryption`);
    if (trailer > 0) assert.equal(toHex(wire.subarray(length)), record.appended_hash_hex);

    checkPayload(trace, record, plain);
    checked++;
    counted.headers++;
  }
  return checked;
}

test('edge trace with header encryption, AES and LZO: 104 datagrams re-encrypt bit-exactly', () => {
  const field = communityField('vwenc');
  const keys = staticHeaderKeys(field);
  const trace: Trace = { file: 'edge-trace-hdrenc-aes-lzo.json', records: (t) => t.packets ?? [], community: 'vwenc', cipher: { name: 'AES', key: 'vwsecretkey' } };
  assert.equal(replayTrace(trace, () => ({ keys, field, trailer: 0 })), 104);
});

test('edge trace with user/password and ChaCha20: 186 datagrams under static and dynamic keys', () => {
  const field = communityField('vwuser');
  const staticKeys = staticHeaderKeys(field);
  const dynamic = new Map<string, HeaderKeys>();
  const trace: Trace = { file: 'edge-trace-userpw-chacha20.json', records: (t) => t.packets ?? [], community: 'vwuser', cipher: { name: 'ChaCha20', key: 'vwccsecret' } };
  const checked = replayTrace(trace, (record) => {
    if (record.key === 'static') return { keys: staticKeys, field, trailer: record.appended_hash_hex === undefined ? 0 : 16 };
    const dk = record.dynamic_key ?? '';
    if (!dynamic.has(dk)) dynamic.set(dk, dynamicHeaderKeys(fromHex(dk)));
    return { keys: dynamic.get(dk)!, field, trailer: 0 };
  });
  assert.equal(checked, 186);
  assert.equal(dynamic.size, 2, 'the key change is in the trace');
});

test('federation capture: 58 supernode datagrams under the *Federation key', () => {
  const field = federationField('Federation');
  const keys = staticHeaderKeys(field);
  const trace: Trace = { file: 'sn-federation.json', records: (t) => t.capture ?? [], community: '*Federation' };
  assert.equal(replayTrace(trace, () => ({ keys, field, trailer: 0 })), 58);
});

test('totals', () => {
  assert.deepEqual(counted, { headers: 104 + 186 + 58, payloads: 57, decompressed: 8 });
});
