// The inbound pipeline of PROTOCOL.md §9.2: from raw bytes (UDP datagram or TCP frame) to a
// decoded message attributed to a community and, for FROM_SUPERNODE, to a federation member.
// Every rejection is counted by reason; nothing here throws on hostile input.
import { decodeReceived, HEADER_SIZE, MAX_DATAGRAM_SIZE, MessageType } from '../engine/protocol/index.js';
import type { PacketHeaderView, ReceivedMessage, Socket } from '../engine/protocol/index.js';
import { looksLikeClearHeader } from '../engine/crypto/header-encryption.js';
import type { TimeStamp } from '../engine/crypto/timestamp.js';
import { staticKeyAllowed, unseal } from '../engine/protocol/envelope.js';
import type { KeyKind } from '../engine/protocol/envelope.js';
import type { Community } from './community.js';
import type { SupernodeContext } from './context.js';
import type { FederationMember } from './federation.js';
import type { Route } from './route.js';

export interface Decryption {
  readonly keys: KeyKind;
  readonly stamp: TimeStamp;
}

export interface InboundMessage {
  readonly fast?: false;
  readonly message: Exclude<ReceivedMessage, PacketHeaderView>;
  /** The received bytes (user/password trailers are verified over them). */
  readonly raw: Uint8Array;
  /** Plaintext of the datagram; without the trailer when the static key opened it over N − 16. */
  readonly plain: Uint8Array;
  readonly route: Route;
  /** The sender's public socket. */
  readonly sender: Socket;
  /** undefined only for a clear-text message naming a community that does not exist (yet). */
  readonly community: Community | undefined;
  readonly decryption: Decryption | undefined;
  /** The federation member that sent a FROM_SUPERNODE message (REGISTER_SUPER: if known). */
  readonly member: FederationMember | undefined;
  /** A repeated REGISTER_SUPER the UDP socket already acknowledged (Outbound.rememberAnswer). */
  readonly answered?: boolean;
}

/**
 * A PACKET read through the fast path (readPacketHeader): this record and its message view are
 * reused, valid only until the next datagram.
 */
export interface InboundPacket extends Omit<InboundMessage, 'fast' | 'message'> {
  readonly fast: true;
  readonly message: PacketHeaderView;
}

// Decrypted plaintext lands here; handlers run synchronously and copy what they keep.
const scratch = new Uint8Array(MAX_DATAGRAM_SIZE);

type Writable<T> = { -readonly [K in keyof T]: T[K] };

// What opening a datagram found (§9.2 step 2), and the fast path's record: both reused, valid
// until the next datagram like the PACKET view itself, so a relayed PACKET allocates nothing here.
const opened: Writable<Opened> = { community: undefined, plain: scratch, decryption: undefined };
let packetRecord: Writable<InboundPacket> | undefined;

function inboundPacket(message: PacketHeaderView, raw: Uint8Array, route: Route, member: FederationMember | undefined): InboundPacket {
  const { community, plain, decryption } = opened;
  if (packetRecord === undefined) {
    packetRecord = { fast: true, message, raw, plain, route, sender: route.socket, community, decryption, member };
    return packetRecord;
  }
  packetRecord.message = message;
  packetRecord.raw = raw;
  packetRecord.plain = plain;
  packetRecord.route = route;
  packetRecord.sender = route.socket;
  packetRecord.community = community;
  packetRecord.decryption = decryption;
  packetRecord.member = member;
  return packetRecord;
}

