// Which desktop notifications a change deserves, as a pure function of two snapshots (the one the
// person last saw and the new one). Snapshots rather than raw events: the engine's events and the
// periodic refresh both end in a new snapshot, and a diff cannot double-report a change.
import type { PeerView } from '../engine/profiles/api.js';
import { answeringPeers, peerAddress, peerName } from '../shared/presentation.js';
import type { DesktopSnapshot } from './desktop-snapshot.js';

export interface Notice {
  readonly kind: 'connected' | 'disconnected' | 'peer-online' | 'peer-offline' | 'relayed';
  readonly title: string;
  readonly body: string;
}

/** More peer changes than this in one step become one summary notice instead of one each. */
export const PEER_NOTICE_LIMIT = 3;

function connected(snapshot: DesktopSnapshot): boolean {
  return snapshot.engine === 'running' && snapshot.status?.state === 'registered';
}

function network(snapshot: DesktopSnapshot): string {
  const community = snapshot.status?.community ?? '';
  return community === '' ? 'the network' : community;
}

function peerNotices(kind: 'peer-online' | 'peer-offline', peers: readonly PeerView[]): Notice[] {
  const verb = kind === 'peer-online' ? 'is online' : 'went offline';
  if (peers.length <= PEER_NOTICE_LIMIT) return peers.map((peer) => ({ kind, title: `${peerName(peer)} ${verb}`, body: peerAddress(peer) }));
  const names = peers.slice(0, PEER_NOTICE_LIMIT).map(peerName).join(', ');
  return [{ kind, title: `${peers.length} peers ${kind === 'peer-online' ? 'came online' : 'went offline'}`, body: `${names} and ${peers.length - PEER_NOTICE_LIMIT} more` }];
}

export function deriveNotices(previous: DesktopSnapshot, next: DesktopSnapshot): readonly Notice[] {
  const wasConnected = connected(previous);
  const isConnected = connected(next);
  if (!wasConnected && isConnected) {
    return [{ kind: 'connected', title: `Connected to ${network(next)}`, body: next.status?.address === undefined ? 'Kith is connected.' : `This computer is ${next.status.address}.` }];
  }
  if (wasConnected && !isConnected) {
    const state = next.engine === 'failed' ? 'error' : next.status?.state;
    const reason = next.status?.reason ?? next.error;
    const body =
      state === 'stopped' ? 'Kith is disconnected.'
      : state === 'no-supernode' ? 'No supernode is reachable; Kith keeps trying.'
      : state === 'connecting' ? 'Kith lost the connection and is reconnecting.'
      : `Kith stopped${reason === undefined ? '.' : `: ${reason}`}`;
    return [{ kind: 'disconnected', title: `Disconnected from ${network(previous)}`, body }];
  }
  // Peer changes matter only while connected on both sides: joining lists every peer at once, and
  // leaving drops them all, which the 'disconnected' notice already says.
  if (!wasConnected || !isConnected) return [];
  // A peer that stops answering went offline, as the tray and the window show it; its removal later is no news.
  const [was, is] = [answeringPeers(previous.peers), answeringPeers(next.peers)];
  const before = new Map(was.map((peer) => [peer.mac, peer]));
  const after = new Map(is.map((peer) => [peer.mac, peer]));
  const online = is.filter((peer) => !before.has(peer.mac));
  const offline = was.filter((peer) => !after.has(peer.mac));
  const relayed = is.filter((peer) => before.get(peer.mac)?.path === 'direct' && peer.path === 'relayed');
  return [
    ...peerNotices('peer-online', online),
    ...peerNotices('peer-offline', offline),
    ...relayed.map((peer): Notice => ({
      kind: 'relayed',
      title: `${peerName(peer)} is relayed`,
      body: `The direct path was lost; traffic now goes through ${peer.via === undefined ? 'a supernode' : `the supernode ${peer.via}`}.`,
    })),
  ];
}
