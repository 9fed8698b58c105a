// PACKET and REGISTER (PROTOCOL.md §9.3.3, §9.3.4): from an edge, re-encoded with the sender's
// public socket inserted, FROM_SUPERNODE and ttl − 1; from a supernode, the received bytes
// unchanged. Both are re-encrypted for header-encrypted communities (§6.5). An edge's broadcasts
// are copied within its sender's byte budget.
import { isMultiBroadcast, macToString } from '../engine/protocol/index.js';
import type { Mac, RegisterMessage } from '../engine/protocol/index.js';
import type { SupernodeContext } from './context.js';
import { broadcastRoutes, unicastRoutes } from './forwarding.js';
import type { Community } from './community.js';
import type { InboundMessage, InboundPacket } from './inbound.js';
import type { Route } from './route.js';
import { stampAccepted } from './stamp-check.js';

export function handleRelay(ctx: SupernodeContext, inbound: InboundMessage, msg: RegisterMessage): void {
  const { stats } = ctx;
  const community = inbound.community;
  if (community === undefined) return stats.drop('unknown-community', () => `type ${msg.type}`);
  // §6.4: no jitter allowance for a REGISTER (only PACKETs get one).
  if (!stampAccepted(ctx, inbound, community.edge(msg.srcMac), false)) return;

  if (isMultiBroadcast(msg.dstMac)) return stats.drop('multicast-register', () => macToString(msg.srcMac));
  const routes = routesFor(ctx, community, false, msg.srcMac, msg.dstMac, msg.fromSupernode);
  if (routes === undefined) return;

  const bytes = msg.fromSupernode
    ? ctx.outbound.resealReceived(inbound.plain, msg, community)
    : ctx.outbound.seal({ ...msg, ttl: msg.ttl - 1, fromSupernode: true, socket: inbound.sender }, community);
  deliver(ctx, inbound, community, routes, bytes, false);
}

/**
 * handleRelay for a PACKET read through the fast path (no message object; same outcome and bytes).
 * A PACKET for a local edge, the common case, takes that edge's route without a route list.
 */
export function handleRelayPacket(ctx: SupernodeContext, inbound: InboundPacket): void {
  const { stats } = ctx;
  const community = inbound.community;
  const msg = inbound.message;
  if (community === undefined) return stats.drop('unknown-community', () => `type ${msg.type}`);
  if (!stampAccepted(ctx, inbound, community.edge(msg.srcMac), true)) return;

  const broadcast = isMultiBroadcast(msg.dstMac);
  const routes = (broadcast ? undefined : community.edge(msg.dstMac)?.route) ?? routesFor(ctx, community, broadcast, msg.srcMac, msg.dstMac, msg.fromSupernode);
  if (routes === undefined) return;

  const bytes = msg.fromSupernode
    ? ctx.outbound.resealPacket(inbound.plain, msg, community)
    : ctx.outbound.relayPacket(inbound.plain, msg, inbound.sender, community);
  deliver(ctx, inbound, community, routes, bytes, broadcast);
}

/**
 * Sends the relayed bytes along one route or several and counts them. An edge's broadcast is
 * copied only within its sender's budget of broadcast bytes (issue 9 item 6); federation members
 * are not limited.
 */
function deliver(ctx: SupernodeContext, inbound: InboundMessage | InboundPacket, community: Community, routes: Route | readonly Route[], bytes: Uint8Array, broadcast: boolean): void {
  const { stats } = ctx;
  const now = ctx.clock.nowMs();
  const copies = isRouteList(routes) ? routes.length : 1;
  if (broadcast && inbound.member === undefined && !ctx.limits.broadcastBytes.take(inbound.sender.address, now, bytes.length * copies)) {
    return stats.drop('rate-limited', () => `broadcast of ${inbound.sender.address} to ${copies}`);
  }
  if (isRouteList(routes)) for (const route of routes) ctx.outbound.send(route, bytes);
  else ctx.outbound.send(routes, bytes);
  if (broadcast) stats.broadcast += copies;
  else stats.forwarded += copies;
  stats.lastForwardMs = now;
  // Traffic between two of its edges: the community is in use and no longer evicted for room.
  if (!community.carriedTraffic && community.edges.size > 1) ctx.communities.markTraffic(community);
}

const isRouteList = (routes: Route | readonly Route[]): routes is readonly Route[] => Array.isArray(routes);

function routesFor(ctx: SupernodeContext, community: Community, broadcast: boolean, srcMac: Mac, dstMac: Mac, fromSupernode: boolean): Route[] | undefined {
  const routes = broadcast ? broadcastRoutes(ctx, community, srcMac, fromSupernode) : unicastRoutes(ctx, community, dstMac, fromSupernode);
  if (routes.length > 0) return routes;
  ctx.stats.drop('unknown-destination', () => `${macToString(srcMac)} → ${macToString(dstMac)}`);
  return undefined;
}
