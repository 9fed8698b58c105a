// Kith's latency figures (not part of n3n): a round-trip time per peer and per supernode, from
// probes (REGISTER_SUPER, REGISTER, QUERY_PEER, PING) and their replies.
//
// Each reply is timed from its own probe: REGISTER_ACK and REGISTER_SUPER_ACK echo their probe's
// cookie (PROTOCOL.md §4.2, §4.7), PEER_INFO answers carry none (§4.9), so a reply without one
// counts only while a single probe without one is out. During hole punching several REGISTERs
// leave in quick succession; the ACK of an earlier one, arriving just after a later one left,
// timed from the later one gave figures of hundredths of a millisecond.
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
/** Probes awaiting their reply, per estimator: the oldest makes room (bounded whatever the callers do). */
export const MAX_OUTSTANDING = 8;
/** Estimators with probes queued between the engine and the transport's flush (bounded likewise). */
const MAX_AWAITING_KERNEL = 256;

/** The arrival time of the datagrams being handled (the transport sets it around its dispatch). */
let arrival: number | undefined;
/** Estimators with probes queued since the transport last handed its queue to the kernel. */
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
  for (const estimator of awaitingKernel) estimator.departed(at);
  awaitingKernel.length = 0;
}

/** The latest probe with one cookie, awaiting its reply. */
interface Probe {
  /** Queueing time, then the time it went to the kernel. */
  sentAt: number;
  /** Handed to the kernel (its sentAt is final). */
  left: boolean;
  /** Another probe with the same cookie was out: a reply could be to either, so it is no sample. */
  ambiguous: boolean;
}

export class RttEstimator {
  private readonly samples: number[] = [];
  private next = 0;
  /** Outstanding probes by cookie; undefined keys the probes without one (QUERY_PEER, PING). */
  private readonly outstanding = new Map<number | undefined, Probe>();
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

  /** How many probes await a reply (bounded by MAX_OUTSTANDING). */
  get outstandingCount(): number {
    return this.outstanding.size;
  }

  addSample(sampleMs: number): void {
    if (!(sampleMs >= 0)) return;
    if (this.samples.length < RTT_WINDOW) this.samples.push(sampleMs);
    else this.samples[this.next] = sampleMs;
    this.next = (this.next + 1) % RTT_WINDOW;
  }

  /**
   * Notes that a probe was queued now, with the cookie its reply echoes (REGISTER, REGISTER_SUPER)
   * or none (QUERY_PEER, PING); the transport's flush then moves its time to when it went to the
   * kernel. A probe sent while one with the same cookie is out (punch retries, a port spray) makes
   * the reply ambiguous: none of them is a sample, and the latest one's age decides when a new
   * probe with that cookie starts afresh, so a late reply to an earlier one is never timed from it.
   */
  probeSent(now: number, cookie?: number): void {
    this.expire(now);
    const earlier = this.outstanding.get(cookie);
    // Deleted and set again: the newest probe is the last to make room.
    this.outstanding.delete(cookie);
    if (this.outstanding.size >= MAX_OUTSTANDING) this.outstanding.delete(this.outstanding.keys().next().value);
    this.outstanding.set(cookie, { sentAt: now, left: false, ambiguous: earlier !== undefined });
    if (awaitingKernel.length < MAX_AWAITING_KERNEL && !awaitingKernel.includes(this)) awaitingKernel.push(this);
  }

  /** The queued probes went to the kernel at `at`, or as they were queued (undefined; probesHandedToKernel). */
  departed(at: number | undefined): void {
    for (const probe of this.outstanding.values()) {
      if (probe.left) continue;
      probe.left = true;
      // A time from another clock (a test's manual one) or long after the probe is not its departure.
      if (at !== undefined && at >= probe.sentAt && at - probe.sentAt < MAX_PROBE_AGE_MS) probe.sentAt = at;
    }
  }

  /** Forgets the probe with this cookie (or the ones without): its answer is no measure of the path. */
  cancelProbe(cookie?: number): void {
    this.outstanding.delete(cookie);
  }

  /**
   * Takes a sample from the probe this reply answers, if it is outstanding, fresh and unambiguous;
   * the reply arrived at or before now and echoes `cookie` (undefined for replies without one).
   */
  replyReceived(now: number, cookie?: number): void {
    this.lastReplyAt = Math.max(this.lastReplyAt, now);
    this.expire(now);
    const probe = this.outstanding.get(cookie);
    if (probe === undefined) return;
    this.outstanding.delete(cookie);
    if (probe.ambiguous) return;
    const sent = probe.sentAt;
    // The arrival time counts when it lies between the probe and now (the same clock, this reply).
    this.addSample((arrival !== undefined && arrival >= sent && arrival <= now ? arrival : now) - sent);
  }

  /** Drops probes too old for a reply to be theirs (MAX_PROBE_AGE_MS). */
  private expire(now: number): void {
    for (const [cookie, probe] of this.outstanding) {
      if (now - probe.sentAt > MAX_PROBE_AGE_MS) this.outstanding.delete(cookie);
    }
  }
}
