// What the window says about the engine's numbers and states, in plain words.
import type { EdgeState, KithStatus, PeerView } from '../../../engine/profiles/api.js';

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatRtt(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  return ms < 1 ? '< 1 ms' : `${Math.round(ms)} ms`;
}

/** "just now", "12 s ago", "5 min ago", "3 h ago", "2 days ago"; 0 = never. */
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

/** The status line: "Connected", "Connecting…", "No supernode reachable", "Error: …". */
export function stateText(status: Pick<KithStatus, 'state' | 'reason'> | undefined): string {
  if (status === undefined) return 'Waiting for Kith…';
  const words = STATE_WORDS[status.state];
  if (status.state === 'error') return `Error: ${status.reason ?? 'unknown'}`;
  return words;
}

export type ConnectButton = { readonly label: 'Connect' | 'Disconnect'; readonly disabled: boolean };

/** One button: Disconnect while the edge is in the community (or trying), Connect otherwise. */
export function connectButton(state: EdgeState | undefined, switching: boolean): ConnectButton {
  if (state === undefined) return { label: 'Connect', disabled: true };
  if (state === 'connecting') return { label: 'Disconnect', disabled: true };
  const inCommunity = state === 'registered' || state === 'no-supernode';
  return { label: inCommunity ? 'Disconnect' : 'Connect', disabled: switching };
}

/** The badge: starts with "Direct" or "Relayed". */
export function pathBadge(peer: Pick<PeerView, 'path' | 'via'>): string {
  return peer.path === 'direct' ? 'Direct' : `Relayed via ${peer.via ?? 'supernode'}`;
}

/** The longer sentence beside the badge. */
export function pathSentence(peer: Pick<PeerView, 'path' | 'rttMs'>): string {
  if (peer.path === 'direct') return peer.rttMs === undefined ? 'Direct connection' : `Direct connection · ${formatRtt(peer.rttMs)}`;
  return 'Relayed through your supernode: works, but slower';
}

export function peerName(peer: Pick<PeerView, 'description' | 'mac'>): string {
  return peer.description.trim() === '' ? peer.mac : peer.description;
}

/** "1 computer online", "3 computers online", "no other computers online yet". */
export function computersOnline(count: number): string {
  if (count <= 0) return 'no other computers online yet';
  return `${count} ${count === 1 ? 'computer' : 'computers'} online`;
}

/**
 * The Connect screen's one line on what is happening, for someone who does not know what a
 * supernode is: "Connected to family · 3 computers online", "Connecting to family…".
 */
export function connectionSummary(status: Pick<KithStatus, 'state' | 'reason' | 'community'> | undefined, peerCount: number, engineDown: boolean): string {
  if (engineDown) return "Kith's engine is not running, so this computer is not in any network.";
  if (status === undefined) return 'Waiting for Kith…';
  const network = status.community === '' ? 'your network' : status.community;
  switch (status.state) {
    case 'registered':
      return `Connected to ${network} · ${computersOnline(peerCount)}`;
    case 'connecting':
      return `Connecting to ${network}…`;
    case 'no-supernode':
      return `Trying to reach ${network}: the supernode does not answer. Check the internet connection.`;
    case 'stopped':
      return `Not connected. Press Connect to join ${network}.`;
    case 'error':
      return `Could not connect to ${network}: ${status.reason ?? 'unknown error'}`;
  }
}

/** The empty peers table: always starts "No peers yet", then says why in plain words. */
export function peersEmptyText(state: EdgeState | undefined): string {
  if (state === 'registered') return 'No peers yet. No other computers are online in this network yet: they appear here as soon as they join.';
  return 'No peers yet. Connect to see the other computers in this network.';
}
