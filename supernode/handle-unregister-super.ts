// UNREGISTER_SUPER (PROTOCOL.md §9.3.2): an edge leaves; no reply.
import { macToString } from '../engine/protocol/index.js';
import type { UnregisterSuperMessage } from '../engine/protocol/index.js';
import type { SupernodeContext } from './context.js';
import type { InboundMessage } from './inbound.js';
import { authMatches } from './registration.js';
import { stampAccepted } from './stamp-check.js';

export function handleUnregisterSuper(ctx: SupernodeContext, inbound: InboundMessage, msg: UnregisterSuperMessage): void {
  const { community } = inbound;
  if (community === undefined || community.isFederation) return ctx.stats.drop('unknown-community', () => 'UNREGISTER_SUPER');
  if (msg.fromSupernode) return ctx.stats.drop('unhandled-type', () => 'UNREGISTER_SUPER from a supernode');
  const edge = community.edge(msg.srcMac);
  if (!stampAccepted(ctx, inbound, edge, false)) return;
  if (edge === undefined) return ctx.stats.drop('not-for-this-supernode', () => `UNREGISTER_SUPER for ${macToString(msg.srcMac)}`);
  if (!authMatches(edge.auth, msg.auth, community)) return ctx.stats.drop('auth-mismatch', () => macToString(msg.srcMac));
  ctx.communities.removeEdge(community, edge, 'unregistered');
}
