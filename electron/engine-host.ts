// The edge engine runs inside this main process (desktop/host.ts), not in a utility process:
// the data path (TAP reads, UDP, transforms) lives entirely in the engine's own event loop and
// needs no IPC hop per call or event, and the window is a separate renderer process, so a busy
// engine never blocks what the person sees. What main itself does besides (tray, menus,
// notifications) is small and event-driven.
import { startDesktopHost } from '../desktop/host.js';
import { startEmbeddedSupernode } from '../supernode/embedded.js';
import { PortMapper } from '../engine/portmap/port-mapper.js';
import type { BridgeReply } from './ipc-schema.js';

/** What the shell needs of the engine: calls, events and a clean stop. */
export interface DesktopHost {
  /** One method of the edge's JSON-RPC table, dispatched in-process. */
  call(method: string, params: unknown): Promise<BridgeReply>;
  /** Throws for a topic the engine does not publish. */
  subscribe(topic: string, listener: (payload: unknown) => void): () => void;
  stop(): Promise<void>;
}

export interface EngineStartOptions {
  /** The app's version, reported by kith.status. */
  readonly version: string;
  /** kith-tap shipped with a packaged app (resources/bin); unpackaged, the tree's build or PATH. */
  readonly tapHelper: string | undefined;
}

/** The engine's error code when no engine is running to answer (the bridge's 503). */
export const NOT_RUNNING: BridgeReply = { ok: false, code: 503, message: 'The Kith engine is not running.' };

/**
 * Starts the engine with the active profile (desktop/host.ts). The window is this user's
 * own UI in this process, so its calls are authorised without the management password; the
 * first network's local supernode runs in-process as in the browser mode.
 */
export async function startEngine({ version, tapHelper }: EngineStartOptions): Promise<DesktopHost> {
  const started = await startDesktopHost({
    version,
    embeddedSupernode: startEmbeddedSupernode,
    portMapper: new PortMapper(),
    ...(tapHelper === undefined ? {} : { tapHelper }),
  });
  if (!started.ok) throw new Error(started.detail ?? `the engine could not start (${started.error})`);
  const host = started.value;
  return {
    call: (method, params) => host.call(method, params, { authorised: true }),
    subscribe(topic, listener) {
      const subscribed = host.subscribe(topic, listener);
      if (!subscribed.ok) throw new Error(`unknown event topic ${topic}`);
      return subscribed.value;
    },
    stop: () => host.close(),
  };
}
