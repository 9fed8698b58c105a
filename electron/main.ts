// The desktop app's lifecycle: one instance per user, never as root, the engine in this process,
// the tray always, the window on demand, a clean engine stop on quit. Each concern lives in its
// own file; this one only wires them together.
import path from 'node:path';
import { app, clipboard, dialog, ipcMain, session, shell } from 'electron';
import { createAutostart, startedAtLogin } from './autostart.js';
import { createInviteQueue, findInviteLink, registerProtocol } from './deep-links.js';
import type { TypedReply } from '../engine/mgmt/in-process-client.js';
import { createDesktopState, type EngineClient } from './desktop-state.js';
import { type DesktopHost, NOT_RUNNING, startEngine } from './engine-host.js';
import { IpcRefused, registerIpc, TopicForwarder } from './ipc.js';
import { isAllowedExternalUrl } from './ipc-schema.js';
import { deriveNotices } from './notification-rules.js';
import { createNotifier } from './notifications.js';
import { ICONS_DIR, PRELOAD_PATH, RENDERER_INDEX } from './paths.js';
import { indexUrl, isAppPage } from './security-policy.js';
import { createTray, type KithTray } from './tray.js';
import type { TrayAction } from './tray-state.js';
import { switchAnswered, switchQuestion } from './network-switch.js';
import { createWindowManager, hardenSession, hardenWebContents } from './window.js';
import type { HelpSession } from '../engine/help/api.js';
import { handleScreenCapture } from './help-capture.js';
import { createHelpWindows } from './help-windows.js';
import { followSession, openSession } from '../shared/help-session.js';
import { sendEvent } from './ipc.js';

const APP_INDEX_URL = indexUrl(RENDERER_INDEX);
const APP_ICON = path.join(ICONS_DIR, 'app', process.platform === 'win32' ? 'icon.ico' : '256x256.png');

function refuseRoot(): boolean {
  // The GUI never runs with privileges: only kith-tap does (DESIGN.md "Privilege is isolated").
  if (process.platform === 'win32' || process.getuid?.() !== 0) return false;
  console.error('kith: refusing to run the desktop app as root; start it as your own user (only kith-tap needs privileges).');
  return true;
}

