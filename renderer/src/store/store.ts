// The window's state (zustand): snapshots read from the engine, kept current by its events.
//
// Refresh policy: a full snapshot whenever the event link comes up (first start and every
// reconnect, since events may have been missed), and after the window's own changes. Between
// those, events carry state, peers and paths. RTT and traffic counters change continuously and are
// not events (an event per packet would cost more than the numbers are worth), so a light refresh
// of kith.status, kith.peers and kith.supernodes runs every 2 s while the window is visible.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  Invite,
  InviteDescription,
  InviteImportResult,
  InvitedDevice,
  KithStatus,
  LogLine,
  NetworkSettings,
  PingResult,
  ProfileSummary,
  Reachability,
  SettingsSetResult,
  SettingsView,
  SupernodeView,
} from '../../../engine/profiles/api.js';
import { KITH_TOPICS } from '../client/api-types.js';
import type { KithClient, KithEventHandler } from '../client/client.js';
import { ClientError, errorMessage } from '../client/errors.js';
import { applyPathEvent, applyPeerEvent, applyStateEvent, mergePeerSnapshot, type PeersByMac } from './reducers.js';

export const LIGHT_REFRESH_MS = 2000;

export interface KithState {
  /** Whether the engine can be reached: 'starting' until the first answer. */
  readonly link: 'starting' | 'up' | 'down';
  /** Why the engine cannot be reached or refused the last snapshot. */
  readonly problem: string | undefined;
  readonly status: KithStatus | undefined;
  readonly peers: PeersByMac;
  readonly supernodes: readonly SupernodeView[];
  readonly settings: SettingsView | undefined;
  readonly settingsProblem: string | undefined;
  readonly profiles: readonly ProfileSummary[];
  readonly log: readonly LogLine[];
  /** A connect or disconnect is in flight. */
  readonly switching: boolean;
  readonly actionProblem: string | undefined;
  readonly transport: 'ipc' | 'http';
  /** The communities this window saw the edge registered in: a later refusal there is a removal. */
  readonly connectedTo: readonly string[];
}

export interface KithActions {
  readonly start: () => () => void;
  readonly refreshFull: () => Promise<void>;
  readonly refreshLight: () => Promise<void>;
  readonly connect: () => Promise<void>;
  readonly disconnect: () => Promise<void>;
  readonly saveSettings: (changes: Partial<NetworkSettings>) => Promise<SettingsSetResult>;
  readonly selectProfile: (name: string) => Promise<void>;
  /** An invite; for a network hosted here `device` names the invited computer (its own login). */
  readonly createInvite: (device?: string) => Promise<Invite>;
  readonly reachability: () => Promise<Reachability>;
  readonly devices: () => Promise<InvitedDevice[]>;
  readonly removeDevice: (name: string) => Promise<void>;
  /** Network (profile) changes; each refreshes the settings and the list, and throws a refusal's message. */
  readonly createNetwork: (name: string) => Promise<void>;
  readonly renameNetwork: (from: string, to: string) => Promise<void>;
  readonly deleteNetwork: (name: string) => Promise<void>;
  /** What importing the link would do (kith.invite.describe), for the confirmation before Join. */
  readonly describeInvite: (link: string) => Promise<InviteDescription>;
  readonly importInvite: (link: string) => Promise<InviteImportResult>;
  readonly ping: (ipv4: string) => Promise<PingResult>;
  readonly loadLog: () => Promise<void>;
}

export type KithStore = StoreApi<KithState & KithActions>;

export interface StoreTimers {
  readonly every: (run: () => void, ms: number) => () => void;
  readonly visible: () => boolean;
}

const browserTimers: StoreTimers = {
  every: (run, ms) => {
    const handle = setInterval(run, ms);
    return () => clearInterval(handle);
  },
  visible: () => typeof document === 'undefined' || document.visibilityState !== 'hidden',
};

/** Reads one snapshot part; a failure leaves the old value and reports its message. */
async function attempt<T>(read: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error };
  }
}

