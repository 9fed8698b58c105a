// REGISTER (type 1, PROTOCOL.md §4.1) and REGISTER_ACK (type 4, §4.2): edge-to-edge registration.
import { writeU32 } from './codec.js';
import { DESCRIPTION_SIZE, IP_SUBNET_SIZE, MAC_SIZE, MessageType } from './constants.js';
import { descriptionCodec } from './fixed-string.js';
import type { MessageCommon } from './header.js';
import { NO_IP_SUBNET, ipSubnetCodec } from './ip-subnet.js';
import type { IpSubnet } from './ip-subnet.js';
import { NULL_MAC, macCodec } from './mac.js';
import type { Mac } from './mac.js';
import type { Socket } from './sock.js';
import { optionalSocketLength, readOptionalSocket, writeOptionalSocket } from './message-body.js';
import type { MessageBodyCodec } from './message-body.js';

export interface RegisterMessage extends MessageCommon {
  type: typeof MessageType.Register;
  /** RegisterCookie value; echoed in the REGISTER_ACK. */
  cookie: number;
  srcMac: Mac;
  /** Null MAC for multicast (LAN discovery) registrations. */
  dstMac: Mac;
  /** Inserted by a relaying supernode: the registering edge's public socket. */
  socket?: Socket | undefined;
  devAddr: IpSubnet;
  description: string;
}

export interface RegisterAckMessage extends MessageCommon {
  type: typeof MessageType.RegisterAck;
  cookie: number;
  /** §4.2: the edge whose REGISTER is acknowledged; comes FIRST on the wire. */
  dstMac: Mac;
  /** The acknowledging edge. */
  srcMac: Mac;
  /** Never set by the reference. */
  socket?: Socket | undefined;
}

export const registerCodec: MessageBodyCodec<RegisterMessage> = {
  bodyLength: (msg) => 4 + 2 * MAC_SIZE + IP_SUBNET_SIZE + DESCRIPTION_SIZE + optionalSocketLength(msg.socket),
  socketFlag: (msg) => msg.socket !== undefined,
  encodeBody(msg, buf, offset) {
    let at = offset;
    at += writeU32(buf, at, msg.cookie);
    at += macCodec.encode(msg.srcMac, buf, at);
    at += macCodec.encode(msg.dstMac, buf, at);
    at += writeOptionalSocket(msg.socket, buf, at);
    at += ipSubnetCodec.encode(msg.devAddr, buf, at);
    at += descriptionCodec.encode(msg.description, buf, at);
    return at - offset;
  },
  decodeBody: (reader, header) => ({
    ttl: header.common.ttl,
    fromSupernode: header.common.fromSupernode,
    communityField: header.common.communityField,
    type: MessageType.Register,
    cookie: reader.u32(),
    srcMac: reader.field(macCodec, NULL_MAC),
    dstMac: reader.field(macCodec, NULL_MAC),
    socket: readOptionalSocket(reader, header.socketFlag),
    devAddr: reader.field(ipSubnetCodec, NO_IP_SUBNET),
    description: reader.field(descriptionCodec, ''),
  }),
};

export const registerAckCodec: MessageBodyCodec<RegisterAckMessage> = {
  bodyLength: (msg) => 4 + 2 * MAC_SIZE + optionalSocketLength(msg.socket),
  socketFlag: (msg) => msg.socket !== undefined,
  encodeBody(msg, buf, offset) {
    let at = offset;
    at += writeU32(buf, at, msg.cookie);
    at += macCodec.encode(msg.dstMac, buf, at);
    at += macCodec.encode(msg.srcMac, buf, at);
    at += writeOptionalSocket(msg.socket, buf, at);
    return at - offset;
  },
  decodeBody: (reader, header) => ({
    ttl: header.common.ttl,
    fromSupernode: header.common.fromSupernode,
    communityField: header.common.communityField,
    type: MessageType.RegisterAck,
    cookie: reader.u32(),
    dstMac: reader.field(macCodec, NULL_MAC),
    srcMac: reader.field(macCodec, NULL_MAC),
    socket: readOptionalSocket(reader, header.socketFlag),
  }),
};
