// The tray as pure functions of a DesktopSnapshot (STYLE.md "pure functions for what the user
// sees"): which icon, which tooltip, which menu. tray.ts turns these into Electron objects; the
// menu items carry an action description instead of a click handler so they can be compared in tests.
import type { HelpSession } from '../engine/help/api.js';
import type { PeerView } from '../engine/profiles/api.js';
import { answeringPeers, formatRtt, pathWords, peerAddress, peerFigure, peerName, peerStateWords, stateWords } from '../shared/presentation.js';
import type { DesktopSnapshot } from './desktop-snapshot.js';
import { isLive } from '../shared/help-session.js';

/**
 * DESIGN.md "The desktop app": the six connection states, and 'sharing' while this computer's
 * screen is shared in a help session (issue 13); each has its own generated icon set.
 */
export const TRAY_ICON_STATES = ['disconnected', 'connecting', 'connected', 'connected-relayed', 'no-supernode', 'error', 'sharing'] as const;
export type TrayIconState = (typeof TRAY_ICON_STATES)[number];

export type TrayAction =
  | { readonly kind: 'connect' }
  | { readonly kind: 'disconnect' }
  | { readonly kind: 'use-profile'; readonly name: string }
  | { readonly kind: 'copy'; readonly text: string }
  | { readonly kind: 'open' }
  | { readonly kind: 'set-start-at-login'; readonly on: boolean }
  | { readonly kind: 'ask-for-help' }
  | { readonly kind: 'stop-help'; readonly sessionId: string }
  | { readonly kind: 'quit' };

export type TrayMenuItem =
  | { readonly type: 'separator' }
  | { readonly type: 'normal'; readonly label: string; readonly enabled: boolean; readonly action?: TrayAction }
  | { readonly type: 'checkbox' | 'radio'; readonly label: string; readonly checked: boolean; readonly enabled: boolean; readonly action: TrayAction }
  | { readonly type: 'submenu'; readonly label: string; readonly enabled: boolean; readonly items: readonly TrayMenuItem[] };

/** Peers listed in the menu before "and N more" (a menu taller than the screen helps no one). */
export const MENU_PEER_LIMIT = 20;
/** Windows cuts notification-area tooltips at 127 characters (NOTIFYICONDATA.szTip is 128 wide). */
export const TOOLTIP_MAX = 127;

/** The help session while it runs: from Allow until either side stops it. */
function liveHelp(snapshot: DesktopSnapshot): HelpSession | undefined {
  return isLive(snapshot.help) ? snapshot.help : undefined;
}

export function trayIconState(snapshot: DesktopSnapshot): TrayIconState {
  if (snapshot.engine === 'failed') return 'error';
  if (liveHelp(snapshot)?.role === 'helped') return 'sharing';
  const state = snapshot.status?.state;
  switch (state) {
    case 'error':
      return 'error';
    case 'connecting':
      return 'connecting';
    case 'no-supernode':
      return 'no-supernode';
    case 'registered':
      return answeringPeers(snapshot.peers).some((peer) => peer.path === 'relayed') ? 'connected-relayed' : 'connected';
    case 'stopped':
    case undefined:
      return snapshot.engine === 'starting' ? 'connecting' : 'disconnected';
  }
}

