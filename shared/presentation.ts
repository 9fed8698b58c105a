// How Kith words peers, figures and states for people: the tray, the window and kithctl all say
// them this way, so a peer has one name and one state wherever it is shown. Browser-safe (no Node
// imports; lint keeps it so): the renderer imports it as a value.
import type { EdgeState, PeerPath } from './edge-state.js';

/** What these words read of a peer: the fields of the edge's PeerView (engine/edge/api/views.ts). */
interface PeerView {
  readonly mac: string;
  readonly description: string;
  readonly path: PeerPath;
  readonly answering: boolean;
  readonly rttMs: number | undefined;
  readonly lastSeen: number;
}

/** What these words read of the edge's status (kith.status). */
interface KithStatus {
  readonly state: EdgeState;
  readonly reason?: string;
}

/** What a table or menu shows for a figure not measured yet. */
export const NOT_MEASURED = '—';

/** A peer's addresses, as a view has them or as kithctl read them from another daemon. */
type PeerAddresses = Pick<PeerView, 'mac'> & { readonly vpnIpv4?: string | undefined; readonly vpnIpv6?: string | undefined };

/** The name a person knows a peer by: its description, else its VPN address, else its MAC. */
export function peerName(peer: PeerAddresses & Pick<PeerView, 'description'>): string {
  const description = peer.description.trim();
  return description !== '' ? description : peerAddress(peer);
}

/** The address worth copying for a peer (what `ssh`, `ping` and friends take). */
export function peerAddress(peer: PeerAddresses): string {
  return peer.vpnIpv4 ?? peer.vpnIpv6 ?? peer.mac;
}

/** "0.4 ms", "8.2 ms", "23 ms": a tenth of a millisecond matters on a LAN, not across the Internet. */
export function formatRtt(ms: number | undefined, missing: string = NOT_MEASURED): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return missing;
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** Bytes with binary units: "512 B", "1.5 KiB", "20 MiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return NOT_MEASURED;
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit] ?? ''}`;
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", "2 days ago"; a time of 0 is "never". */
export function formatAgo(time: number, now: number): string {
  if (time <= 0) return 'never';
  const seconds = Math.max(0, Math.round((now - time) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

const STATE_WORDS: Readonly<Record<EdgeState, string>> = {
  stopped: 'Disconnected',
  connecting: 'Connecting…',
  registered: 'Connected',
  'no-supernode': 'No supernode reachable',
  error: 'Error',
};

/** The edge's state: "Connected", "Connecting…", "No supernode reachable", "Error: …", "Disconnected". */
export function stateWords(status: Pick<KithStatus, 'state' | 'reason'>): string {
  if (status.state === 'error') return `Error: ${status.reason ?? 'unknown'}`;
  return STATE_WORDS[status.state];
}

/** How a peer is reached, in lower case: "direct", "relayed via 192.0.2.1:7654". */
export function pathWords(peer: Pick<PeerView, 'path'> & { readonly via?: string | undefined }): string {
  if (peer.path === 'direct') return 'direct';
  return peer.via === undefined ? 'relayed' : `relayed via ${peer.via}`;
}

/** A peer's state: its path while it answers, "not answering" once it has been silent too long (engine/edge/control/peer-liveness.ts). */
export function peerStateWords(peer: Pick<PeerView, 'path' | 'answering'> & { readonly via?: string | undefined }): string {
  return peer.answering ? pathWords(peer) : 'not answering';
}

/** The same at the start of a line or on a badge: "Direct", "Relayed via 192.0.2.1:7654", "Not answering". */
export function peerStateTitle(peer: Pick<PeerView, 'path' | 'answering'> & { readonly via?: string | undefined }): string {
  const words = peerStateWords(peer);
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}`;
}

/** Beside the state: the RTT while the peer answers, "last seen 40 s ago" once it does not. */
export function peerFigure(peer: Pick<PeerView, 'answering' | 'rttMs' | 'lastSeen'>, now: number, missing: string = NOT_MEASURED): string {
  return peer.answering ? formatRtt(peer.rttMs, missing) : `last seen ${formatAgo(peer.lastSeen, now)}`;
}

/** The peers that answer: what "online" counts, in the tray and the window alike. */
export function answeringPeers<P extends Pick<PeerView, 'answering'>>(peers: readonly P[]): P[] {
  return peers.filter((peer) => peer.answering);
}
