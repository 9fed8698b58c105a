// Keyed token buckets: rate limits on what hostile senders may cost (per source address, per
// community). A key holds up to `burst` tokens and regains `perSecond`; a key never seen, or one
// forgotten, starts full. The table of keys is bounded: when it is full the oldest key is
// forgotten, and sweep() forgets keys that have refilled, so spoofed senders cannot grow it.

export interface Rate {
  /** Tokens a key holds when full. */
  readonly burst: number;
  readonly perSecond: number;
}

/** n per minute, with a burst of n; 0 means no limit (undefined). */
export function perMinute(n: number): Rate | undefined {
  return n > 0 ? { burst: n, perSecond: n / 60 } : undefined;
}

/** n per second, with a burst of two seconds' worth; 0 means no limit (undefined). */
export function perSecond(n: number): Rate | undefined {
  return n > 0 ? { burst: 2 * n, perSecond: n } : undefined;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

const DEFAULT_MAX_KEYS = 65_536;

export class TokenBuckets<K> {
  private readonly buckets = new Map<K, Bucket>();

  /** rate undefined: every take() succeeds. */
  constructor(
    private readonly rate: Rate | undefined,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {}

  /**
   * Takes cost tokens from key's bucket at nowMs; false (nothing taken) when too few are left. A
   * cost above the burst passes when the bucket is full and leaves it owing the difference, so one
   * large item is not refused for ever.
   */
  take(key: K, nowMs: number, cost = 1): boolean {
    const rate = this.rate;
    if (rate === undefined) return true;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKeys) this.forgetOldest();
      bucket = { tokens: rate.burst, atMs: nowMs };
      this.buckets.set(key, bucket);
    } else {
      bucket.tokens = this.refilled(bucket, nowMs);
      bucket.atMs = nowMs;
    }
    if (bucket.tokens < Math.min(cost, rate.burst)) return false;
    bucket.tokens -= cost;
    return true;
  }

  /** Forgets the keys whose buckets are full again (they behave as if never seen). */
  sweep(nowMs: number): void {
    const rate = this.rate;
    if (rate === undefined) return;
    for (const [key, bucket] of this.buckets) if (this.refilled(bucket, nowMs) >= rate.burst) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket, nowMs: number): number {
    const rate = this.rate!;
    return Math.min(rate.burst, bucket.tokens + (Math.max(0, nowMs - bucket.atMs) / 1000) * rate.perSecond);
  }

  private forgetOldest(): void {
    const oldest = this.buckets.keys().next();
    if (oldest.done !== true) this.buckets.delete(oldest.value);
  }
}
