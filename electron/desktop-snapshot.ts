// What the tray, the tooltip and the notifications are computed from: the engine's `kith.status`,
// `kith.peers`, `kith.profiles` and the help session at one moment, plus the desktop's own facts. Plain data.
import type { HelpSession } from '../engine/help/api.js';
import type { KithStatus, PeerView, ProfileSummary } from '../engine/profiles/api.js';

export interface DesktopSnapshot {
  /** 'starting' until the engine host is up; 'failed' when it could not start (see `error`). */
  readonly engine: 'starting' | 'running' | 'failed';
  /** Why the engine could not start, or why the last refresh failed. */
  readonly error?: string;
  readonly status?: KithStatus;
  readonly peers: readonly PeerView[];
  readonly profiles: readonly ProfileSummary[];
  readonly startAtLogin: boolean;
  /** The help session in progress (issue 13), from the engine's `kith.help` topic; none when ended. */
  readonly help?: HelpSession;
}

export const INITIAL_SNAPSHOT: DesktopSnapshot = { engine: 'starting', peers: [], profiles: [], startAtLogin: false };
