// The windows' construction options, as pure functions so a unit test can assert every
// security-relevant webPreferences value without starting Electron (type-only Electron import).
// Besides the main window, a help session (issue 13) has two small ones on the helped computer:
// the banner that stays on top while the screen is shared, and the transparent overlay that
// draws the helper's pointer over the shared screen without taking a click; and the picker's
// choices of what to share.
import type { BrowserWindowConstructorOptions, DesktopCapturerSource, Display, Rectangle, WebPreferences } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of the compiled preload (dist/electron/preload.cjs). */
  readonly preload: string;
  /** Absolute path of the window icon (Linux and Windows; macOS uses the bundle's). */
  readonly icon?: string;
  /** Developer tools: in a development run only (main.ts: `!app.isPackaged`), never in the packaged app. */
  readonly devTools: boolean;
}

/** Every window's page: the preload's bridge and nothing else of Electron or Node. */
function pageRules(preload: string, devTools: boolean): WebPreferences {
  return {
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
    devTools,
  };
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
      ...pageRules(preload, devTools),
      // The window stays a live client when hidden to the tray; events keep its store current.
      backgroundThrottling: true,
    },
  };
}

/** What the help session's small windows share: no frame, not resized, minimised, maximised or closed by hand, always on top, not in the taskbar. */
const FLOATING = {
  show: false,
  frame: false,
  resizable: false,
  minimizable: false,
  maximizable: false,
  fullscreenable: false,
  closable: false,
  skipTaskbar: true,
  alwaysOnTop: true,
} as const satisfies BrowserWindowConstructorOptions;

/** The banner's size: one line of text and its button. */
export const BANNER_SIZE = { width: 460, height: 56 } as const;

/**
 * "‹name› can see your screen — Stop sharing": a small frameless window at the top centre of the
 * work area, above every other window, on every workspace, that the person can move but not lose
 * behind another window or minimise away.
 */
export function bannerWindowOptions({ preload, devTools, workArea }: { readonly preload: string; readonly devTools: boolean; readonly workArea: Rectangle }): BrowserWindowConstructorOptions {
  return {
    title: 'Kith — sharing your screen',
    x: Math.round(workArea.x + (workArea.width - BANNER_SIZE.width) / 2),
    y: workArea.y + 8,
    ...BANNER_SIZE,
    ...FLOATING,
    movable: true,
    focusable: true,
    webPreferences: { ...pageRules(preload, devTools), backgroundThrottling: false },
  };
}

/**
 * The pointer overlay: transparent, frameless, covering the shared display, above everything, and
 * never focused or clicked (main also sets it to ignore the mouse), so the person keeps using
 * the computer underneath as if it were not there.
 */
export function overlayWindowOptions({ preload, devTools, bounds }: { readonly preload: string; readonly devTools: boolean; readonly bounds: Rectangle }): BrowserWindowConstructorOptions {
  return {
    title: 'Kith — pointer',
    ...bounds,
    ...FLOATING,
    transparent: true,
    backgroundColor: '#00000000',
    hasShadow: false,
    movable: false,
    focusable: false,
    webPreferences: { ...pageRules(preload, devTools), backgroundThrottling: false },
  };
}

/**
 * The display the overlay covers: the picked screen. A picked window, or a screen not found, falls
 * back to the primary display; the mark is then placed on the screen rather than on the window.
 */
export function overlayDisplay(displays: readonly Display[], primary: Display, source: Pick<DesktopCapturerSource, 'display_id'> | undefined): Display {
  return displays.find((display) => source !== undefined && source.display_id !== '' && String(display.id) === source.display_id) ?? primary;
}

export interface CaptureChoice {
  readonly id: string;
  readonly label: string;
}

/** Screens first ("Whole screen", or "Screen 1", "Screen 2" with several), then windows by name. */
export function captureChoices(sources: readonly Pick<DesktopCapturerSource, 'id' | 'name'>[]): CaptureChoice[] {
  const screens = sources.filter((source) => source.id.startsWith('screen:'));
  const windows = sources.filter((source) => source.id.startsWith('window:') && source.name.trim() !== '');
  return [
    ...screens.map((source, index) => ({ id: source.id, label: screens.length === 1 ? 'Whole screen' : `Screen ${index + 1}` })),
    ...windows.map((source) => ({ id: source.id, label: `Window: ${source.name.trim().replaceAll('&', '&&').slice(0, 80)}` })),
  ];
}