export function createKithStore(client: KithClient, timers: StoreTimers = browserTimers): KithStore {
  return createStore<KithState & KithActions>()((set, get) => {
    const linkFailed = (error: unknown): void => {
      const offline = error instanceof ClientError && error.kind === 'offline';
      set({ link: offline ? 'down' : get().link === 'starting' ? 'up' : get().link, problem: errorMessage(error) });
    };

    const onEvent: KithEventHandler = (event) => {
      const state = get();
      switch (event.topic) {
        case 'kith.state': {
          set({ status: applyStateEvent(state.status, event.payload) });
          // Address and supernode come with the new state: read them now rather than in 2 s.
          void state.refreshLight();
          return;
        }
        case 'kith.peer':
          set({ peers: applyPeerEvent(state.peers, event.payload) });
          return;
        case 'kith.path':
          set({ peers: applyPathEvent(state.peers, event.payload) });
          return;
        case 'kith.settings':
          void refreshSettings();
          return;
      }
    };

    const refreshLight = async (): Promise<void> => {
      const [status, peers, supernodes] = await Promise.all([
        attempt(() => client.call('kith.status')),
        attempt(() => client.call('kith.peers')),
        attempt(() => client.call('kith.supernodes')),
      ]);
      if (!status.ok) {
        linkFailed(status.error);
        return;
      }
      const { state, community } = status.value;
      const connectedTo = get().connectedTo;
      set({
        link: 'up',
        problem: undefined,
        status: status.value,
        ...(state === 'registered' && community !== '' && !connectedTo.includes(community) ? { connectedTo: [...connectedTo, community] } : {}),
        ...(peers.ok ? { peers: mergePeerSnapshot(get().peers, peers.value) } : {}),
        ...(supernodes.ok ? { supernodes: supernodes.value } : {}),
      });
    };

    const refreshSettings = async (): Promise<void> => {
      const [settings, profiles] = await Promise.all([attempt(() => client.call('kith.settings.get')), attempt(() => client.call('kith.profiles'))]);
      set({
        ...(settings.ok ? { settings: settings.value, settingsProblem: undefined } : { settingsProblem: errorMessage(settings.error) }),
        ...(profiles.ok ? { profiles: profiles.value } : {}),
      });
    };

    const refreshFull = async (): Promise<void> => {
      await Promise.all([refreshLight(), refreshSettings(), get().loadLog()]);
    };

    const switchTo = async (method: 'kith.connect' | 'kith.disconnect'): Promise<void> => {
      set({ switching: true, actionProblem: undefined });
      try {
        await client.call(method);
      } catch (error) {
        set({ actionProblem: errorMessage(error) });
      } finally {
        set({ switching: false });
        await refreshLight();
      }
    };

    return {
      link: 'starting',
      problem: undefined,
      status: undefined,
      peers: {},
      supernodes: [],
      settings: undefined,
      settingsProblem: undefined,
      profiles: [],
      log: [],
      switching: false,
      actionProblem: undefined,
      transport: client.transport,
      connectedTo: [],

      start: () => {
        const stopEvents = client.listen(KITH_TOPICS, onEvent, (link) => {
          if (link === 'up') void refreshFull();
          else set({ link: 'down' });
        });
        const stopTimer = timers.every(() => {
          if (timers.visible()) void refreshLight();
        }, LIGHT_REFRESH_MS);
        return () => {
          stopTimer();
          stopEvents();
        };
      },
      refreshFull,
      refreshLight,
      connect: () => switchTo('kith.connect'),
      disconnect: () => switchTo('kith.disconnect'),
      saveSettings: async (changes) => {
        const result = await client.call('kith.settings.set', [changes]);
        if (result.ok) {
          set({ settings: result.view, settingsProblem: undefined });
          await refreshFull();
        }
        return result;
      },
      selectProfile: async (name) => {
        set({ actionProblem: undefined });
        try {
          await client.call('kith.profiles.select', [name]);
        } catch (error) {
          set({ actionProblem: errorMessage(error) });
        }
        await refreshFull();
      },
      createInvite: (device) => client.call('kith.invite.create', [device === undefined || device.trim() === '' ? 'device' : device.trim()]),
      reachability: () => client.call('kith.reachability'),
      devices: () => client.call('kith.devices'),
      removeDevice: async (name) => {
        await client.call('kith.devices.remove', [name]);
      },
      createNetwork: async (name) => {
        await client.call('kith.profiles.create', [name]);
        await refreshSettings();
      },
      renameNetwork: async (from, to) => {
        await client.call('kith.profiles.rename', [from, to]);
        await refreshSettings();
      },
      deleteNetwork: async (name) => {
        await client.call('kith.profiles.delete', [name]);
        await refreshFull();
      },
      describeInvite: (link) => client.call('kith.invite.describe', [link]),
      importInvite: async (link) => {
        const result = await client.call('kith.invite.import', [link]);
        if (result.ok) await refreshFull();
        return result;
      },
      ping: (ipv4) => client.call('kith.ping', [ipv4]),
      loadLog: async () => {
        const log = await attempt(() => client.call('kith.log'));
        if (log.ok) set({ log: log.value });
      },
    };
  });
}
