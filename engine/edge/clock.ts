// The edge's single time source (milliseconds). Peer timers, registration schedule, RTT and purges
// all read it, so the pure pieces can be unit-tested by moving a manual clock instead of sleeping.
export interface EdgeClock {
  nowMs(): number;
}

// Sub-millisecond resolution: RTTs on a LAN are fractions of a millisecond.
export const systemClock: EdgeClock = { nowMs: () => performance.timeOrigin + performance.now() };

/** A clock that only moves when told to (tests). */
export class ManualClock implements EdgeClock {
  constructor(private current = 1_800_000_000_000) {}

  nowMs(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
