// The help session's world (issue 13), for its UI spec and its benchmark: desktops in browser
// mode on one encrypted network, each in its own namespace with a static VPN address, and
// Chromium started with fake capture and media devices and with host addresses not hidden behind
// mDNS names (the desktop app appends the same switch, electron/main.ts). Each window is
// instrumented before its scripts run, so a test can see every RTCPeerConnection and every
// captured track the app made, and whether any is still running.
import { expect, type Page } from '@playwright/test';
import type { Host } from '../netns/topology.js';
import { openScreen, peerRows, type Desktop, UiWorld } from './harness.js';

export const HELP_KEY = 'help-session-spec-key';
export const HELP_COMMUNITY = 'ui-help';
/** The chromium switches of a help session's windows. */
export const HELP_CHROMIUM_ARGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  // Two windows in one process tree on a 2-core machine: no throttling of the hidden timers.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
];

export interface HelpDesktop {
  readonly desktop: Desktop;
  readonly page: Page;
  readonly name: string;
  readonly vpnIpv4: string;
}

/** What the instrumentation counts in a window: connections not closed, capture and microphone tracks still live. */
export interface RunningMedia {
  readonly connections: number;
  readonly tracks: number;
}

/**
 * Runs in the page before the app (page-side code as text: this project's Node types have no DOM):
 * records the app's connections and captured tracks in `window.kithHelpSeen`.
 */
export const INSTRUMENT_MEDIA = `
(() => {
  const seen = { connections: [], tracks: [] };
  window.kithHelpSeen = seen;
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(configuration) {
      super(configuration);
      seen.connections.push(this);
    }
  };
  const devices = navigator.mediaDevices;
  for (const name of ['getDisplayMedia', 'getUserMedia']) {
    const original = devices[name].bind(devices);
    devices[name] = async (constraints) => {
      const stream = await original(constraints);
      seen.tracks.push(...stream.getTracks());
      return stream;
    };
  }
})();`;

export async function runningMedia(page: Page): Promise<RunningMedia> {
  return page.evaluate<RunningMedia>(`(() => {
    const seen = window.kithHelpSeen;
    return { connections: seen.connections.filter((pc) => pc.connectionState !== 'closed').length, tracks: seen.tracks.filter((track) => track.readyState !== 'ended').length };
  })()`);
}

/** What the window's last connection reports in getStats(): the selected pair, every remote candidate, the local end of every pair that carried bytes. */
export interface IceInUse {
  readonly local?: string;
  readonly remote?: string;
  readonly remoteCandidates: readonly string[];
  readonly localCandidatesInPairs: readonly string[];
}

export async function iceInUse(page: Page): Promise<IceInUse> {
  return page.evaluate<IceInUse>(`(async () => {
    const pc = window.kithHelpSeen.connections.at(-1);
    if (pc === undefined) return { remoteCandidates: [], localCandidatesInPairs: [] };
    const entries = [];
    (await pc.getStats()).forEach((entry) => entries.push(entry));
    const byId = new Map(entries.map((entry) => [entry.id, entry]));
    const transport = entries.find((entry) => entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string');
    const pair = transport === undefined ? undefined : byId.get(transport.selectedCandidatePairId);
    const address = (id) => byId.get(id)?.address;
    return {
      ...(pair === undefined ? {} : { local: address(pair.localCandidateId), remote: address(pair.remoteCandidateId) }),
      remoteCandidates: entries.filter((entry) => entry.type === 'remote-candidate').map((entry) => entry.address),
      localCandidatesInPairs: entries.filter((entry) => entry.type === 'candidate-pair' && entry.bytesSent > 0).map((entry) => address(entry.localCandidateId) ?? '?'),
    };
  })()`);
}

/**
 * A supernode and one desktop per name on the internet bridge, all in one encrypted community
 * with addresses 10.99.0.<n>/24, each with its window open (fake capture, instrumented); once every
 * pair has exchanged a ping, each window lists the others with a help session possible.
 */
export async function helpWorld(names: readonly string[], options: { readonly initScript?: string } = {}): Promise<{ world: UiWorld; desktops: HelpDesktop[] }> {
  const world = UiWorld.create();
  const sn = await world.supernode();
  const hosts: Host[] = [];
  for (const [index] of names.entries()) hosts.push(await world.topology.publicHost(`h${index}`));
  const desktops = await Promise.all(
    names.map((name, index) =>
      world.desktop(name, hosts[index]!, {
        profiles: [{ name: 'home', community: HELP_COMMUNITY, supernodes: [sn], description: name, key: HELP_KEY, address: `10.99.0.${index + 1}/24`, tap: `kithh${index}` }],
      }),
    ),
  );
  const opened: HelpDesktop[] = [];
  for (const [index, desktop] of desktops.entries()) {
    const page = await world.openUi(desktop, { args: HELP_CHROMIUM_ARGS, initScript: options.initScript ?? INSTRUMENT_MEDIA });
    opened.push({ desktop, page, name: names[index]!, vpnIpv4: `10.99.0.${index + 1}` });
  }
  // Peers learn of each other from traffic (n3n's way): a ping each way makes the peer tables.
  for (const a of opened) for (const b of opened) if (a !== b) await world.pingUntil(a.desktop.host.ns, b.vpnIpv4);
  for (const a of opened) {
    await openScreen(a.page, 'Peers');
    for (const b of opened) if (a !== b) await expect(peerRows(a.page).filter({ hasText: b.name })).toContainText('Help possible', { timeout: 30_000 });
  }
  return { world, desktops: opened };
}

/** The helper asks to see `helped`'s screen from the Peers screen. */
export async function requestToSee(helper: HelpDesktop, helped: HelpDesktop): Promise<void> {
  await openScreen(helper.page, 'Peers');
  await peerRows(helper.page).filter({ hasText: helped.name }).getByRole('button', { name: `See ${helped.name}'s screen` }).click();
}

export function prompt(page: Page) {
  return page.getByRole('alertdialog');
}

export function banner(page: Page) {
  return page.getByRole('region', { name: 'Sharing your screen' });
}

export function viewer(page: Page, helpedName: string) {
  return page.getByRole('region', { name: `${helpedName}'s screen` });
}

/** The helper's picture: its size and play position. */
export async function pictureState(page: Page, helpedName: string): Promise<{ width: number; time: number }> {
  return viewer(page, helpedName)
    .locator('video')
    .evaluate((element) => {
      const video = element as unknown as { readonly videoWidth: number; readonly currentTime: number };
      return { width: video.videoWidth, time: video.currentTime };
    });
}
