// The data shapes of the help session (issue 13): the `kith.help.*` methods and the `kith.help`
// topic the window reads, as agreed in the help contract. Types only, so the renderer may import
// this file (as it does engine/profiles/api.ts).

// The roles and phases, and the rules on them the window and the shell share, live in
// shared/help-session.ts.
import type { HelpPhase, HelpRole } from '../../shared/help-session.js';

export type { HelpPhase, HelpRole };
export type HelpEndReason = 'declined' | 'unanswered' | 'busy' | 'stopped-here' | 'stopped-there' | 'peer-gone' | 'failed';
export interface HelpPeerRef {
  readonly mac: string;
  readonly name: string;
  readonly vpnIpv4: string;
}
export interface HelpSession {
  /** Random, 128 bits hex. */
  readonly id: string;
  readonly role: HelpRole;
  readonly phase: HelpPhase;
  /** The other computer. */
  readonly peer: HelpPeerRef;
  /** This computer (its VPN IPv4: the only ICE host candidate allowed). */
  readonly self: HelpPeerRef;
  /** ms epoch. */
  readonly startedAt: number;
  /** While 'prompting' / 'requesting'. */
  readonly promptExpiresAt?: number;
  readonly reason?: HelpEndReason;
}
/** Per peer, for the Peers screen. */
export type HelpAvailability =
  | { readonly possible: true }
  | { readonly possible: false; readonly why: 'no-key' | 'not-kith' | 'no-address' | 'offline' | 'checking' };
export interface HelpStatus {
  /** The current one first; ended ones linger ~10 s. */
  readonly sessions: readonly HelpSession[];
  /** By MAC. */
  readonly peers: Readonly<Record<string, HelpAvailability>>;
  /** "X asks for your help" (recent). */
  readonly asked: readonly { readonly from: HelpPeerRef; readonly at: number }[];
}
export type HelpSignal =
  | { readonly type: 'offer' | 'answer'; readonly sdp: string }
  | { readonly type: 'candidate'; readonly candidate: string; readonly sdpMid: string | null; readonly sdpMLineIndex: number | null };
export type HelpEvent =
  | { readonly kind: 'session'; readonly session: HelpSession } // any phase change
  | { readonly kind: 'signal'; readonly id: string; readonly signal: HelpSignal }
  | { readonly kind: 'asked'; readonly from: HelpPeerRef; readonly at: number }
  | { readonly kind: 'availability'; readonly mac: string; readonly availability: HelpAvailability };
