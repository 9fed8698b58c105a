// The edge's single time source (milliseconds). Peer timers, registration schedule, RTT and purges
// all read it, so the pure pieces can be unit-tested by moving a manual clock instead of sleeping.
export interface EdgeClock {
  nowMs(): number;
}

// Sub-millisecond resolution: RTTs on a LAN are fractions of a millisecond. timeOrigin is read once:
// its getter is a call into Node each time, and the data path reads the clock per packet.
const TIME_ORIGIN = performance.timeOrigin;
export const systemClock: EdgeClock = { nowMs: () => TIME_ORIGIN + performance.now() };

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
