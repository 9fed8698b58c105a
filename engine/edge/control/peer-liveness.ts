// Whether a peer still answers, from when it was last heard. A peer that has gone away is not told
// apart by any message (PROTOCOL.md has no goodbye between peers): it just falls silent, and the
// §8.7.4 purge removes it 60–90 s later. Until then it is shown as not answering once it has been
// silent for longer than its path allows:
// - direct: as long as its direct path is trusted without contact (directTrustMs, peer-path.ts:
//   register_interval/2, never less than two missed keep-alive probes: 12 s by default); a live
//   peer answers each of our probes.
// - relayed: a relayed peer is heard through the supernode, which §8.5 asks about it (QUERY_PEER)
//   at most once per register_interval (20 s by default).
// "Heard" is the later of n3n's last_seen and the last answer to our probe on the path in use
// (REGISTER_ACK direct, PEER_INFO relayed): an n3n peer answers probes without sending its own.
import { directTrustMs } from './peer-path.js';
import type { PeerRecord } from './peer-table.js';
import { PURGE_INTERVAL_MS, REGISTRATION_TIMEOUT_MS } from './peer-table.js';
import type { PeerPath } from '../api/views.js';

/** How long a peer on `path` may be silent before it counts as not answering. */
export function silenceAllowedMs(path: PeerPath, registerIntervalMs: number): number {
  return path === 'relayed' ? registerIntervalMs : directTrustMs(registerIntervalMs);
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
