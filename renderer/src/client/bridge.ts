// The preload's bridge as the page sees it: `window.kith`, present only inside the Electron window.
// Its type is declared with the IPC channels it rides on (electron/ipc-schema.ts), so the preload,
// main and this client cannot drift; the renderer imports it as a type only.
import type { KithBridge } from '../../../electron/ipc-schema.js';

export type { BridgeReply, KithAppBridge, KithBridge, PointerMark } from '../../../electron/ipc-schema.js';

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
