// What one sender may make the supernode create or send (issue 9 items 6, 16 and 18). n3n has no
// such limits; each is a supernode.* option (CONFIG.md schema) where 0 lifts it. Source addresses
// are the UDP source or TCP peer address: edges behind one NAT router share one.
import { KeyedTokenBuckets, perMinute, perSecond } from '../engine/keyed-token-buckets.js';
import type { Rate } from '../engine/keyed-token-buckets.js';

export interface SenderLimitSettings {
  /** Edges one source address may hold in one community (0 = no limit). */
  readonly edgesPerAddress: number;
  /** New edges and address requests per source address per minute. */
  readonly registrationsPerAddress: number;
  /** New edges per community per minute. */
  readonly registrationsPerCommunity: number;
  /** New communities per source address per minute. */
  readonly communitiesPerAddress: number;
  /** Bytes per second one sender's broadcasts may be copied into. */
  readonly broadcastBytesPerAddress: number;
}

/**
 * Answers (PONG, PEER_INFO) to senders that are not registered edges of the community, per source
 * address: an edge probing supernodes sends a few PINGs every 30 s (PROTOCOL.md §8.4); a spoofed
 * flood reflects at most this many answers a second to its victim.
 */
const ANSWERS_TO_STRANGERS: Rate = { capacity: 8, refillMs: 2_000 };

export class SenderLimits {
  readonly edgesPerAddress: number;
  readonly registrations: KeyedTokenBuckets<string>;
  readonly communityRegistrations: KeyedTokenBuckets<string>;
  readonly communities: KeyedTokenBuckets<string>;
  readonly broadcastBytes: KeyedTokenBuckets<string>;
  readonly answers = new KeyedTokenBuckets<string>(ANSWERS_TO_STRANGERS);

  constructor(settings: SenderLimitSettings) {
    this.edgesPerAddress = settings.edgesPerAddress;
    this.registrations = new KeyedTokenBuckets(perMinute(settings.registrationsPerAddress));
    this.communityRegistrations = new KeyedTokenBuckets(perMinute(settings.registrationsPerCommunity));
    this.communities = new KeyedTokenBuckets(perMinute(settings.communitiesPerAddress));
    this.broadcastBytes = new KeyedTokenBuckets(perSecond(settings.broadcastBytesPerAddress));
  }

  /** Whether a source address holding `held` edges of a community may register one more. */
  mayHoldAnother(held: number): boolean {
    return this.edgesPerAddress === 0 || held < this.edgesPerAddress;
  }

  /** Forgets senders whose budgets are full again (periodic, with the purge). */
  sweep(nowMs: number): void {
    for (const buckets of [this.registrations, this.communityRegistrations, this.communities, this.broadcastBytes, this.answers]) buckets.sweep(nowMs);
  }
}
