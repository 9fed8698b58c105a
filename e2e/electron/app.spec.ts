// The real desktop app under Playwright's Electron driver: the window's first screen and the tray's
// state, read through the main process's test hook (KITH_E2E=1, electron/main.ts). Runs wherever
// Electron's binary is installed; elsewhere every test reports itself skipped, with the reason.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, type ElectronApplication, expect, type Page, test } from '@playwright/test';
import { ELECTRON_MAIN as MAIN, electronSkipReason } from './availability.js';

interface TrayShown {
  readonly icon: string;
  readonly tooltip: string;
  readonly menu: readonly { readonly type: string; readonly label?: string }[];
}

test.describe('desktop app', () => {
  const reason = electronSkipReason();
  test.skip(reason !== undefined, reason ?? '');

  let app: ElectronApplication;
  let window: Page;
  let home: string;

  test.beforeAll(async () => {
    // A fresh home: no profiles, no autostart entry of the person running the tests.
    home = mkdtempSync(path.join(os.tmpdir(), 'kith-electron-'));
    app = await electron.launch({
      args: [MAIN],
      env: { ...process.env, KITH_E2E: '1', HOME: home, XDG_CONFIG_HOME: path.join(home, '.config') },
    });
    window = await app.firstWindow();
  });

  test.afterAll(async () => {
    await app?.close();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  test('opens one window titled Kith with the connect card', async () => {
    await expect(window).toHaveTitle(/Kith/);
    await expect(window.getByRole('button', { name: /connect/i }).first()).toBeVisible();
  });

  test('the page has the bridge and nothing of Node', async () => {
    const globals = await window.evaluate(() => {
      const scope = globalThis as unknown as Record<string, unknown>;
      return { kith: typeof scope['kith'], require: typeof scope['require'], process: typeof scope['process'] };
    });
    expect(globals).toEqual({ kith: 'object', require: 'undefined', process: 'undefined' });
  });

  test('the tray shows a state, a tooltip and the fixed menu items', async () => {
    const shown = await app.evaluate(() => (globalThis as unknown as { kithTestHook: { tray(): TrayShown } }).kithTestHook.tray());
    expect(['disconnected', 'connecting', 'connected', 'connected-relayed', 'no-supernode', 'error']).toContain(shown.icon);
    expect(shown.tooltip).toMatch(/^Kith — /);
    const labels = shown.menu.map((item) => item.label);
    expect(labels).toContain('Open Kith');
    expect(labels).toContain('Start at login');
    expect(labels).toContain('Quit Kith');
  });

  test('navigation away from the app is refused', async () => {
    const before = window.url();
    await window.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await window.waitForTimeout(500);
    expect(window.url()).toBe(before);
  });
});
