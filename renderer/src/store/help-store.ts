// The window's help session (issue 13): the engine's help status, and the WebRTC link of the
// current session with what it shows (the picture, the other side's voice, the pointer). The
// engine owns the session's phases and its rules; this store follows them: a connection is made
// when a session this window is part of reaches 'connecting', and closed when it leaves it.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { HelpEvent, HelpSession, HelpSignal, HelpStatus } from '../../../engine/help/api.js';
import { errorMessage } from '../client/errors.js';
import { readAgainIfDropped } from '../client/read-again.js';
import { HelpConnection } from '../help/help-connection.js';
import type { HelpLink } from '../help/help-link.js';
import { applyHelpEvent, currentSession, EMPTY_HELP_STATUS } from '../help/help-status.js';
import type { SelectedPair } from '../help/ice.js';
import type { PointerMark } from '../help/pointer.js';
import { isLive } from '../../../shared/help-session.js';

/** How the helped computer's screen and either side's microphone are captured (Electron and browser differ). */
export interface HelpMedia {
  /** Asks the person which screen or window to share; rejects when they cancel. */
  readonly screen: () => Promise<MediaStream>;
  readonly microphone: () => Promise<MediaStream>;
}

export interface HelpState {
  readonly status: HelpStatus;
  /** The session shown: the open one, else the last ended one (its reason). */
  readonly session: HelpSession | undefined;
  /** Helper: the helped screen. Helped: its own capture, as a small preview. */
  readonly picture: MediaStream | undefined;
  readonly remoteVoice: MediaStream | undefined;
  /** Helped: where the helper points, 0..1 of the picture. */
  readonly pointer: PointerMark | undefined;
  readonly voiceOn: boolean;
  readonly muted: boolean;
  /** The pair the picture travels on, once checked to be on the VPN addresses. */
  readonly pair: SelectedPair | undefined;
  readonly problem: string | undefined;
}

export interface HelpActions {
  readonly start: () => () => void;
  /** Helper: "See screen". */
  readonly request: (peerMac: string) => Promise<void>;
  /** Helped: "Ask for help" to the chosen helpers; resolves with how many were told. */
  readonly ask: (peerMacs: readonly string[]) => Promise<number>;
  /** Helped: Allow (capture first, while the click still counts as the person's gesture). */
  readonly allow: () => Promise<void>;
  readonly decline: () => Promise<void>;
  readonly stop: () => Promise<void>;
  readonly setVoice: (on: boolean) => Promise<void>;
  readonly setMuted: (muted: boolean) => void;
  readonly point: (mark: PointerMark) => void;
}

export type HelpStore = StoreApi<HelpState & HelpActions>;

/** Signals that came before this window made the session's connection (bounded). */
const MAX_EARLY_SIGNALS = 32;

