// QUERY_PEER (PROTOCOL.md §9.3.6): PING → PONG, lookup → PEER_INFO for a local edge, otherwise the
// question goes on to the federation (only when an edge asked). The answers are larger than the
// question, so a sender that is no registered edge of the community gets only a few a second per
// source address (issue 9 item 18): enough for an edge's start-up and sweep PINGs (§8.2, §8.4),
// which it sends before it registers and to supernodes it is not registered with.
import { DEFAULT_TTL, isNullMac, macToString, MessageType } from '../engine/protocol/index.js';
import type { PeerInfoMessage, QueryPeerMessage } from '../engine/protocol/index.js';
import { flushNow } from '../native/callback-scope.js';
import { cleanCommunityField } from './community.js';
import type { SupernodeContext } from './context.js';
import { federationRoutes } from './forwarding.js';
import type { InboundMessage } from './inbound.js';
import { routeEquals } from './route.js';
import { stampAccepted } from './stamp-check.js';

export function handleQueryPeer(ctx: SupernodeContext, inbound: InboundMessage, msg: QueryPeerMessage): void {
  const { stats } = ctx;
  const community = inbound.community;
  // An unknown but admissible community can still be PINGed (a federation member may serve it).
  if (community === undefined && !ctx.communities.admissible(msg.communityField)) return stats.drop('community-not-admitted', () => 'QUERY_PEER');
  const asker = community?.edge(msg.srcMac);
  if (community !== undefined && !stampAccepted(ctx, inbound, asker, true)) return;
  const registered = asker !== undefined && routeEquals(asker.route, inbound.route);
  if (!registered && inbound.member === undefined && !ctx.limits.answers.take(inbound.sender.address, ctx.clock.nowMs())) {
    return stats.drop('rate-limited', () => `QUERY_PEER from ${inbound.sender.address}`);
  }

  if (isNullMac(msg.targetMac)) {
    const pong: PeerInfoMessage = {
      type: MessageType.PeerInfo,
      ttl: DEFAULT_TTL,
      fromSupernode: true,
      communityField: community?.field ?? cleanCommunityField(msg.communityField),
      aflags: 0,
      srcMac: ctx.identity.mac,
      targetMac: msg.targetMac,
      socket: inbound.sender,
      // §4.9: n3n's load field is always 0 on the wire; send the same.
      load: 0,
      uptime: Math.floor((ctx.clock.nowMs() - ctx.identity.startedMs) / 1000),
      version: ctx.identity.version,
    };
    ctx.outbound.send(inbound.route, ctx.outbound.seal(pong, community));
    // At once, before the rest of the batch: the edge times its PING by it.
    return flushNow();
  }

  if (community === undefined) return stats.drop('unknown-community', () => 'QUERY_PEER');
  const target = community.edge(msg.targetMac);
  if (target !== undefined) {
    const answer: PeerInfoMessage = {
      type: MessageType.PeerInfo,
      ttl: DEFAULT_TTL,
      fromSupernode: true,
      communityField: community.field,
      aflags: 0,
      srcMac: msg.srcMac,
      targetMac: msg.targetMac,
      socket: target.route.socket,
      preferredSocket: target.preferredSocket,
      load: 0,
      uptime: 0,
      version: '',
    };
    ctx.outbound.send(inbound.route, ctx.outbound.seal(answer, community));
    // Likewise: the edge times its QUERY_PEER by it.
    return flushNow();
  }

  const routes = msg.fromSupernode ? [] : federationRoutes(ctx);
  if (routes.length === 0) return stats.drop('unknown-destination', () => `QUERY_PEER for ${macToString(msg.targetMac)}`);
  const bytes = ctx.outbound.seal({ ...msg, ttl: msg.ttl - 1, fromSupernode: true }, community);
  for (const route of routes) ctx.outbound.send(route, bytes);
}
