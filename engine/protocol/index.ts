// Public API of the n3n v3 wire codec.
export * from './constants.js';
export type { Codec, Decoded, DecodeError } from './codec.js';
export { NULL_MAC, BROADCAST_MAC, macCodec, macEquals, isNullMac, isBroadcastMac, isMultiBroadcast, macToString, macKey, macFromKey, parseMac } from './mac.js';
export type { Mac } from './mac.js';
export { communityFieldCodec, communityFieldFromName, communityName, communityFieldEquals } from './community.js';
export { descriptionCodec, versionStringCodec } from './fixed-string.js';
export { NO_IP_SUBNET, ipSubnetCodec } from './ip-subnet.js';
export type { IpSubnet } from './ip-subnet.js';
export { socketCodec, socketEquals, isLoopback, socketFromAddress, socketFromAddressBytes, socketToString } from './sock.js';
export type { Socket, SocketFamily } from './sock.js';
export { NO_AUTH, authCodec } from './auth.js';
export type { Auth } from './auth.js';
export { supernodeEntryCodec, supernodeListCodec } from './supernode-entry.js';
export type { SupernodeEntry } from './supernode-entry.js';
export { headerCodec } from './header.js';
export type { Header, MessageCommon } from './header.js';
export { encodePacketHeaderInto, packetHeaderLength } from './packet.js';
export type { PacketHeader, PacketMessage } from './packet.js';
export { readPacketHeader } from './packet-view.js';
export type { PacketHeaderView } from './packet-view.js';
export type { RegisterMessage, RegisterAckMessage } from './register.js';
export type {
  RegisterSuperMessage,
  UnregisterSuperMessage,
  RegisterSuperAckMessage,
  RegisterSuperNakMessage,
} from './register-super.js';
export type { QueryPeerMessage, PeerInfoMessage } from './peer.js';
export { decodeMessage, decodeReceived, encodeMessage, encodeMessageInto, messageEncodingLength } from './message.js';
export type { ControlMessage, Message, DecodedMessage, ReceivedMessage, ReRegisterSuperMessage, UnusedTypeMessage } from './message.js';
export { TcpDeframer, frameMessage } from './tcp-framing.js';
export type { DeframeError } from './tcp-framing.js';
