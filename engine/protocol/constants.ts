// Wire constants of the n3n / n2n v3 protocol (PROTOCOL.md §1–§4). Transform ids live with the
// payload transforms in engine/crypto/transform.ts.

/** PROTOCOL.md §2.1: the only version a receiver accepts. */
export const PROTOCOL_VERSION = 3;

/** PROTOCOL.md §2.1.2: ttl of every message a node originates. */
export const DEFAULT_TTL = 2;

/** PROTOCOL.md §1.1 (the config schema's default, browser-safe in shared/). */
export { DEFAULT_SUPERNODE_PORT } from '../../shared/config/schema.js';
export const LOCAL_DISCOVERY_PORT = 1968;
export const MAX_DATAGRAM_SIZE = 2048;

/** PROTOCOL.md §3. */
export const MessageType = {
  Ping: 0,
  Register: 1,
  Deregister: 2,
  Packet: 3,
  RegisterAck: 4,
  RegisterSuper: 5,
  UnregisterSuper: 6,
  RegisterSuperAck: 7,
  RegisterSuperNak: 8,
  Federation: 9,
  PeerInfo: 10,
  QueryPeer: 11,
  ReRegisterSuper: 12,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const MAX_MESSAGE_TYPE = MessageType.ReRegisterSuper;

/** PROTOCOL.md §2.1: bits of the flags_and_type word. */
export const TYPE_MASK = 0x001f;
export const Flag = {
  FromSupernode: 0x0020,
  Socket: 0x0040,
} as const;

/** PROTOCOL.md §4.1.1: REGISTER cookies; higher values rank better paths. */
export const RegisterCookie = {
  None: 0x00000000,
  Forwarded: 0x00001000,
  Port: 0x00004000,
  Regular: 0x00010000,
  Multicast: 0x00400000,
  Local: 0x01000000,
} as const;

/** PROTOCOL.md §2.5. */
export const AuthScheme = {
  None: 0,
  SimpleId: 1,
  UserPassword: 2,
} as const;
export const MAX_AUTH_TOKEN_SIZE = 48;

/** PROTOCOL.md §5.2. */
export const CompressionId = {
  Invalid: 0,
  None: 1,
  Lzo: 2,
  Zstd: 3,
} as const;

/** PROTOCOL.md §4.7: the reference always announces this registration lifetime (seconds). */
export const REGISTER_SUPER_ACK_LIFETIME = 15;

/** PROTOCOL.md §1.3 and §2: field sizes. */
export const HEADER_SIZE = 24;
export const MAC_SIZE = 6;
export const COMMUNITY_FIELD_SIZE = 20;
export const COMMUNITY_NAME_MAX_LENGTH = 19;
export const DESCRIPTION_SIZE = 16;
export const VERSION_STRING_SIZE = 20;
export const IP_SUBNET_SIZE = 5;
export const SOCKET_SIZE_IPV4 = 8;
export const SOCKET_SIZE_IPV6 = 20;
export const SUPERNODE_ENTRY_SIZE = 26;
/** PROTOCOL.md §4.7: the reference's fixed supernode-list buffer (44 entries). */
export const MAX_SUPERNODE_LIST_BYTES = 1166;
/** PROTOCOL.md §4.3: PACKET header without socket. */
export const PACKET_HEADER_SIZE = 38;

/** PROTOCOL.md §2.3: sock_flags bits. */
export const SocketFlag = {
  Ipv6: 0x8000,
  Tcp: 0x4000,
} as const;

/** PROTOCOL.md §2.6: address families accepted in supernode-list entries. */
export const SUPERNODE_FAMILY_IPV4 = 2;
export const SUPERNODE_FAMILY_IPV6 = 10;
/** AF_INET6 as numbered by the sender's operating system (Linux, Windows, Open/NetBSD, Solaris, FreeBSD, macOS). */
export const SUPERNODE_FAMILIES_IPV6: ReadonlySet<number> = new Set([10, 23, 24, 26, 28, 30]);

/** PROTOCOL.md §1.2: largest announced TCP frame each side accepts. */
export const TCP_MAX_FRAME_SUPERNODE = 2046;
export const TCP_MAX_FRAME_EDGE = 2050;
export const TCP_LENGTH_PREFIX_SIZE = 2;
