// Start at login, with auto-connect. Linux: an XDG autostart entry in ~/.config/autostart
// (Desktop Application Autostart Specification), because Electron's login-item API does nothing
// there. Windows and macOS: app.setLoginItemSettings. The entry passes AUTO_CONNECT_FLAG so a
// login start stays in the tray and connects, instead of opening the window.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { App } from 'electron';

export const AUTO_CONNECT_FLAG = '--auto-connect';
export const AUTOSTART_FILE = 'kith.desktop';

/** $XDG_CONFIG_HOME/autostart, defaulting to ~/.config/autostart. */
export function autostartDir(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const configHome = env['XDG_CONFIG_HOME'];
  return path.join(configHome !== undefined && path.isAbsolute(configHome) ? configHome : path.join(home, '.config'), 'autostart');
}

/** Desktop Entry Specification, "The Exec key": quoting of one argument. */
export function quoteExecArg(arg: string): string {
  const escaped = arg.replaceAll('%', '%%');
  if (!/[\s"'\\><~|&;$*?#()`]/.test(escaped)) return escaped;
  return `"${escaped.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function desktopEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Kith',
    'Comment=Peer-to-peer layer-2 mesh VPN',
    `Exec=${command.map(quoteExecArg).join(' ')}`,
    'Icon=kith',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * The command that starts this app again: an AppImage must be started through the image file
 * ($APPIMAGE), not its mount point, which changes on every run; a development run passes the
 * main script after the Electron binary.
 */
export function launchCommand(execPath: string, env: NodeJS.ProcessEnv, defaultApp: boolean, appPath: string): string[] {
  const appImage = env['APPIMAGE'];
  if (appImage !== undefined && appImage !== '') return [appImage, AUTO_CONNECT_FLAG];
  return defaultApp ? [execPath, appPath, AUTO_CONNECT_FLAG] : [execPath, AUTO_CONNECT_FLAG];
}

export interface Autostart {
  isEnabled(): Promise<boolean>;
  setEnabled(on: boolean): Promise<void>;
}

export interface LinuxAutostartOptions {
  readonly dir: string;
  readonly command: readonly string[];
}

export function linuxAutostart({ dir, command }: LinuxAutostartOptions): Autostart {
  const file = path.join(dir, AUTOSTART_FILE);
  return {
    async isEnabled() {
      try {
        const text = await readFile(file, 'utf8');
        // Another tool (GNOME Tweaks, KDE's settings) may have disabled it in place.
        return !/^(Hidden=true|X-GNOME-Autostart-enabled=false)$/m.test(text);
      } catch {
        return false;
      }
    },
    async setEnabled(on) {
      if (!on) return rm(file, { force: true });
      await mkdir(dir, { recursive: true });
      await writeFile(file, desktopEntry(command), { mode: 0o644 });
    },
  };
}

export function loginItemAutostart(app: Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>): Autostart {
  // Windows keys the Run entry by path and args, so reading and writing must use the same args.
  const args = [AUTO_CONNECT_FLAG];
  return {
    isEnabled: () => Promise.resolve(app.getLoginItemSettings({ args }).openAtLogin),
    setEnabled(on) {
      app.setLoginItemSettings({ openAtLogin: on, args });
      return Promise.resolve();
    },
  };
}

/** Whether this start came from the login entry (Windows/Linux: the flag; macOS: the login item). */
export function startedAtLogin(argv: readonly string[], app: Pick<App, 'getLoginItemSettings'>, platform: NodeJS.Platform): boolean {
  if (argv.includes(AUTO_CONNECT_FLAG)) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
}

export function createAutostart(app: Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings' | 'getAppPath'>, platform: NodeJS.Platform = process.platform): Autostart {
  if (platform !== 'linux') return loginItemAutostart(app);
  return linuxAutostart({ dir: autostartDir(), command: launchCommand(process.execPath, process.env, process.defaultApp === true, app.getAppPath()) });
}
