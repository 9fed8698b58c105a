// What the window says about the engine's numbers and states, in plain words. Names, figures and
// states are worded as the tray and kithctl word them (shared/presentation.ts); this file adds the
// window's own sentences.
import type { EdgeState, KithStatus, PeerView } from '../../../engine/profiles/api.js';
import { formatAgo, formatRtt, stateWords } from '../../../shared/presentation.js';

export { answeringPeers, formatAgo, formatBytes, formatRtt, peerName, peerStateTitle } from '../../../shared/presentation.js';

/** The status line: "Connected", "Connecting…", "No supernode reachable", "Error: …", or "Waiting for Kith…" before the first answer. */
export function stateText(status: Pick<KithStatus, 'state' | 'reason'> | undefined): string {
  return status === undefined ? 'Waiting for Kith…' : stateWords(status);
}

export type ConnectButton = { readonly label: 'Connect' | 'Disconnect'; readonly disabled: boolean };

/** One button: Disconnect while the edge is in the community (or trying), Connect otherwise. */
export function connectButton(state: EdgeState | undefined, switching: boolean): ConnectButton {
  if (state === undefined) return { label: 'Connect', disabled: true };
  if (state === 'connecting') return { label: 'Disconnect', disabled: true };
  const inCommunity = state === 'registered' || state === 'no-supernode';
  return { label: inCommunity ? 'Disconnect' : 'Connect', disabled: switching };
}

/** The longer sentence beside the badge. */
export function pathSentence(peer: Pick<PeerView, 'path' | 'rttMs' | 'answering' | 'lastSeen'>, now: number): string {
  if (!peer.answering) return `Not answering · last seen ${formatAgo(peer.lastSeen, now)}`;
  if (peer.path === 'direct') return peer.rttMs === undefined ? 'Direct connection' : `Direct connection · ${formatRtt(peer.rttMs)}`;
  return 'Relayed through your supernode: works, but slower';
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
