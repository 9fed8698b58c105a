// The UI specs' world: a Topology (e2e/netns/topology.ts) with a real kith-supernode, desktop edges
// in browser mode (desktop/browser-main.ts: an edge session, its profiles as INI files, and
// the management server on 127.0.0.1 serving the built renderer) each in its own namespace, and
// Chromium started inside that namespace so "127.0.0.1" is the edge's own loopback. Playwright
// drives Chromium over a pipe (--remote-debugging-pipe), which crosses namespaces untouched; the
// wrapper executable is generated per namespace. Every wait is bounded; destroy() (and, if a worker
// dies, global-teardown.ts through the run records) removes processes, namespaces and files.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, test } from '@playwright/test';
import type { Browser, BrowserContext, HTTPCredentials, Locator, Page, TestInfo } from '@playwright/test';
import { assertAlive, call, pingUntil, REPO, RunDir, SETTLE_MS, startProgram, startSupernode, SUPERNODE_PORT, waitFor } from '../netns/kith.js';
import type { KithProcess } from '../netns/kith.js';
import { netnsSkipReason, Topology } from '../netns/topology.js';
import type { Host } from '../netns/topology.js';

export const CHROMIUM = '/usr/bin/chromium';
export const UI_DIR = join(REPO, 'dist', 'renderer');
export const BROWSER_MAIN = join(REPO, 'desktop', 'browser-main.ts');
export const SCREENSHOTS = join(REPO, 'e2e', 'ui', 'screenshots');
/** n3n's management port; each edge has its own namespace, so they can all use it. */
export const MGMT_PORT = 5644;
/** Where run ids are recorded for global-teardown.ts; one file per run, holding the worker's pid. */
const RUN_RECORDS = '/tmp/kith-ui-runs';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Why the UI specs cannot run here, or undefined when they can (CI: root, chromium installed). */
export function uiSkipReason(): string | undefined {
  const reason = netnsSkipReason();
  if (reason !== undefined) return reason;
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install -y chromium)`;
  if (!existsSync(BROWSER_MAIN)) return 'the browser-mode host desktop/browser-main.ts does not exist';
  if (!existsSync(join(UI_DIR, 'index.html'))) return 'the web UI is not built (npm run build:ui)';
  return undefined;
}

/** A network as the specs seed it: written as `<profiles>/<name>.conf` before the edge starts. */
export interface ProfileSeed {
  readonly name: string;
  readonly community: string;
  readonly supernodes: readonly string[];
  readonly description: string;
  readonly key?: string;
  /** Static `a.b.c.d/len`; the supernode assigns one when absent. */
  readonly address?: string;
  /** tuntap.name, so a spec can look at the interface in the namespace. */
  readonly tap?: string;
}

export interface DesktopOptions {
  /**
   * The networks on disk at start-up; the first one is active. None: an empty profiles directory,
   * where the desktop creates its first network (kith-home, with a supernode of its own).
   */
  readonly profiles: readonly ProfileSeed[];
}

export interface Desktop {
  readonly name: string;
  readonly host: Host;
  readonly password: string;
  readonly profilesDir: string;
  readonly proc: KithProcess;
  readonly url: string;
  /** The one-time sign-in link browser-main printed (a browser signs in with it once). */
  readonly loginLink: string;
  profileFile(profile: string): string;
}

/** browser-main's sign-in link in its output (desktop/browser-main.ts). */
export function printedLoginLink(output: string): string | undefined {
  return /http:\/\/127\.0\.0\.1:\d+\/login#[A-Za-z0-9_-]+/.exec(output)?.[0];
}

/** The seed as a profile file in the n3n INI dialect (CONFIG.md §5). */
export function profileIni(seed: ProfileSeed): string {
  const lines = ['[community]', `name = ${seed.community}`, ...seed.supernodes.map((sn) => `supernode = ${sn}`)];
  if (seed.key !== undefined) lines.push(`key = ${seed.key}`, 'cipher = AES');
  lines.push('', '[connection]', `description = ${seed.description}`, '# Short keep-alives keep the specs fast.', 'register_interval = 3');
  lines.push('', '[tuntap]', `address_mode = ${seed.address === undefined ? 'auto' : 'static'}`);
  if (seed.tap !== undefined) lines.push(`name = ${seed.tap}`);
  if (seed.address !== undefined) lines.push(`address = ${seed.address}`);
  return `${lines.join('\n')}\n`;
}

function recordRun(run: string): void {
  mkdirSync(RUN_RECORDS, { recursive: true });
  writeFileSync(join(RUN_RECORDS, run), String(process.pid));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Deletes what recorded runs left behind when their worker is gone: processes inside their
 * namespaces, the namespaces, and the run directory. Synchronous, for global teardown.
 */
export function sweepRecordedRuns(): void {
  if (!existsSync(RUN_RECORDS)) return;
  let namespaces: string[] = [];
  try {
    namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 })
      .split('\n')
      .map((line) => line.split(' ')[0] ?? '')
      .filter((name) => name !== '');
  } catch {
    // No iproute2 or not root: nothing of ours can exist then.
  }
  for (const run of readdirSync(RUN_RECORDS)) {
    const owner = Number(readFileSync(join(RUN_RECORDS, run), 'utf8'));
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) continue;
    for (const ns of namespaces.filter((name) => name.startsWith('kith-') && name.endsWith(`-${run}`))) {
      try {
        const pids = execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: 10_000 }).split('\n').filter((pid) => /^\d+$/.test(pid));
        for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 10_000 });
      } catch {
        // Gone meanwhile.
      }
    }
    rmSync(join('/tmp', `kith-netns-${run}`), { recursive: true, force: true });
    rmSync(join(RUN_RECORDS, run), { force: true });
  }
  // The last run out leaves no empty folder behind; rmdir refuses while another run has a record.
  try {
    rmdirSync(RUN_RECORDS);
  } catch {
    // Another run is still recorded.
  }
}

/** One HTTP request from inside ns to its own loopback (a short node script, bounded). */
async function httpInNs(topology: Topology, ns: string, port: number, path: string, password: string, body?: unknown): Promise<{ status: number; text: string } | undefined> {
  const script = `
