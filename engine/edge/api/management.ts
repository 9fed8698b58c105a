// kith-edge's management interface: n3n's edge methods with n3n's result shapes (MANAGEMENT.md §6,
// so n3nctl works), Kith's own `kith.*` methods for kithctl and the desktop, n3n's `test`/`peer`
// topics plus `kith.*` topics from the engine's events (§7), and Prometheus metrics (§2.5).
import type { KithConfig } from '../../../shared/config/schema.js';
import type { Logger } from '../../log.js';
import {
  defineMethod,
  MetricsRegistry,
  paginate,
  RpcError,
  topic,
  type AnyManagementExtension,
  type ManagementServer,
  type MethodContext,
  type MethodTable,
  type PayloadsOf,
  type ServedMethods,
} from '../../mgmt/index.js';
import { createDaemonManagement, type DaemonManagement } from '../../mgmt/daemon-management.js';
import { listenAll } from '../../mgmt/listen-all.js';
import { n3nMethods } from '../../mgmt/n3n-methods.js';
import { flag, N3N_TOPICS, NO_SOCKET, seconds, upperMac, type EdgeRow, type PacketStatsRow, type PeerAction, type SupernodeRow } from '../../mgmt/n3n-shapes.js';
import type { Edge } from '../edge.js';
import type { PeerRemovalReason } from './events.js';
import type { EdgeState, ExpressFigures, PeerPath, PeerView, SupernodeView } from './views.js';

/** What the management layer reads from and does to the running edge. */
export type ManagedEdge = Pick<Edge, 'settings' | 'status' | 'peers' | 'peer' | 'supernodes' | 'counters' | 'timestamps' | 'connect' | 'disconnect' | 'events'>;

const subnetText = (subnet: { address: string; prefix: number } | undefined): string => (subnet === undefined ? '' : `${subnet.address}/${subnet.prefix}`);

/**
 * MANAGEMENT.md §6.3: with header encryption the community name is the header key, so only the
 * password's holder sees it; other callers get `""` wherever it would appear.
 */
function communityFor(edge: ManagedEdge, context: MethodContext): string {
  return edge.settings.headerEncryption && !context.authorised ? '' : edge.settings.communityName;
}

function peerRow(edge: ManagedEdge, peer: PeerView, community: string): EdgeRow {
  return {
    mode: peer.path === 'direct' ? 'p2p' : 'pSp',
    community,
    ip4addr: subnetText(peer.devAddr),
    purgeable: 1,
    local: flag(peer.local),
    macaddr: upperMac(peer.mac),
    sockaddr: peer.socket ?? NO_SOCKET,
    prefered_sockaddr: peer.advertisedSocket ?? NO_SOCKET,
    desc: peer.description,
    version: '',
    // The p2p registration lifetime (n3n: 20 s, the default register interval).
    timeout: edge.settings.registerIntervalMs / 1000,
    uptime: 0,
    time_alloc: seconds(peer.createdAt),
    last_p2p: seconds(peer.lastP2p),
    last_sent_query: seconds(peer.lastSentQuery),
    last_seen: seconds(peer.lastSeen),
  };
}

function supernodeRow(supernode: SupernodeView): SupernodeRow {
  return {
    version: supernode.version,
    purgeable: flag(supernode.purgeable),
    current: supernode.selected ? (supernode.waiting ? 2 : 1) : 0,
    macaddr: supernode.mac === undefined ? '' : upperMac(supernode.mac),
    sockaddr: supernode.socket,
    selection: supernode.selection,
    last_seen: seconds(supernode.lastSeen),
    uptime: supernode.uptime,
  };
}

/** MANAGEMENT.md §6.7: the edge fills the first six rows, the supernode ones stay 0. */
function packetStatsRows(edge: ManagedEdge): PacketStatsRow[] {
  const c = edge.counters();
  return [
    { type: 'transop', tx_pkt: c.transop.tx, rx_pkt: c.transop.rx },
    { type: 'p2p', tx_pkt: c.p2p.tx, rx_pkt: c.p2p.rx },
    { type: 'super', tx_pkt: c.super.tx, rx_pkt: c.super.rx },
    { type: 'super_broadcast', tx_pkt: c.superBroadcast.tx, rx_pkt: c.superBroadcast.rx },
    { type: 'tuntap_error', tx_pkt: c.tuntapError.tx },
    { type: 'multicast_drop', tx_pkt: c.multicastDrop.tx, rx_pkt: c.multicastDrop.rx },
    { type: 'sn_fwd', tx_pkt: 0 },
    { type: 'sn_broadcast', tx_pkt: 0 },
    { type: 'sn_reg', tx_pkt: 0, nak: 0 },
    { type: 'sn_errors', tx_pkt: 0 },
  ];
}