/** The peer with the highest RTT (unmeasured peers count as slowest: we know least about them). */
export function slowestPeer(peers: readonly PeerView[]): PeerView | undefined {
  let slowest: PeerView | undefined;
  for (const peer of peers) {
    if (slowest === undefined) slowest = peer;
    else if (peer.rttMs === undefined ? slowest.rttMs !== undefined : slowest.rttMs !== undefined && peer.rttMs > slowest.rttMs) slowest = peer;
  }
  return slowest;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The first menu line: what Kith is doing right now, in words. */
export function statusLine(snapshot: DesktopSnapshot): string {
  const help = liveHelp(snapshot);
  if (help !== undefined) return help.role === 'helped' ? `Sharing screen with ${help.peer.name}` : `Seeing ${help.peer.name}'s screen`;
  const community = snapshot.status?.community;
  const network = community === undefined || community === '' ? '' : ` ${community}`;
  switch (trayIconState(snapshot)) {
    case 'error':
      return `Error: ${snapshot.status?.reason ?? snapshot.error ?? 'the engine stopped'}`;
    case 'connecting':
      return snapshot.engine === 'starting' ? 'Starting…' : `Connecting to${network || ' the network'}…`;
    case 'no-supernode':
      return stateWords({ state: 'no-supernode' });
    case 'connected':
    case 'connected-relayed':
      return `Connected to${network || ' the network'} · ${plural(answeringPeers(snapshot.peers).length, 'peer', 'peers')}`;
    case 'disconnected':
      return stateWords({ state: 'stopped' });
    case 'sharing':
      // liveHelp() answered above; the state exists only with a session.
      return 'Sharing screen';
  }
}

/** Tooltip: network, peers online, slowest path. */
export function trayTooltip(snapshot: DesktopSnapshot): string {
  const lines = [`Kith — ${statusLine(snapshot)}`];
  const state = trayIconState(snapshot);
  if (state === 'connected' || state === 'connected-relayed' || state === 'sharing') {
    const slowest = slowestPeer(answeringPeers(snapshot.peers));
    if (slowest !== undefined) lines.push(`Slowest: ${peerName(slowest)}, ${pathWords(slowest)}, ${formatRtt(slowest.rttMs)}`);
  }
  const text = lines.join('\n');
  return text.length <= TOOLTIP_MAX ? text : `${text.slice(0, TOOLTIP_MAX - 1)}…`;
}

/** Electron reads '&' in menu labels as a mnemonic marker on Windows and Linux; '&&' is a literal '&'. */
export function menuLabel(text: string): string {
  return text.replaceAll('&', '&&');
}

function peerItem(peer: PeerView, now: number): TrayMenuItem {
  return {
    type: 'normal',
    label: menuLabel(`${peerName(peer)} — ${peerStateWords(peer)} — ${peerFigure(peer, now)}`),
    enabled: true,
    action: { kind: 'copy', text: peerAddress(peer) },
  };
}

function byName(a: PeerView, b: PeerView): number {
  return peerName(a).localeCompare(peerName(b));
}

/** While a help session runs, or a request waits for an answer: what it is, and how to end it. */
function helpItems(snapshot: DesktopSnapshot): TrayMenuItem[] {
  const help = snapshot.help;
  if (help === undefined) return [];
  const name = menuLabel(help.peer.name);
  switch (help.phase) {
    case 'prompting':
      return [{ type: 'normal', label: `${name} wants to see your screen…`, enabled: true, action: { kind: 'open' } }, { type: 'separator' }];
    case 'connecting':
    case 'sharing':
      return [{ type: 'normal', label: help.role === 'helped' ? 'Stop sharing' : `Stop seeing ${name}'s screen`, enabled: true, action: { kind: 'stop-help', sessionId: help.id } }, { type: 'separator' }];
    case 'requesting':
    case 'ended':
      return [];
  }
}

/** `now` words how long ago a peer that does not answer was last seen. */
export function trayMenu(snapshot: DesktopSnapshot, now: number = Date.now()): readonly TrayMenuItem[] {
  const state = trayIconState(snapshot);
  const running = snapshot.engine === 'running';
  const stopped = state === 'disconnected' || snapshot.status?.state === 'stopped';
  const items: TrayMenuItem[] = [
    { type: 'normal', label: menuLabel(statusLine(snapshot)), enabled: false },
    { type: 'separator' },
    ...helpItems(snapshot),
    stopped ? { type: 'normal', label: 'Connect', enabled: running, action: { kind: 'connect' } } : { type: 'normal', label: 'Disconnect', enabled: running, action: { kind: 'disconnect' } },
  ];
  if (snapshot.profiles.length > 0) {
    items.push({
      type: 'submenu',
      label: 'Networks',
      enabled: running,
      items: snapshot.profiles.map((profile) => ({
        type: 'radio',
        label: menuLabel(profile.community === '' || profile.community === profile.name ? profile.name : `${profile.name} (${profile.community})`),
        checked: profile.active,
        enabled: running,
        action: { kind: 'use-profile', name: profile.name },
      })),
    });
  }
  const peers = [...snapshot.peers].sort(byName);
  const peerItems: TrayMenuItem[] = peers.slice(0, MENU_PEER_LIMIT).map((peer) => peerItem(peer, now));
  if (peers.length > MENU_PEER_LIMIT) peerItems.push({ type: 'normal', label: `and ${peers.length - MENU_PEER_LIMIT} more…`, enabled: true, action: { kind: 'open' } });
  if (peerItems.length === 0) peerItems.push({ type: 'normal', label: 'No peers online', enabled: false });
  items.push(
    { type: 'submenu', label: `Peers (${peers.length})`, enabled: true, items: peerItems },
    { type: 'separator' },
    { type: 'normal', label: 'Open Kith', enabled: true, action: { kind: 'open' } },
    { type: 'normal', label: 'Ask for help…', enabled: running && snapshot.status?.state === 'registered' && liveHelp(snapshot) === undefined, action: { kind: 'ask-for-help' } },
    { type: 'checkbox', label: 'Start at login', checked: snapshot.startAtLogin, enabled: true, action: { kind: 'set-start-at-login', on: !snapshot.startAtLogin } },
    { type: 'separator' },
    { type: 'normal', label: 'Quit Kith', enabled: true, action: { kind: 'quit' } },
  );
  return items;
}

/**
 * The icon file for a state, relative to the icons directory (build/icons in the repository,
 * resources/icons when packaged). macOS gets black-and-alpha template images that the menu bar
 * recolours for light and dark; Windows and Linux get colour images (Electron picks @2x by itself).
 */
export function trayIconFile(state: TrayIconState, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? `tray/${state}Template.png` : `tray/${state}-${platform === 'win32' ? 16 : 24}.png`;
}
