// The edge engine runs inside this main process (desktop/host.ts), not in a utility process:
// the data path (TAP reads, UDP, transforms) lives entirely in the engine's own event loop and
// needs no IPC hop per call or event, and the window is a separate renderer process, so a busy
// engine never blocks what the person sees. What main itself does besides (tray, menus,
// notifications) is small and event-driven.
import { startDesktopHost } from '../desktop/host.js';
import { inProcessClient } from '../engine/mgmt/in-process-client.js';
import { startEmbeddedSupernode } from '../supernode/embedded.js';
import { PortMapper } from '../engine/portmap/port-mapper.js';
import type { EngineClient } from './desktop-state.js';
import type { BridgeReply } from './ipc-schema.js';

/** What the shell needs of the engine: the window's calls and events, main's own, and a clean stop. */
export interface DesktopHost {
  /** A call from the window: the page names the method, the edge's table checks it and its params. */
  callFromWindow(method: string, params: unknown): Promise<BridgeReply>;
  /** An event topic the window asked for; throws for a topic the engine does not publish. */
  subscribeFromWindow(topic: string, listener: (payload: unknown) => void): () => void;
  /** Main's own calls and subscriptions, typed from the table. */
  readonly client: EngineClient;
  stop(): Promise<void>;
}

export interface EngineStartOptions {
  /** The app's version, reported by kith.status. */
  readonly version: string;
  /** kith-tap shipped with a packaged app (resources/bin); unpackaged, the tree's build or PATH. */
  readonly tapHelper: string | undefined;
}

/** The engine's error code when no engine is running to answer (the bridge's 503). */
export const NOT_RUNNING: Extract<BridgeReply, { ok: false }> = { ok: false, code: 503, message: 'The Kith engine is not running.' };

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
    callFromWindow: (method, params) => host.call(method, params, { authorised: true }),
    client: inProcessClient(host, { authorised: true }),
    subscribeFromWindow(topic, listener) {
      const subscribed = host.subscribe(topic, listener);
      if (!subscribed.ok) throw new Error(`unknown event topic ${topic}`);
      return subscribed.value;
    },
    stop: () => host.close(),
  };
}
