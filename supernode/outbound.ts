// Everything the supernode sends goes through here (PROTOCOL.md §6.1, §6.2, §7.3.3; CRYPTO.md §4.8):
// encode, header-encrypt with the community's static or dynamic pair and a fresh stamp from the
// process's single generator, append the user/password trailer, hand to the transport. Every send
// gets its own buffer because the transport may still hold the previous one.
import { encodeMessageInto, encodePacketHeaderInto, messageEncodingLength, MessageType, packetHeaderLength } from '../engine/protocol/index.js';
import type { ControlMessage, Message, PacketHeader, PacketHeaderView, Socket } from '../engine/protocol/index.js';
import { encryptHeader } from '../engine/crypto/header-encryption.js';
import type { TimeStampGenerator } from '../engine/crypto/timestamp.js';
import type { SpeckKeySchedule } from '../engine/crypto/speck.js';
import { appendAuthTrailer, AUTH_TRAILER_SIZE } from '../engine/crypto/user-password.js';
import type { Community, KeyKind } from './community.js';
import type { Route } from './route.js';

/**
 * What follows the header-encrypted datagram in a user/password community (§7.3.3): the user's
 * hash for REGISTER_SUPER and its ACK, 16 zero bytes after a NAK (n3n sends stale buffer contents;
 * edges do not check them).
 */
export type Trailer = SpeckKeySchedule | 'zeros' | undefined;

export interface Sender {
  send(route: Route, bytes: Uint8Array): void;
}

/** §6.1: REGISTER_SUPER, its ACK and NAK use the static pair; everything else the dynamic one. */
export function keyKindFor(type: Message['type']): KeyKind {
  return type === MessageType.RegisterSuper || type === MessageType.RegisterSuperAck || type === MessageType.RegisterSuperNak
    ? 'static'
    : 'dynamic';
}

/** §6.2: the whole datagram, except a PACKET: its header plus, with users, up to 16 payload bytes. */
function encryptedLength(type: Message['type'], packetHeader: number, community: Community, length: number): number {
  if (type !== MessageType.Packet) return length;
  return community.hasUsers ? Math.min(length, packetHeader + 16) : packetHeader;
}

const EMPTY = new Uint8Array(0);

export class Outbound {
  /** relayPacket's fields, reused (encodePacketHeaderInto does not keep them). */
  private readonly relayHeader: PacketHeader = {
    ttl: 0,
    fromSupernode: true,
    communityField: EMPTY,
    srcMac: EMPTY,
    dstMac: EMPTY,
    socket: undefined,
    compression: 0,
    transform: 0,
  };

  constructor(
    private readonly sender: Sender,
    private readonly stamps: TimeStampGenerator,
  ) {}

  /** Encodes message for community (undefined: a community-less PONG) and seals it. */
  seal(message: ControlMessage, community: Community | undefined, trailer: Trailer = undefined): Uint8Array {
    const length = messageEncodingLength(message);
    const bytes = new Uint8Array(length + (trailer === undefined ? 0 : AUTH_TRAILER_SIZE));
    encodeMessageInto(message, bytes, 0);
    return this.encrypt(bytes, length, message.type, 0, community, trailer);
  }

  /** A copy of received plaintext forwarded unchanged, re-encrypted when needed (§6.5). */
  resealReceived(plain: Uint8Array, message: ControlMessage, community: Community): Uint8Array {
    const bytes = Uint8Array.from(plain);
    return this.encrypt(bytes, bytes.length, message.type, 0, community, undefined);
  }

  /**
   * §9.3.3: a PACKET from an edge, re-encoded from its view with ttl − 1, FROM_SUPERNODE and the
   * sender's public socket.
   */
  relayPacket(plain: Uint8Array, packet: PacketHeaderView, sender: Socket, community: Community): Uint8Array {
    const header = this.relayHeader;
    header.ttl = packet.ttl - 1;
    header.communityField = packet.communityField;
    header.srcMac = packet.srcMac;
    header.dstMac = packet.dstMac;
    header.socket = sender;
    header.compression = packet.compression;
    header.transform = packet.transform;
    const headerLength = packetHeaderLength(header);
    const length = headerLength + packet.payloadLength;
    const bytes = new Uint8Array(length);
    encodePacketHeaderInto(bytes, 0, header);
    bytes.set(plain.subarray(packet.payloadOffset, packet.payloadOffset + packet.payloadLength), headerLength);
    header.communityField = header.srcMac = header.dstMac = EMPTY;
    header.socket = undefined;
    return this.encrypt(bytes, length, MessageType.Packet, headerLength, community, undefined);
  }

  /** resealReceived for a PACKET read through the fast path. */
  resealPacket(plain: Uint8Array, packet: PacketHeaderView, community: Community): Uint8Array {
    const bytes = Uint8Array.from(plain);
    return this.encrypt(bytes, bytes.length, MessageType.Packet, packetHeaderLength(packet), community, undefined);
  }

  send(route: Route, bytes: Uint8Array): void {
    this.sender.send(route, bytes);
  }

  private encrypt(
    bytes: Uint8Array,
    length: number,
    type: Message['type'],
    packetHeader: number,
    community: Community | undefined,
    trailer: Trailer,
  ): Uint8Array {
    const keys = community?.encrypted === true ? community.keys(keyKindFor(type)) : undefined;
    if (community === undefined || keys === undefined) return bytes.subarray(0, length);
    encryptHeader(bytes, length, encryptedLength(type, packetHeader, community, length), this.stamps.next(), keys);
    if (trailer !== undefined && trailer !== 'zeros') appendAuthTrailer(trailer, bytes, length);
    return bytes;
  }
}
