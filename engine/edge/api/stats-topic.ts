// The `kith.stats` topic: the figures that change without an event of their own (RTTs, traffic,
// last seen, whether a peer still answers), pushed on the engine's own timer so that no client polls
// for them. Each subscription starts with the current figures (engine/mgmt/events.ts), so a client
// needs no first call either. The daemons add it to their table as an extension (extension.ts).
import { topic, type ManagementExtension } from '../../mgmt/index.js';
import type { ManagedEdge } from './management.js';
import type { PeerView, SupernodeView } from './views.js';

export interface EdgeStats {
  /** When the figures were read: integer ms since the epoch. */
  readonly time: number;
  readonly peers: readonly PeerView[];
  readonly supernodes: readonly SupernodeView[];
}

export const STATS_TOPICS = {
  'kith.stats': topic<EdgeStats>('Kith: peers and supernodes with RTT, traffic and last seen, at subscription and every 2 s'),
};

/** As often as the window showed them when it polled: fast enough for an RTT to feel live. */
export const STATS_INTERVAL_MS = 2_000;

export interface StatsTimers {
  /** Runs `run` every `ms` until the returned function is called. */
  readonly every: (run: () => void, ms: number) => () => void;
  readonly now: () => number;
}

const systemTimers: StatsTimers = {
  every: (run, ms) => {
    const handle = setInterval(run, ms).unref();
    return () => clearInterval(handle);
  },
  now: () => Date.now(),
};

export function edgeStats(edge: Pick<ManagedEdge, 'peers' | 'supernodes'>, now: number): EdgeStats {
  return { time: now, peers: edge.peers(), supernodes: edge.supernodes() };
}

export function statsExtension(edge: Pick<ManagedEdge, 'peers' | 'supernodes'>, timers: StatsTimers = systemTimers): ManagementExtension<Record<never, never>, typeof STATS_TOPICS> {
  return {
    methods: {},
    topics: STATS_TOPICS,
    publishTo: (publish) => timers.every(() => publish('kith.stats', edgeStats(edge, timers.now())), STATS_INTERVAL_MS),
    snapshot: () => edgeStats(edge, timers.now()),
  };
}