export function receive(ctx: SupernodeContext, raw: Uint8Array, route: Route, answered = false): InboundMessage | InboundPacket | undefined {
  const { stats } = ctx;
  stats.received++;
  if (raw.length < HEADER_SIZE) return void stats.drop('too-short', () => `${raw.length} bytes from ${route.socket.address}`);
  if (raw.length > MAX_DATAGRAM_SIZE) return void stats.drop('oversized', () => `${raw.length} bytes from ${route.socket.address}`);

  if (!(looksLikeClearHeader(raw, raw.length) ? openClear(ctx, raw) : openEncrypted(ctx, raw))) return undefined;
  const { community, plain, decryption } = opened;

  const decoded = decodeReceived(plain);
  if (!decoded.ok) return void stats.drop('undecodable', () => `${decoded.error} ${decoded.detail ?? ''}`);
  const message = decoded.value;
  const member = admitted(ctx, route, community, decryption, message.type, message.fromSupernode, message.ttl);
  if (member === false) return undefined;
  if (message.type === MessageType.Packet) return inboundPacket(message, raw, route, member);
  return { message, raw, plain, route, sender: route.socket, community, decryption, member, answered };
}

/** §9.2 steps 4–6; false (counted as a drop) or the sending federation member, if any. */
function admitted(
  ctx: SupernodeContext,
  route: Route,
  community: Community | undefined,
  decryption: Decryption | undefined,
  type: MessageType,
  fromSupernode: boolean,
  ttl: number,
): FederationMember | undefined | false {
  const { stats } = ctx;
  // §9.2 step 4: with users, only registration messages may use the static key.
  if (community !== undefined && decryption?.keys === 'static' && !staticKeyAllowed(type, community.hasUsers)) {
    stats.drop('static-key-in-user-community', () => `type ${type} in ${community.name}`);
    return false;
  }
  // §9.2 step 5 (§2.2): a REGISTER_SUPER in the federation community is how a supernode becomes
  // known; anything else FROM_SUPERNODE must come from a member (F17: a "relayed" registration
  // from a stranger must not map or move an edge).
  const member = fromSupernode ? ctx.federation.bySocket(route.socket) : undefined;
  const joining = type === MessageType.RegisterSuper && community?.isFederation === true;
  if (fromSupernode && member === undefined && !joining) {
    stats.drop('from-unknown-supernode', () => `type ${type} from ${route.socket.address}:${route.socket.port}`);
    return false;
  }
  if (ttl === 0) {
    stats.drop('ttl-zero');
    return false;
  }
  return member;
}

/** The MAC a message speaks for (an edge's own), if its type names one. */
export function senderMac(inbound: InboundMessage | InboundPacket): Uint8Array | undefined {
  const message = inbound.message;
  switch (message.type) {
    case MessageType.RegisterSuper:
      return message.edgeMac;
    case MessageType.Packet:
    case MessageType.Register:
    case MessageType.QueryPeer:
    case MessageType.UnregisterSuper:
      return message.srcMac;
    default:
      return undefined;
  }
}

interface Opened {
  readonly community: Community | undefined;
  readonly plain: Uint8Array;
  readonly decryption: Decryption | undefined;
}

function setOpened(community: Community | undefined, plain: Uint8Array, decryption: Decryption | undefined): true {
  opened.community = community;
  opened.plain = plain;
  opened.decryption = decryption;
  return true;
}

/** §9.2 step 2, clear text: no downgrade of an enabled community; 'unknown' becomes 'none'. */
function openClear(ctx: SupernodeContext, raw: Uint8Array): boolean {
  const community = ctx.communities.get(raw, 4);
  if (community?.headerEncryption === 'enabled') {
    ctx.stats.drop('clear-header-for-encrypted-community', () => community.name);
    return false;
  }
  if (community !== undefined) ctx.communities.lockHeaderEncryption(community, 'none');
  return setOpened(community, raw, undefined);
}

/** §9.2 step 2, encrypted: the envelope's dynamic-then-static trial, per community. */
function openEncrypted(ctx: SupernodeContext, raw: Uint8Array): boolean {
  for (const community of ctx.communities.withKeys()) {
    const pairs = { dynamic: community.keys('dynamic'), static: community.keys('static') };
    const unsealed = unseal(raw, community.field, pairs, scratch);
    if (!unsealed.ok) continue;
    ctx.communities.lockHeaderEncryption(community, 'enabled');
    const { plain, keys, stamp } = unsealed.value;
    return setOpened(community, plain, { keys, stamp });
  }
  ctx.stats.drop('no-matching-key', () => `${raw.length} bytes`);
  return false;
}
