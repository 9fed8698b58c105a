// The message union and the top-level codec (PROTOCOL.md §3, §4): header, then the body layout
// chosen by the message type.
import { ok } from '../../shared/result.js';
import type { Ok, Result } from '../../shared/result.js';
import { Reader, assertRoom } from './codec.js';
import type { DecodeError } from './codec.js';
import { HEADER_SIZE, MessageType } from './constants.js';
import { encodeHeaderInto, headerCodec } from './header.js';
import type { MessageCommon } from './header.js';
import type { MessageBodyCodec } from './message-body.js';
import { packetCodec } from './packet.js';
import type { PacketMessage } from './packet.js';
import { peerInfoCodec, queryPeerCodec } from './peer.js';
import type { PeerInfoMessage, QueryPeerMessage } from './peer.js';
import {
  registerSuperAckCodec,
  registerSuperCodec,
  registerSuperNakCodec,
  unregisterSuperCodec,
} from './register-super.js';
import type {
  RegisterSuperAckMessage,
  RegisterSuperMessage,
  RegisterSuperNakMessage,
  UnregisterSuperMessage,
} from './register-super.js';
import { registerAckCodec, registerCodec } from './register.js';
import { readPacketHeader } from './packet-view.js';
import type { PacketHeaderView } from './packet-view.js';
import type { RegisterAckMessage, RegisterMessage } from './register.js';

/** RE_REGISTER_SUPER (type 12, §4.10): header only. */
export interface ReRegisterSuperMessage extends MessageCommon {
  type: typeof MessageType.ReRegisterSuper;
}

/** PING (0), DEREGISTER (2) and FEDERATION (9): defined but never sent (§3); no body. */
type UnusedType = typeof MessageType.Ping | typeof MessageType.Deregister | typeof MessageType.Federation;
export interface UnusedTypeMessage<T extends UnusedType = UnusedType> extends MessageCommon {
  type: T;
}

export type Message =
  | RegisterMessage
  | PacketMessage
  | RegisterAckMessage
  | RegisterSuperMessage
  | UnregisterSuperMessage
  | RegisterSuperAckMessage
  | RegisterSuperNakMessage
  | PeerInfoMessage
  | QueryPeerMessage
  | ReRegisterSuperMessage
  | UnusedTypeMessage<typeof MessageType.Ping>
  | UnusedTypeMessage<typeof MessageType.Deregister>
  | UnusedTypeMessage<typeof MessageType.Federation>;

/** §4: bytes after the last field are ignored (user/password appends a 16-byte hash, §7.3). */
export type DecodedMessage = Message & { trailingBytes: number };

/**
 * Every message but PACKET. The daemons read a PACKET as a PacketHeaderView (packet-view.ts) and
 * write one with encodePacketHeaderInto; PacketMessage is the codec's reference form (vectors, tests).
 */
export type ControlMessage = Exclude<Message, PacketMessage>;

/** A message that is only the common header; bytes after it count as trailing. */
function headerOnlyCodec<M extends ReRegisterSuperMessage | UnusedTypeMessage>(type: M['type']): MessageBodyCodec<M> {
  return {
    bodyLength: () => 0,
    socketFlag: () => false,
    encodeBody: () => 0,
    decodeBody: (_reader, header) => ({ ttl: header.common.ttl, fromSupernode: header.common.fromSupernode, communityField: header.common.communityField, type }) as M,
  };
}

type BodyCodecs = { [T in Message['type']]: MessageBodyCodec<Extract<Message, { type: T }>> };

const bodyCodecs: BodyCodecs = {
  [MessageType.Register]: registerCodec,
  [MessageType.Packet]: packetCodec,
  [MessageType.RegisterAck]: registerAckCodec,
  [MessageType.RegisterSuper]: registerSuperCodec,
  [MessageType.UnregisterSuper]: unregisterSuperCodec,
  [MessageType.RegisterSuperAck]: registerSuperAckCodec,
  [MessageType.RegisterSuperNak]: registerSuperNakCodec,
  [MessageType.PeerInfo]: peerInfoCodec,
  [MessageType.QueryPeer]: queryPeerCodec,
  [MessageType.ReRegisterSuper]: headerOnlyCodec<ReRegisterSuperMessage>(MessageType.ReRegisterSuper),
  [MessageType.Ping]: headerOnlyCodec<UnusedTypeMessage<typeof MessageType.Ping>>(MessageType.Ping),
  [MessageType.Deregister]: headerOnlyCodec<UnusedTypeMessage<typeof MessageType.Deregister>>(MessageType.Deregister),
  [MessageType.Federation]: headerOnlyCodec<UnusedTypeMessage<typeof MessageType.Federation>>(MessageType.Federation),
};

function bodyCodecOf<M extends Message>(msg: M): MessageBodyCodec<M> {
  // The mapped table pairs every type with the codec of that message; TypeScript cannot correlate
  // msg.type with M through the index, hence the cast.
  return bodyCodecs[msg.type] as unknown as MessageBodyCodec<M>;
}

/**
 * Decodes one UDP datagram or TCP frame body. Never throws. A PACKET's payload is a view of buf.
 */
export function decodeMessage(buf: Uint8Array): Result<DecodedMessage, DecodeError> {
  const header = headerCodec.decode(buf, 0);
  if (!header.ok) return header;
  const { type } = header.value.value;
  const reader = new Reader(buf, HEADER_SIZE);
  const message = bodyCodecs[type].decodeBody(reader, header.value.value) as DecodedMessage;
  if (reader.error !== undefined) return reader.error;
  message.trailingBytes = reader.remaining;
  return ok(message);
}

/** What a daemon receives: a PACKET as the reused view (the data plane), anything else decoded. */
export type ReceivedMessage = PacketHeaderView | Exclude<DecodedMessage, PacketMessage>;

// readPacketHeader's view is one reused object: so is its result here (no allocation per PACKET).
let packetResult: Ok<PacketHeaderView> | undefined;

/** A PACKET through readPacketHeader, anything else through decodeMessage. Never throws. */
export function decodeReceived(buf: Uint8Array): Result<ReceivedMessage, DecodeError> {
  const packet = readPacketHeader(buf);
  if (packet !== undefined) {
    if (!packet.ok) return packet;
    if (packetResult?.value !== packet) packetResult = ok(packet);
    return packetResult;
  }
  // readPacketHeader took every datagram whose type bits say PACKET, so this is a control message.
  return decodeMessage(buf) as Result<Exclude<DecodedMessage, PacketMessage>, DecodeError>;
}

export function messageEncodingLength(msg: Message): number {
  return HEADER_SIZE + bodyCodecOf(msg).bodyLength(msg);
}

/** Writes msg at offset and returns the number of bytes written. Throws RangeError on invalid fields or lack of room. */
export function encodeMessageInto(msg: Message, buf: Uint8Array, offset: number): number {
  const codec = bodyCodecOf(msg);
  assertRoom(buf, offset, HEADER_SIZE + codec.bodyLength(msg));
  const headerLength = encodeHeaderInto(buf, offset, msg, msg.type, codec.socketFlag(msg));
  return headerLength + codec.encodeBody(msg, buf, offset + headerLength);
}

export function encodeMessage(msg: Message): Uint8Array {
  const buf = new Uint8Array(messageEncodingLength(msg));
  encodeMessageInto(msg, buf, 0);
  return buf;
}

