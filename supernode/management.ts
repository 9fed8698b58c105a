// The supernode's management interface (MANAGEMENT.md §6, §7, §2.5): n3n's methods with the exact
// result shapes n3n's supernode gives, its event topics plus Kith's own, and Prometheus metrics.
import { listenAll } from '../engine/mgmt/listen-all.js';
import type { KithConfig } from '../shared/config/schema.js';
import { MetricsRegistry, topic, type ManagementServer, type PayloadsOf, type ServedMethods } from '../engine/mgmt/index.js';
import { createDaemonManagement, type DaemonManagement } from '../engine/mgmt/daemon-management.js';
import { n3nMethods } from '../engine/mgmt/n3n-methods.js';
import { flag, N3N_TOPICS, NO_SOCKET, upperMac, type EdgeRow, type PacketStatsRow, type PeerAction } from '../engine/mgmt/n3n-shapes.js';
import type { EdgeEvent, EdgeRemovalReason } from './events.js';
import { DROP_REASONS } from './stats.js';
import type { Supernode } from './supernode.js';
import type { AssociationView, EdgeView, FederationMemberView } from './views.js';

/** What the management layer reads from and does to the running supernode. */
export type ManagedSupernode = Pick<
  Supernode,
  'mac' | 'version' | 'verbose' | 'communities' | 'edges' | 'federationMembers' | 'associations' | 'packetStats' | 'timestamps' | 'reloadCommunities' | 'events'
>;

export interface CommunityRow {
  readonly community: string;
  readonly purgeable: 0 | 1;
  readonly is_federation: 0 | 1;
  readonly ip4addr: string;
}

export interface AssociationRow {
  readonly _type: 'assoc';
  readonly mac: string;
  readonly community: string;
  readonly dest: string;
  readonly last_seen: number;
}

function edgeRow(edge: EdgeView): EdgeRow {
  return {
    mode: 'sn',
    community: edge.community,
    ip4addr: edge.devAddr === undefined ? '' : `${edge.devAddr.address}/${edge.devAddr.prefix}`,
    purgeable: 1,
    local: 0,
    macaddr: upperMac(edge.mac),
    sockaddr: edge.sockaddr,
    prefered_sockaddr: edge.preferredSockaddr ?? NO_SOCKET,
    desc: edge.desc,
    version: '',
    timeout: 0,
    uptime: 0,
    time_alloc: edge.timeAlloc,
    last_p2p: 0,
    last_sent_query: 0,
    last_seen: edge.lastSeen,
  };
}

function federationRow(member: FederationMemberView): EdgeRow {
  return {
    mode: 'sn',
    community: member.community,
    ip4addr: '',
    purgeable: flag(member.purgeable),
    local: 0,
    macaddr: upperMac(member.mac),
    sockaddr: member.sockaddr === '' ? NO_SOCKET : member.sockaddr,
    prefered_sockaddr: NO_SOCKET,
    desc: '',
    version: '',
    timeout: 0,
    uptime: 0,
    time_alloc: member.timeAlloc,
    last_p2p: 0,
    last_sent_query: 0,
    last_seen: member.lastSeen,
  };
}

/** MANAGEMENT.md §6.6: `dest` is the holding supernode's address without the port. */
function addressOnly(socket: string): string {
  return /^\[(.*)\]:\d+$/.exec(socket)?.[1] ?? /^(.*):\d+$/.exec(socket)?.[1] ?? socket;
}

function associationRow(association: AssociationView): AssociationRow {
  return {
    _type: 'assoc',
    mac: upperMac(association.mac),
    community: association.community,
    dest: addressOnly(association.dest),
    last_seen: association.lastSeen,
  };
}

