// build/electron-builder.yml, checked here because the installers themselves can only be built
// where Electron's binary for the target OS is available: electron-builder's own loader and schema
// validation, the fields the app depends on, and every file the config and the app refer to.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Configuration } from 'electron-builder';
import { PNG } from 'pngjs';
import { TRAY_ICON_STATES, trayIconFile } from './tray-state.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONFIG = 'build/electron-builder.yml';
// app-builder-lib is electron-builder's own dependency; load it the way electron-builder does.
const requireFromBuilder = createRequire(path.join(ROOT, 'node_modules', 'electron-builder', 'package.json'));

interface ConfigModule {
  getConfig(this: void, projectDir: string, configPath: string, extra: null): Promise<Configuration>;
  validateConfiguration(this: void, config: Configuration, logger: unknown): Promise<void>;
}

// electron-builder logs through builder-util's logger, to stdout and in several writes per line;
// node:test's file runner reads this process's stdout as its own serialized reports, and those
// writes interleaved with them intermittently corrupt the stream ("Unable to deserialize cloned
// data"). The logger writes to stderr here instead.
(requireFromBuilder('builder-util') as { log: { stream: NodeJS.WritableStream } }).log.stream = process.stderr;

async function loadConfig(): Promise<Configuration> {
  const { getConfig, validateConfiguration } = requireFromBuilder('app-builder-lib/out/util/config/config.js') as ConfigModule;
  const { DebugLogger } = requireFromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
  const config = await getConfig(ROOT, CONFIG, null);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

const exists = (file: string): boolean => existsSync(path.join(ROOT, file));

describe('electron-builder config', () => {
  it('passes electron-builder’s own schema validation and names the app', async () => {
    const config = await loadConfig();
    assert.equal(config.appId, 'net.kith.desktop');
    assert.equal(config.productName, 'Kith');
    const protocols = [config.protocols ?? []].flat();
    assert.deepEqual(protocols.flatMap((protocol) => protocol.schemes), ['kith']);
  });

  it('builds AppImage, deb and rpm with the kith-tap post-install, NSIS with the TAP-Windows6 include, dmg and pkg with the launchd agent', async () => {
    const config = await loadConfig();
    assert.deepEqual(config.linux?.target, ['AppImage', 'deb', 'rpm']);
    assert.deepEqual(config.win?.target, ['nsis']);
    assert.deepEqual(config.mac?.target, ['dmg', 'pkg']);
    assert.equal(config.pkg?.scripts, 'macos/pkg-scripts');
    const macResources = [config.mac?.extraResources ?? []].flat().map((r) => (typeof r === 'string' ? { from: r, to: r } : r));
    assert.ok(macResources.some((r) => r.from === 'native/build/kith-tap' && r.to === 'bin/kith-tap'), 'kith-tap in Resources/bin');
    assert.ok(macResources.some((r) => r.from === 'build/macos/net.kith.tapd.plist' && r.to === 'net.kith.tapd.plist'));
    const plist = readFileSync(path.join(ROOT, 'build/macos/net.kith.tapd.plist'), 'utf8');
    assert.match(plist, /<key>Label<\/key>\s*<string>net\.kith\.tapd<\/string>/);
    assert.match(plist, /<string>\/Applications\/Kith\.app\/Contents\/Resources\/bin\/kith-tap<\/string>\s*<string>serve<\/string>\s*<string>\/var\/run\/kith-tapd\.sock<\/string>/);
    assert.match(plist, /<key>UserName<\/key>\s*<string>root<\/string>/);
    const postinstall = readFileSync(path.join(ROOT, 'build/macos/pkg-scripts/postinstall'), 'utf8');
    assert.match(postinstall, /launchctl bootstrap system "\$TARGET"/);
    assert.ok((statSync(path.join(ROOT, 'build/macos/pkg-scripts/postinstall')).mode & 0o111) !== 0, 'postinstall is executable');
    assert.equal(config.deb?.afterInstall, 'build/linux/after-install.sh');
    const postinst = readFileSync(path.join(ROOT, 'build/linux/after-install.sh'), 'utf8');
    assert.match(postinst, /setcap cap_net_admin=ep "\$HELPER"/);
    assert.match(postinst, /chmod 4755 "\$APP_DIR\/chrome-sandbox"/);
    assert.doesNotMatch(postinst, /chmod [0-7]*[4-7][0-7]{3} "\$HELPER"/, 'kith-tap is never setuid');
    assert.equal(config.nsis?.include, 'build/windows/installer.nsh');
    assert.match(readFileSync(path.join(ROOT, 'build/windows/installer.nsh'), 'utf8'), /!macro customInstall/);
  });

  it('refers only to files in the repository (besides build outputs and the documented TAP-Windows6 installer)', async () => {
    const config = await loadConfig();
    const named = [
      config.linux?.icon,
      config.win?.icon,
      config.mac?.icon,
      config.dmg?.icon,
      config.nsis?.installerIcon,
      config.nsis?.uninstallerIcon,
      config.nsis?.include,
      config.deb?.afterInstall,
      config.deb?.afterRemove,
      config.rpm?.afterInstall,
      config.rpm?.afterRemove,
      'build/macos/pkg-scripts/postinstall',
      'build/macos/net.kith.tapd.plist',
    ];
    for (const file of named) {
      assert.equal(typeof file, 'string');
      assert.ok(exists(file as string), `${file as string} is missing`);
    }
  });
});

describe('generated icons', () => {
  const size = (file: string): number => {
    const png = PNG.sync.read(readFileSync(path.join(ROOT, 'build/icons', file)));
    assert.equal(png.width, png.height, file);
    return png.width;
  };

  it('has every tray state for every platform, with @2x variants', () => {
    for (const state of TRAY_ICON_STATES) {
      for (const platform of ['linux', 'win32', 'darwin'] as const) {
        const file = trayIconFile(state, platform);
        const base = size(file);
        assert.equal(size(file.replace(/\.png$/, '@2x.png')), base * 2, file);
      }
      for (const px of [16, 24, 32, 48]) assert.equal(size(`tray/${state}-${px}.png`), px);
    }
  });

  it('draws macOS template images in black and alpha only', () => {
    for (const state of TRAY_ICON_STATES) {
      const png = PNG.sync.read(readFileSync(path.join(ROOT, 'build/icons/tray', `${state}Template@2x.png`)));
      for (let i = 0; i < png.data.length; i += 4) {
        if (png.data[i + 3] !== 0) assert.deepEqual([png.data[i], png.data[i + 1], png.data[i + 2]], [0, 0, 0], state);
      }
    }
  });

  it('has the app icon at every size and an .ico with a 256 px image', () => {
    for (const px of [16, 32, 48, 64, 128, 256, 512, 1024]) assert.equal(size(`app/${px}x${px}.png`), px);
    const ico = readFileSync(path.join(ROOT, 'build/icons/icon.ico'));
    assert.equal(ico.readUInt16LE(2), 1, 'type icon');
    const count = ico.readUInt16LE(4);
    const widths = Array.from({ length: count }, (_, i) => ico.readUInt8(6 + 16 * i) || 256);
    assert.ok(widths.includes(256));
    assert.ok(widths.includes(16));
  });
});
