// The 64-bit header-encryption time stamp (CRYPTO.md §4.6, PROTOCOL.md §6.4): generation and the
// receiver's window / replay checks. Stamps travel with every header-encrypted datagram, so they are
// kept as two unsigned 32-bit halves instead of BigInt.
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';

/** A 64-bit time stamp: hi = bits 63..32 (Unix seconds), lo = bits 31..0; both unsigned 32-bit. */
export interface TimeStamp {
  readonly hi: number;
  readonly lo: number;
}

/** Microseconds since the Unix epoch; injectable so tests can replay old captures. */
export type MicrosecondClock = () => number;

export const systemClock: MicrosecondClock = () =>
  Math.floor((performance.timeOrigin + performance.now()) * 1000);

/** CRYPTO.md §4.6: seconds in bits 63..32, microseconds in bits 31..12, counter and flags zero. */
export function stampFromMicroseconds(us: number): TimeStamp {
  const seconds = Math.floor(us / 1e6);
  return { hi: seconds >>> 0, lo: ((us - seconds * 1e6) << 12) >>> 0 };
}

/**
 * a − b as a signed 64-bit value, returned as a double. Exact while |a − b| < 2^53; beyond that the
 * rounding cannot move the value across the small thresholds it is compared with.
 */
function signedDifference(aHi: number, aLo: number, bHi: number, bLo: number): number {
  const lo = (aLo - bLo) >>> 0;
  const borrow = aLo >>> 0 < bLo >>> 0 ? 1 : 0;
  const hi = (aHi - bHi - borrow) | 0;
  return hi * 0x1_0000_0000 + lo;
}

/** Adds a non-negative delta (< 2^32) modulo 2^64. */
function addToStamp(stamp: TimeStamp, delta: number): TimeStamp {
  const lo = stamp.lo + delta;
  return lo > 0xffffffff ? { hi: (stamp.hi + 1) >>> 0, lo: lo >>> 0 } : { hi: stamp.hi, lo };
}

// Lowest counter increment (bits 11..4); CRYPTO.md §4.6 recommends max(stamp, previous + 0x10).
const COUNTER_STEP = 0x10;

/** Issues strictly increasing stamps; use one generator per process (CRYPTO.md §4.6). */
export class TimeStampGenerator {
  private previous: TimeStamp = { hi: 0, lo: 0 };

  constructor(private readonly clock: MicrosecondClock = systemClock) {}

  next(): TimeStamp {
    const fromClock = stampFromMicroseconds(this.clock());
    const bumped = addToStamp(this.previous, COUNTER_STEP);
    const stamp =
      signedDifference(fromClock.hi, fromClock.lo, bumped.hi, bumped.lo) >= 0 ? fromClock : bumped;
    this.previous = stamp;
    return stamp;
  }
}

/** The last accepted stamp of one sender (edge, peer or supernode); mutated by check(). */
export interface SenderStampRecord {
  lastHi: number;
  lastLo: number;
}

export type TimeStampError = 'outside-window' | 'replayed';

// ±16 s in stamp units (2^36 = 16 · 2^32).
const WINDOW = 2 ** 36;
// 160 ms in the usec << 12 scale; ×256 for counter-only stamps (n3n's code, not its docs).
const JITTER = 0x27100000;
const COUNTER_ONLY_JITTER = JITTER * 256;
const COUNTER_ONLY_FLAG = 1;

const accepted: Result<true, TimeStampError> = ok(true);

/** Receiver-side checks of PROTOCOL.md §6.4 against a (possibly mocked) clock. */
export class TimeStampVerifier {
  constructor(private readonly clock: MicrosecondClock = systemClock) {}

  /** The receiver's current stamp (does not advance any generator). */
  now(): TimeStamp {
    return stampFromMicroseconds(this.clock());
  }

  /** A record for a newly seen sender: last = now − 2^36. */
  newRecord(): SenderStampRecord {
    const now = this.now();
    // 2^36 = 16 in the high half.
    return { lastHi: (now.hi - 16) >>> 0, lastLo: now.lo };
  }

  /**
   * Window check, then (if the sender is known) monotony with optional jitter allowance. On success
   * the record's last stamp becomes max(last, stamp).
   */
  check(
    stamp: TimeStamp,
    record: SenderStampRecord | undefined,
    allowJitter: boolean,
  ): Result<true, TimeStampError> {
    const now = this.now();
    const offset = signedDifference(stamp.hi, stamp.lo, now.hi, now.lo);
    if (offset >= WINDOW || offset <= -WINDOW) return err('outside-window');
    if (record === undefined) return accepted;
    let diff = signedDifference(stamp.hi, stamp.lo, record.lastHi, record.lastLo);
    if (allowJitter) diff += (stamp.lo & COUNTER_ONLY_FLAG) !== 0 ? COUNTER_ONLY_JITTER : JITTER;
    if (diff <= 0) return err('replayed');
    if (signedDifference(stamp.hi, stamp.lo, record.lastHi, record.lastLo) > 0) {
      record.lastHi = stamp.hi;
      record.lastLo = stamp.lo;
    }
    return accepted;
  }
}
