// PACKET fast path (PROTOCOL.md §2.1, §4.3) for receivers that need the fields, not a message object:
// reads them into one reused object with views of the input instead of copies. Accepts and rejects
// exactly what decodeMessage does for a PACKET, with the same errors; everything else is left to it.
import { err } from '../../shared/result.js';
import type { Err } from '../../shared/result.js';
import { TRUNCATED, readU16 } from './codec.js';
import type { DecodeError } from './codec.js';
import { COMMUNITY_FIELD_SIZE, Flag, HEADER_SIZE, MAC_SIZE, MessageType, PROTOCOL_VERSION, TYPE_MASK } from './constants.js';
import { socketCodec } from './sock.js';
import type { Socket } from './sock.js';

/**
 * The fields of one PACKET. The object is reused by the next readPacketHeader call and its byte
 * fields are views of the input: use it synchronously and copy what you keep.
 */
export interface PacketHeaderView {
  readonly ok: true;
  readonly type: typeof MessageType.Packet;
  ttl: number;
  fromSupernode: boolean;
  /** View of the 20-byte community field. */
  communityField: Uint8Array;
  /** Views of the input. */
  srcMac: Uint8Array;
  dstMac: Uint8Array;
  /** Present when the SOCKET flag is set (inserted by a supernode). */
  socket: Socket | undefined;
  compression: number;
  transform: number;
  /** The payload is input[payloadOffset, payloadOffset + payloadLength): the rest of the input. */
  payloadOffset: number;
  payloadLength: number;
}

const EMPTY = new Uint8Array(0);

const view: PacketHeaderView = {
  ok: true,
  type: MessageType.Packet,
  ttl: 0,
  fromSupernode: false,
  communityField: EMPTY,
  srcMac: EMPTY,
  dstMac: EMPTY,
  socket: undefined,
  compression: 0,
  transform: 0,
  payloadOffset: 0,
  payloadLength: 0,
};

/**
 * undefined if buf is not a PACKET by its type bits (or too short to have them): decode it with
 * decodeMessage. Otherwise the reused view, or the error decodeMessage(buf) would return. Never throws.
 */
export function readPacketHeader(buf: Uint8Array): PacketHeaderView | Err<DecodeError> | undefined {
  if (buf.length < 4) return undefined;
  const flagsAndType = readU16(buf, 2);
  if ((flagsAndType & TYPE_MASK) !== MessageType.Packet) return undefined;
  if (buf.length < HEADER_SIZE) return TRUNCATED;
  if (buf[0] !== PROTOCOL_VERSION) return err('bad-version', `version ${buf[0]}`);
  if (buf[4] === 0) return err('bad-community', 'empty name');
  if (buf[4 + COMMUNITY_FIELD_SIZE - 1] !== 0) return err('bad-community', 'not NUL terminated');
  let at = HEADER_SIZE;
  if (buf.length < at + 2 * MAC_SIZE) return TRUNCATED;
  let socket: Socket | undefined;
  if ((flagsAndType & Flag.Socket) !== 0) {
    const decoded = socketCodec.decode(buf, at + 2 * MAC_SIZE);
    if (!decoded.ok) return decoded;
    socket = decoded.value.value;
    at += decoded.value.bytes;
  }
  if (buf.length < at + 2 * MAC_SIZE + 2) return TRUNCATED;
  view.ttl = buf[1]!;
  view.fromSupernode = (flagsAndType & Flag.FromSupernode) !== 0;
  view.communityField = buf.subarray(4, 4 + COMMUNITY_FIELD_SIZE);
  view.srcMac = buf.subarray(HEADER_SIZE, HEADER_SIZE + MAC_SIZE);
  view.dstMac = buf.subarray(HEADER_SIZE + MAC_SIZE, HEADER_SIZE + 2 * MAC_SIZE);
  view.socket = socket;
  at += 2 * MAC_SIZE;
  view.compression = buf[at]!;
  view.transform = buf[at + 1]!;
  view.payloadOffset = at + 2;
  view.payloadLength = buf.length - at - 2;
  return view;
}