function run(): void {
  app.setName('Kith');
  // A help session's WebRTC may use only host candidates on the VPN address (issue 13); Chromium
  // hides host addresses behind mDNS names unless this is off, and the other side could not use those.
  app.commandLine.appendSwitch('disable-features', 'WebRtcHideLocalIpsWithMdns');
  /** Closing the window, or the tray's item, stops the help session (the engine tells the other side). */
  const stopHelp = (sessionId: string | undefined = state.get().help?.id): void => {
    if (sessionId !== undefined) void engine((client) => client.call('kith.help.stop', [sessionId]));
  };
  // DevTools only when running from the sources: a packaged app gives the page no inspector.
  const windows = createWindowManager({ preload: PRELOAD_PATH, indexPath: RENDERER_INDEX, icon: APP_ICON, devTools: !app.isPackaged, onClose: () => stopHelp() });
  const helpWindows = createHelpWindows({ preload: PRELOAD_PATH, indexPath: RENDERER_INDEX, devTools: !app.isPackaged });
  const showWindow = (): void => void windows.show().catch((error: unknown) => console.error('kith: cannot open the window:', error));
  const state = createDesktopState();
  const autostart = createAutostart(app);
  const notifier = createNotifier({ icon: APP_ICON, onClick: showWindow });
  let host: DesktopHost | undefined;
  let tray: KithTray | undefined;
  let stopping: Promise<void> | undefined;

  /** Main's own calls, typed; answered NOT_RUNNING while no engine runs. */
  const engine = <R>(use: (client: EngineClient) => Promise<TypedReply<R>>): Promise<TypedReply<R>> =>
    host === undefined ? Promise.resolve(NOT_RUNNING) : use(host.client);
  const invites = createInviteQueue({
    showWindow: () => windows.show(),
    dialog,
    importInvite: async (link) => {
      const reply = await engine((client) => client.call('kith.invite.import', [link]));
      return reply.ok ? reply.result : { ok: false, message: reply.message };
    },
    notify: (title, body) => notifier.show({ title, body }),
  });

  // macOS delivers links as events, possibly before 'ready'.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    invites.push(url);
  });
  app.on('second-instance', (_event, argv) => {
    const link = findInviteLink(argv);
    if (link === undefined) showWindow();
    else invites.push(link);
  });
  // Every WebContents, present and future, gets the navigation and window-opening rules.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, APP_INDEX_URL));
  // The tray keeps the app (and the tunnel) alive with no window open.
  app.on('window-all-closed', () => undefined);
  app.on('activate', showWindow);
  app.on('before-quit', (event) => {
    if (host === undefined) return;
    // Leave the community cleanly (DEREGISTER, TAP released) before the process ends.
    event.preventDefault();
    const stopped = host;
    host = undefined;
    stopping ??= stopped
      .stop()
      .catch((error: unknown) => console.error('kith: engine stop failed:', error))
      .finally(() => {
        state.dispose();
        tray?.destroy();
        app.quit();
      });
  });

  const runAction = (action: TrayAction): void => {
    const report = (what: string) => (reply: { ok: boolean; message?: string }) => {
      if (!reply.ok) notifier.show({ title: `Could not ${what}`, body: reply.message ?? '' });
    };
    switch (action.kind) {
      case 'connect':
        void engine((client) => client.call('kith.connect')).then(report('connect'));
        return;
      case 'disconnect':
        void engine((client) => client.call('kith.disconnect')).then(report('disconnect'));
        return;
      case 'use-profile': {
        // Asked first: the computers of the live network lose this one (network-switch.ts).
        const question = switchQuestion(state.get(), action.name);
        if (question === undefined) return;
        void dialog
          .showMessageBox(question)
          .then(({ response }) => (switchAnswered(response) ? engine((client) => client.call('kith.profiles.select', [action.name])).then(report(`switch to ${action.name}`)) : undefined));
        return;
      }
      case 'copy':
        clipboard.writeText(action.text);
        return;
      case 'open':
        showWindow();
        return;
      case 'set-start-at-login':
        void autostart
          .setEnabled(action.on)
          .then(() => autostart.isEnabled())
          .then((on) => state.setStartAtLogin(on));
        return;
      case 'quit':
        app.quit();
        return;
      case 'ask-for-help':
        void windows.show().then((window) => sendEvent(window.webContents, 'help:ask', {}));
        return;
      case 'stop-help':
        stopHelp(action.sessionId);
        return;
    }
  };

  const showHelp = (session: HelpSession | undefined): void => {
    state.setHelp(session);
    helpWindows.follow(session);
  };
  /** Main's own watch on the help session: the tray, the banner and the overlay follow it. */
  const watchHelp = async (client: EngineClient): Promise<void> => {
    const subscribed = client.subscribe('kith.help', (event) => {
      if (event.kind === 'session') showHelp(followSession(state.get().help, event.session));
    });
    if (!subscribed.ok) return;
    const status = await client.call('kith.help.status');
    if (status.ok) showHelp(openSession(status.result.sessions));
  };

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession, APP_INDEX_URL);
    handleScreenCapture(session.defaultSession, (url) => isAppPage(url, APP_INDEX_URL), (source) => helpWindows.picked(source));
    registerProtocol(app);

    const forwarder = new TopicForwarder((topic, listener) => {
      if (host === undefined) throw new IpcRefused('The Kith engine is not running.');
      return host.subscribeFromWindow(topic, listener);
    });
    registerIpc({
      ipcMain,
      isTrustedUrl: (url) => isAppPage(url, APP_INDEX_URL),
      handlers: {
        'kith:call': (_sender, method, params) => (host === undefined ? Promise.resolve(NOT_RUNNING) : host.callFromWindow(method, params)),
        'kith:subscribe': (sender, topic) => forwarder.add(sender, topic),
        'kith:unsubscribe': (sender, topic) => forwarder.remove(sender, topic),
        'app:copy-text': (_sender, text) => clipboard.writeText(text),
        'app:open-external': async (_sender, url) => {
          if (!isAllowedExternalUrl(url)) throw new IpcRefused('Kith opens only https, ssh, vnc and rdp links.');
          await shell.openExternal(url);
        },
        'app:start-at-login': () => autostart.isEnabled(),
        'app:set-start-at-login': async (_sender, on) => {
          await autostart.setEnabled(on);
          state.setStartAtLogin(await autostart.isEnabled());
        },
        'help:pointer': (_sender, mark) => helpWindows.pointer(mark),
      },
    });

    tray = createTray({ iconsDir: ICONS_DIR, platform: process.platform, run: runAction, onClick: showWindow });
    state.onChange((previous, next) => {
      tray?.update(next);
      for (const notice of deriveNotices(previous, next)) notifier.show(notice);
    });
    tray.update(state.get());
    state.setStartAtLogin(await autostart.isEnabled());

    if (process.env['KITH_E2E'] === '1') {
      // Read by e2e/electron/app.spec.ts through electronApp.evaluate (runs in this process).
      Object.assign(globalThis, { kithTestHook: { tray: () => tray?.shown(), snapshot: () => state.get() } });
    }

    const atLogin = startedAtLogin(process.argv, app, process.platform);
    if (!atLogin) showWindow();
    try {
      host = await startEngine({ version: app.getVersion(), tapHelper: app.isPackaged ? path.join(process.resourcesPath, 'bin', 'kith-tap') : undefined });
      await state.attach(host.client);
      await watchHelp(host.client);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error('kith: the engine could not start:', message);
      state.fail(message);
    }
    invites.start();
    const link = findInviteLink(process.argv);
    if (link !== undefined) invites.push(link);
  });
}

if (refuseRoot()) app.exit(1);
else if (!app.requestSingleInstanceLock()) app.quit();
else run();
