// A token bucket on an injected clock: at most `capacity` units at once, refilled evenly over
// `refillMs`. Rate limits that must hold against hostile input (DESIGN.md, Trust boundaries) use it,
// and tests move the clock instead of sleeping.
export class TokenBucket {
  private tokens: number;
  private updated: number;

  constructor(
    readonly capacity: number,
    /** Time to refill an empty bucket completely. */
    readonly refillMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updated = now;
  }

  /** Takes up to wanted units; returns how many were granted (0 … wanted). */
  take(wanted: number, now: number): number {
    this.refill(now);
    const granted = Math.max(0, Math.min(Math.floor(wanted), Math.floor(this.tokens)));
    this.tokens -= granted;
    return granted;
  }

  /** Units available now. */
  available(now: number): number {
    this.refill(now);
    return Math.floor(this.tokens);
  }

  private refill(now: number): void {
    // A clock that went backwards refills nothing (and never drains the bucket).
    const elapsed = Math.max(0, now - this.updated);
    this.updated = Math.max(this.updated, now);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.capacity) / this.refillMs);
  }
}
