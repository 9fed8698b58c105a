// Read-only snapshots for the management API (MANAGEMENT.md §6): plain data, no live references.
import type { IpSubnet } from '../engine/protocol/index.js';
import type { HeaderEncryptionState } from './community.js';
import type { DropReason } from './stats.js';

/** MANAGEMENT.md §6.3: the federation is shown as "-/-"; its name is a secret. */
export const FEDERATION_DISPLAY_NAME = '-/-';

export interface CommunityView {
  readonly community: string;
  readonly isFederation: boolean;
  readonly purgeable: boolean;
  /** Auto-IP subnet 'a.b.c.d/len', '' if none. */
  readonly subnet: string;
  readonly headerEncryption: HeaderEncryptionState;
  readonly users: number;
  readonly edges: number;
}

export interface EdgeView {
  readonly mode: 'sn';
  readonly community: string;
  /** 'aa:bb:cc:dd:ee:ff' */
  readonly mac: string;
  /** Public socket; for a TCP edge its connection's peer address, unprefixed as in n3n (`tcp` tells). */
  readonly sockaddr: string;
  readonly tcp: boolean;
  /** Advertised LAN socket, undefined if none. */
  readonly preferredSockaddr: string | undefined;
  /** The address the edge reported, undefined when it reported none (0.0.0.0). */
  readonly devAddr: IpSubnet | undefined;
  readonly desc: string;
  readonly purgeable: true;
  /** Unix seconds. */
  readonly timeAlloc: number;
  readonly lastSeen: number;
}

export interface FederationMemberView {
  readonly mode: 'sn';
  readonly community: typeof FEDERATION_DISPLAY_NAME;
  /** '' while unknown. */
  readonly mac: string;
  /** '' while a configured host name is unresolved. */
  readonly sockaddr: string;
  /** false for configured peers. */
  readonly purgeable: boolean;
  readonly timeAlloc: number;
  /** Unix seconds; 0 = never. */
  readonly lastSeen: number;
}

export interface AssociationView {
  readonly mac: string;
  readonly community: string;
  /** Socket of the supernode holding that MAC. */
  readonly dest: string;
  readonly lastSeen: number;
}

export interface PacketStatsView {
  readonly received: number;
  /** received = accepted + totalDrops. */
  readonly accepted: number;
  readonly forwarded: number;
  readonly broadcast: number;
  readonly registerSuperAcks: number;
  /** Of those, the ACKs the UDP socket sent itself to repeated registrations (native/register-answers.ts). */
  readonly registerSuperAnswered: number;
  readonly registerSuperNaks: number;
  readonly sendErrors: number;
  readonly drops: Readonly<Record<DropReason, number>>;
  readonly totalDrops: number;
}

export interface TimestampsView {
  /** Unix seconds; 0 = never. */
  readonly startTime: number;
  readonly lastSnFwd: number;
  readonly lastSnReg: number;
}

/** MANAGEMENT.md §6.13: 0 loaded, -1 no or unreadable file, -2 no usable lines. */
export type ReloadResult = 0 | -1 | -2;
