// Who a management request comes from and what it may do (MANAGEMENT.md §4, DESIGN.md "Trust
// boundaries"). Non-browser clients prove the management password with n3n's Basic header, as
// n3nctl does; browsers prove it once at POST /login (with the one-time login token or the
// password) and then carry a session cookie, because a browser replays cached Basic credentials to
// any page's requests. Wrong passwords are throttled per client and logged without the password.
import type { IncomingMessage } from 'node:http';
import { hasManagementPassword, passwordMatches } from './auth.js';
import { AuthThrottle, DEFAULT_AUTH_THROTTLE, type AuthThrottleLimits } from './auth-throttle.js';
import { fromBrowser } from './browser-guard.js';
import { BrowserSessions, DEFAULT_SESSION_LIMITS, type BrowserSessionLimits } from './browser-sessions.js';
import { BROWSER_CHALLENGE, jsonReply, textReply, UNAUTHORISED, type HttpReply } from './http-reply.js';

/** What the server knows of the connection a request came on. */
export interface Caller {
  readonly transport: 'unix' | 'tcp';
  /** `uid:<n>` or `tcp:<address>`: whose failures count together. */
  readonly client: string;
  /** The password this listener accepts (TCP may use its own, see daemon-runtime.ts). */
  readonly password: string;
}

export type Credentials = 'authorised' | 'anonymous' | { readonly retryAfterMs: number };

export interface AccessOptions {
  readonly log: (line: string) => void;
  readonly throttle?: Partial<AuthThrottleLimits>;
  readonly sessions?: Partial<BrowserSessionLimits>;
  readonly now?: () => number;
}

/** 429 with the whole seconds to wait (RFC 9110 §10.2.3). */
export function tooManyAttempts(retryAfterMs: number): HttpReply {
  return { ...textReply(429, 'too many wrong passwords: try again later\n'), headers: [['Retry-After', String(Math.max(1, Math.ceil(retryAfterMs / 1000)))]] };
}

/** A 401 that does not make a browser prompt for Basic credentials it would then be refused with. */
export function unauthorisedFor(req: IncomingMessage): HttpReply {
  return fromBrowser(req.headers) ? { ...UNAUTHORISED, challenge: BROWSER_CHALLENGE } : UNAUTHORISED;
}

/** A login body is a token or a password in a small JSON object. */
export const LOGIN_BODY_LIMIT = 1024;

export class ManagementAccess {
  private readonly sessions: BrowserSessions;
  private readonly throttle: AuthThrottle;
  private readonly log: (line: string) => void;

  constructor(options: AccessOptions) {
    this.log = options.log;
    this.sessions = new BrowserSessions({ ...DEFAULT_SESSION_LIMITS, ...options.sessions }, options.now);
    this.throttle = new AuthThrottle({ ...DEFAULT_AUTH_THROTTLE, ...options.throttle }, options.now);
  }

  /** A fresh one-time login token for the link printed at start; the previous one stops working. */
  issueLoginToken(): string {
    return this.sessions.issueLoginToken();
  }

  /**
   * Checks what the request presents. A browser (it sends Origin or Sec-Fetch-Site) counts only
   * with a session cookie, which exists on TCP only; its Basic header is ignored. Everyone else
   * counts with the right Basic password. Presenting nothing is anonymous, not a failure.
   */
  credentials(req: IncomingMessage, caller: Caller): Credentials {
    if (caller.transport === 'tcp' && this.sessions.valid(req.headers.cookie)) return 'authorised';
    const authorization = req.headers.authorization;
    if (authorization === undefined || (caller.transport === 'tcp' && fromBrowser(req.headers))) return 'anonymous';
    return this.checkPassword(caller, (password) => hasManagementPassword(authorization, password), 'Basic credentials');
  }

  /**
   * POST /login: `{"token": "<one-time login token>"}` or `{"password": "<management password>"}`
   * gives a session cookie. Only on TCP, where browsers are; the guard has checked Host and origin.
   */
  login(body: Buffer, caller: Caller): HttpReply {
    let request: unknown;
    try {
      request = body.length <= LOGIN_BODY_LIMIT ? JSON.parse(body.toString('utf8')) : undefined;
    } catch {
      request = undefined;
    }
    const field = (name: string): string | undefined => {
      const value = typeof request === 'object' && request !== null ? (request as Record<string, unknown>)[name] : undefined;
      return typeof value === 'string' ? value : undefined;
    };
    const token = field('token');
    const password = field('password');
    let outcome: Credentials = 'anonymous';
    if (token !== undefined) {
      outcome = this.checkPassword(caller, () => this.sessions.redeemLoginToken(token), 'login link');
    } else if (password !== undefined) {
      outcome = this.checkPassword(caller, (expected) => passwordMatches(password, expected), 'password');
    }
    if (typeof outcome === 'object') return tooManyAttempts(outcome.retryAfterMs);
    if (outcome === 'anonymous') return { ...textReply(401, 'the login link was used already, or the password is wrong\n'), challenge: BROWSER_CHALLENGE };
    return { ...jsonReply(200, '{"ok":true}'), headers: [['Set-Cookie', this.sessions.open()]] };
  }

  /** One attempt: refused unanswered while the client must wait; a failure is counted and logged. */
  private checkPassword(caller: Caller, check: (password: string) => boolean, what: string): Credentials {
    const wait = this.throttle.waitMs(caller.client);
    if (wait > 0) return { retryAfterMs: wait };
    if (check(caller.password)) {
      this.throttle.succeeded(caller.client);
      return 'authorised';
    }
    const { failures, waitMs } = this.throttle.failed(caller.client);
    this.log(`mgmt: wrong ${what} from ${caller.client} (${failures} in a row${waitMs > 0 ? `; next attempt checked in ${Math.ceil(waitMs / 1000)} s` : ''})`);
    return 'anonymous';
  }
}