export function createHelpStore(link: HelpLink, media: HelpMedia, onPointer?: (mark: PointerMark | undefined) => void): HelpStore {
  return createStore<HelpState & HelpActions>()((set, get) => {
    let connection: HelpConnection | undefined;
    /** Helped: the capture made on Allow, handed to the connection when 'connecting' comes. */
    let screen: MediaStream | undefined;
    let early: { id: string; signal: HelpSignal }[] = [];

    const fail = (error: unknown): void => set({ problem: errorMessage(error) });

    const release = (): void => {
      connection?.close();
      connection = undefined;
      for (const track of screen?.getTracks() ?? []) track.stop();
      screen = undefined;
      early = [];
      onPointer?.(undefined);
      set({ picture: undefined, remoteVoice: undefined, pointer: undefined, voiceOn: false, muted: false, pair: undefined });
    };

    const stopSession = (session: HelpSession, why?: string): void => {
      if (why !== undefined) set({ problem: why });
      void link.stop(session.id).catch(() => undefined);
      release();
    };

    const connect = (session: HelpSession): void => {
      const made = new HelpConnection(
        session,
        {
          signal: (signal) => void link.signal(session.id, signal).catch(fail),
          connected: (pair) => {
            set({ pair });
            void link.connected(session.id).catch(() => undefined);
          },
          failed: (why) => stopSession(session, `The help session stopped: ${why}.`),
          picture: (stream) => set({ picture: stream }),
          voice: (stream) => set({ remoteVoice: stream }),
          pointer: (mark) => {
            set({ pointer: mark });
            onPointer?.(mark);
          },
          voiceChanged: (on) => set({ voiceOn: on }),
        },
        { microphone: media.microphone },
      );
      connection = made;
      for (const { signal } of early.filter((note) => note.id === session.id)) void made.receive(signal);
      early = [];
      if (session.role === 'helped') {
        if (screen === undefined) {
          stopSession(session, 'Nothing to share: the screen was not chosen.');
          return;
        }
        set({ picture: screen });
        void made.offer(screen).catch((error: unknown) => stopSession(session, `The help session stopped: ${errorMessage(error)}.`));
        // The connection owns the capture from here.
        screen = undefined;
      }
    };

    /** Makes or drops the connection to match the current session's phase. */
    const follow = (): void => {
      const session = currentSession(get().status);
      set({ session });
      if (session === undefined || !isLive(session)) {
        // A capture made on Allow waits for 'connecting' while the prompt's answer is on its way.
        if (connection !== undefined || (screen !== undefined && session?.phase !== 'prompting')) release();
        return;
      }
      if (connection !== undefined && connection.session.id !== session.id) release();
      if (connection === undefined) connect(session);
    };

    const onEvent = (event: HelpEvent): void => {
      if (event.kind === 'signal') {
        if (connection?.session.id === event.id) void connection.receive(event.signal);
        else if (early.length < MAX_EARLY_SIGNALS) early.push({ id: event.id, signal: event.signal });
        return;
      }
      set({ status: applyHelpEvent(get().status, event) });
      follow();
    };

    const refresh = async (): Promise<void> => {
      try {
        set({ status: await readAgainIfDropped(() => link.status()) });
        follow();
      } catch (error) {
        fail(error);
      }
    };

    const current = (): HelpSession | undefined => {
      const session = get().session;
      return session !== undefined && session.phase !== 'ended' ? session : undefined;
    };

    return {
      status: EMPTY_HELP_STATUS,
      session: undefined,
      picture: undefined,
      remoteVoice: undefined,
      pointer: undefined,
      voiceOn: false,
      muted: false,
      pair: undefined,
      problem: undefined,

      start: () => {
        const stopListening = link.listen(onEvent, (state) => {
          if (state === 'up') void refresh();
        });
        // Closing the window (or the tab) stops the session: the engine tells the other side.
        const onLeave = (): void => {
          const session = current();
          if (session !== undefined) void link.stop(session.id).catch(() => undefined);
        };
        globalThis.addEventListener?.('pagehide', onLeave);
        return () => {
          globalThis.removeEventListener?.('pagehide', onLeave);
          stopListening();
          release();
        };
      },
      request: async (peerMac) => {
        set({ problem: undefined });
        try {
          const session = await link.request(peerMac);
          onEvent({ kind: 'session', session });
        } catch (error) {
          fail(error);
        }
      },
      ask: async (peerMacs) => {
        set({ problem: undefined });
        const { sent } = await link.ask(peerMacs);
        return sent;
      },
      allow: async () => {
        const session = current();
        if (session?.phase !== 'prompting') return;
        set({ problem: undefined });
        try {
          screen = await media.screen();
        } catch (error) {
          // Cancelled in the picker, or capture refused: nothing is shared, the helper is told no.
          set({ problem: `Nothing was shared: ${errorMessage(error)}` });
          await link.answer(session.id, false).catch(() => undefined);
          return;
        }
        try {
          onEvent({ kind: 'session', session: await link.answer(session.id, true) });
        } catch (error) {
          for (const track of screen?.getTracks() ?? []) track.stop();
          screen = undefined;
          fail(error);
        }
      },
      decline: async () => {
        const session = current();
        if (session === undefined) return;
        try {
          onEvent({ kind: 'session', session: await link.answer(session.id, false) });
        } catch (error) {
          fail(error);
        }
      },
      stop: async () => {
        const session = current();
        if (session === undefined) return;
        release();
        try {
          onEvent({ kind: 'session', session: await link.stop(session.id) });
        } catch (error) {
          fail(error);
        }
      },
      setVoice: async (on) => {
        try {
          await connection?.setVoice(on);
          set({ voiceOn: connection?.voiceOn ?? false });
        } catch (error) {
          set({ problem: `Voice could not start: ${errorMessage(error)}` });
        }
      },
      setMuted: (muted) => {
        connection?.setMuted(muted);
        set({ muted });
      },
      point: (mark) => connection?.point(mark),
    };
  });
}
