// REGISTER_SUPER (PROTOCOL.md §9.3.1): admission, user/password checks, address offer, federation
// membership, edge table update, ACK or NAK, and announcing edge registrations to the federation.
import {
  DEFAULT_TTL,
  isNullMac,
  macEquals,
  macToString,
  MessageType,
  NO_AUTH,
  NO_IP_SUBNET,
  REGISTER_SUPER_ACK_LIFETIME,
} from '../engine/protocol/index.js';
import type { Auth, IpSubnet, RegisterSuperAckMessage, RegisterSuperMessage, RegisterSuperNakMessage } from '../engine/protocol/index.js';
import { verifyAuthTrailer } from '../engine/crypto/user-password.js';
import { flushNow } from '../native/callback-scope.js';
import { randomUint32 } from '../engine/crypto/random.js';
import { offeredAddress } from './address-assignment.js';
import { announcedAuth } from './announced-auth.js';
import { EDGE_TIMEOUT_MS } from './communities.js';
import { userOf } from './community.js';
import type { Community, CommunityUser } from './community.js';
import type { SupernodeContext } from './context.js';
import { federationRoutes } from './forwarding.js';
import type { InboundMessage } from './inbound.js';
import { updateEdge } from './registration.js';
import { stampAccepted } from './stamp-check.js';
import { advertisedSupernodes } from './supernode-list.js';

export function handleRegisterSuper(ctx: SupernodeContext, inbound: InboundMessage, msg: RegisterSuperMessage): void {
  const { stats } = ctx;
  if (inbound.community !== undefined && !stampAccepted(ctx, inbound, inbound.community.edge(msg.edgeMac), false)) return;

  // Step 2: locked supernodes stay silent towards names they do not serve; a new name costs the
  // sender one of its new communities per minute (issue 9 item 16), federation members excepted.
  const source = inbound.sender.address;
  const mayCreate = (): boolean => inbound.member !== undefined || ctx.limits.communities.take(source, ctx.clock.nowMs());
  const community = inbound.community ?? ctx.communities.admit(msg.communityField, mayCreate);
  if (typeof community === 'string') return stats.drop(community, () => `REGISTER_SUPER from ${macToString(msg.edgeMac)} at ${source}`);

  // Step 3 (§7.3.3): a listed user's registration must carry that user's hash.
  const user = community.hasUsers ? userOf(community, msg.auth) : undefined;
  if (user !== undefined && !(inbound.decryption?.keys === 'static' && verifyAuthTrailer(user.cipher, inbound.raw, inbound.raw.length))) {
    return stats.drop('bad-auth-trailer', () => `user ${user.name} in ${community.name}`);
  }
  if (macEquals(msg.edgeMac, ctx.identity.mac)) return stats.drop('own-mac');

  if (community.isFederation) return registerSupernode(ctx, inbound, msg, community);

  const address = offeredAddress(community, msg, inbound.plain);
  const verdict = updateEdge(ctx, community, inbound, msg);
  if (verdict.kind === 'table-full') return stats.drop('table-full', () => `edge ${macToString(msg.edgeMac)}`);
  if (verdict.kind === 'limited') return stats.drop('rate-limited', () => verdict.why);
  if (verdict.kind === 'rejected') {
    ctx.logger.info(`REGISTER_SUPER_NAK to ${macToString(msg.edgeMac)} in ${community.name}: ${verdict.why}`);
    return sendNak(ctx, inbound, msg, community);
  }

  if (msg.fromSupernode && msg.socket !== undefined) {
    // Step 12: a federation member announces an edge registered there. Unlike n3n, a local edge of
    // that MAC is kept (it expires if it really left): any member could send this announcement.
    ctx.communities.associate(community, msg.edgeMac, inbound.sender, ctx.clock.nowMs());
    return;
  }
  sendAck(ctx, inbound, msg, community, { devAddr: address, auth: verdict.answer, keyTime: 0 }, user);
  if (!msg.fromSupernode && !isNullMac(msg.edgeMac)) announceToFederation(ctx, inbound, msg, community, user);
}

