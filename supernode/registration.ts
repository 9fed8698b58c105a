// Authentication and the edge table update of a REGISTER_SUPER (PROTOCOL.md §9.3.1 step 9, §7).
import { AuthScheme, isNullMac, macToString, NO_AUTH, socketEquals } from '../engine/protocol/index.js';
import type { Auth, RegisterSuperMessage, Socket } from '../engine/protocol/index.js';
import { supernodeAnswerToken } from '../engine/crypto/user-password.js';
import { EDGE_TIMEOUT_MS } from './communities.js';
import { userOf } from './community.js';
import type { Community, EdgeRecord } from './community.js';
import type { SupernodeContext } from './context.js';
import type { InboundMessage } from './inbound.js';
import { isAnnouncedToken } from './announced-auth.js';
import { ipv4ToNumber } from './auto-ip.js';
import { routeEquals } from './route.js';
import type { Route } from './route.js';

export type RegistrationVerdict =
  | { readonly kind: 'accepted'; readonly answer: Auth }
  | { readonly kind: 'rejected'; readonly why: string }
  | { readonly kind: 'table-full' }
  /** Over one of the sender's budgets: dropped without an answer. */
  | { readonly kind: 'limited'; readonly why: string };

/** Known-edge check (§9.3.1 step 9, §9.3.2): stored scheme 0 accepts anything. */
export function authMatches(stored: Auth, presented: Auth, community: Community): boolean {
  if (stored.scheme === AuthScheme.None) return true;
  if (stored.scheme !== presented.scheme) return false;
  if (stored.scheme === AuthScheme.UserPassword) return userOf(community, presented) !== undefined;
  return Buffer.compare(stored.token, presented.token) === 0;
}

/** Why an unknown edge's auth block is refused (§7.3.3 step 3), or undefined when it is fine. */
function authRefusal(community: Community, auth: Auth): string | undefined {
  if (!community.hasUsers) return auth.scheme === AuthScheme.UserPassword ? 'user/password login in a community without users' : undefined;
  if (auth.scheme !== AuthScheme.UserPassword) return `auth scheme ${auth.scheme} in a user/password community`;
  return userOf(community, auth) === undefined ? 'public key of no listed user (wrong user name or password)' : undefined;
}

/** The host's say on a new device registering as a listed user (SupernodeOptions.admitUser). */
function admissionRefusal(ctx: SupernodeContext, community: Community, msg: RegisterSuperMessage): string | undefined {
  const user = userOf(community, msg.auth);
  if (user === undefined || ctx.admitUser === undefined) return undefined;
  return ctx.admitUser(community.name, user.name, macToString(msg.edgeMac)) ? undefined : `user ${user.name} belongs to another device`;
}

/** §7.3.3 step 4: the ACK's auth block. */
function answerFor(community: Community, auth: Auth): Auth {
  const user = userOf(community, auth);
  const dynamicKey = community.dynamicKey;
  if (user === undefined || dynamicKey === undefined) return NO_AUTH;
  return { scheme: AuthScheme.UserPassword, token: supernodeAnswerToken(auth.token, user.cipher, user.secret, dynamicKey) };
}

/**
 * §9.3.1 step 9. Registrations relayed by a supernode and bootstrap requests (null MAC) are checked
 * but never change the table; a new edge record must fit its sender's budgets (sender-limits.ts).
 */
