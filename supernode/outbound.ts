// Everything the supernode sends goes through here: encode, put in the envelope
// (engine/protocol/envelope.ts) with the community's pair and a fresh stamp from the process's
// single generator, hand to the transport. Relayed PACKETs are built in one reused buffer (the
// transports copy what they send); control messages get their own.
import { encodeMessageInto, encodePacketHeaderInto, MAX_DATAGRAM_SIZE, messageEncodingLength, packetHeaderLength, SOCKET_SIZE_IPV6 } from '../engine/protocol/index.js';
import type { ControlMessage, PacketHeader, PacketHeaderView, Socket } from '../engine/protocol/index.js';
import { keyKindFor, sealMessage, sealPacket } from '../engine/protocol/envelope.js';
import type { Trailer } from '../engine/protocol/envelope.js';
import type { TimeStampGenerator } from '../engine/crypto/timestamp.js';
import { AUTH_TRAILER_SIZE } from '../engine/crypto/user-password.js';
import type { Community } from './community.js';
import type { Route } from './route.js';

export interface Sender {
  /** Must not keep bytes past the call (relayed PACKETs reuse their buffer). */
  send(route: Route, bytes: Uint8Array): void;
  /** Transport.rememberAnswer: the socket answers repeats of request with answer for validMs. */
  rememberAnswer(route: Route, request: Uint8Array, answer: Uint8Array, validMs: number): void;
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
  /** Relayed PACKETs are built here: valid until the next relayPacket or resealPacket. */
  // A received PACKET is at most MAX_DATAGRAM_SIZE; the sender's socket adds at most an IPv6 one.
  private readonly relayBytes = new Uint8Array(MAX_DATAGRAM_SIZE + SOCKET_SIZE_IPV6);

  constructor(
    private readonly sender: Sender,
    private readonly stamps: TimeStampGenerator,
  ) {}

  /** Encodes message for community (undefined: a community-less PONG) and seals it. */
  seal(message: ControlMessage, community: Community | undefined, trailer: Trailer = undefined): Uint8Array {
    const length = messageEncodingLength(message);
    const bytes = new Uint8Array(length + (trailer === undefined ? 0 : AUTH_TRAILER_SIZE));
    encodeMessageInto(message, bytes, 0);
    return this.sealMessage(bytes, length, message, community, trailer);
  }

  /** A copy of received plaintext forwarded unchanged, re-encrypted when needed (§6.5). */
  resealReceived(plain: Uint8Array, message: ControlMessage, community: Community): Uint8Array {
    return this.sealMessage(Uint8Array.from(plain), plain.length, message, community, undefined);
  }

  /**
   * §9.3.3: a PACKET from an edge, re-encoded from its view with ttl − 1, FROM_SUPERNODE and the
   * sender's public socket. The bytes are valid until the next relayPacket or resealPacket.
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
    const bytes = this.relayBytes.subarray(0, length);
    encodePacketHeaderInto(bytes, 0, header);
    bytes.set(plain.subarray(packet.payloadOffset, packet.payloadOffset + packet.payloadLength), headerLength);
    header.communityField = header.srcMac = header.dstMac = EMPTY;
    header.socket = undefined;
    return this.sealPacket(bytes, headerLength, community);
  }

  /** resealReceived for a PACKET read through the fast path (the same reused buffer as relayPacket). */
  resealPacket(plain: Uint8Array, packet: PacketHeaderView, community: Community): Uint8Array {
    const bytes = this.relayBytes.subarray(0, plain.length);
    bytes.set(plain);
    return this.sealPacket(bytes, packetHeaderLength(packet), community);
  }

  send(route: Route, bytes: Uint8Array): void {
    this.sender.send(route, bytes);
  }

  /**
   * For validMs, a clear-text REGISTER_SUPER from route equal to request but for its cookie gets
   * answer (with its cookie) straight from the socket; the supernode still handles it (answered).
   */
  rememberAnswer(route: Route, request: Uint8Array, answer: Uint8Array, validMs: number): void {
    this.sender.rememberAnswer(route, request, answer, validMs);
  }


  private sealMessage(bytes: Uint8Array, length: number, message: ControlMessage, community: Community | undefined, trailer: Trailer): Uint8Array {
    const keys = community?.encrypted === true ? community.keys(keyKindFor(message.type)) : undefined;
    if (keys === undefined) return bytes.subarray(0, length);
    return bytes.subarray(0, sealMessage(bytes, length, keys, this.stamps.next(), trailer));
  }

  private sealPacket(bytes: Uint8Array, headerLength: number, community: Community): Uint8Array {
    const keys = community.encrypted ? community.keys('dynamic') : undefined;
    if (keys !== undefined) sealPacket(bytes, bytes.length, headerLength, keys, this.stamps.next(), community.hasUsers);
    return bytes;
  }
}
