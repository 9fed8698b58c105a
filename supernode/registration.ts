// Authentication and the edge table update of a REGISTER_SUPER (PROTOCOL.md §9.3.1 step 9, §7).
import { AuthScheme, isNullMac, NO_AUTH } from '../engine/protocol/index.js';
import type { Auth, RegisterSuperMessage } from '../engine/protocol/index.js';
import { AUTH_TOKEN_SIZE, supernodeAnswerToken } from '../engine/crypto/user-password.js';
import { EDGE_TIMEOUT_MS } from './communities.js';
import type { Community, CommunityUser, EdgeRecord } from './community.js';
import type { SupernodeContext } from './context.js';
import type { InboundMessage } from './inbound.js';
import type { Route } from './route.js';

export type RegistrationVerdict =
  | { readonly kind: 'accepted'; readonly answer: Auth }
  | { readonly kind: 'rejected'; readonly why: string }
  | { readonly kind: 'table-full' };

const PUBLIC_KEY_SIZE = 32;

/** The user whose public key opens a scheme-2 token, if listed in community. */
export function userOf(community: Community, auth: Auth): CommunityUser | undefined {
  if (auth.scheme !== AuthScheme.UserPassword || auth.token.length !== AUTH_TOKEN_SIZE) return undefined;
  return community.user(auth.token.subarray(0, PUBLIC_KEY_SIZE));
}

/** Known-edge check (§9.3.1 step 9, §9.3.2): stored scheme 0 accepts anything. */
export function authMatches(stored: Auth, presented: Auth, community: Community): boolean {
  if (stored.scheme === AuthScheme.None) return true;
  if (stored.scheme !== presented.scheme) return false;
  if (stored.scheme === AuthScheme.UserPassword) return userOf(community, presented) !== undefined;
  return Buffer.compare(stored.token, presented.token) === 0;
}

/** Unknown-edge scheme check: users require scheme 2 by a listed user; no users forbid scheme 2. */
/** Why an unknown edge's auth block is refused (§7.3.3 step 3), or undefined when it is fine. */
function authRefusal(community: Community, auth: Auth): string | undefined {
  if (!community.hasUsers) return auth.scheme === AuthScheme.UserPassword ? 'user/password login in a community without users' : undefined;
  if (auth.scheme !== AuthScheme.UserPassword) return `auth scheme ${auth.scheme} in a user/password community`;
  return userOf(community, auth) === undefined ? 'public key of no listed user (wrong user name or password)' : undefined;
}

/** §7.3.3 step 4: the ACK's auth block. */
function answerFor(community: Community, auth: Auth): Auth {
  const user = userOf(community, auth);
  const dynamicKey = community.dynamicKey;
  if (user === undefined || dynamicKey === undefined) return NO_AUTH;
  return { scheme: AuthScheme.UserPassword, token: supernodeAnswerToken(auth.token, user.cipher, user.secret, dynamicKey) };
}

function sameRoute(a: Route, b: Route): boolean {
  if (a.kind !== b.kind || a.socket.port !== b.socket.port || a.socket.address !== b.socket.address) return false;
  return a.kind !== 'tcp' || b.kind !== 'tcp' || a.connection === b.connection;
}

/** An edge of the community that reported this address (n3n's MAC-change detection, §9.3.1 step 9). */
function edgeWithAddress(community: Community, address: string): EdgeRecord | undefined {
  for (const edge of community.edges.values()) if (edge.devAddr.address === address) return edge;
  return undefined;
}

/**
 * §9.3.1 step 9. Registrations relayed by a supernode and bootstrap requests (null MAC) are checked
 * but never change the table.
 */
export function updateEdge(ctx: SupernodeContext, community: Community, inbound: InboundMessage, msg: RegisterSuperMessage): RegistrationVerdict {
  const now = ctx.clock.nowMs();
  const recordable = !msg.fromSupernode && !isNullMac(msg.edgeMac);
  let edge = community.edge(msg.edgeMac);
  const foundByAddress = edge === undefined;
  edge ??= edgeWithAddress(community, msg.devAddr.address);
  if (edge !== undefined && now - edge.lastSeenMs >= EDGE_TIMEOUT_MS) {
    ctx.communities.removeEdge(community, edge, 'purged');
    edge = undefined;
  }

  if (edge === undefined) {
    const refusal = authRefusal(community, msg.auth);
    if (refusal !== undefined) return { kind: 'rejected', why: refusal };
    if (recordable && !ctx.communities.addEdge(community, newEdge(ctx, inbound, msg, now))) return { kind: 'table-full' };
    return { kind: 'accepted', answer: answerFor(community, msg.auth) };
  }

  if (!authMatches(edge.auth, msg.auth, community)) return { kind: 'rejected', why: 'token differs from the registered one' };
  if (recordable) {
    if (foundByAddress) edge = ctx.communities.rekeyEdge(community, edge, msg.edgeMac);
    if (!sameRoute(edge.route, inbound.route)) {
      edge.route = inbound.route;
      edge.devAddr = msg.devAddr;
      edge.description = msg.description;
      edge.preferredSocket = msg.socket;
    }
    edge.lastCookie = msg.cookie;
    edge.lastSeenMs = now;
  }
  return { kind: 'accepted', answer: answerFor(community, msg.auth) };
}

function newEdge(ctx: SupernodeContext, inbound: InboundMessage, msg: RegisterSuperMessage, now: number): EdgeRecord {
  // §7.1: without spoofing protection a simple-id edge is stored with scheme "none".
  const auth = !ctx.spoofingProtection && msg.auth.scheme === AuthScheme.SimpleId ? NO_AUTH : msg.auth;
  const stamp = ctx.verifier.newRecord();
  if (inbound.decryption !== undefined) {
    stamp.lastHi = inbound.decryption.stamp.hi;
    stamp.lastLo = inbound.decryption.stamp.lo;
  }
  return {
    mac: msg.edgeMac,
    route: inbound.route,
    devAddr: msg.devAddr,
    description: msg.description,
    preferredSocket: msg.socket,
    auth,
    lastCookie: msg.cookie,
    createdMs: now,
    lastSeenMs: now,
    stamp,
  };
}
