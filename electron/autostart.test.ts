import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AUTO_CONNECT_FLAG, autostartDir, desktopEntry, launchCommand, linuxAutostart, loginItemAutostart, quoteExecArg, startedAtLogin } from './autostart.js';

describe('XDG autostart', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    assert.equal(autostartDir({}, '/home/ada'), '/home/ada/.config/autostart');
    assert.equal(autostartDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/ada'), '/cfg/autostart');
    assert.equal(autostartDir({ XDG_CONFIG_HOME: 'relative' }, '/home/ada'), '/home/ada/.config/autostart');
  });

  it('quotes Exec arguments as the Desktop Entry Specification says', () => {
    assert.equal(quoteExecArg('/opt/Kith/kith'), '/opt/Kith/kith');
    assert.equal(quoteExecArg('/home/ada/My Apps/Kith.AppImage'), '"/home/ada/My Apps/Kith.AppImage"');
    assert.equal(quoteExecArg('/x/$HOME"`\\'), '"/x/\\$HOME\\"\\`\\\\"');
    assert.equal(quoteExecArg('100%'), '100%%');
  });

  it('starts the AppImage file itself, with the auto-connect flag', () => {
    assert.deepEqual(launchCommand('/tmp/.mount_Kith/kith', { APPIMAGE: '/home/ada/Kith.AppImage' }, false, '/app'), ['/home/ada/Kith.AppImage', AUTO_CONNECT_FLAG]);
    assert.deepEqual(launchCommand('/opt/Kith/kith', {}, false, '/app'), ['/opt/Kith/kith', AUTO_CONNECT_FLAG]);
    assert.deepEqual(launchCommand('/repo/node_modules/electron/dist/electron', {}, true, '/repo'), ['/repo/node_modules/electron/dist/electron', '/repo', AUTO_CONNECT_FLAG]);
  });

  it('writes, reads and removes the entry', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kith-autostart-'));
    try {
      const autostart = linuxAutostart({ dir: path.join(dir, 'autostart'), command: ['/opt/Kith/kith', AUTO_CONNECT_FLAG] });
      assert.equal(await autostart.isEnabled(), false);
      await autostart.setEnabled(true);
      assert.equal(await autostart.isEnabled(), true);
      const text = await readFile(path.join(dir, 'autostart', 'kith.desktop'), 'utf8');
      assert.equal(text, desktopEntry(['/opt/Kith/kith', AUTO_CONNECT_FLAG]));
      assert.match(text, /^Exec=\/opt\/Kith\/kith --auto-connect$/m);
      assert.match(text, /^Type=Application$/m);
      await autostart.setEnabled(false);
      assert.equal(await autostart.isEnabled(), false);
      await autostart.setEnabled(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('login items (Windows, macOS)', () => {
  it('reads and writes with the same args, so Windows finds its own Run entry', async () => {
    let saved: { openAtLogin?: boolean; args?: string[] } = {};
    const app = {
      setLoginItemSettings: (settings: { openAtLogin?: boolean; args?: string[] }) => void (saved = settings),
      getLoginItemSettings: (options?: { args?: string[] }) => ({ openAtLogin: saved.openAtLogin === true && JSON.stringify(options?.args) === JSON.stringify(saved.args), wasOpenedAtLogin: false }),
    } as unknown as Parameters<typeof loginItemAutostart>[0];
    const autostart = loginItemAutostart(app);
    await autostart.setEnabled(true);
    assert.deepEqual(saved, { openAtLogin: true, args: [AUTO_CONNECT_FLAG] });
    assert.equal(await autostart.isEnabled(), true);
  });

  it('knows a login start by the flag, or on macOS by the login item', () => {
    const app = (wasOpenedAtLogin: boolean) => ({ getLoginItemSettings: () => ({ wasOpenedAtLogin }) }) as unknown as Parameters<typeof startedAtLogin>[1];
    assert.equal(startedAtLogin(['kith', AUTO_CONNECT_FLAG], app(false), 'linux'), true);
    assert.equal(startedAtLogin(['kith'], app(true), 'linux'), false);
    assert.equal(startedAtLogin(['Kith'], app(true), 'darwin'), true);
  });
});
