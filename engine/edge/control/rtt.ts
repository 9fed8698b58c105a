// Kith's latency figures (not part of n3n): a smoothed round-trip time per peer and per supernode.
// Smoothing follows RFC 6298's SRTT (alpha = 1/8), so one slow reply moves the figure only a little.
const ALPHA = 1 / 8;
/** A probe answered later than this is not counted: the reply is more likely to a later probe. */
export const MAX_PROBE_AGE_MS = 5_000;

export class RttEstimator {
  private smoothed: number | undefined;
  private probeSentAt: number | undefined;

  /** Smoothed RTT in milliseconds, undefined before the first sample. */
  get ms(): number | undefined {
    return this.smoothed === undefined ? undefined : Math.round(this.smoothed * 10) / 10;
  }

  addSample(sampleMs: number): void {
    if (!(sampleMs >= 0)) return;
    this.smoothed = this.smoothed === undefined ? sampleMs : this.smoothed + ALPHA * (sampleMs - this.smoothed);
  }

  /**
   * Notes that a probe (REGISTER, QUERY_PEER, PING) left now. Replies carry no per-probe id (the
   * REGISTER cookie only ranks paths, PROTOCOL.md §4.1.1), so the latest probe is the reference:
   * a reply to an older one can only make the sample smaller, never inflate it.
   */
  probeSent(now: number): void {
    this.probeSentAt = now;
  }

  /** Forgets the outstanding probe: its answer is no measure of the path. */
  cancelProbe(): void {
    this.probeSentAt = undefined;
  }

  /** Takes a sample from the outstanding probe, if there is a fresh one. */
  replyReceived(now: number): void {
    const sent = this.probeSentAt;
    if (sent === undefined || now - sent > MAX_PROBE_AGE_MS) return;
    this.probeSentAt = undefined;
    this.addSample(now - sent);
  }
}
