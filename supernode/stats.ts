// Packet counters: n3n's get_packetstats supernode rows (MANAGEMENT.md §6.7) plus Kith's own count
// of every dropped datagram by reason. Each drop is also logged at debug level, lazily.
import type { Logger } from '../engine/log.js';

export const DROP_REASONS = [
  'too-short', // shorter than the 24-byte common header (§9.2 step 1)
  'oversized', // longer than the 2048-byte receive buffer (§1.1)
  'clear-header-for-encrypted-community', // no downgrade (§6.5)
  'no-matching-key', // encrypted header that no community key opens (§9.2 step 2)
  'undecodable', // bad version, unknown type or truncated body (§4)
  'static-key-in-user-community', // §9.2 step 4
  'from-unknown-supernode', // FROM_SUPERNODE from a non-member (§9.2 step 5)
  'ttl-zero', // §9.2 step 6
  'unknown-community', // message for a community this supernode does not have
  'community-not-admitted', // locked communities, no matching pattern (§9.3.1 step 2)
  'bad-timestamp', // outside the ±16 s window or replayed (§6.4)
  'bad-auth-trailer', // user/password hash mismatch (§7.3.3)
  'own-mac', // REGISTER_SUPER claiming the supernode's MAC (§9.3.1 step 4)
  'table-full', // Kith's bounds on communities, edges and associations
  'unhandled-type', // types the supernode ignores (§9.3.5, §9.3.10)
  'unknown-destination', // unicast for an unknown MAC that came from a supernode (§9.4.1)
  'multicast-register', // REGISTER with a multicast destination (§9.3.4)
  'not-for-this-supernode', // relay or answer that names no local edge (§9.3.7, §9.3.8, §9.3.9)
  'auth-mismatch', // UNREGISTER_SUPER whose token does not match (§9.3.2)
  'tcp-garbage', // TCP frame longer than 2046 bytes (§1.2)
  'rate-limited', // over a sender's budget: registrations, communities, broadcast bytes, answers (sender-limits.ts)
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export class PacketStats {
  /** Datagrams and TCP frames received. */
  received = 0;
  /** Messages a handler acted on (answered, forwarded, recorded); every other one is a drop. */
  accepted = 0;
  /** n3n sn_fwd: unicast messages forwarded. */
  forwarded = 0;
  /** n3n sn_broadcast: broadcast copies sent. */
  broadcast = 0;
  /** n3n sn_reg tx_pkt: REGISTER_SUPER answered with an ACK. */
  registerSuperAcks = 0;
  /** n3n sn_reg nak (which n3n never increments): REGISTER_SUPER answered with a NAK. */
  registerSuperNaks = 0;
  /** n3n sn_errors: sends that failed. */
  sendErrors = 0;
  /** Unix ms of the last forward / registration (get_timestamps last_sn_fwd, last_sn_reg); 0 = never. */
  lastForwardMs = 0;
  lastRegisterSuperMs = 0;
  readonly drops: Record<DropReason, number> = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;

  constructor(private readonly logger: Logger) {}

  private dropTotal = 0;

  drop(reason: DropReason, detail?: () => string): void {
    this.drops[reason]++;
    this.dropTotal++;
    this.logger.debug(() => `drop (${reason})${detail === undefined ? '' : `: ${detail()}`}`);
  }

  totalDrops(): number {
    return this.dropTotal;
  }
}