/** MANAGEMENT.md §6.7: always these ten rows; the edge-only ones stay 0 on a supernode. */
function packetStatsRows(supernode: ManagedSupernode): PacketStatsRow[] {
  const stats = supernode.packetStats();
  return [
    { type: 'transop', tx_pkt: 0, rx_pkt: 0 },
    { type: 'p2p', tx_pkt: 0, rx_pkt: 0 },
    { type: 'super', tx_pkt: 0, rx_pkt: 0 },
    { type: 'super_broadcast', tx_pkt: 0, rx_pkt: 0 },
    { type: 'tuntap_error', tx_pkt: 0 },
    { type: 'multicast_drop', tx_pkt: 0, rx_pkt: 0 },
    { type: 'sn_fwd', tx_pkt: stats.forwarded },
    { type: 'sn_broadcast', tx_pkt: stats.broadcast },
    { type: 'sn_reg', tx_pkt: stats.registerSuperAcks, nak: stats.registerSuperNaks },
    { type: 'sn_errors', tx_pkt: stats.sendErrors },
  ];
}

export interface SupernodeMethodsOptions {
  readonly supernode: ManagedSupernode;
  readonly config: KithConfig;
  /** Asks the daemon to shut down once the `stop` reply is on its way. */
  readonly requestStop: () => void;
  /** Publishes post.test's params on the `test` topic. */
  readonly publishTest: (params: unknown) => void;
}

/** n3n's methods filled from the supernode (MANAGEMENT.md §6). */
export function supernodeMethods({ supernode, config, requestStop, publishTest }: SupernodeMethodsOptions) {
  return n3nMethods({
    kind: 'supernode',
    version: supernode.version,
    advertiseAddr: config.connection.advertise_addr,
    address: () => ({ macaddr: '', ip4addr: '0.0.0.0' }),
    communities: (): CommunityRow[] =>
      supernode.communities().map((c) => ({ community: c.community, purgeable: flag(c.purgeable), is_federation: flag(c.isFederation), ip4addr: c.subnet })),
    edges: () => [...supernode.edges().map(edgeRow), ...supernode.federationMembers().map(federationRow)],
    macs: () => supernode.associations().map(associationRow),
    packetStats: () => packetStatsRows(supernode),
    // n3n lists community.supernode entries here, which a supernode never connects to; Kith's
    // supernode ignores that option, so the list is always empty (captured n3n answer: []).
    supernodes: () => [],
    timestamps: () => {
      const times = supernode.timestamps();
      return {
        last_register_req: 0,
        last_rx_p2p: 0,
        last_rx_super: 0,
        last_sweep: 0,
        last_sn_fwd: times.lastSnFwd,
        last_sn_reg: times.lastSnReg,
        start_time: times.startTime,
      };
    },
    reloadCommunities: () => supernode.reloadCommunities(),
    getVerbose: () => supernode.verbose,
    setVerbose: (level) => (supernode.verbose = level),
    publishTest,
    requestStop,
  });
}

export type SupernodeMethods = ReturnType<typeof supernodeMethods>;
/** For typed clients: `createManagementClient<SupernodeApi, SupernodeEventPayloads>(…)`. */
export type SupernodeApi = ServedMethods<SupernodeMethods>;

export const SUPERNODE_TOPICS = {
  ...N3N_TOPICS,
  'kith.edge': topic<{
    readonly action: 'registered' | 'removed';
    readonly community: string;
    readonly macaddr: string;
    readonly sockaddr: string;
    readonly age: number;
    readonly reason?: EdgeRemovalReason;
  }>('Edges registering with and leaving this supernode'),
  'kith.community': topic<{ readonly action: 'added' | 'removed'; readonly community: string }>('Communities created and removed'),
};

export type SupernodeEventPayloads = PayloadsOf<typeof SUPERNODE_TOPICS>;

/**
 * n3n's supernode reports `purge` when its expiry sweep drops an edge and `clear` when a community is
 * torn down (a reload); other departures have no n3n action and appear only on `kith.edge`.
 */
const PEER_ACTION: Partial<Record<EdgeRemovalReason, PeerAction>> = { purged: 'purge', reloaded: 'clear' };

function edgePayload(event: EdgeEvent) {
  return { community: event.community, macaddr: upperMac(event.mac), sockaddr: event.sockaddr, age: event.age };
}

