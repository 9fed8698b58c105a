// Edge ↔ supernode registration: REGISTER_SUPER (type 5, PROTOCOL.md §4.4), UNREGISTER_SUPER
// (type 6, §4.5), REGISTER_SUPER_ACK (type 7, §4.7) and REGISTER_SUPER_NAK (type 8, §4.6).
import { authCodec, NO_AUTH } from './auth.js';
import type { Auth } from './auth.js';
import { writeU16, writeU32 } from './codec.js';
import { DESCRIPTION_SIZE, IP_SUBNET_SIZE, MAC_SIZE, MessageType } from './constants.js';
import { descriptionCodec } from './fixed-string.js';
import type { MessageCommon } from './header.js';
import { NO_IP_SUBNET, ipSubnetCodec } from './ip-subnet.js';
import type { IpSubnet } from './ip-subnet.js';
import { NULL_MAC, macCodec } from './mac.js';
import type { Mac } from './mac.js';
import { socketCodec } from './sock.js';
import type { Socket } from './sock.js';
import { supernodeListCodec } from './supernode-entry.js';
import type { SupernodeEntry } from './supernode-entry.js';
import { optionalSocketLength, readOptionalSocket, readSocket, writeOptionalSocket } from './message-body.js';
import type { MessageBodyCodec } from './message-body.js';

export interface RegisterSuperMessage extends MessageCommon {
  type: typeof MessageType.RegisterSuper;
  /** Random per transmission; echoed in ACK/NAK. */
  cookie: number;
  /** Null during edge bootstrap (§8.2); the supernode's MAC between supernodes. */
  edgeMac: Mac;
  /** Edge: its advertised LAN socket. Supernode forwarding an edge's registration: its public socket. */
  socket?: Socket | undefined;
  /** '0.0.0.0' asks the supernode to assign an address. */
  devAddr: IpSubnet;
  /** User name in user/password communities. Garbage in supernode-to-supernode messages (§12.5). */
  description: string;
  auth: Auth;
  /** Federation key time between supernodes (§9.8.4); edges send 0. */
  keyTime: number;
}

export interface UnregisterSuperMessage extends MessageCommon {
  type: typeof MessageType.UnregisterSuper;
  auth: Auth;
  /** The edge leaving. */
  srcMac: Mac;
}

export interface RegisterSuperAckMessage extends MessageCommon {
  type: typeof MessageType.RegisterSuperAck;
  cookie: number;
  /** The answering supernode. */
  srcMac: Mac;
  /** Assigned address, or 0.0.0.0/0. */
  devAddr: IpSubnet;
  /** Seconds; the reference always sends REGISTER_SUPER_ACK_LIFETIME and edges ignore it. */
  lifetime: number;
  /** §4.7: always present, whatever the SOCKET flag says: the registering node's public socket. */
  socket: Socket;
  auth: Auth;
  /** Other supernodes of the federation (entries with unknown address families are dropped, §2.6). */
  supernodes: SupernodeEntry[];
  keyTime: number;
}

export interface RegisterSuperNakMessage extends MessageCommon {
  type: typeof MessageType.RegisterSuperNak;
  cookie: number;
  /** The edge MAC of the rejected REGISTER_SUPER. */
  srcMac: Mac;
  /** Not meaningful (§4.6); send NO_AUTH. */
  auth: Auth;
}

export const registerSuperCodec: MessageBodyCodec<RegisterSuperMessage> = {
  bodyLength: (msg) =>
    4 + MAC_SIZE + optionalSocketLength(msg.socket) + IP_SUBNET_SIZE + DESCRIPTION_SIZE + authCodec.encodingLength(msg.auth) + 4,
  socketFlag: (msg) => msg.socket !== undefined,
  encodeBody(msg, buf, offset) {
    let at = offset;
    at += writeU32(buf, at, msg.cookie);
    at += macCodec.encode(msg.edgeMac, buf, at);
    at += writeOptionalSocket(msg.socket, buf, at);
    at += ipSubnetCodec.encode(msg.devAddr, buf, at);
    at += descriptionCodec.encode(msg.description, buf, at);
    at += authCodec.encode(msg.auth, buf, at);
    at += writeU32(buf, at, msg.keyTime);
    return at - offset;
  },
  decodeBody: (reader, header) => ({
    ttl: header.common.ttl,
    fromSupernode: header.common.fromSupernode,
    communityField: header.common.communityField,
    type: MessageType.RegisterSuper,
    cookie: reader.u32(),
    edgeMac: reader.field(macCodec, NULL_MAC),
    socket: readOptionalSocket(reader, header.socketFlag),
    devAddr: reader.field(ipSubnetCodec, NO_IP_SUBNET),
    description: reader.field(descriptionCodec, ''),
    auth: reader.field(authCodec, NO_AUTH),
    keyTime: reader.u32(),
  }),
};

