// macKey (allocation-free MAC map key) and readPacketHeader (the PACKET fast path) against their
// reference counterparts: macToString and decodeMessage, on the wire vectors and on fuzzed input.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FUZZ_RUNS, FUZZ_TIMEOUT_MS, untrustedBytes } from '../testing/fuzz.js';
import { fromHex, readVectorJson, vectorPath } from '../testing/vectors.js';
import { decodeMessage, macFromKey, macKey, macToString, MessageType, readPacketHeader } from './index.js';

describe('macKey', () => {
  it('round-trips through macFromKey and orders like the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (mac) => {
        const key = macKey(mac);
        assert.ok(Number.isSafeInteger(key) && key >= 0 && key < 2 ** 48);
        assert.deepEqual(macFromKey(key), mac);
        assert.equal(key, parseInt(macToString(mac).replaceAll(':', ''), 16));
      }),
      { numRuns: 10_000 },
    );
  });

  it('is unique per MAC (distinct MACs, distinct keys) and reads at an offset', () => {
    const edges = [
      [0, 0, 0, 0, 0, 0],
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      [0x80, 0, 0, 0, 0, 0],
      [0, 0, 0x80, 0, 0, 0],
      [0, 0, 0, 0x80, 0, 0],
      [2, 0, 0, 0, 0, 0x22],
    ].map((bytes) => Uint8Array.from(bytes));
    assert.equal(new Set(edges.map((mac) => macKey(mac))).size, edges.length);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.uint8Array({ minLength: 6, maxLength: 6 }), (a, b) => {
        assert.equal(macKey(a) === macKey(b), macToString(a) === macToString(b));
      }),
      { numRuns: 10_000 },
    );
    const frame = Uint8Array.from([9, 9, 9, 9, 9, 9, 2, 0, 0, 0, 0, 0x22, 8, 0]);
    assert.equal(macKey(frame, 6), macKey(edges[5]!));
  });
});

/** Every hex message in the wire vector files ("hex" / "plain_hex" / "plaintext" values). */
function loadVectors(): Uint8Array[] {
  const found: Uint8Array[] = [];
  const visit = (node: unknown, key: string): void => {
    if (typeof node === 'string') {
      if ((key === 'hex' || key === 'plain_hex' || key === 'plaintext') && /^(?:[0-9a-f]{2})+$/.test(node)) found.push(fromHex(node));
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, key);
    } else if (typeof node === 'object' && node !== null) {
      for (const [childKey, child] of Object.entries(node)) visit(child, childKey);
    }
  };
  for (const file of readdirSync(vectorPath('wire')).filter((name) => name.endsWith('.json'))) visit(readVectorJson('wire', file), '');
  return found;
}

/** readPacketHeader agrees with decodeMessage on buf; returns whether buf is a decodable PACKET. */
function agrees(buf: Uint8Array): boolean {
  const reference = decodeMessage(buf);
  const fast = readPacketHeader(buf);
  if (reference.ok && reference.value.type === MessageType.Packet) {
    const msg = reference.value;
    assert.ok(fast !== undefined && fast.ok, 'PACKET read');
    assert.equal(fast.ttl, msg.ttl);
    assert.equal(fast.fromSupernode, msg.fromSupernode);
    assert.deepEqual(Uint8Array.from(fast.communityField), msg.communityField);
    assert.deepEqual(Uint8Array.from(fast.srcMac), msg.srcMac);
    assert.deepEqual(Uint8Array.from(fast.dstMac), msg.dstMac);
    assert.deepEqual(fast.socket, msg.socket);
    assert.equal(fast.compression, msg.compression);
    assert.equal(fast.transform, msg.transform);
    assert.deepEqual(buf.subarray(fast.payloadOffset, fast.payloadOffset + fast.payloadLength), msg.payload);
    assert.equal(fast.payloadOffset + fast.payloadLength, buf.length);
    assert.equal(msg.trailingBytes, 0);
    return true;
  }
  const typeBits = buf.length >= 4 ? ((buf[2]! << 8) | buf[3]!) & 0x1f : -1;
  if (typeBits === MessageType.Packet) {
    assert.ok(!reference.ok, 'type bits of a PACKET decode as a PACKET or not at all');
    assert.deepEqual(fast, reference, 'same error as decodeMessage');
  } else {
    assert.equal(fast, undefined, 'not a PACKET: left to decodeMessage');
  }
  return false;
}

describe('readPacketHeader', () => {
  const vectors = loadVectors();

  it('equals decodeMessage on every PACKET of the wire vectors', () => {
    const packets = vectors.filter((buf) => agrees(buf)).length;
    assert.ok(packets > 10, `only ${packets} PACKET vectors`);
  });

  it('agrees with decodeMessage and never throws on fuzzed input', { timeout: FUZZ_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(untrustedBytes(vectors, 2100), fc.boolean(), (buf, forcePacket) => {
        // Half the inputs get PACKET type bits, so the fast path's own checks are exercised.
        if (forcePacket && buf.length >= 4) buf[3] = (buf[3]! & ~0x1f) | MessageType.Packet;
        agrees(buf);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
