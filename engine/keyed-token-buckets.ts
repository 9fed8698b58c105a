// Token buckets per key (per source address, per community): the rate limits on what hostile
// senders may cost. A key never seen, or forgotten, starts with a full bucket (token-bucket.ts). The
// table is bounded: when it is full the oldest key is forgotten, and sweep() forgets keys whose
// buckets are full again, so spoofed senders cannot grow it.
import { TokenBucket } from './token-bucket.js';

export interface Rate {
  /** Units a full bucket holds. */
  readonly capacity: number;
  /** Time to refill an empty bucket completely. */
  readonly refillMs: number;
}

/** n per minute, in a burst of up to n; 0 means no limit (undefined). */
export function perMinute(n: number): Rate | undefined {
  return n > 0 ? { capacity: n, refillMs: 60_000 } : undefined;
}

/** n per second, in a burst of up to two seconds' worth; 0 means no limit (undefined). */
export function perSecond(n: number): Rate | undefined {
  return n > 0 ? { capacity: 2 * n, refillMs: 2_000 } : undefined;
}

const DEFAULT_MAX_KEYS = 65_536;

export class KeyedTokenBuckets<K> {
  private readonly buckets = new Map<K, TokenBucket>();

  /** rate undefined: every take() succeeds. */
  constructor(
    private readonly rate: Rate | undefined,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {}

  /**
   * Takes cost units from key's bucket at now, all or nothing. A cost above the capacity passes
   * only from a full bucket, and empties it: one large item is not refused for ever.
   */
  take(key: K, now: number, cost = 1): boolean {
    const rate = this.rate;
    if (rate === undefined) return true;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxKeys) this.forgetOldest();
      bucket = new TokenBucket(rate.capacity, rate.refillMs, now);
      this.buckets.set(key, bucket);
    }
    const wanted = Math.min(Math.ceil(cost), rate.capacity);
    if (bucket.available(now) < wanted) return false;
    bucket.take(wanted, now);
    return true;
  }

  /** Forgets the keys whose buckets are full again (they behave as if never seen). */
  sweep(now: number): void {
    for (const [key, bucket] of this.buckets) if (bucket.available(now) >= bucket.capacity) this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }

  private forgetOldest(): void {
    const oldest = this.buckets.keys().next();
    if (oldest.done !== true) this.buckets.delete(oldest.value);
  }
}
