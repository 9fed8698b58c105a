// The main process's view of the engine for the tray and the notifications: a DesktopSnapshot,
// re-read (kith.status + kith.peers + kith.profiles) shortly after any engine event and on a slow
// timer (RTTs change without events). The window keeps its own store through the preload; this
// one only feeds what main shows itself.
import type { KithStatus, PeerView, ProfileSummary } from '../engine/profiles/api.js';
import { topicsStartingWith } from '../engine/mgmt/topics.js';
import { DESKTOP_TOPICS } from '../engine/profiles/profile-methods.js';
import { type DesktopSnapshot, INITIAL_SNAPSHOT } from './desktop-snapshot.js';
import type { BridgeReply } from './ipc-schema.js';

export interface EngineClient {
  call(method: string, params: unknown): Promise<BridgeReply>;
  subscribe(topic: string, listener: (payload: unknown) => void): () => void;
}

/** Events that change what the tray shows (kith.settings: another network chosen or edited). */
export const SNAPSHOT_TOPICS = topicsStartingWith(DESKTOP_TOPICS, 'kith.');
/** Between event-driven re-reads: a burst of peer events becomes one refresh. */
export const EVENT_DEBOUNCE_MS = 150;
/** The light periodic re-read, for RTTs in the tooltip and menu. */
export const REFRESH_INTERVAL_MS = 5_000;

export type SnapshotListener = (previous: DesktopSnapshot, next: DesktopSnapshot) => void;

export interface DesktopState {
  get(): DesktopSnapshot;
  onChange(listener: SnapshotListener): () => void;
  /** The engine is up: subscribe to its events and read a first snapshot. */
  attach(engine: EngineClient): Promise<void>;
  /** The engine could not start. */
  fail(message: string): void;
  refresh(): Promise<void>;
  setStartAtLogin(on: boolean): void;
  dispose(): void;
}

export interface DesktopStateOptions {
  readonly setTimeout?: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout?: (handle: unknown) => void;
  readonly setInterval?: (callback: () => void, ms: number) => unknown;
  readonly clearInterval?: (handle: unknown) => void;
}

async function read<T>(engine: EngineClient, method: string, params: unknown): Promise<T | undefined> {
  const reply = await engine.call(method, params);
  return reply.ok ? (reply.result as T) : undefined;
}

export function createDesktopState(options: DesktopStateOptions = {}): DesktopState {
  const schedule = options.setTimeout ?? ((callback, ms) => setTimeout(callback, ms));
  const cancel = options.clearTimeout ?? ((handle) => clearTimeout(handle as NodeJS.Timeout));
  const every = options.setInterval ?? ((callback, ms) => setInterval(callback, ms).unref());
  const stopEvery = options.clearInterval ?? ((handle) => clearInterval(handle as NodeJS.Timeout));
  const listeners = new Set<SnapshotListener>();
  const unsubscribes: (() => void)[] = [];
  let snapshot = INITIAL_SNAPSHOT;
  let engine: EngineClient | undefined;
  let pendingEvent: unknown;
  let interval: unknown;
  // Refreshes may overlap (event + timer); only the newest one's answer is kept.
  let generation = 0;

  const set = (next: DesktopSnapshot): void => {
    const previous = snapshot;
    snapshot = next;
    for (const listener of listeners) listener(previous, next);
  };

  const refresh = async (): Promise<void> => {
    if (engine === undefined) return;
    const mine = ++generation;
    try {
      const [status, peers, profiles] = await Promise.all([
        read<KithStatus>(engine, 'kith.status', {}),
        read<PeerView[]>(engine, 'kith.peers', {}),
        read<ProfileSummary[]>(engine, 'kith.profiles', {}),
      ]);
      if (mine !== generation) return;
      if (status === undefined) {
        set({ ...snapshot, engine: 'running', error: 'The engine did not answer kith.status.' });
        return;
      }
      set({
        engine: 'running',
        status,
        peers: Array.isArray(peers) ? peers : [],
        profiles: Array.isArray(profiles) ? profiles : snapshot.profiles,
        startAtLogin: snapshot.startAtLogin,
      });
    } catch (error) {
      if (mine === generation) set({ ...snapshot, error: error instanceof Error ? error.message : String(error) });
    }
  };

  const onEvent = (): void => {
    if (pendingEvent !== undefined) return;
    pendingEvent = schedule(() => {
      pendingEvent = undefined;
      void refresh();
    }, EVENT_DEBOUNCE_MS);
  };

  return {
    get: () => snapshot,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async attach(client) {
      engine = client;
      for (const topic of SNAPSHOT_TOPICS) {
        try {
          unsubscribes.push(client.subscribe(topic, onEvent));
        } catch {
          // A topic this engine does not publish; the periodic refresh still covers it.
        }
      }
      interval = every(() => void refresh(), REFRESH_INTERVAL_MS);
      await refresh();
    },
    fail(message) {
      set({ ...snapshot, engine: 'failed', error: message });
    },
    refresh,
    setStartAtLogin(on) {
      if (snapshot.startAtLogin !== on) set({ ...snapshot, startAtLogin: on });
    },
    dispose() {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      if (pendingEvent !== undefined) cancel(pendingEvent);
      if (interval !== undefined) stopEvery(interval);
      pendingEvent = undefined;
      interval = undefined;
      engine = undefined;
      listeners.clear();
    },
  };
}
