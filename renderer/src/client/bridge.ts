// The surface the Electron preload exposes as `window.kith` (contextBridge). The renderer's client
// uses it as its IPC transport; electron/ implements exactly this interface and imports the type
// from here, so the two sides cannot drift. Plain data only: everything crossing it is
// structured-clone safe, and nothing else of Electron or Node is reachable from the page.

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
  /** Opens a URL with the OS handler; main allows only ssh://, vnc://, rdp:// and https:// links. */
  openExternal(url: string): Promise<void>;
  /** Whether the app starts when the user logs in. */
  startAtLogin(): Promise<boolean>;
  setStartAtLogin(on: boolean): Promise<void>;
}

export interface KithBridge {
  /** Calls one of the engine's methods (a `kith.*` name or an n3n one) with JSON-RPC params. */
  call(method: string, params: unknown): Promise<BridgeReply>;
  /** Listens to an event topic (`kith.state`, `kith.peer`, …); returns the unsubscribe function. */
  subscribe(topic: string, listener: (payload: unknown) => void): () => void;
  readonly app: KithAppBridge;
}

declare global {
  interface Window {
    /** Present only inside the Electron window. */
    readonly kith?: KithBridge;
  }
}

/** The preload's bridge, when the page runs inside Electron. */
export function findBridge(scope: { readonly kith?: KithBridge } | undefined = typeof window === 'undefined' ? undefined : window): KithBridge | undefined {
  return scope?.kith;
}