export function updateEdge(ctx: SupernodeContext, community: Community, inbound: InboundMessage, msg: RegisterSuperMessage): RegistrationVerdict {
  const now = ctx.clock.nowMs();
  const recordable = !msg.fromSupernode && !isNullMac(msg.edgeMac);
  let edge = community.edge(msg.edgeMac);
  const foundByAddress = edge === undefined;
  edge ??= community.edgeWithAddress(ipv4ToNumber(msg.devAddr.address));
  if (edge !== undefined && now - edge.lastSeenMs >= EDGE_TIMEOUT_MS) {
    ctx.communities.removeEdge(community, edge, 'purged');
    edge = undefined;
  }

  if (edge === undefined) {
    const refusal = authRefusal(community, msg.auth) ?? (recordable ? admissionRefusal(ctx, community, msg) : undefined);
    if (refusal !== undefined) return { kind: 'rejected', why: refusal };
    if (!msg.fromSupernode) {
      const limited = budgetRefusal(ctx, community, inbound.route.socket.address, recordable, now);
      if (limited !== undefined) return { kind: 'limited', why: limited };
    }
    if (recordable && !ctx.communities.addEdge(community, newEdge(ctx, inbound, msg, now))) return { kind: 'table-full' };
    return { kind: 'accepted', answer: answerFor(community, msg.auth) };
  }

  const matches = authMatches(edge.auth, msg.auth, community) || (msg.fromSupernode && isAnnouncedToken(edge.auth, msg.auth, ctx.communities.federation.field));
  if (!matches) return { kind: 'rejected', why: 'token differs from the registered one' };
  if (recordable) {
    if (foundByAddress) edge = ctx.communities.rekeyEdge(community, edge, msg.edgeMac);
    if (!routeEquals(edge.route, inbound.route)) {
      edge = ctx.communities.moveEdge(community, edge, { route: inbound.route, devAddr: msg.devAddr, description: msg.description, preferredSocket: msg.socket });
    } else if (!sameSocket(edge.preferredSocket, msg.socket)) {
      edge = ctx.communities.readvertise(community, edge, msg.socket);
    }
    edge.lastCookie = msg.cookie;
    edge.lastSeenMs = now;
  }
  return { kind: 'accepted', answer: answerFor(community, msg.auth) };
}

const sameSocket = (a: Socket | undefined, b: Socket | undefined): boolean => (a === undefined || b === undefined ? a === b : socketEquals(a, b));

/**
 * Issue 9 items 6 and 16: an address request or a new edge costs its source address a
 * registration; a new edge also needs room among that address's edges in the community and costs
 * the community one of its new edges per minute. Returns why not, or undefined.
 */
function budgetRefusal(ctx: SupernodeContext, community: Community, source: string, newRecord: boolean, now: number): string | undefined {
  const { limits } = ctx;
  if (newRecord && !limits.mayHoldAnother(community.edgesFrom(source))) return `${source} holds ${community.edgesFrom(source)} edges of ${community.name}`;
  if (!limits.registrations.take(source, now)) return `registrations from ${source}`;
  if (newRecord && !limits.communityRegistrations.take(community.key, now)) return `new edges of ${community.name}`;
  return undefined;
}

/**
 * Issue 9 item 6: a message from an unconfirmed edge's own route after its ACK shows that the
 * address answers (real edges send gratuitous ARPs at once, §8.3, and re-register every 20 s).
 */
export function confirmSender(community: Community | undefined, route: Route, senderMac: Uint8Array | undefined): void {
  if (community === undefined || senderMac === undefined) return;
  const edge = community.edge(senderMac);
  if (edge !== undefined && !edge.confirmed && routeEquals(edge.route, route)) edge.confirmed = true;
}

function newEdge(ctx: SupernodeContext, inbound: InboundMessage, msg: RegisterSuperMessage, now: number): EdgeRecord {
  // §7.1: without spoofing protection a simple-id edge is stored with scheme "none".
  const auth = !ctx.spoofingProtection && msg.auth.scheme === AuthScheme.SimpleId ? NO_AUTH : msg.auth;
  // Only header-encrypted messages carry a stamp; checkStamp makes a record if one ever comes.
  const stamp = inbound.decryption === undefined ? undefined : { lastHi: inbound.decryption.stamp.hi, lastLo: inbound.decryption.stamp.lo };
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
    // A TCP peer has completed a handshake; a UDP source has yet to answer (issue 9 item 6).
    confirmed: inbound.route.kind === 'tcp',
  };
}
