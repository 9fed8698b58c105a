// The auth block of an edge registration announced to federation members (PROTOCOL.md §9.3.1
// step 11, §9.8.3). n3n copies the edge's simple-id token, so every member learns what it takes to
// register as that edge anywhere in the federation. Kith announces a digest of the token instead:
// still scheme 1 with 16 bytes (n3n members decode it as usual), enough for a Kith member to tell a
// second edge with the same MAC from the same edge (digest against digest), useless for
// registering. A user/password token is announced unchanged: members can derive every user's key
// from the federation name anyway (§7.3.1), so it tells them nothing new.
import { createHmac } from 'node:crypto';
import { AuthScheme } from '../engine/protocol/index.js';
import type { Auth } from '../engine/protocol/index.js';
import { bytesEqual } from '../engine/protocol/codec.js';

const DIGEST_LABEL = 'kith announced simple-id token';
const TOKEN_SIZE = 16;

function digest(token: Uint8Array, federationField: Uint8Array): Uint8Array {
  const mac = createHmac('sha256', federationField).update(DIGEST_LABEL).update(token).digest();
  return Uint8Array.from(mac.subarray(0, TOKEN_SIZE));
}

/** The auth block to announce for an edge's registration. */
export function announcedAuth(auth: Auth, federationField: Uint8Array): Auth {
  return auth.scheme === AuthScheme.SimpleId ? { scheme: AuthScheme.SimpleId, token: digest(auth.token, federationField) } : auth;
}

/**
 * Whether a member's announcement carries the digest of a stored simple-id token (a Kith member
 * announced the edge that registered here); n3n members send the token itself, which the usual
 * known-edge check compares (§9.3.1 step 9).
 */
export function isAnnouncedToken(stored: Auth, presented: Auth, federationField: Uint8Array): boolean {
  return stored.scheme === AuthScheme.SimpleId && presented.scheme === AuthScheme.SimpleId && bytesEqual(digest(stored.token, federationField), presented.token);
}
