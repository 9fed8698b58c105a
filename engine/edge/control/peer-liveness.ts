// Whether a peer still answers, from when it was last heard. A peer that has gone away is not told
// apart by any message (PROTOCOL.md has no goodbye between peers): it just falls silent, and the
// §8.7.4 purge removes it 60–90 s later. Until then it is shown as not answering once it has been
// silent for longer than its path allows:
// - direct: §8.5 step 7 gives a known peer timeout/2 (register_interval/2, 10 s by default) without
//   direct traffic before its direct path counts as lost. Kith sends each direct peer a REGISTER
//   every DIRECT_PROBE_INTERVAL_MS (4 s, hole-punch.ts) whatever register_interval is, and a live
//   peer answers it, so the allowance is never shorter than MISSED_PROBES_ALLOWED of those going
//   unanswered after the last one that was: 12 s by default.
// - relayed: a relayed peer is heard through the supernode, which §8.5 asks about it (QUERY_PEER)
//   at most once per register_interval (20 s by default).
// "Heard" is the later of n3n's last_seen and the last answer to our probe on the path in use
// (REGISTER_ACK direct, PEER_INFO relayed): an n3n peer answers probes without sending its own.
import { DIRECT_PROBE_INTERVAL_MS } from './hole-punch.js';
import type { PeerRecord } from './peer-table.js';
import { PURGE_INTERVAL_MS, REGISTRATION_TIMEOUT_MS } from './peer-table.js';
import type { PeerPath } from '../api/views.js';

/** Kith: keep-alive probes to a direct peer that may go unanswered in a row before it counts as not answering. */
export const MISSED_PROBES_ALLOWED = 2;

/** How long a peer on `path` may be silent before it counts as not answering. */
export function silenceAllowedMs(path: PeerPath, registerIntervalMs: number): number {
  if (path === 'relayed') return registerIntervalMs;
  return Math.max(registerIntervalMs / 2, (MISSED_PROBES_ALLOWED + 1) * DIRECT_PROBE_INTERVAL_MS);
}

/** When the peer was last heard on `path`: its last_seen, or a later answer to our probe. */
export function lastHeard(record: Pick<PeerRecord, 'lastSeen' | 'directRtt' | 'relayRtt'>, path: PeerPath): number {
  return Math.max(record.lastSeen, (path === 'direct' ? record.directRtt : record.relayRtt).lastReplyAt);
}

export function isAnswering(heard: number, path: PeerPath, registerIntervalMs: number, now: number): boolean {
  return now - heard <= silenceAllowedMs(path, registerIntervalMs);
}

/** §8.7.4: a silent peer is gone from the list at most this long after it was last seen. */
export const SILENT_PEER_REMOVED_WITHIN_MS = REGISTRATION_TIMEOUT_MS + PURGE_INTERVAL_MS;
