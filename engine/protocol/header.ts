// Common header (PROTOCOL.md §2.1): version u8, ttl u8, flags_and_type u16, community[20].
import { err, ok } from '../../shared/result.js';
import type { Codec } from './codec.js';
import { TRUNCATED, readU16, writeU16 } from './codec.js';
import { communityFieldCodec } from './community.js';
import { Flag, HEADER_SIZE, MAX_MESSAGE_TYPE, PROTOCOL_VERSION, TYPE_MASK } from './constants.js';
import type { MessageType } from './constants.js';

/**
 * Header fields every message carries. Decoders copy them one by one into each message rather than
 * spreading them: every message of a type then has one shape, and the supernode's per-registration
 * decode stays on V8's fast path (spreading cost it a property-definition miss per message).
 */
export interface MessageCommon {
  ttl: number;
  /** §2.2: set by supernodes on everything they send, never by edges. */
  fromSupernode: boolean;
  /** The raw 20-byte community field (name + NUL padding), see community.ts. */
  communityField: Uint8Array;
}

export interface Header {
  common: MessageCommon;
  type: MessageType;
  /** §2.1: whether the optional socket is present; its meaning depends on the type (§4). */
  socketFlag: boolean;
}

/**
 * Reserved flag bits (0x0080..0x8000) are ignored on receipt and never sent (§2.1). Decoding
 * checks the version, the type range and the community field.
 */
export const headerCodec: Codec<Header> = {
  encodingLength: () => HEADER_SIZE,
  encode: (value, buf, offset) => encodeHeaderInto(buf, offset, value.common, value.type, value.socketFlag),
  decode(buf, offset) {
    if (offset + HEADER_SIZE > buf.length) return TRUNCATED;
    if (buf[offset] !== PROTOCOL_VERSION) return err('bad-version', `version ${buf[offset]}`);
    const flagsAndType = readU16(buf, offset + 2);
    const type = flagsAndType & TYPE_MASK;
    if (!isMessageType(type)) return err('unknown-type', `type ${type}`);
    const community = communityFieldCodec.decode(buf, offset + 4);
    if (!community.ok) return community;
    return ok({
      value: {
        common: {
          ttl: buf[offset + 1]!,
          fromSupernode: (flagsAndType & Flag.FromSupernode) !== 0,
          communityField: community.value.value,
        },
        type,
        socketFlag: (flagsAndType & Flag.Socket) !== 0,
      },
      bytes: HEADER_SIZE,
    });
  },
};

function isMessageType(type: number): type is MessageType {
  return type <= MAX_MESSAGE_TYPE;
}

/** Allocation-free header writer (the PACKET hot path passes its own fields object as common). */
export function encodeHeaderInto(
  buf: Uint8Array,
  offset: number,
  common: MessageCommon,
  type: MessageType,
  socketFlag: boolean,
): number {
  buf[offset] = PROTOCOL_VERSION;
  buf[offset + 1] = common.ttl;
  const flags = (common.fromSupernode ? Flag.FromSupernode : 0) | (socketFlag ? Flag.Socket : 0);
  writeU16(buf, offset + 2, type | flags);
  communityFieldCodec.encode(common.communityField, buf, offset + 4);
  return HEADER_SIZE;
}