const [port, path, password, body] = process.argv.slice(1);
const init = { headers: { authorization: 'Basic ' + Buffer.from('kith:' + password).toString('base64'), 'content-type': 'application/json' }, signal: AbortSignal.timeout(4000) };
if (body !== '') Object.assign(init, { method: 'POST', body });
fetch('http://127.0.0.1:' + port + path, init).then(async (r) => console.log(JSON.stringify({ status: r.status, text: await r.text() })), () => console.log('null'));`;
  const result = await topology.tryExec(ns, process.execPath, ['-e', script, String(port), path, password, body === undefined ? '' : JSON.stringify(body)], 10_000);
  if (result.code !== 0) return undefined;
  return (JSON.parse(result.stdout) as { status: number; text: string } | null) ?? undefined;
}

let nextRpcId = 1;

/** A JSON-RPC call to a desktop's management server, as the UI makes it; undefined on any failure. */
export async function rpc(world: UiWorld, desktop: Desktop, method: string, params?: unknown): Promise<unknown> {
  const reply = await httpInNs(world.topology, desktop.host.ns, MGMT_PORT, '/v1', desktop.password, { jsonrpc: '2.0', id: nextRpcId++, method, params: params ?? null });
  if (reply?.status !== 200) return undefined;
  try {
    const parsed = JSON.parse(reply.text) as { result?: unknown };
    return parsed.result;
  } catch {
    return undefined;
  }
}

/**
 * Saves a full-page screenshot `<name>.png` in the test's output folder, which a passing run removes
 * (e2e/ui/output-cleanup.ts); with KITH_UPDATE_SCREENSHOTS set (`npm run screenshots`) in
 * e2e/ui/screenshots/ instead, the committed pictures the README shows.
 */
export async function shot(page: Page, name: string): Promise<string> {
  const dir = process.env['KITH_UPDATE_SCREENSHOTS'] !== undefined ? SCREENSHOTS : test.info().outputDir;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  // Fonts and the last event-driven re-render settle before the picture is taken.
  await page.evaluate('document.fonts.ready.then(() => true)');
  await page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
  return path;
}

export class UiWorld {
  readonly runDir: RunDir;
  private readonly browsers: Browser[] = [];
  private readonly pages: { name: string; page: Page }[] = [];
  /** Script errors and console errors of every window, for failure reports. */
  private readonly consoleLines: string[] = [];
  private readonly desktops: Desktop[] = [];
  private snAddress: string | undefined;

  private constructor(readonly topology: Topology) {
    this.runDir = new RunDir(topology);
    recordRun(topology.run);
  }

  static create(): UiWorld {
    return new UiWorld(Topology.create());
  }

  /** A kith-supernode on the internet bridge; returns its `address:port` for the profiles. */
  async supernode(): Promise<string> {
    const host = await this.topology.publicHost('sn');
    const sn = startSupernode(this.topology, this.runDir, host, 'sn', ['-Oconnection.register_interval=3']);
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    this.snAddress = `${host.address}:${SUPERNODE_PORT}`;
    return this.snAddress;
  }

  get supernodeAddress(): string {
    if (this.snAddress === undefined) throw new Error('start the supernode first');
    return this.snAddress;
  }

  /**
   * Starts the browser-mode desktop for `name` inside host.ns with its own profiles directory and
   * management password, and waits until it serves the UI.
   */
  async desktop(name: string, host: Host, options: DesktopOptions): Promise<Desktop> {
    const profilesDir = this.runDir.file(`${name}-profiles`);
    mkdirSync(profilesDir, { recursive: true, mode: 0o700 });
    for (const seed of options.profiles) writeFileSync(join(profilesDir, `${seed.name}.conf`), profileIni(seed), { mode: 0o600 });
    // The desktop keeps one management password per computer in its profiles directory
    // (profile-store.ts managementPassword); seeding the file gives each desktop a known one.
    const password = randomBytes(12).toString('base64url');
    writeFileSync(join(profilesDir, '.management-password'), `${password}\n`, { mode: 0o600 });
    const args = ['--port', String(MGMT_PORT), '--web-ui', UI_DIR, '--reason', 'the UI specs drive it'];
    const proc = startProgram(this.topology, this.runDir, host, name, { main: BROWSER_MAIN, args, env: { KITH_PROFILES_DIR: profilesDir } });
    await waitFor(
      `${name}'s web UI`,
      async () => {
        assertAlive(proc);
        const reply = await httpInNs(this.topology, host.ns, MGMT_PORT, '/', password);
        return reply?.status === 200 ? true : undefined;
      },
      SETTLE_MS,
      300,
    );
    const loginLink = await waitFor(`${name}'s login link`, () => printedLoginLink(proc.output()), SETTLE_MS);
    const desktop: Desktop = {
      name,
      host,
      password,
      profilesDir,
      proc,
      url: `http://127.0.0.1:${MGMT_PORT}/`,
      loginLink,
      profileFile: (profile) => join(profilesDir, `${profile}.conf`),
    };
    this.desktops.push(desktop);
    return desktop;
  }

  /** Chromium inside the desktop's namespace (extra flags, cached credentials), not signed in yet. */
  async browserIn(desktop: Desktop, options: { readonly args?: readonly string[]; readonly httpCredentials?: HTTPCredentials } = {}): Promise<BrowserContext> {
    const wrapper = this.runDir.file(`chromium-${desktop.host.ns}`);
    writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${desktop.host.ns} ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const browser = await chromium.launch({ executablePath: wrapper, args: [...CHROMIUM_ARGS, ...(options.args ?? [])], timeout: 30_000 });
    this.browsers.push(browser);
    return browser.newContext({
      baseURL: desktop.url,
      viewport: { width: 1100, height: 760 },
      colorScheme: 'light',
      ...(options.httpCredentials === undefined ? {} : { httpCredentials: options.httpCredentials }),
    });
  }

  /** Chromium inside the desktop's namespace (extra flags, scripts run before the page's), signed in through its login link, on its UI. */
  async openUi(desktop: Desktop, options: { readonly args?: readonly string[]; readonly initScript?: string } = {}): Promise<Page> {
    const context = await this.browserIn(desktop, options.args === undefined ? {} : { args: options.args });
    if (options.initScript !== undefined) await context.addInitScript({ content: options.initScript });
    const page = await context.newPage();
    this.pages.push({ name: desktop.name, page });
    page.on('pageerror', (error) => this.consoleLines.push(`[${desktop.name}] uncaught: ${error.stack ?? error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') this.consoleLines.push(`[${desktop.name}] console.${message.type()}: ${message.text()}`);
    });
    // The sign-in page trades the link's one-time token for a session cookie and opens the UI.
    await page.goto(desktop.loginLink);
    await page.waitForURL(desktop.url);
    return page;
  }

  /** After a failed test: each open window's picture and every desktop's output, in the report. */
  async captureFailure(testInfo: TestInfo): Promise<void> {
    if (testInfo.status === testInfo.expectedStatus) return;
    for (const { name, page } of this.pages) {
      if (page.isClosed()) continue;
      const path = testInfo.outputPath(`${name}-window.png`);
      await page.screenshot({ path, fullPage: true, timeout: 5_000 }).catch(() => undefined);
      await testInfo.attach(`${name}-window`, { path, contentType: 'image/png' }).catch(() => undefined);
    }
    await testInfo.attach('desktop-output', { body: this.logs(), contentType: 'text/plain' });
    if (this.consoleLines.length > 0) await testInfo.attach('window-console', { body: this.consoleLines.join('\n'), contentType: 'text/plain' });
  }

  /** The desktop's process output, for failure messages. */
  logs(): string {
    return this.desktops.map((d) => `--- ${d.name}\n${d.proc.output().slice(-3_000)}`).join('\n');
  }

  /** Pings inside ns until one reply comes (traffic that makes edges punch), bounded. */
  async pingUntil(ns: string, address: string, timeoutMs = SETTLE_MS): Promise<void> {
    await pingUntil(this.topology, ns, address, timeoutMs);
  }

  async destroy(): Promise<void> {
    for (const browser of this.browsers.splice(0)) await browser.close().catch(() => undefined);
    await this.topology.destroy();
    this.runDir.remove();
    rmSync(join(RUN_RECORDS, this.topology.run), { force: true });
  }
}

/** The file's bytes and permission bits, to compare before and after a refused save. */
export function fileState(path: string): { text: string; mode: number } {
  return { text: readFileSync(path, 'utf8'), mode: statSync(path).mode & 0o777 };
}

/** Opens one of the window's screens by its navigation item (a tab in the screens' tablist). */
export async function openScreen(page: Page, screen: 'Connect' | 'Peers' | 'Ask for help' | 'Supernodes' | 'Networks' | 'Network settings' | 'Invite' | 'Diagnostics'): Promise<void> {
  await page.getByRole('tab', { name: screen, exact: true }).click();
}

/** The status line (role=status) with the connection state in words. */
export function statusLine(page: Page): Locator {
  return page.getByRole('status').first();
}

/** The peers table's body rows that describe a peer (not the "No peers yet" line). */
export function peerRows(page: Page): Locator {
  return page.getByRole('table', { name: 'Peers' }).getByRole('row').filter({ has: page.getByRole('rowheader') });
}