export const unregisterSuperCodec: MessageBodyCodec<UnregisterSuperMessage> = {
  bodyLength: (msg) => authCodec.encodingLength(msg.auth) + MAC_SIZE,
  socketFlag: () => false,
  encodeBody(msg, buf, offset) {
    let at = offset;
    at += authCodec.encode(msg.auth, buf, at);
    at += macCodec.encode(msg.srcMac, buf, at);
    return at - offset;
  },
  decodeBody: (reader, header) => ({
    ttl: header.common.ttl,
    fromSupernode: header.common.fromSupernode,
    communityField: header.common.communityField,
    type: MessageType.UnregisterSuper,
    auth: reader.field(authCodec, NO_AUTH),
    srcMac: reader.field(macCodec, NULL_MAC),
  }),
};

export const registerSuperAckCodec: MessageBodyCodec<RegisterSuperAckMessage> = {
  bodyLength: (msg) =>
    4 +
    MAC_SIZE +
    IP_SUBNET_SIZE +
    2 +
    socketCodec.encodingLength(msg.socket) +
    authCodec.encodingLength(msg.auth) +
    supernodeListCodec.encodingLength(msg.supernodes) +
    4,
  // §4.7: the reference always sets SOCKET on ACKs.
  socketFlag: () => true,
  encodeBody(msg, buf, offset) {
    let at = offset;
    at += writeU32(buf, at, msg.cookie);
    at += macCodec.encode(msg.srcMac, buf, at);
    at += ipSubnetCodec.encode(msg.devAddr, buf, at);
    at += writeU16(buf, at, msg.lifetime);
    at += socketCodec.encode(msg.socket, buf, at);
    at += authCodec.encode(msg.auth, buf, at);
    at += supernodeListCodec.encode(msg.supernodes, buf, at);
    at += writeU32(buf, at, msg.keyTime);
    return at - offset;
  },
  decodeBody: (reader, header) => ({
    ttl: header.common.ttl,
    fromSupernode: header.common.fromSupernode,
    communityField: header.common.communityField,
    type: MessageType.RegisterSuperAck,
    cookie: reader.u32(),
    srcMac: reader.field(macCodec, NULL_MAC),
    devAddr: reader.field(ipSubnetCodec, NO_IP_SUBNET),
    lifetime: reader.u16(),
    socket: readSocket(reader),
    auth: reader.field(authCodec, NO_AUTH),
    supernodes: reader.field(supernodeListCodec, []),
    keyTime: reader.u32(),
  }),
};

export const registerSuperNakCodec: MessageBodyCodec<RegisterSuperNakMessage> = {
  bodyLength: (msg) => 4 + MAC_SIZE + authCodec.encodingLength(msg.auth),
  // §4.6: the reference sets SOCKET on NAKs but never includes a socket; reproduce the flag.
  socketFlag: () => true,
  encodeBody(msg, buf, offset) {
    let at = offset;
    at += writeU32(buf, at, msg.cookie);
    at += macCodec.encode(msg.srcMac, buf, at);
    at += authCodec.encode(msg.auth, buf, at);
    return at - offset;
  },
  decodeBody: (reader, header) => ({
    ttl: header.common.ttl,
    fromSupernode: header.common.fromSupernode,
    communityField: header.common.communityField,
    type: MessageType.RegisterSuperNak,
    cookie: reader.u32(),
    srcMac: reader.field(macCodec, NULL_MAC),
    auth: reader.field(authCodec, NO_AUTH),
  }),
};