/** `kith.status`: the edge at a glance, for kithctl and the desktop. */
export interface KithStatus {
  readonly state: EdgeState;
  readonly reason?: string;
  /** `""` under header encryption unless the caller has the management password. */
  readonly community: string;
  readonly description: string;
  readonly mac: string;
  /** 'a.b.c.d/len' once the TAP has an address. */
  readonly address?: string;
  readonly addressMode: 'auto' | 'static' | 'dhcp';
  readonly tap?: string;
  /** The selected supernode's socket and its RTT in ms when measured. */
  readonly supernode?: string;
  readonly supernodeRttMs?: number;
  readonly localPort?: number;
  /** Frames the native express lane carried and left to the engine; absent where it does not run. */
  readonly express?: ExpressFigures;
  readonly version: string;
}

export interface EdgeMethodsOptions {
  readonly edge: ManagedEdge;
  readonly config: KithConfig;
  readonly logger: Logger;
  readonly version: string;
  readonly tapName?: string;
  readonly requestStop: () => void;
  readonly publishTest: (params: unknown) => void;
}

/** n3n's methods filled from the edge (MANAGEMENT.md §6), and Kith's `kith.*` ones. */
export function edgeMethods({ edge, config, logger, version, tapName, requestStop, publishTest }: EdgeMethodsOptions) {
  const n3n = n3nMethods({
    kind: 'edge',
    version,
    advertiseAddr: config.connection.advertise_addr,
    address: () => {
      const status = edge.status();
      return { macaddr: upperMac(status.mac), ip4addr: status.address?.address ?? '0.0.0.0' };
    },
    communities: (): { community: string }[] => {
      // MANAGEMENT.md §6.3: with header encryption the community name is a secret.
      if (edge.settings.headerEncryption) throw new RpcError(403, 'Forbidden');
      return [{ community: edge.settings.communityName }];
    },
    edges: (context) => edge.peers().map((peer) => peerRow(edge, peer, communityFor(edge, context))),
    macs: (): never[] => [],
    packetStats: () => packetStatsRows(edge),
    supernodes: () => edge.supernodes().map(supernodeRow),
    timestamps: () => {
      const times = edge.timestamps();
      return {
        last_register_req: seconds(times.lastRegisterReq),
        last_rx_p2p: seconds(times.lastRxP2p),
        last_rx_super: seconds(times.lastRxSuper),
        last_sweep: seconds(times.lastSweep),
        last_sn_fwd: 0,
        last_sn_reg: 0,
        start_time: seconds(times.startTime),
      };
    },
    // MANAGEMENT.md §6.13: an edge has no community file.
    reloadCommunities: (): -1 => -1,
    getVerbose: () => logger.level,
    setVerbose: (level) => (logger.level = level),
    publishTest,
    requestStop,
  });
  return {
    ...n3n,
    'kith.status': defineMethod({
      description: 'Kith: state, address and supernode of this edge',
      needsAuth: false,
      handler: (_params, context): KithStatus => {
        const status = edge.status();
        const selected = edge.supernodes().find((supernode) => supernode.selected);
        return {
          state: status.state,
          ...(status.reason === undefined ? {} : { reason: status.reason }),
          community: communityFor(edge, context),
          description: status.description,
          mac: status.mac,
          ...(status.address === undefined ? {} : { address: subnetText(status.address) }),
          addressMode: status.addressMode,
          ...(tapName === undefined ? {} : { tap: tapName }),
          ...(status.supernode === undefined ? {} : { supernode: status.supernode }),
          ...(selected?.rttMs === undefined ? {} : { supernodeRttMs: selected.rttMs }),
          ...(status.localPort === undefined ? {} : { localPort: status.localPort }),
          ...(status.express === undefined ? {} : { express: status.express }),
          version,
        };
      },
    }),
    'kith.peers': defineMethod({ description: 'Kith: peers with path, RTT and traffic', needsAuth: false, paginated: true, handler: (params): PeerView[] => paginate(edge.peers(), params) }),
    'kith.supernodes': defineMethod({ description: 'Kith: supernodes with RTT and selection', needsAuth: false, handler: (): SupernodeView[] => edge.supernodes() }),
    'kith.connect': defineMethod({
      description: 'Kith: join the community (after kith.disconnect)',
      needsAuth: true,
      handler: async () => {
        await edge.connect();
        return edge.status().state;
      },
    }),
    'kith.disconnect': defineMethod({
      description: 'Kith: leave the community, keeping the daemon and its TAP',
      needsAuth: true,
      handler: async () => {
        await edge.disconnect();
        return edge.status().state;
      },
    }),
  } satisfies MethodTable;
}

export type EdgeMethods = ReturnType<typeof edgeMethods>;
/** For typed clients: `createManagementClient<EdgeApi, EdgeEventPayloads>(…)`. */
export type EdgeApi = ServedMethods<EdgeMethods>;

