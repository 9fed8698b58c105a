// The helped computer's two small windows while its screen is shared (issue 13): the banner
// ("‹name› can see your screen — Stop sharing", always on top) and the transparent, click-through
// overlay that draws the helper's pointer. Both load the app's own page with a route
// (renderer/src/main.tsx), under the same session rules and preload as the main window; they
// exist only while a session runs.
import { BrowserWindow, screen, type DesktopCapturerSource } from 'electron';
import type { HelpSession } from '../engine/help/api.js';
import { sendEvent } from './ipc.js';
import type { PointerMark } from './ipc-schema.js';
import { bannerWindowOptions, overlayDisplay, overlayWindowOptions } from './window-options.js';
import { sharesThisScreen } from '../shared/help-session.js';

/** The page's routes for the two windows (renderer/src/main.tsx reads them). */
export const BANNER_ROUTE = 'help-banner';
export const POINTER_ROUTE = 'help-pointer';

export interface HelpWindows {
  /** Follows the session: the windows are there while this computer's screen is shared, gone otherwise. */
  follow(session: HelpSession | undefined): void;
  pointer(mark: PointerMark | null): void;
  /** The screen or window the person picked to share (help-capture.ts). */
  picked(source: DesktopCapturerSource): void;
}

export function createHelpWindows({ preload, indexPath, devTools }: { readonly preload: string; readonly indexPath: string; readonly devTools: boolean }): HelpWindows {
  let banner: BrowserWindow | undefined;
  let overlay: BrowserWindow | undefined;
  let source: DesktopCapturerSource | undefined;

  const open = (window: BrowserWindow, route: string): BrowserWindow => {
    // 'screen-saver' keeps them above full-screen windows too (macOS), as a sharing indicator must.
    window.setAlwaysOnTop(true, 'screen-saver');
    window.setVisibleOnAllWorkspaces(true);
    window.once('ready-to-show', () => window.showInactive());
    void window.loadFile(indexPath, { hash: route });
    return window;
  };

  const close = (): void => {
    // The pick comes before the session runs (Allow, then 'connecting'); it is forgotten when the session it was for ends.
    if (banner !== undefined) source = undefined;
    for (const window of [banner, overlay]) if (window !== undefined && !window.isDestroyed()) window.destroy();
    banner = undefined;
    overlay = undefined;
  };

  return {
    follow(session) {
      if (!sharesThisScreen(session)) {
        close();
        return;
      }
      if (banner !== undefined) return;
      const display = overlayDisplay(screen.getAllDisplays(), screen.getPrimaryDisplay(), source);
      banner = open(new BrowserWindow(bannerWindowOptions({ preload, devTools, workArea: display.workArea })), BANNER_ROUTE);
      overlay = open(new BrowserWindow(overlayWindowOptions({ preload, devTools, bounds: display.bounds })), POINTER_ROUTE);
      // Clicks pass through to whatever is underneath: the overlay only draws.
      overlay.setIgnoreMouseEvents(true);
    },
    picked(picked) {
      source = picked;
    },
    pointer(mark) {
      if (overlay !== undefined && !overlay.isDestroyed()) sendEvent(overlay.webContents, 'help:pointer', { mark });
    },
  };
}
