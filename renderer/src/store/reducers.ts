// Pure state transitions for the window's store: events applied to snapshots. "Events out,
// snapshots in" (STYLE.md): these keep the view current between snapshots, and any snapshot
// replaces what they built.
import type { DesktopEventPayloads, KithStatus, PeerView } from '../../../engine/profiles/api.js';

export type PeersByMac = Readonly<Record<string, PeerView>>;

type Payload<T extends keyof DesktopEventPayloads> = DesktopEventPayloads[T];

/** MACs are compared in one case: the engine and n3n's events may differ in it. */
export function macKey(mac: string): string {
  return mac.toLowerCase();
}

export function peersFromList(list: readonly PeerView[]): PeersByMac {
  const byMac: Record<string, PeerView> = {};
  for (const peer of list) byMac[macKey(peer.mac)] = peer;
  return byMac;
}

/** `kith.state`: the new state and its reason; the rest of the status waits for the next snapshot. */
export function applyStateEvent(status: KithStatus | undefined, event: Payload<'kith.state'>): KithStatus | undefined {
  if (status === undefined) return undefined;
  const next: { -readonly [K in keyof KithStatus]: KithStatus[K] } = { ...status, state: event.state };
  if (event.reason === undefined) delete next.reason;
  else next.reason = event.reason;
  return next;
}

/** `kith.peer`: a peer appeared (full view) or went away. */
export function applyPeerEvent(peers: PeersByMac, event: Payload<'kith.peer'>): PeersByMac {
  if (event.action === 'added') return { ...peers, [macKey(event.peer.mac)]: event.peer };
  const key = macKey(event.mac);
  if (!(key in peers)) return peers;
  const rest = { ...peers };
  delete rest[key];
  return rest;
}

/** `kith.path`: a known peer switched between direct and relayed. */
export function applyPathEvent(peers: PeersByMac, event: Payload<'kith.path'>): PeersByMac {
  const key = macKey(event.mac);
  const peer = peers[key];
  if (peer === undefined) return peers;
  return { ...peers, [key]: { ...peer, path: event.path, via: event.path === 'relayed' ? event.via : undefined } };
}

/** A peers snapshot, keeping object identity for peers that did not change (fewer re-renders). */
export function mergePeerSnapshot(previous: PeersByMac, list: readonly PeerView[]): PeersByMac {
  const next = peersFromList(list);
  for (const [key, peer] of Object.entries(next)) {
    const old = previous[key];
    if (old !== undefined && JSON.stringify(old) === JSON.stringify(peer)) (next as Record<string, PeerView>)[key] = old;
  }
  return next;
}

/**
 * `kith.stats`: the selected supernode's RTT changes without an event of its own, so the status
 * takes it from the pushed figures; everything else in the status comes with `kith.state`.
 */
export function applyStatsToStatus(status: KithStatus | undefined, stats: Payload<'kith.stats'>): KithStatus | undefined {
  if (status === undefined) return undefined;
  const rttMs = stats.supernodes.find((supernode) => supernode.selected)?.rttMs;
  if (rttMs === status.supernodeRttMs) return status;
  const next: { -readonly [K in keyof KithStatus]: KithStatus[K] } = { ...status };
  if (rttMs === undefined) delete next.supernodeRttMs;
  else next.supernodeRttMs = rttMs;
  return next;
}
