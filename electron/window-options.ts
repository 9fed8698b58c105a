// The main window's construction options, as a pure function so a unit test can assert every
// security-relevant webPreferences value without starting Electron (type-only Electron import).
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of the compiled preload (dist/electron/preload.cjs). */
  readonly preload: string;
  /** Absolute path of the window icon (Linux and Windows; macOS uses the bundle's). */
  readonly icon?: string;
  /** Developer tools: in a development run only (main.ts: `!app.isPackaged`), never in the packaged app. */
  readonly devTools: boolean;
}

export function windowOptions({ preload, icon, devTools }: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'Kith',
    width: 960,
    height: 680,
    minWidth: 560,
    minHeight: 420,
    // Shown on 'ready-to-show', so the first frame is the rendered UI, not a white flash.
    show: false,
    autoHideMenuBar: true,
    ...(icon === undefined ? {} : { icon }),
    webPreferences: {
      preload,
      // The page sees only what the preload hands to contextBridge, in an isolated world.
      contextIsolation: true,
      // The renderer is an OS-sandboxed Chromium process with no Node.js, preload included.
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // The window stays a live client when hidden to the tray; events keep its store current.
      backgroundThrottling: true,
      devTools,
    },
  };
}
