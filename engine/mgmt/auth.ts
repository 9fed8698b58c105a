// MANAGEMENT.md §4: the password travels only in `Authorization: Basic base64(user:password)`.
import { createHash, timingSafeEqual } from 'node:crypto';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * MANAGEMENT.md §4 recommendation: header name in any case (Node lowercases it), scheme `Basic`,
 * user ignored, password = everything after the first `:`.
 */
export function hasManagementPassword(authorization: string | undefined, password: string): boolean {
  if (authorization === undefined) return false;
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/.exec(authorization);
  if (match?.[1] === undefined) return false;
  const credentials = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = credentials.indexOf(':');
  if (colon < 0) return false;
  return passwordMatches(credentials.slice(colon + 1), password);
}

/** Comparing digests keeps the compare constant-time even when the lengths differ. */
export function passwordMatches(candidate: string, password: string): boolean {
  return timingSafeEqual(digest(candidate), digest(password));
}

export function basicAuthorization(password: string, user = 'unused'): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}
