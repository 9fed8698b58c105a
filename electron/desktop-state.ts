// The main process's view of the engine for the tray and the notifications: a DesktopSnapshot. The
// engine pushes peers with their RTTs and traffic on `kith.stats` (the subscription starts with
// them); the status and the profiles are read when attached and again shortly after the events that
// change them. Nothing is read on a timer. The window keeps its own store through the preload; this
// one only feeds what main shows itself.
import type { HelpSession } from '../engine/help/api.js';
import type { DesktopApi, DesktopEventPayloads } from '../engine/profiles/api.js';
import type { InProcessClient } from '../engine/mgmt/in-process-client.js';
import { type DesktopSnapshot, INITIAL_SNAPSHOT } from './desktop-snapshot.js';

/** The engine as main calls it: typed from its method table and topics. */
export type EngineClient = InProcessClient<DesktopApi, DesktopEventPayloads>;

/** Events after which status and profiles are read again (kith.settings: another network chosen or edited). */
export const REREAD_TOPICS = ['kith.state', 'kith.settings'] as const satisfies readonly (keyof DesktopEventPayloads)[];
/** Between event-driven re-reads: a burst of events becomes one read. */
export const EVENT_DEBOUNCE_MS = 150;

export type SnapshotListener = (previous: DesktopSnapshot, next: DesktopSnapshot) => void;

export interface DesktopState {
  get(): DesktopSnapshot;
  onChange(listener: SnapshotListener): () => void;
  /** The engine is up: subscribe to its events and read status and profiles. */
  attach(engine: EngineClient): Promise<void>;
  /** The engine could not start. */
  fail(message: string): void;
  refresh(): Promise<void>;
  setStartAtLogin(on: boolean): void;
  /** The help session waiting for an answer or running (shared/help-session.ts), or none. */
  setHelp(session: HelpSession | undefined): void;
  dispose(): void;
}

export interface DesktopStateOptions {
  readonly setTimeout?: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout?: (handle: unknown) => void;
}

export function createDesktopState(options: DesktopStateOptions = {}): DesktopState {
  const schedule = options.setTimeout ?? ((callback, ms) => setTimeout(callback, ms));
  const cancel = options.clearTimeout ?? ((handle) => clearTimeout(handle as NodeJS.Timeout));
  const listeners = new Set<SnapshotListener>();
  const unsubscribes: (() => void)[] = [];
  let snapshot = INITIAL_SNAPSHOT;
  let engine: EngineClient | undefined;
  let pendingEvent: unknown;
  // Reads may overlap (two bursts of events); only the newest one's answer is kept.
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
      const [status, profiles] = await Promise.all([engine.call('kith.status'), engine.call('kith.profiles')]);
      if (mine !== generation) return;
      if (!status.ok) {
        set({ ...snapshot, engine: 'running', error: `The engine did not answer kith.status: ${status.message}` });
        return;
      }
      set({
        engine: 'running',
        status: status.result,
        peers: snapshot.peers,
        profiles: profiles.ok ? profiles.result : snapshot.profiles,
        startAtLogin: snapshot.startAtLogin,
        ...(snapshot.help === undefined ? {} : { help: snapshot.help }),
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

  const subscribe = (subscribed: ReturnType<EngineClient['subscribe']>): void => {
    if (subscribed.ok) unsubscribes.push(subscribed.value);
  };

  return {
    get: () => snapshot,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async attach(client) {
      engine = client;
      for (const topic of REREAD_TOPICS) subscribe(client.subscribe(topic, onEvent));
      subscribe(client.subscribe('kith.stats', ({ peers }) => set({ ...snapshot, peers })));
      await refresh();
    },
    fail(message) {
      set({ ...snapshot, engine: 'failed', error: message });
    },
    refresh,
    setStartAtLogin(on) {
      if (snapshot.startAtLogin !== on) set({ ...snapshot, startAtLogin: on });
    },
    setHelp(session) {
      if (session === snapshot.help) return;
      const next: { -readonly [K in keyof DesktopSnapshot]: DesktopSnapshot[K] } = { ...snapshot };
      if (session === undefined) delete next.help;
      else next.help = session;
      set(next);
    },
    dispose() {
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      if (pendingEvent !== undefined) cancel(pendingEvent);
      pendingEvent = undefined;
      engine = undefined;
      listeners.clear();
    },
  };
}
