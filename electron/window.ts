// The one window, and the session rules every page in it lives under. Closing the window destroys
// it (the tray keeps the app and the tunnel running; "the daemon is the truth; the UI can die") and
// "Open" creates it again.
import { BrowserWindow, type Session, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY, isAllowedPermission, isAllowedRequest, isAppPage } from './security-policy.js';
import { windowOptions } from './window-options.js';

/** Session-wide rules: no network, no permission but the help session's microphone, the CSP on every response. Applied once. */
export function hardenSession(session: Session, appIndexUrl: string): void {
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedRequest(details.url, appIndexUrl) });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // The UI needs no camera, notifications, geolocation, clipboard-read, HID, serial…; the microphone
  // only for a help session's voice.
  session.setPermissionRequestHandler((_webContents, permission, callback, details) =>
    callback(isAllowedPermission(permission, details.requestingUrl, 'mediaTypes' in details ? details.mediaTypes : undefined, appIndexUrl)),
  );
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    isAllowedPermission(permission, details.requestingUrl ?? requestingOrigin, details.mediaType === undefined ? undefined : [details.mediaType], appIndexUrl),
  );
  session.setDevicePermissionHandler(() => false);
}

/** Per-WebContents rules: no navigation away from the app, no new windows, no webviews. */
export function hardenWebContents(contents: WebContents, appIndexUrl: string): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAppPage(url, appIndexUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppPage(url, appIndexUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export interface WindowManagerOptions {
  readonly preload: string;
  readonly indexPath: string;
  readonly icon?: string;
  readonly devTools: boolean;
  /** The window is closing (the person closed it): a help session in it ends with it. */
  readonly onClose?: () => void;
}

export interface WindowManager {
  /** Shows the window, creating it first when there is none; resolves once it is loaded. */
  show(): Promise<BrowserWindow>;
  current(): BrowserWindow | undefined;
}

export function createWindowManager({ preload, indexPath, icon, devTools, onClose }: WindowManagerOptions): WindowManager {
  let window: BrowserWindow | undefined;
  let loading: Promise<BrowserWindow> | undefined;

  const create = async (): Promise<BrowserWindow> => {
    const created = new BrowserWindow(windowOptions({ preload, devTools, ...(icon === undefined ? {} : { icon }) }));
    window = created;
    created.on('close', () => onClose?.());
    created.on('closed', () => {
      if (window === created) window = undefined;
    });
    created.once('ready-to-show', () => created.show());
    await created.loadFile(indexPath);
    return created;
  };

  return {
    async show() {
      if (window !== undefined && !window.isDestroyed()) {
        await loading;
        if (window.isMinimized()) window.restore();
        window.show();
        window.focus();
        return window;
      }
      loading = create();
      try {
        return await loading;
      } finally {
        loading = undefined;
      }
    },
    current: () => (window !== undefined && !window.isDestroyed() ? window : undefined),
  };
}