/** Steps 7 and 11 for the federation community: a supernode registers itself. */
function registerSupernode(ctx: SupernodeContext, inbound: InboundMessage, msg: RegisterSuperMessage, federation: Community): void {
  const member = ctx.federation.registered(msg.edgeMac, inbound.sender, ctx.clock.nowMs());
  if (member === undefined) return ctx.stats.drop('table-full', () => `supernode ${macToString(msg.edgeMac)}`);
  ctx.keyTime.adopt(msg.keyTime);
  sendAck(ctx, inbound, msg, federation, { devAddr: NO_IP_SUBNET, auth: NO_AUTH, keyTime: ctx.keyTime.current }, undefined);
}

interface AckFields {
  readonly devAddr: IpSubnet;
  readonly auth: Auth;
  readonly keyTime: number;
}

function sendAck(ctx: SupernodeContext, inbound: InboundMessage, msg: RegisterSuperMessage, community: Community, fields: AckFields, user: CommunityUser | undefined): void {
  const now = ctx.clock.nowMs();
  const ack: RegisterSuperAckMessage = {
    type: MessageType.RegisterSuperAck,
    ttl: DEFAULT_TTL,
    fromSupernode: true,
    communityField: community.field,
    cookie: msg.cookie,
    srcMac: ctx.identity.mac,
    devAddr: fields.devAddr,
    lifetime: REGISTER_SUPER_ACK_LIFETIME,
    socket: inbound.sender,
    auth: fields.auth,
    supernodes: advertisedSupernodes(ctx.federation.members(), inbound.sender, now, (n) => randomUint32() % n),
    keyTime: fields.keyTime,
  };
  const bytes = ctx.outbound.seal(ack, community, user?.cipher);
  // The socket sent this ACK already (answered) or sends it to the next repeat; it is the same
  // but for the supernode list, which may lag by one registration.
  if (inbound.answered !== true) {
    ctx.outbound.send(inbound.route, bytes);
    // At once, before the announcements and the rest of the batch: the edge times its REGISTER_SUPER by it.
    flushNow();
  }
  // Only a clear-text edge registration repeats byte for byte (a sealed one carries a fresh stamp,
  // a user's a trailer); valid while the edge would still be known without it (updateEdge).
  if (inbound.decryption === undefined && user === undefined && !msg.fromSupernode && !isNullMac(msg.edgeMac)) {
    ctx.outbound.rememberAnswer(inbound.route, inbound.raw, bytes, EDGE_TIMEOUT_MS);
  }
  ctx.stats.registerSuperAcks++;
  ctx.stats.lastRegisterSuperMs = now;
}

/** Step 10: srcMac is the rejected edge's MAC; flags 0x60 without a socket (§4.6). */
function sendNak(ctx: SupernodeContext, inbound: InboundMessage, msg: RegisterSuperMessage, community: Community): void {
  const nak: RegisterSuperNakMessage = {
    type: MessageType.RegisterSuperNak,
    ttl: DEFAULT_TTL,
    fromSupernode: true,
    communityField: community.field,
    cookie: msg.cookie,
    srcMac: msg.edgeMac,
    auth: NO_AUTH,
  };
  ctx.outbound.send(inbound.route, ctx.outbound.seal(nak, community, community.hasUsers ? 'zeros' : undefined));
  ctx.stats.registerSuperNaks++;
}

/**
 * Step 11: every edge registration goes to the active members, with the edge's public socket and a
 * digest in place of a simple-id token (announced-auth.ts).
 */
function announceToFederation(ctx: SupernodeContext, inbound: InboundMessage, msg: RegisterSuperMessage, community: Community, user: CommunityUser | undefined): void {
  const routes = federationRoutes(ctx);
  if (routes.length === 0) return;
  const announcement: RegisterSuperMessage = {
    ...msg,
    ttl: DEFAULT_TTL,
    fromSupernode: true,
    communityField: community.field,
    socket: inbound.sender,
    auth: announcedAuth(msg.auth, ctx.communities.federation.field),
  };
  const bytes = ctx.outbound.seal(announcement, community, user?.cipher);
  for (const route of routes) ctx.outbound.send(route, bytes);
}
