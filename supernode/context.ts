// What every handler works with: the supernode's identity, tables, clock and output. One object,
// built by the Supernode class, so handlers stay plain functions.
import type { Mac } from '../engine/protocol/index.js';
import type { Logger } from '../engine/log.js';
import type { TimeStampVerifier } from '../engine/crypto/timestamp.js';
import type { Clock } from '../engine/clock.js';
import type { CommunityTable } from './communities.js';
import type { Federation } from './federation.js';
import type { Outbound } from './outbound.js';
import type { SenderLimits } from './sender-limits.js';
import type { PacketStats } from './stats.js';

export interface Identity {
  readonly mac: Mac;
  /** Simple-id token of our own REGISTER_SUPER to other supernodes (§9.1). */
  readonly token: Uint8Array;
  /** Version string of PONGs (§4.9), at most 19 bytes. */
  readonly version: string;
  readonly startedMs: number;
}

export interface SupernodeContext {
  readonly identity: Identity;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly stats: PacketStats;
  readonly verifier: TimeStampVerifier;
  readonly communities: CommunityTable;
  readonly federation: Federation;
  readonly outbound: Outbound;
  readonly limits: SenderLimits;
  readonly spoofingProtection: boolean;
  readonly keyTime: KeyTimeControl;
  /** SupernodeOptions.admitUser */
  readonly admitUser: AdmitUser | undefined;
}

/**
 * Whether a new edge (its MAC as aa:bb:…) may register as a listed user of a community: a host that
 * gives each invited device its own user admits only the first device per user (issue 12 item 5).
 */
export type AdmitUser = (community: string, user: string, mac: string) => boolean;

/** §7.3.5, §9.8.4: the federation key time and what changing it involves. */
export interface KeyTimeControl {
  readonly current: number;
  /** Adopts a larger key time learned from a federation member. */
  adopt(candidate: number): void;
}
