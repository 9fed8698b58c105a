// Where forwarded PACKETs, REGISTERs and queries go (PROTOCOL.md §9.4).
import type { Community } from './community.js';
import type { SupernodeContext } from './context.js';
import { udpRoute } from './route.js';
import type { Route } from './route.js';
import { macKey } from '../engine/protocol/index.js';
import type { Mac } from '../engine/protocol/index.js';

/** Active federation members (seen within 90 s). */
export function federationRoutes(ctx: SupernodeContext): Route[] {
  return ctx.federation.active(ctx.clock.nowMs()).flatMap((member) => (member.socket === undefined ? [] : [udpRoute(member.socket)]));
}

/**
 * §9.4.1: the local edge; else, for traffic from an edge, the supernode holding it or the whole
 * federation. Unknown unicast is never flooded to local edges; from a supernode it is dropped.
 */
export function unicastRoutes(ctx: SupernodeContext, community: Community, dstMac: Mac, fromSupernode: boolean): Route[] {
  const edge = community.edge(dstMac);
  if (edge !== undefined) return [edge.route];
  if (fromSupernode) return [];
  const association = community.associations.get(macKey(dstMac));
  return association === undefined ? federationRoutes(ctx) : [udpRoute(association.supernode)];
}

/**
 * §9.4.2: every local edge except the sender, plus the federation for traffic from an edge. Edges
 * whose address has not answered yet are left out (issue 9 item 6: a registration in someone
 * else's name must not turn every broadcast into a copy for them).
 */
export function broadcastRoutes(ctx: SupernodeContext, community: Community, srcMac: Mac, fromSupernode: boolean): Route[] {
  const routes = fromSupernode ? [] : federationRoutes(ctx);
  const sender = macKey(srcMac);
  for (const [key, edge] of community.edges) if (key !== sender && edge.confirmed) routes.push(edge.route);
  return routes;
}