/** Forwards the supernode's events to the topics; returns the function that stops forwarding. */
export function forwardSupernodeEvents(supernode: ManagedSupernode, server: Pick<ManagementServer<SupernodeEventPayloads>, 'publish'>): () => void {
  const registered = (event: EdgeEvent): void => void server.publish('kith.edge', { action: 'registered', ...edgePayload(event) });
  const removed = (event: EdgeEvent & { readonly reason: EdgeRemovalReason }): void => {
    const action = PEER_ACTION[event.reason];
    if (action !== undefined) server.publish('peer', { action, macaddr: upperMac(event.mac), age: event.age, sockaddr: event.sockaddr });
    server.publish('kith.edge', { action: 'removed', ...edgePayload(event), reason: event.reason });
  };
  const added = ({ community }: { readonly community: string }): void => void server.publish('kith.community', { action: 'added', community });
  const gone = ({ community }: { readonly community: string }): void => void server.publish('kith.community', { action: 'removed', community });
  return listenAll(supernode.events, { 'edge-registered': registered, 'edge-removed': removed, 'community-added': added, 'community-removed': gone });
}

/**
 * MANAGEMENT.md §2.5: n3n's metric page is free-form; Kith exports the supernode's counters, read
 * from the engine when the page is fetched so they are never stale.
 */
export class SupernodeMetrics extends MetricsRegistry {
  private readonly packets = this.counter('kith_supernode_packets', 'Supernode packets (the get_packetstats counters)', ['direction', 'event']);
  private readonly drops = this.counter('kith_supernode_drops', 'Received packets dropped, by reason', ['reason']);
  private readonly edgeGauge = this.gauge('kith_supernode_edges', 'Edges registered with this supernode');
  private readonly communityGauge = this.gauge('kith_supernode_communities', 'Communities, the federation not counted');
  private readonly memberGauge = this.gauge('kith_supernode_federation_members', 'Other supernodes of the federation');

  constructor(private readonly supernode: ManagedSupernode) {
    super();
  }

  override render(session: string): string {
    const stats = this.supernode.packetStats();
    const packets: [string, string, number][] = [
      ['rx', 'received', stats.received],
      ['rx', 'accepted', stats.accepted],
      ['tx', 'sn_fwd', stats.forwarded],
      ['tx', 'sn_broadcast', stats.broadcast],
      ['tx', 'sn_reg', stats.registerSuperAcks],
      ['tx', 'sn_reg_from_socket', stats.registerSuperAnswered],
      ['tx', 'sn_reg_nak', stats.registerSuperNaks],
      ['tx', 'sn_errors', stats.sendErrors],
    ];
    for (const [direction, event, total] of packets) this.packets.follow({ direction, event }, total);
    for (const reason of DROP_REASONS) this.drops.follow({ reason }, stats.drops[reason]);
    const communities = this.supernode.communities();
    this.edgeGauge.set({}, communities.reduce((sum, community) => sum + community.edges, 0));
    this.communityGauge.set({}, communities.filter((community) => !community.isFederation).length);
    this.memberGauge.set({}, this.supernode.federationMembers().length);
    return super.render(session);
  }
}

export interface SupernodeManagementOptions {
  readonly supernode: ManagedSupernode;
  readonly session: string;
  readonly config: KithConfig;
  readonly requestStop: () => void;
  readonly log: (line: string) => void;
}

export type SupernodeManagement = DaemonManagement<SupernodeEventPayloads>;

/** The management server of one supernode, not yet listening anywhere. */
export function createSupernodeManagement({ supernode, session, config, requestStop, log }: SupernodeManagementOptions): SupernodeManagement {
  return createDaemonManagement({
    session,
    config,
    methods: (publishTest) => supernodeMethods({ supernode, config, requestStop, publishTest }),
    topics: SUPERNODE_TOPICS,
    metrics: new SupernodeMetrics(supernode),
    forwardEvents: (server) => forwardSupernodeEvents(supernode, server),
    log,
  });
}
