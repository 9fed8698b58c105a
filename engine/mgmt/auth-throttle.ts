// Password guessing against the management API, per client (a uid on the unix socket, an address on
// TCP): a few wrong passwords within a window are free, then each further one doubles the time the
// client must wait before its next attempt is even checked (429 with Retry-After). A right password
// clears the client's record. The table is bounded; the client that failed longest ago goes first.

export interface AuthThrottleLimits {
  /** Wrong passwords within `windowMs` before waiting starts. */
  readonly freeFailures: number;
  readonly windowMs: number;
  /** The first wait; each further failure doubles it, up to `maxDelayMs`. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** Clients remembered at once. */
  readonly maxClients: number;
}

export const DEFAULT_AUTH_THROTTLE: AuthThrottleLimits = { freeFailures: 5, windowMs: 60_000, firstDelayMs: 1_000, maxDelayMs: 300_000, maxClients: 1024 };

interface FailureRecord {
  failures: number;
  lastFailure: number;
  blockedUntil: number;
}

export class AuthThrottle {
  private readonly clients = new Map<string, FailureRecord>();

  constructor(
    private readonly limits: AuthThrottleLimits = DEFAULT_AUTH_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  /** How long `client` must still wait before a password of theirs is checked; 0 = now. */
  waitMs(client: string): number {
    const record = this.clients.get(client);
    return record === undefined ? 0 : Math.max(0, record.blockedUntil - this.now());
  }

  /** Records a wrong password; returns the client's failures in the window and its wait from now. */
  failed(client: string): { readonly failures: number; readonly waitMs: number } {
    const now = this.now();
    let record = this.clients.get(client);
    // A client that has waited out its delay and stayed quiet for a window starts afresh.
    if (record !== undefined && now >= record.blockedUntil && now - record.lastFailure > this.limits.windowMs) record = undefined;
    if (record === undefined) {
      if (this.clients.size >= this.limits.maxClients) this.dropOldest();
      record = { failures: 0, lastFailure: now, blockedUntil: 0 };
    }
    // Re-inserted so the map's order is the order of last failures.
    this.clients.delete(client);
    this.clients.set(client, record);
    record.failures++;
    record.lastFailure = now;
    const excess = record.failures - this.limits.freeFailures;
    if (excess > 0) {
      record.blockedUntil = now + Math.min(this.limits.maxDelayMs, this.limits.firstDelayMs * 2 ** Math.min(excess - 1, 30));
    }
    return { failures: record.failures, waitMs: Math.max(0, record.blockedUntil - now) };
  }

  succeeded(client: string): void {
    this.clients.delete(client);
  }

  private dropOldest(): void {
    const oldest = this.clients.keys().next();
    if (oldest.done !== true) this.clients.delete(oldest.value);
  }
}
