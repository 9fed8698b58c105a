// PACKET (type 3, PROTOCOL.md §4.3): one Ethernet frame. This is the data plane: the header writer
// does not allocate and the decoded payload is a view of the received datagram.
import { assertRoom } from './codec.js';
import { HEADER_SIZE, MAC_SIZE, MessageType } from './constants.js';
import { encodeHeaderInto } from './header.js';
import type { MessageCommon } from './header.js';
import { NULL_MAC, macCodec } from './mac.js';
import type { Mac } from './mac.js';
import type { Socket } from './sock.js';
import { optionalSocketLength, readOptionalSocket, writeOptionalSocket } from './message-body.js';
import type { MessageBodyCodec } from './message-body.js';

/** Everything of a PACKET except its payload. */
export interface PacketHeader extends MessageCommon {
  srcMac: Mac;
  dstMac: Mac;
  /** Inserted by the first supernode: the sending edge's public socket. */
  socket?: Socket | undefined;
  /** CompressionId; §4.3: written BEFORE the transform byte. */
  compression: number;
  /** TransformId (engine/crypto/transform.ts). */
  transform: number;
}

export interface PacketMessage extends PacketHeader {
  type: typeof MessageType.Packet;
  /** Transform output up to the end of the datagram; when decoded, a view (no copy) of the input. */
  payload: Uint8Array;
}

export function packetHeaderLength(header: PacketHeader): number {
  return HEADER_SIZE + 2 * MAC_SIZE + optionalSocketLength(header.socket) + 2;
}

/**
 * Writes the common header and the PACKET header fields at offset, without allocating; the payload
 * goes right after. Returns the number of bytes written. Throws RangeError if buf is too small.
 */
export function encodePacketHeaderInto(buf: Uint8Array, offset: number, header: PacketHeader): number {
  assertRoom(buf, offset, packetHeaderLength(header));
  let at = offset;
  at += encodeHeaderInto(buf, at, header, MessageType.Packet, header.socket !== undefined);
  at += encodePacketFields(header, buf, at);
  return at - offset;
}

function encodePacketFields(header: PacketHeader, buf: Uint8Array, offset: number): number {
  let at = offset;
  at += macCodec.encode(header.srcMac, buf, at);
  at += macCodec.encode(header.dstMac, buf, at);
  at += writeOptionalSocket(header.socket, buf, at);
  buf[at++] = header.compression;
  buf[at++] = header.transform;
  return at - offset;
}

export const packetCodec: MessageBodyCodec<PacketMessage> = {
  bodyLength: (msg) => packetHeaderLength(msg) - HEADER_SIZE + msg.payload.length,
  socketFlag: (msg) => msg.socket !== undefined,
  encodeBody(msg, buf, offset) {
    const fieldsLength = encodePacketFields(msg, buf, offset);
    buf.set(msg.payload, offset + fieldsLength);
    return fieldsLength + msg.payload.length;
  },
  decodeBody: (reader, header) => ({
    ttl: header.common.ttl,
    fromSupernode: header.common.fromSupernode,
    communityField: header.common.communityField,
    type: MessageType.Packet,
    srcMac: reader.field(macCodec, NULL_MAC),
    dstMac: reader.field(macCodec, NULL_MAC),
    socket: readOptionalSocket(reader, header.socketFlag),
    compression: reader.u8(),
    transform: reader.u8(),
    payload: reader.rest(),
  }),
};
