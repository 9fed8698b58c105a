// How a browser signs in to the management API (DESIGN.md "Trust boundaries"): never with HTTP
// Basic credentials, which a browser caches and replays to any page's requests, but with a session
// cookie (HttpOnly, SameSite=Strict) that POST /login hands out in exchange for a one-time login
// token (the link printed at start) or the management password (typed into the login page).
// Sessions live only here, in memory, with an idle and an absolute expiry; the cookie is their id.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'kith_session';

export interface BrowserSessionLimits {
  /** A session unused this long is gone. */
  readonly idleMs: number;
  /** A session is gone this long after sign-in, however busy. */
  readonly maxAgeMs: number;
  /** Sessions kept at once; signing in beyond it ends the least recently used. */
  readonly maxSessions: number;
}

export const DEFAULT_SESSION_LIMITS: BrowserSessionLimits = { idleMs: 12 * 3600_000, maxAgeMs: 7 * 24 * 3600_000, maxSessions: 32 };

interface Session {
  readonly createdAt: number;
  lastUsed: number;
}

/** 256 random bits, URL-safe. */
function secret(): string {
  return randomBytes(32).toString('base64url');
}

/** Sessions are found by the digest of their id, so the map never holds a usable cookie. */
function digest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url');
}

/** The value of cookie `name` in a Cookie header, if it is there once. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const values = header
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${name}=`))
    .map((part) => part.slice(name.length + 1));
  return values.length === 1 ? values[0] : undefined;
}

export class BrowserSessions {
  private readonly sessions = new Map<string, Session>();
  /** Digest of the one login token that may still be used. */
  private loginToken: string | undefined;

  constructor(
    private readonly limits: BrowserSessionLimits = DEFAULT_SESSION_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new one-time login token; the previous one stops working. */
  issueLoginToken(): string {
    const token = secret();
    this.loginToken = digest(token);
    return token;
  }

  /** True once per issued token. */
  redeemLoginToken(token: string): boolean {
    if (this.loginToken === undefined) return false;
    const matches = timingSafeEqual(Buffer.from(digest(token)), Buffer.from(this.loginToken));
    if (matches) this.loginToken = undefined;
    return matches;
  }

  /** Starts a session; returns the Set-Cookie value that carries it. */
  open(): string {
    this.expire();
    while (this.sessions.size >= this.limits.maxSessions) this.dropLeastRecentlyUsed();
    const id = secret();
    const now = this.now();
    this.sessions.set(digest(id), { createdAt: now, lastUsed: now });
    // No Secure attribute: the listener is plain HTTP on loopback. Max-Age follows the idle expiry.
    return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(this.limits.idleMs / 1000)}`;
  }

  /** Whether the Cookie header carries a live session; using it keeps it alive. */
  valid(cookieHeader: string | undefined): boolean {
    const id = cookieValue(cookieHeader, SESSION_COOKIE);
    if (id === undefined || id.length > 64) return false;
    const key = digest(id);
    const session = this.sessions.get(key);
    if (session === undefined) return false;
    const now = this.now();
    if (now - session.lastUsed > this.limits.idleMs || now - session.createdAt > this.limits.maxAgeMs) {
      this.sessions.delete(key);
      return false;
    }
    session.lastUsed = now;
    return true;
  }

  /** Ends the session the Cookie header names, if any. */
  close(cookieHeader: string | undefined): void {
    const id = cookieValue(cookieHeader, SESSION_COOKIE);
    if (id !== undefined) this.sessions.delete(digest(id));
  }

  get size(): number {
    return this.sessions.size;
  }

  private expire(): void {
    const now = this.now();
    for (const [key, session] of this.sessions) {
      if (now - session.lastUsed > this.limits.idleMs || now - session.createdAt > this.limits.maxAgeMs) this.sessions.delete(key);
    }
  }

  private dropLeastRecentlyUsed(): void {
    let oldest: [string, Session] | undefined;
    for (const entry of this.sessions) if (oldest === undefined || entry[1].lastUsed < oldest[1].lastUsed) oldest = entry;
    if (oldest !== undefined) this.sessions.delete(oldest[0]);
  }
}
