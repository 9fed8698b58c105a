// Kith's latency figures (not part of n3n): a round-trip time per peer and per supernode, from
// probes (REGISTER_SUPER, REGISTER, QUERY_PEER, PING) and their replies.
//
// A sample runs from the moment the probe went to the kernel to the moment its reply arrived, as
// the transport reports them (udp-transport.ts: the batched socket's flush and wake-up times), not
// from when the engine queued the probe to when it got round to the reply behind a batch of
// frames. The figure is the median of the last WINDOW samples: the first ones, taken while the path
// was being punched and the engine was starting up, drop out after a few probes instead of
// decaying for minutes as an RFC 6298 average would, and one reply held up by a busy moment of the
// machine does not move it.

/** A probe answered later than this is not counted: the reply is more likely to a later probe. */
export const MAX_PROBE_AGE_MS = 5_000;
/** Samples the figure is the median of. */
export const RTT_WINDOW = 5;
/** Probes remembered between queueing and the transport's flush (bounded whatever the transport does). */
const MAX_AWAITING_KERNEL = 256;

/** The arrival time of the datagrams being handled (the transport sets it around its dispatch). */
let arrival: number | undefined;
/** Probes queued since the transport last handed its queue to the kernel. */
const awaitingKernel: RttEstimator[] = [];

/**
 * The transport calls this with the time the datagrams it is about to hand over arrived, and with
 * undefined when done: replies among them are timed from their arrival.
 */
export function noteArrival(at: number | undefined): void {
  arrival = at;
}

/**
 * The transport handed its queued datagrams to the kernel at `at`: the probes among them left then.
 * undefined: they went as they were queued (a synchronous send), so the queueing time stands.
 */
export function probesHandedToKernel(at: number | undefined): void {
  if (at !== undefined) for (const estimator of awaitingKernel) estimator.departed(at);
  awaitingKernel.length = 0;
}

export class RttEstimator {
  private readonly samples: number[] = [];
  private next = 0;
  private probeSentAt: number | undefined;
  /** When the last reply arrived, fresh or not: the other side was heard then (peer-liveness.ts); 0 = never. */
  lastReplyAt = 0;

  /** Median of the recent samples in milliseconds (0.01 ms steps), undefined before the first. */
  get ms(): number | undefined {
    if (this.samples.length === 0) return undefined;
    const sorted = [...this.samples].sort((x, y) => x - y);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    return Math.round(median * 100) / 100;
  }

  addSample(sampleMs: number): void {
    if (!(sampleMs >= 0)) return;
    if (this.samples.length < RTT_WINDOW) this.samples.push(sampleMs);
    else this.samples[this.next] = sampleMs;
    this.next = (this.next + 1) % RTT_WINDOW;
  }

  /**
   * Notes that a probe (REGISTER, QUERY_PEER, PING) was queued now; the transport's flush then
   * moves its time to when it went to the kernel. Replies carry no per-probe id (the REGISTER
   * cookie only ranks paths, PROTOCOL.md §4.1.1; REGISTER_SUPER's cookie is checked by its caller),
   * so the latest probe is the reference: a reply to an older one can only make the sample
   * smaller, never inflate it.
   */
  probeSent(now: number): void {
    this.probeSentAt = now;
    if (awaitingKernel.length < MAX_AWAITING_KERNEL && !awaitingKernel.includes(this)) awaitingKernel.push(this);
  }

  /** The outstanding probe went to the kernel at `at` (probesHandedToKernel). */
  departed(at: number): void {
    // A time from another clock (a test's manual one) or long after the probe is not its departure.
    if (this.probeSentAt !== undefined && at >= this.probeSentAt && at - this.probeSentAt < MAX_PROBE_AGE_MS) this.probeSentAt = at;
  }

  /** Forgets the outstanding probe: its answer is no measure of the path. */
  cancelProbe(): void {
    this.probeSentAt = undefined;
  }

  /** Takes a sample from the outstanding probe, if there is a fresh one; the reply arrived at or before now. */
  replyReceived(now: number): void {
    this.lastReplyAt = Math.max(this.lastReplyAt, now);
    const sent = this.probeSentAt;
    if (sent === undefined || now - sent > MAX_PROBE_AGE_MS) return;
    this.probeSentAt = undefined;
    // The arrival time counts when it lies between the probe and now (the same clock, this reply).
    this.addSample((arrival !== undefined && arrival >= sent && arrival <= now ? arrival : now) - sent);
  }
}
