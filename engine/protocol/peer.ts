// Peer lookup: QUERY_PEER (type 11, PROTOCOL.md §4.8; null target = PING) and PEER_INFO
// (type 10, §4.9; null mac = PONG).
import { writeU16, writeU32 } from './codec.js';
import { MAC_SIZE, MessageType, VERSION_STRING_SIZE } from './constants.js';
import { versionStringCodec } from './fixed-string.js';
import type { MessageCommon } from './header.js';
import { NULL_MAC, macCodec } from './mac.js';
import type { Mac } from './mac.js';
import { socketCodec } from './sock.js';
import type { Socket } from './sock.js';
import { optionalSocketLength, readOptionalSocket, readSocket, writeOptionalSocket } from './message-body.js';
import type { MessageBodyCodec } from './message-body.js';

export interface QueryPeerMessage extends MessageCommon {
  type: typeof MessageType.QueryPeer;
  /** The asking edge. */
  srcMac: Mac;
  /** MAC being looked up; the null MAC makes this a PING. */
  targetMac: Mac;
  /** No bits defined; always 0. */
  aflags: number;
}

export interface PeerInfoMessage extends MessageCommon {
  type: typeof MessageType.PeerInfo;
  /** No bits defined; always 0. */
  aflags: number;
  /** PONG: the answering supernode. Peer answer: the edge that asked. */
  srcMac: Mac;
  /** PONG: null MAC. Peer answer: the MAC looked up. */
  targetMac: Mac;
  /** §4.9: always present. PONG: the asker's public socket. Peer answer: the target's. */
  socket: Socket;
  /** Peer answer only: the target's advertised LAN socket (SOCKET flag); §12.8: ignore port 0. */
  preferredSocket?: Socket | undefined;
  /** §4.9: 0 from the reference; byte-swap before use. Garbage in peer answers, like uptime and version. */
  load: number;
  uptime: number;
  version: string;
}

export const queryPeerCodec: MessageBodyCodec<QueryPeerMessage> = {
  bodyLength: () => 2 * MAC_SIZE + 2,
  // §4.8: never carries a socket.
  socketFlag: () => false,
  encodeBody(msg, buf, offset) {
    let at = offset;
    at += macCodec.encode(msg.srcMac, buf, at);
    at += macCodec.encode(msg.targetMac, buf, at);
    at += writeU16(buf, at, msg.aflags);
    return at - offset;
  },
  decodeBody: (reader, header) => ({
    ttl: header.common.ttl,
    fromSupernode: header.common.fromSupernode,
    communityField: header.common.communityField,
    type: MessageType.QueryPeer,
    srcMac: reader.field(macCodec, NULL_MAC),
    targetMac: reader.field(macCodec, NULL_MAC),
    aflags: reader.u16(),
  }),
};

export const peerInfoCodec: MessageBodyCodec<PeerInfoMessage> = {
  bodyLength: (msg) =>
    2 +
    2 * MAC_SIZE +
    socketCodec.encodingLength(msg.socket) +
    optionalSocketLength(msg.preferredSocket) +
    8 +
    VERSION_STRING_SIZE,
  socketFlag: (msg) => msg.preferredSocket !== undefined,
  encodeBody(msg, buf, offset) {
    let at = offset;
    at += writeU16(buf, at, msg.aflags);
    at += macCodec.encode(msg.srcMac, buf, at);
    at += macCodec.encode(msg.targetMac, buf, at);
    at += socketCodec.encode(msg.socket, buf, at);
    at += writeOptionalSocket(msg.preferredSocket, buf, at);
    at += writeU32(buf, at, msg.load);
    at += writeU32(buf, at, msg.uptime);
    at += versionStringCodec.encode(msg.version, buf, at);
    return at - offset;
  },
  decodeBody: (reader, header) => ({
    ttl: header.common.ttl,
    fromSupernode: header.common.fromSupernode,
    communityField: header.common.communityField,
    type: MessageType.PeerInfo,
    aflags: reader.u16(),
    srcMac: reader.field(macCodec, NULL_MAC),
    targetMac: reader.field(macCodec, NULL_MAC),
    socket: readSocket(reader),
    preferredSocket: readOptionalSocket(reader, header.socketFlag),
    load: reader.u32(),
    uptime: reader.u32(),
    version: reader.field(versionStringCodec, ''),
  }),
};
