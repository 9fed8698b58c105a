// The one description of every IPC channel between the window and the main process (the typed
// schema pattern of Mullvad's desktop app). Main's handlers, the preload's calls and listeners and
// the renderer's `window.kith` type are all derived from these two interfaces, so renaming a channel
// or changing its arguments is a compile error in every process at once.
//
// Types and plain data only: the sandboxed preload cannot load this module at run time (a sandboxed
// preload may only require 'electron' and a few built-ins), so it uses the channel names as string
// literals checked against `InvokeChannel` / `EventChannel`.
import { isPointerMark, type PointerMark } from '../shared/pointer-mark.js';

export type { PointerMark } from '../shared/pointer-mark.js';

/**
 * The outcome of one method call, mirroring a JSON-RPC reply (MANAGEMENT.md §3). Error codes are the
 * HTTP ones the management server uses: 401 the call needs the management password, 404 unknown
 * method, 400/403 refused params; 503 means the engine is not running (not started yet, or stopped).
 */
export type BridgeReply = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly code: number; readonly message: string };

/** Small desktop helpers that need the main process. */
export interface KithAppBridge {
  /** Puts text on the system clipboard. */
  copyText(text: string): Promise<void>;
  /** Opens a URL with the OS handler; main allows only the schemes in EXTERNAL_SCHEMES below. */
  openExternal(url: string): Promise<void>;
  /** Whether the app starts when the user logs in. */
  startAtLogin(): Promise<boolean>;
  setStartAtLogin(on: boolean): Promise<void>;
}

/** The help session's parts that need the main process (issue 13). */
export interface KithHelpBridge {
  /** The main window: where the helper points now (null: nowhere), for the overlay window to draw. */
  pointer(mark: PointerMark | null): Promise<void>;
  /** The overlay window: the mark to draw, as main forwards it; returns the function that stops listening. */
  onPointer(listener: (mark: PointerMark | null) => void): () => void;
  /** The main window: the tray's "Ask for help…" wants that screen shown. */
  onAskForHelp(listener: () => void): () => void;
}

/**
 * The surface the preload exposes as `window.kith` (contextBridge); the renderer's client uses it as
 * its IPC transport. Plain data only: everything crossing it is structured-clone safe, and nothing
 * else of Electron or Node is reachable from the page.
 */
export interface KithBridge {
  /** Calls one of the engine's methods (a `kith.*` name or an n3n one) with JSON-RPC params. */
  call(method: string, params: unknown): Promise<BridgeReply>;
  /** Listens to an event topic (`kith.state`, `kith.peer`, …); returns the unsubscribe function. */
  subscribe(topic: string, listener: (payload: unknown) => void): () => void;
  readonly app: KithAppBridge;
  readonly help: KithHelpBridge;
}

/** Renderer → main, answered: `ipcRenderer.invoke` in the preload, `ipcMain.handle` in main. */
export interface InvokeChannels {
  /** One engine method call, dispatched in-process through the edge's method table. */
  readonly 'kith:call': { readonly args: readonly [method: string, params: unknown]; readonly result: BridgeReply };
  /** Starts forwarding an event topic to this window on 'kith:event'; false for an unknown topic. */
  readonly 'kith:subscribe': { readonly args: readonly [topic: string]; readonly result: boolean };
  readonly 'kith:unsubscribe': { readonly args: readonly [topic: string]; readonly result: void };
  readonly 'app:copy-text': { readonly args: readonly [text: string]; readonly result: void };
  readonly 'app:open-external': { readonly args: readonly [url: string]; readonly result: void };
  readonly 'app:start-at-login': { readonly args: readonly []; readonly result: boolean };
  readonly 'app:set-start-at-login': { readonly args: readonly [on: boolean]; readonly result: void };
  /** The helper's pointer moved on the helped computer's window; main hands it to the overlay. */
  readonly 'help:pointer': { readonly args: readonly [mark: PointerMark | null]; readonly result: void };
}

/** Main → renderer, one way: `webContents.send` in main, `ipcRenderer.on` in the preload. */
export interface EventChannels {
  /** An engine event on a topic this window subscribed to. */
  readonly 'kith:event': { readonly topic: string; readonly payload: unknown };
  /** To the overlay window: draw the helper's pointer here (null: hide it). */
  readonly 'help:pointer': { readonly mark: PointerMark | null };
  /** To the main window: show the "Ask for help" screen (the tray's item). */
  readonly 'help:ask': Record<string, never>;
}

export type InvokeChannel = keyof InvokeChannels;
export type EventChannel = keyof EventChannels;
export type InvokeArgs<K extends InvokeChannel> = InvokeChannels[K]['args'];
export type InvokeResult<K extends InvokeChannel> = InvokeChannels[K]['result'];

/**
 * Run-time argument checks for each invoke channel. Whatever arrives over IPC came from a web page,
 * so main checks the shape before any handler sees it; the mapped type keeps the table complete.
 */
export const INVOKE_ARG_CHECKS: { readonly [K in InvokeChannel]: (args: readonly unknown[]) => args is InvokeArgs<K> } = {
  'kith:call': (args): args is InvokeArgs<'kith:call'> => args.length <= 2 && typeof args[0] === 'string' && args[0].length > 0 && args[0].length <= 128,
  'kith:subscribe': (args): args is InvokeArgs<'kith:subscribe'> => isTopic(args),
  'kith:unsubscribe': (args): args is InvokeArgs<'kith:unsubscribe'> => isTopic(args),
  'app:copy-text': (args): args is InvokeArgs<'app:copy-text'> => args.length === 1 && typeof args[0] === 'string' && args[0].length <= 64 * 1024,
  'app:open-external': (args): args is InvokeArgs<'app:open-external'> => args.length === 1 && typeof args[0] === 'string' && args[0].length <= 2048,
  'app:start-at-login': (args): args is InvokeArgs<'app:start-at-login'> => args.length === 0,
  'app:set-start-at-login': (args): args is InvokeArgs<'app:set-start-at-login'> => args.length === 1 && typeof args[0] === 'boolean',
  'help:pointer': (args): args is InvokeArgs<'help:pointer'> => args.length === 1 && (args[0] === null || isPointerMark(args[0])),
};

export const INVOKE_CHANNELS = Object.keys(INVOKE_ARG_CHECKS) as readonly InvokeChannel[];

function isTopic(args: readonly unknown[]): boolean {
  return args.length === 1 && typeof args[0] === 'string' && /^[a-z][a-z0-9._-]{0,63}$/.test(args[0]);
}

/** The URL schemes `app.openExternal` may hand to the OS. */
export const EXTERNAL_SCHEMES: readonly string[] = ['https:', 'ssh:', 'vnc:', 'rdp:'];

/** True when `url` parses and uses one of the allowed schemes. */
export function isAllowedExternalUrl(url: string): boolean {
  try {
    return EXTERNAL_SCHEMES.includes(new URL(url).protocol);
  } catch {
    return false;
  }
}
