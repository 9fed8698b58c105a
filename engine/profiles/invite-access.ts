// The per-device access an invite to a network hosted on the inviter's computer carries (issue 12
// items 4-5): its own user name and password for n3n's user/password login (PROTOCOL.md §7.3; the
// user name is the joining computer's description) and when the invite expires. Parameters of the
// kith://join link, read as hostile input: bounded, checked, never thrown over.
import { err, ok, type Result } from '../../shared/result.js';

export interface InviteAccess {
  /** The user the invite made on the host, at most 15 bytes (n3n's limit). */
  readonly user: string;
  readonly password: string;
  /** Seconds since the epoch after which the host no longer admits an unused invite. */
  readonly expires: number;
}

export type AccessDecodeError = 'malformed' | 'expired';

const P = { user: 'u', password: 'pw', expires: 'exp' } as const;
/** The user names invites make and accept: safe in a community file, an INI value and a link. */
export const INVITE_USER = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
const PASSWORD = /^[A-Za-z0-9_-]{16,64}$/;
/** Ten years from now at the most: a larger number is no real expiry. */
const LONGEST_SECONDS = 10 * 365 * 86_400;

export function encodeAccess(params: URLSearchParams, access: InviteAccess): void {
  params.set(P.user, access.user);
  params.set(P.password, access.password);
  params.set(P.expires, String(access.expires));
}

/** The access in a link (undefined for an invite without one), or why it cannot be used at `nowSeconds`. */
export function decodeAccess(params: URLSearchParams, nowSeconds: number): Result<InviteAccess | undefined, AccessDecodeError> {
  const user = params.get(P.user);
  const password = params.get(P.password);
  const expires = params.get(P.expires);
  if (user === null && password === null && expires === null) return ok(undefined);
  if (user === null || !INVITE_USER.test(user)) return err('malformed', 'The invite link is damaged: its device name is missing or not one Kith makes.');
  if (password === null || !PASSWORD.test(password)) return err('malformed', 'The invite link is damaged: its password is missing or cut short.');
  const seconds = expires === null || !/^\d{1,12}$/.test(expires) ? Number.NaN : Number(expires);
  if (!Number.isSafeInteger(seconds) || seconds > nowSeconds + LONGEST_SECONDS) return err('malformed', 'The invite link is damaged: its expiry date is missing or wrong.');
  if (seconds <= nowSeconds) {
    return err('expired', `This invite expired on ${new Date(seconds * 1000).toUTCString()}; ask for a new one.`);
  }
  return ok({ user, password, expires: seconds });
}
