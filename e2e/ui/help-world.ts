// The help session's world (issue 13), for its UI spec and its benchmark: desktops in browser
// mode on one encrypted network, each in its own namespace with a static VPN address, and
// Chromium started with fake capture and media devices and with host addresses not hidden behind
// mDNS names (the desktop app appends the same switch, electron/main.ts), or as a person's own
// browser (UNMODIFIED_CHROMIUM_ARGS, PICKED_SCREEN). Each window is
// instrumented before its scripts run, so a test can see every RTCPeerConnection and every
// captured track the app made, and whether any is still running.
import { expect, type Page } from '@playwright/test';
import { must, type Host } from '../netns/topology.js';
import { openScreen, peerRows, type Desktop, UiWorld } from './harness.js';

export const HELP_KEY = 'help-session-spec-key';
export const HELP_COMMUNITY = 'ui-help';
/** Two windows in one process tree on a 2-core machine: no throttling of the hidden timers. */
const UNTHROTTLED = ['--disable-background-timer-throttling', '--disable-renderer-backgrounding'];
/** The chromium switches of a help session's windows. */
export const HELP_CHROMIUM_ARGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--auto-select-desktop-capture-source=Entire screen',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  ...UNTHROTTLED,
];
/**
 * A person's own browser: host addresses hidden behind mDNS names. No fake media UI either — it
 * grants camera and microphone, and Chromium shows real addresses to a page holding those.
 */
export const UNMODIFIED_CHROMIUM_ARGS = UNTHROTTLED;

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

/**
 * The screen a person would pick in the browser's own picker, for a browser started without fake
 * media UI (headless has no picker): a moving 1280×720 canvas, 15 frames a second. Runs before
 * INSTRUMENT_MEDIA, which then counts its track like any capture.
 */
export const PICKED_SCREEN = `
(() => {
  navigator.mediaDevices.getDisplayMedia = async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 1280;
    canvas.height = 720;
    const paint = canvas.getContext('2d');
    let frame = 0;
    const timer = setInterval(() => {
      paint.fillStyle = 'hsl(' + (frame++ % 360) + ' 60% 50%)';
      paint.fillRect(0, 0, 1280, 720);
    }, 66);
    const stream = canvas.captureStream(15);
    stream.getVideoTracks()[0].addEventListener('ended', () => clearInterval(timer));
    return stream;
  };
})();`;

export async function runningMedia(page: Page): Promise<RunningMedia> {
  return page.evaluate<RunningMedia>(`(() => {
    const seen = window.kithHelpSeen;
    return { connections: seen.connections.filter((pc) => pc.connectionState !== 'closed').length, tracks: seen.tracks.filter((track) => track.readyState !== 'ended').length };
  })()`);
}

/**
 * What the window's last connection reports in getStats(): the selected pair, every remote
 * candidate (peer-reflexive ones too: the real source of every check that came), and both ends of
 * every pair that carried bytes. A local address the browser hides is reported as ''.
 */
export interface IceInUse {
  readonly local?: string;
  readonly remote?: string;
  readonly remoteCandidates: readonly string[];
  readonly localCandidatesInPairs: readonly string[];
  readonly remoteCandidatesInPairs: readonly string[];
}

export async function iceInUse(page: Page): Promise<IceInUse> {
  return page.evaluate<IceInUse>(`(async () => {
    const pc = window.kithHelpSeen.connections.at(-1);
    if (pc === undefined) return { remoteCandidates: [], localCandidatesInPairs: [], remoteCandidatesInPairs: [] };
    const entries = [];
    (await pc.getStats()).forEach((entry) => entries.push(entry));
    const byId = new Map(entries.map((entry) => [entry.id, entry]));
    const transport = entries.find((entry) => entry.type === 'transport' && typeof entry.selectedCandidatePairId === 'string');
    const pair = transport === undefined ? undefined : byId.get(transport.selectedCandidatePairId);
    const address = (id) => byId.get(id)?.address;
    const carried = entries.filter((entry) => entry.type === 'candidate-pair' && (entry.bytesSent > 0 || entry.bytesReceived > 0));
    return {
      ...(pair === undefined ? {} : { local: address(pair.localCandidateId), remote: address(pair.remoteCandidateId) }),
      remoteCandidates: entries.filter((entry) => entry.type === 'remote-candidate').map((entry) => entry.address),
      localCandidatesInPairs: carried.map((entry) => address(entry.localCandidateId) ?? '?'),
      remoteCandidatesInPairs: carried.map((entry) => address(entry.remoteCandidateId) ?? '?'),
    };
  })()`);
}

export interface HelpWorldOptions {
  /** Page script run before the app's (default INSTRUMENT_MEDIA). */
  readonly initScript?: string;
  /** Chromium switches (default HELP_CHROMIUM_ARGS). */
  readonly args?: readonly string[];
  /**
   * A default route on each desktop's internet link, as a computer on a network has: a browser that
   * hides its addresses names its one candidate after the default route's and gives none without.
   */
  readonly defaultRoute?: boolean;
}

/**
 * A supernode and one desktop per name, all in one encrypted community with addresses
 * 10.99.0.<n>/24, each with its window open (fake capture, instrumented); once every pair has
 * exchanged a ping, each window lists the others with a help session possible.
 */
export async function helpWorld(names: readonly string[], options: HelpWorldOptions = {}): Promise<{ world: UiWorld; desktops: HelpDesktop[] }> {
  const world = UiWorld.create();
  const sn = await world.supernode();
  const hosts: Host[] = [];
  for (const [index] of names.entries()) {
    const host = await world.topology.publicHost(`h${index}`);
    if (options.defaultRoute === true) await must('ip', ['-n', host.ns, 'route', 'add', 'default', 'dev', 'eth0']);
    hosts.push(host);
  }
  const desktops = await Promise.all(
    names.map((name, index) =>
      world.desktop(name, hosts[index]!, {
        profiles: [{ name: 'home', community: HELP_COMMUNITY, supernodes: [sn], description: name, key: HELP_KEY, address: `10.99.0.${index + 1}/24`, tap: `kithh${index}` }],
      }),
    ),
  );
  const opened: HelpDesktop[] = [];
  for (const [index, desktop] of desktops.entries()) {
    const page = await world.openUi(desktop, { args: options.args ?? HELP_CHROMIUM_ARGS, initScript: options.initScript ?? INSTRUMENT_MEDIA });
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