export const EDGE_TOPICS = {
  ...N3N_TOPICS,
  'kith.state': topic<{ readonly state: EdgeState; readonly previous: EdgeState; readonly reason?: string }>(
    'Edge state changes (connecting, registered, no-supernode, error, stopped)',
  ),
  'kith.peer': topic<{ readonly action: 'added'; readonly peer: PeerView } | { readonly action: 'removed'; readonly mac: string; readonly reason: PeerRemovalReason }>(
    'Peers appearing and disappearing',
  ),
  'kith.path': topic<{ readonly mac: string; readonly path: PeerPath; readonly via?: string }>('Peers switching between direct and relayed'),
};

export type EdgeEventPayloads = PayloadsOf<typeof EDGE_TOPICS>;

const REMOVAL_ACTION: Readonly<Record<PeerRemovalReason, PeerAction>> = { expired: 'p2p_expired', moved: 'p2p_changed', purged: 'purge', cleared: 'clear' };

/** Forwards the engine's events to the topics; returns the function that stops forwarding. */
export function forwardEdgeEvents(edge: ManagedEdge, server: Pick<ManagementServer<EdgeEventPayloads>, 'publish'>): () => void {
  // The removal event carries only the MAC; §7.4 wants the entry's age and socket as well.
  const known = new Map<string, { createdAt: number; socket: string }>();
  const remember = (peer: PeerView): void => void known.set(peer.mac, { createdAt: peer.createdAt, socket: peer.socket ?? NO_SOCKET });
  const peerEvent = (action: PeerAction, mac: string): void => {
    const entry = known.get(mac);
    const age = entry === undefined ? 0 : Math.max(0, seconds(Date.now() - entry.createdAt));
    server.publish('peer', { action, macaddr: upperMac(mac), age, sockaddr: entry?.socket ?? NO_SOCKET });
  };
  const onState = ({ state, previous, reason }: { state: EdgeState; previous: EdgeState; reason: string | undefined }): void =>
    void server.publish('kith.state', { state, previous, ...(reason === undefined ? {} : { reason }) });
  const onAdded = (peer: PeerView): void => {
    remember(peer);
    server.publish('kith.peer', { action: 'added', peer });
    if (peer.path === 'direct') peerEvent('p2p_add', peer.mac);
  };
  const onRemoved = ({ mac, reason }: { mac: string; reason: PeerRemovalReason }): void => {
    peerEvent(REMOVAL_ACTION[reason], mac);
    known.delete(mac);
    server.publish('kith.peer', { action: 'removed', mac, reason });
  };
  const onPath = ({ mac, path, via }: { mac: string; path: PeerPath; via: string | undefined }): void => {
    const peer = edge.peers().find((candidate) => candidate.mac === mac);
    if (peer !== undefined) remember(peer);
    server.publish('kith.path', { mac, path, ...(via === undefined ? {} : { via }) });
    if (path === 'direct') peerEvent('p2p_add', mac);
  };
  return listenAll(edge.events, { 'state-changed': onState, 'peer-added': onAdded, 'peer-removed': onRemoved, 'path-changed': onPath });
}

/** MANAGEMENT.md §2.5: the edge's counters and peer counts, read from the engine at scrape time. */
export class EdgeMetrics extends MetricsRegistry {
  private readonly packets = this.counter('kith_edge_packets', 'Edge data packets (the get_packetstats counters)', ['direction', 'type']);
  private readonly peerGauge = this.gauge('kith_edge_peers', 'Known peers by path', ['path']);
  private readonly registeredGauge = this.gauge('kith_edge_registered', '1 while registered with a supernode');

  constructor(private readonly edge: ManagedEdge) {
    super();
  }

  override render(session: string): string {
    for (const row of packetStatsRows(this.edge).slice(0, 6)) {
      this.packets.follow({ direction: 'tx', type: row.type }, row.tx_pkt);
      if ('rx_pkt' in row) this.packets.follow({ direction: 'rx', type: row.type }, row.rx_pkt);
    }
    const peers = this.edge.peers();
    for (const path of ['direct', 'relayed'] as const) this.peerGauge.set({ path }, peers.filter((peer) => peer.path === path).length);
    this.registeredGauge.set({}, this.edge.status().state === 'registered' ? 1 : 0);
    return super.render(session);
  }
}

export interface EdgeManagementOptions extends Omit<EdgeMethodsOptions, 'publishTest'> {
  readonly session: string;
  readonly log: (line: string) => void;
  /** The built desktop UI, served on the TCP listener behind the management password. */
  readonly webUiDir?: string;
  /** More methods and topics in the same table: the profile methods (engine/profiles). */
  readonly extension?: AnyManagementExtension;
}

export type EdgeManagement = DaemonManagement<EdgeEventPayloads>;

/** The management server of one edge, not yet listening anywhere. */
export function createEdgeManagement(options: EdgeManagementOptions): EdgeManagement {
  return createDaemonManagement({
    ...options,
    methods: (publishTest) => edgeMethods({ ...options, publishTest }),
    topics: EDGE_TOPICS,
    metrics: new EdgeMetrics(options.edge),
    forwardEvents: (server) => forwardEdgeEvents(options.edge, server),
  });
}
