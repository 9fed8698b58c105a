// The PACKET fast path (readPacketHeader) checked against the reference decoder (decodeMessage),
// for the vector and fuzz tests of engine/protocol.
import assert from 'node:assert/strict';
import { decodeMessage, MessageType, readPacketHeader } from '../protocol/index.js';

/** readPacketHeader agrees with decodeMessage on buf; returns whether buf is a decodable PACKET. */
export function fastPathAgrees(buf: Uint8Array): boolean {
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
