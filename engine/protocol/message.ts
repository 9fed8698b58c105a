// The message union and the top-level codec (PROTOCOL.md §3, §4): header, then the body layout
// chosen by the message type.
import { err, ok } from '../result.js';
import type { Result } from '../result.js';
import { Reader, assertRoom } from './codec.js';
import type { DecodeError } from './codec.js';
import { HEADER_SIZE, MESSAGE_TYPE_NAMES, MessageType } from './constants.js';
import { encodeHeaderInto, headerCodec } from './header.js';
import type { MessageCommon } from './header.js';
import type { MessageBodyCodec } from './messages/body.js';
import { packetCodec } from './messages/packet.js';
import type { PacketMessage } from './messages/packet.js';
import { peerInfoCodec, queryPeerCodec } from './messages/peer.js';
import type { PeerInfoMessage, QueryPeerMessage } from './messages/peer.js';
import {
  registerSuperAckCodec,
  registerSuperCodec,
  registerSuperNakCodec,
  unregisterSuperCodec,
} from './messages/register-super.js';
import type {
  RegisterSuperAckMessage,
  RegisterSuperMessage,
  RegisterSuperNakMessage,
  UnregisterSuperMessage,
} from './messages/register-super.js';
import { registerAckCodec, registerCodec } from './messages/register.js';
import type { RegisterAckMessage, RegisterMessage } from './messages/register.js';

/** RE_REGISTER_SUPER (type 12, §4.10): header only. */
export interface ReRegisterSuperMessage extends MessageCommon {
  type: typeof MessageType.ReRegisterSuper;
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
  | ReRegisterSuperMessage;

/** §4: bytes after the last field are ignored (user/password appends a 16-byte hash, §7.3). */
export type DecodedMessage = Message & { trailingBytes: number };

const reRegisterSuperCodec: MessageBodyCodec<ReRegisterSuperMessage> = {
  bodyLength: () => 0,
  socketFlag: () => false,
  encodeBody: () => 0,
  decodeBody: (_reader, header) => ({ ...header.common, type: MessageType.ReRegisterSuper }),
};

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
  [MessageType.ReRegisterSuper]: reRegisterSuperCodec,
};

function bodyCodecOf<M extends Message>(msg: M): MessageBodyCodec<M> {
  // The mapped table pairs every type with the codec of that message; TypeScript cannot correlate
  // msg.type with M through the index, hence the cast.
  return bodyCodecs[msg.type] as unknown as MessageBodyCodec<M>;
}

function isSupportedType(type: MessageType): type is Message['type'] {
  return type in bodyCodecs;
}

/**
 * Decodes one UDP datagram or TCP frame body. Never throws. A PACKET's payload is a view of buf.
 * PING, DEREGISTER and FEDERATION are never sent and yield 'unsupported-type'.
 */
export function decodeMessage(buf: Uint8Array): Result<DecodedMessage, DecodeError> {
  const header = headerCodec.decode(buf, 0);
  if (!header.ok) return header;
  const { type } = header.value.value;
  if (!isSupportedType(type)) return err('unsupported-type', MESSAGE_TYPE_NAMES[type]);
  const reader = new Reader(buf, HEADER_SIZE);
  const message = bodyCodecs[type].decodeBody(reader, header.value.value);
  if (reader.error !== undefined) return reader.error;
  return ok(Object.assign(message, { trailingBytes: reader.remaining }));
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

