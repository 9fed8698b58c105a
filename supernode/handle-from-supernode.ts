// Messages only another supernode sends us: PEER_INFO and REGISTER_SUPER_NAK to relay to a local
// edge (PROTOCOL.md §9.3.7, §9.3.8 — the intended behaviour, not n3n's inverted test) and the
// REGISTER_SUPER_ACK answering our own federation registration (§9.3.9).
import { isNullMac, macKey, macToString, socketEquals } from '../engine/protocol/index.js';
import type { PeerInfoMessage, RegisterSuperAckMessage, RegisterSuperNakMessage } from '../engine/protocol/index.js';
import type { Community, EdgeRecord } from './community.js';
import type { SupernodeContext } from './context.js';
import type { InboundMessage } from './inbound.js';
import { stampAccepted } from './stamp-check.js';

/** The local edge of a regular community that a relayed message names, after the common checks. */
function relayTarget(ctx: SupernodeContext, inbound: InboundMessage, edgeMac: Uint8Array): { community: Community; edge: EdgeRecord } | undefined {
  const { community, message } = inbound;
  if (!message.fromSupernode) return void ctx.stats.drop('unhandled-type', () => `type ${message.type} from an edge`);
  if (community === undefined) return void ctx.stats.drop('unknown-community', () => `type ${message.type}`);
  if (!stampAccepted(ctx, inbound, undefined, false)) return undefined;
  const edge = community.edge(edgeMac);
  if (edge === undefined || community.isFederation || isNullMac(edgeMac)) {
    return void ctx.stats.drop('not-for-this-supernode', () => `type ${message.type} for ${macToString(edgeMac)}`);
  }
  return { community, edge };
}

export function handlePeerInfo(ctx: SupernodeContext, inbound: InboundMessage, msg: PeerInfoMessage): void {
  const target = relayTarget(ctx, inbound, msg.srcMac);
  if (target === undefined) return;
  ctx.communities.associate(target.community, msg.targetMac, inbound.sender, ctx.clock.nowMs());
  ctx.outbound.send(target.edge.route, ctx.outbound.seal({ ...msg, ttl: msg.ttl - 1 }, target.community));
}

/**
 * §9.3.8: a member refuses our announcement of an edge because it holds that MAC with another
 * token. Only the member that announced the MAC as registered there may say so, and only about our
 * edge's latest registration (the NAK echoes its cookie): any other member could remove any edge.
 */
export function handleRegisterSuperNak(ctx: SupernodeContext, inbound: InboundMessage, msg: RegisterSuperNakMessage): void {
  const target = relayTarget(ctx, inbound, msg.srcMac);
  if (target === undefined) return;
  const { community, edge } = target;
  const holder = community.associations.get(macKey(msg.srcMac));
  if (holder === undefined || !socketEquals(holder.supernode, inbound.sender) || msg.cookie !== edge.lastCookie) {
    return ctx.stats.drop('not-for-this-supernode', () => `REGISTER_SUPER_NAK for ${macToString(msg.srcMac)} from a member that does not hold it`);
  }
  ctx.outbound.send(edge.route, ctx.outbound.seal({ ...msg, ttl: msg.ttl - 1 }, community, community.hasUsers ? 'zeros' : undefined));
  ctx.communities.removeEdge(community, edge, 'rejected-by-federation');
}

export function handleRegisterSuperAck(ctx: SupernodeContext, inbound: InboundMessage, msg: RegisterSuperAckMessage): void {
  if (!msg.fromSupernode || inbound.community?.isFederation !== true) return ctx.stats.drop('unhandled-type', () => 'REGISTER_SUPER_ACK outside the federation');
  if (!stampAccepted(ctx, inbound, undefined, false)) return;
  const member = ctx.federation.byMac(msg.srcMac) ?? inbound.member;
  if (member === undefined) return ctx.stats.drop('not-for-this-supernode', () => 'REGISTER_SUPER_ACK from an unknown supernode');
  const now = ctx.clock.nowMs();
  member.lastSeenMs = now;
  member.mac ??= msg.srcMac;
  if (msg.cookie !== member.lastCookie) return;
  ctx.federation.learn(msg.supernodes, ctx.identity.mac, now);
  ctx.keyTime.adopt(msg.keyTime);
}
