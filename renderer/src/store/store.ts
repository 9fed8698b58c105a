// The window's state (zustand): snapshots read from the engine, kept current by its events.
//
// Refresh policy: the engine pushes what changes on its own. `kith.stats` brings peers and
// supernodes with their RTTs, traffic and last-seen times, first when the subscription starts
// (after every reconnect too) and then on the engine's timer; `kith.peer` and `kith.path` change
// single peers in between, `kith.state` the state. The status, settings, profiles and log are read
// when the event link comes up (events may have been missed), on the events that change them, and
// after the window's own changes. Nothing is read on a timer.
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
import { errorMessage, isOffline } from '../client/errors.js';
import { readAgainIfDropped } from '../client/read-again.js';
import { applyPathEvent, applyPeerEvent, applyStateEvent, applyStatsToStatus, mergePeerSnapshot, type PeersByMac } from './reducers.js';

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
  /** Reads kith.status again (after a state change or an action of the window's). */
  readonly refreshStatus: () => Promise<void>;
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

/** Reads one snapshot part; a failure leaves the old value and reports its message. */
async function attempt<T>(read: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error };
  }
}

export function createKithStore(client: KithClient): KithStore {
  return createStore<KithState & KithActions>()((set, get) => {
    const linkFailed = (error: unknown): void => {
      set({ link: isOffline(error) ? 'down' : get().link === 'starting' ? 'up' : get().link, problem: errorMessage(error) });
    };

    const onEvent: KithEventHandler = (event) => {
      const state = get();
      switch (event.topic) {
        case 'kith.state': {
          set({ status: applyStateEvent(state.status, event.payload) });
          // Address and supernode come with the new state: read them now.
          void state.refreshStatus();
          return;
        }
        case 'kith.peer':
          set({ peers: applyPeerEvent(state.peers, event.payload) });
          return;
        case 'kith.path':
          set({ peers: applyPathEvent(state.peers, event.payload) });
          return;
        case 'kith.stats':
          set({ peers: mergePeerSnapshot(state.peers, event.payload.peers), supernodes: event.payload.supernodes, status: applyStatsToStatus(state.status, event.payload) });
          return;
        case 'kith.settings':
          void refreshSettings();
          return;
      }
    };

    const refreshStatus = async (): Promise<void> => {
      const status = await attempt(() => readAgainIfDropped(() => client.call('kith.status')));
      if (!status.ok) {
        linkFailed(status.error);
        return;
      }
      // Networks this window has seen connected: a later refusal by their host is then a removal.
      const { state, community } = status.value;
      const connectedTo = get().connectedTo;
      set({
        link: 'up',
        problem: undefined,
        status: status.value,
        ...(state === 'registered' && community !== '' && !connectedTo.includes(community) ? { connectedTo: [...connectedTo, community] } : {}),
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
      await Promise.all([refreshStatus(), refreshSettings(), get().loadLog()]);
    };

    const switchTo = async (method: 'kith.connect' | 'kith.disconnect'): Promise<void> => {
      set({ switching: true, actionProblem: undefined });
      try {
        await client.call(method);
      } catch (error) {
        set({ actionProblem: errorMessage(error) });
      } finally {
        set({ switching: false });
        await refreshStatus();
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

      start: () =>
        client.listen(KITH_TOPICS, onEvent, (link) => {
          if (link === 'up') void refreshFull();
          else set({ link: 'down' });
        }),
      refreshFull,
      refreshStatus,
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
