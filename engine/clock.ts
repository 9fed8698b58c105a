// The single time source of both daemons (milliseconds since the Unix epoch). Peer timers, the
// registration schedule, RTTs, purges and header-encryption stamp checks all read it, so the pure
// pieces can be tested by moving a manual clock instead of sleeping.
export interface Clock {
  nowMs(): number;
}

// Sub-millisecond resolution: RTTs on a LAN are fractions of a millisecond. Readers that show
// seconds round down.
export const systemClock: Clock = { nowMs: () => performance.timeOrigin + performance.now() };

/** A clock that only moves when told to (tests); it starts at the real time, so stamps made by real clocks fall in the window. */
export class ManualClock implements Clock {
  constructor(private current: number = Date.now()) {}

  nowMs(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
