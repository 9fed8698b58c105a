// Whether a peer still answers, from the time it was last heard (PeerRecord.lastSeen). A peer that
// has gone away is not told apart by any message (PROTOCOL.md has no goodbye between peers): it just
// falls silent, and the §8.7.4 purge removes it 60–90 s later. Until then it is shown as not
// answering once it has been silent for longer than the protocol lets its path be:
// - direct: §8.5 step 7 gives a known peer timeout/2 (register_interval/2, 10 s by default) without
//   direct traffic before its direct path counts as lost. Kith sends each direct peer a REGISTER
//   every DIRECT_PROBE_INTERVAL_MS (4 s, hole-punch.ts) that a live peer answers, so by then at
//   least two probes went unanswered.
// - relayed: a relayed peer is heard through the supernode, and §8.5 asks about it (QUERY_PEER) at
//   most once per register_interval (20 s by default), so silence is counted from there.
import { PURGE_INTERVAL_MS, REGISTRATION_TIMEOUT_MS } from './peer-table.js';
import type { PeerPath } from './views.js';

/** How long a peer on `path` may be silent before it counts as not answering. */
export function silenceAllowedMs(path: PeerPath, registerIntervalMs: number): number {
  return path === 'direct' ? registerIntervalMs / 2 : registerIntervalMs;
}

export function isAnswering(lastSeen: number, path: PeerPath, registerIntervalMs: number, now: number): boolean {
  return now - lastSeen <= silenceAllowedMs(path, registerIntervalMs);
}

/** §8.7.4: a silent peer is gone from the list at most this long after it was last heard. */
export const SILENT_PEER_REMOVED_WITHIN_MS = REGISTRATION_TIMEOUT_MS + PURGE_INTERVAL_MS;
