// The Kith supernode: a drop-in replacement for n3n-supernode (PROTOCOL.md §9). Binds UDP and TCP,
// runs every datagram through the §9.2 pipeline and its handler, keeps the timers of §9.7, and
// offers read-only views and a few controls for the management API.
import { macToString, socketToString } from '../engine/protocol/index.js';
import type { Mac } from '../engine/protocol/index.js';
import type { KithConfig } from '../shared/config/schema.js';
import type { Logger } from '../engine/log.js';
import { federationField } from '../engine/crypto/dynamic-key.js';
import { randomBytes } from '../engine/crypto/random.js';
import { TimeStampGenerator, TimeStampVerifier } from '../engine/crypto/timestamp.js';
import { kithVersion } from '../engine/version.js';
import { ipv4FromNumber, ipv4ToNumber, NO_SUBNET } from './auto-ip.js';
import { systemClock } from '../engine/clock.js';
import type { Clock } from '../engine/clock.js';
import { Community, userOf } from './community.js';
import type { EdgeRecord } from './community.js';
import { loadCommunityList } from './community-file.js';
import { CommunityTable } from './communities.js';
import type { CommunityLimits } from './communities.js';
import type { AdmitUser, Identity, SupernodeContext } from './context.js';
import { SupernodeEvents } from './events.js';
import type { EdgeRemovalReason } from './events.js';
import { Federation } from './federation.js';
import { registerWithMembers } from './federation-registration.js';
import { dispatch } from './dispatch.js';
import { handleRelayPacket } from './handle-relay.js';
import { receive, senderMac } from './inbound.js';
import { KeyTime } from './key-time.js';
import { Outbound } from './outbound.js';
import { confirmSender } from './registration.js';
import { routeToString } from './route.js';
import type { Route, TcpConnection } from './route.js';
import { Scheduler } from './scheduler.js';
import { SenderLimits } from './sender-limits.js';
import type { SenderLimitSettings } from './sender-limits.js';
import { DROP_REASONS, PacketStats } from './stats.js';
import { Transport } from './transport.js';
import type { TransportLimits } from './transport.js';
import { FEDERATION_DISPLAY_NAME } from './views.js';
import type { AssociationView, CommunityView, EdgeView, FederationMemberView, PacketStatsView, ReloadResult, TimestampsView } from './views.js';

export interface SupernodeLimits extends CommunityLimits, TransportLimits, SenderLimitSettings {
  readonly maxFederationMembers: number;
}

/** The limits that are supernode.* options (their defaults live in the config schema). */
type ConfiguredLimits = SenderLimitSettings & Pick<TransportLimits, 'tcpConnectionsPerAddress'>;

const FIXED_LIMITS: Omit<SupernodeLimits, keyof ConfiguredLimits> = {
  maxCommunities: 4096,
  maxEdges: 65_536,
  maxAssociations: 65_536,
  maxFederationMembers: 256,
  maxTcpConnections: 1024,
  tcpIdleMs: 120_000,
  tcpRegisterWithinMs: 10_000,
};

function limitsOf(options: SupernodeOptions): SupernodeLimits {
  const settings = options.config.supernode;
  const configured: ConfiguredLimits = {
    edgesPerAddress: settings.edges_per_address,
    registrationsPerAddress: settings.registrations_per_address,
    registrationsPerCommunity: settings.registrations_per_community,
    communitiesPerAddress: settings.communities_per_address,
    broadcastBytesPerAddress: settings.broadcast_bytes_per_address,
    tcpConnectionsPerAddress: settings.tcp_connections_per_address,
  };
  return { ...FIXED_LIMITS, ...configured, ...options.limits };
}

export interface SupernodeOptions {
  readonly config: KithConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** The process's stamp generator; defaults to one shared by every supernode of the process. */
  readonly stampGenerator?: TimeStampGenerator;
  readonly limits?: Partial<SupernodeLimits>;
  /** Start with n3n 3.4.5's all-zero federation field in dynamic keys (CRYPTO.md §5.6). */
  readonly n3nStartupDynamicKeys?: boolean;
  /** Kith: a further say on each new user/password registration (context.ts AdmitUser). */
  readonly admitUser?: AdmitUser;
}

/** §10.2: PURGE_REGISTRATION_FREQUENCY and RE_REG_AND_PURGE_FREQUENCY. */
const PURGE_PERIOD_MS = 30_000;
const FEDERATION_PERIOD_MS = 10_000;
/**
 * n3n's default federation name. Without supernode.federation it only keys user/password logins
 * (edges derive the same key without auth.pubkey, §7.3.1); nobody can join a federation with it.
 */
const DEFAULT_FEDERATION_NAME = 'Federation';

let sharedStampGenerator: TimeStampGenerator | undefined;

const seconds = (ms: number): number => Math.floor(ms / 1000);

/** A random unicast, locally administered MAC (§9.1). */
function randomSupernodeMac(): Mac {
  const mac = randomBytes(6);
  mac[0] = (mac[0]! & 0xfe) | 0x02;
  return mac;
}

export class Supernode {
  readonly events = new SupernodeEvents();
  private readonly stats: PacketStats;
  private readonly scheduler: Scheduler;
  private readonly ctx: SupernodeContext;
  private readonly keyTime: KeyTime;
  private transport: Transport | undefined;
  private closed = false;

  private constructor(private readonly options: SupernodeOptions) {
    const { config, logger } = options;
    const clock = options.clock ?? systemClock;
    const now = clock.nowMs();
    this.stats = new PacketStats(logger);
    this.scheduler = new Scheduler(clock, (task, error) => logger.error(`${task}: ${String(error)}`));
    const identity: Identity = {
      mac: config.supernode.macaddr ?? randomSupernodeMac(),
      token: randomBytes(16),
      version: config.supernode.version ?? kithVersion(),
      startedMs: now,
    };
    const limits = limitsOf(options);
    const federated = config.supernode.federation !== undefined;
    const federationCommunity = new Community({
      field: federationField(this.federationName),
      isFederation: true,
      purgeable: false,
      headerEncryption: 'enabled',
      subnet: NO_SUBNET,
      users: [],
    });
    const communities = new CommunityTable(
      federationCommunity,
      federated,
      { min: subnetOf(config.supernode.auto_ip_min), max: subnetOf(config.supernode.auto_ip_max) },
      limits,
      {
        edgeAdded: (community, edge) => this.edgeAdded(community, edge),
        edgeRemoved: (community, edge, reason) => this.edgeRemoved(community, edge, reason),
        communityAdded: (community) => this.events.emit('community-added', { community: displayName(community) }),
        communityRemoved: (community) => this.events.emit('community-removed', { community: displayName(community) }),
      },
    );
    const stampGenerator = options.stampGenerator ?? (sharedStampGenerator ??= new TimeStampGenerator());
    const verifier = new TimeStampVerifier(() => clock.nowMs() * 1000);
    const outbound = new Outbound(
      {
        send: (route, bytes) => this.transport?.send(route, bytes),
        rememberAnswer: (route, request, answer, validMs) => this.transport?.rememberAnswer(route, request, answer, validMs),
      },
      stampGenerator,
    );
    const federation = new Federation(federated ? config.supernode.peer : [], verifier, limits.maxFederationMembers, now);
    const keyTime = (this.keyTime = new KeyTime(seconds(now), options.n3nStartupDynamicKeys === true, {
      communities,
      outbound,
      reregister: () => registerWithMembers(this.ctx, this.ctx.federation.members()),
    }));
    this.ctx = {
      identity,
      clock,
      logger,
      stats: this.stats,
      verifier,
      communities,
      federation,
      outbound,
      limits: new SenderLimits(limits),
      spoofingProtection: config.supernode.spoofing_protection,
      keyTime,
      admitUser: options.admitUser,
    };
  }

  /** Binds the sockets and returns once the supernode serves (a few milliseconds). */
  static async start(options: SupernodeOptions): Promise<Supernode> {
    const supernode = new Supernode(options);
    const file = options.config.supernode.community_file;
    if (file !== undefined) {
      const list = loadCommunityList(file);
      if (!list.ok) throw new Error(list.detail ?? `cannot use the community file ${file}`);
      for (const warning of list.value.warnings) options.logger.warn(warning);
      supernode.ctx.communities.load(list.value, supernode.federationName);
      supernode.keyTime.recomputeKeys();
    }
    const bind = options.config.connection.bind ?? { address: '::', port: 7654 };
    supernode.transport = await Transport.open(bind, limitsOf(options), {
      message: (bytes, route, answered) => supernode.onMessage(bytes, route, answered),
      tcpGarbage: (route) => supernode.stats.drop('tcp-garbage', () => routeToString(route)),
      connectionClosed: (connection) => supernode.connectionClosed(connection),
      sendFailed: (route, error) => {
        supernode.stats.sendErrors++;
        options.logger.debug(() => `send to ${routeToString(route)} failed: ${error.message}`);
      },
    });
    supernode.startTimers();
    const { address, port } = supernode.transport.address();
    options.logger.normal(`supernode ${macToString(supernode.ctx.identity.mac)} listening on UDP and TCP ${address} port ${port}`);
    supernode.logFederation();
    if (file === undefined) options.logger.normal('supernode.community_file is not set: any community may register (list the allowed ones in a community file)');
    return supernode;
  }

  /** The bound UDP address; TCP listens on the same port. */
  address(): { address: string; port: number; family: string } {
    if (this.transport === undefined) throw new Error('supernode is not running');
    return this.transport.address();
  }

  get mac(): string {
    return macToString(this.ctx.identity.mac);
  }

  get version(): string {
    return this.ctx.identity.version;
  }

  /** Log level (management get_verbose / set_verbose). */
  get verbose(): number {
    return this.options.logger.level;
  }

  set verbose(level: number) {
    this.options.logger.level = level;
  }

  communities(): CommunityView[] {
    return [...this.ctx.communities.all()].map((community) => ({
      community: displayName(community),
      isFederation: community.isFederation,
      purgeable: community.purgeable,
      subnet: community.subnet.prefix === 0 ? '' : `${ipv4FromNumber(community.subnet.network)}/${community.subnet.prefix}`,
      headerEncryption: community.headerEncryption,
      users: community.userCount(),
      edges: community.edges.size,
    }));
  }

  edges(): EdgeView[] {
    const rows: EdgeView[] = [];
    for (const community of this.ctx.communities.all()) {
      for (const edge of community.edges.values()) {
        rows.push({
          mode: 'sn',
          community: community.name,
          mac: macToString(edge.mac),
          // N3N-TESTS.md §4: a TCP edge shows as its connection's peer address, without 'TCP/'.
          sockaddr: socketToString(edge.route.socket),
          tcp: edge.route.kind === 'tcp',
          preferredSockaddr: edge.preferredSocket === undefined ? undefined : socketToString(edge.preferredSocket),
          devAddr: ipv4ToNumber(edge.devAddr.address) === 0 ? undefined : { ...edge.devAddr },
          desc: edge.description,
          purgeable: true,
          timeAlloc: seconds(edge.createdMs),
          lastSeen: seconds(edge.lastSeenMs),
        });
      }
    }
    return rows;
  }

  /**
   * Kith: the listed users of `community` with a registered edge, each with the creation time of its
   * oldest record (ms since the epoch): what the host of the network shows as connected devices.
   */
  userRegistrations(community: string): Map<string, number> {
    const since = new Map<string, number>();
    for (const candidate of this.ctx.communities.all()) {
      if (candidate.isFederation || candidate.name !== community) continue;
      for (const edge of candidate.edges.values()) {
        const user = userOf(candidate, edge.auth)?.name;
        if (user !== undefined) since.set(user, Math.min(edge.createdMs, since.get(user) ?? Infinity));
      }
    }
    return since;
  }

  federationMembers(): FederationMemberView[] {
    return this.ctx.federation.members().map((member) => ({
      mode: 'sn',
      community: FEDERATION_DISPLAY_NAME,
      mac: member.mac === undefined ? '' : macToString(member.mac),
      sockaddr: member.socket === undefined ? '' : socketToString(member.socket),
      purgeable: member.configured === undefined,
      timeAlloc: seconds(member.createdMs),
      lastSeen: seconds(member.lastSeenMs),
    }));
  }

  associations(): AssociationView[] {
    const rows: AssociationView[] = [];
    for (const community of this.ctx.communities.all()) {
      for (const association of community.associations.values()) {
        rows.push({
          mac: macToString(association.mac),
          community: displayName(community),
          dest: socketToString(association.supernode),
          lastSeen: seconds(association.lastSeenMs),
        });
      }
    }
    return rows;
  }

  packetStats(): PacketStatsView {
    const { stats } = this;
    return {
      received: stats.received,
      accepted: stats.accepted,
      forwarded: stats.forwarded,
      broadcast: stats.broadcast,
      registerSuperAcks: stats.registerSuperAcks,
      registerSuperAnswered: this.transport?.answered ?? 0,
      registerSuperNaks: stats.registerSuperNaks,
      sendErrors: stats.sendErrors,
      drops: Object.fromEntries(DROP_REASONS.map((reason) => [reason, stats.drops[reason]])) as PacketStatsView['drops'],
      totalDrops: stats.totalDrops(),
    };
  }

  timestamps(): TimestampsView {
    return {
      startTime: seconds(this.ctx.identity.startedMs),
      lastSnFwd: seconds(this.stats.lastForwardMs),
      lastSnReg: seconds(this.stats.lastRegisterSuperMs),
    };
  }

  /** MANAGEMENT.md §6.13 / PROTOCOL.md §9.5. -2 still applies the (empty) list, as n3n does. */
  reloadCommunities(): ReloadResult {
    const file = this.options.config.supernode.community_file;
    if (file === undefined) return -1;
    const list = loadCommunityList(file);
    if (!list.ok && list.error === 'unreadable') {
      this.options.logger.warn(list.detail ?? `cannot read ${file}`);
      return -1;
    }
    const usable = list.ok ? list.value : { fixed: [], patterns: [], warnings: [] };
    for (const warning of usable.warnings) this.options.logger.warn(warning);
    this.keyTime.change(seconds(this.ctx.clock.nowMs()), () => this.ctx.communities.load(usable, this.federationName));
    // The rules that made the remembered answers changed.
    this.transport?.forgetAnswers();
    return list.ok ? 0 : -2;
  }

  /** Runs the periodic tasks that are due on the supernode's clock (an interval does this every second). */
  runTimers(): void {
    this.scheduler.runDue();
  }

  /** Stops timers, closes TCP connections and sockets; sends nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.scheduler.stop();
    await this.transport?.close();
    this.events.removeAllListeners();
  }

  private get federationName(): string {
    return this.options.config.supernode.federation ?? DEFAULT_FEDERATION_NAME;
  }

  /** Says once why this supernode does (not) federate. */
  private logFederation(): void {
    const { config, logger } = this.options;
    if (config.supernode.federation !== undefined) return;
    const peers = config.supernode.peer.length;
    const why = 'supernode.federation is not set: this supernode accepts no federation peers and forwards nothing to them';
    if (peers > 0) logger.warn(`${why}; the ${peers} supernode.peer setting(s) are ignored (set the same secret name on every supernode of the federation)`);
    else logger.normal(`${why} (n3n's default name is not used implicitly)`);
  }

  private onMessage(bytes: Uint8Array, route: Route, answered: boolean): void {
    try {
      // The socket sent this repeat the ACK it was given for the last one; whatever is decided now
      // (the ACK again, a NAK, a drop) is what the next repeat gets, so the entry waits for it.
      if (answered) this.transport?.forgetAnswer(route);
      const inbound = receive(this.ctx, bytes, route, answered);
      if (inbound === undefined) return;
      if (!inbound.message.fromSupernode) confirmSender(inbound.community, route, senderMac(inbound));
      const dropsBefore = this.stats.totalDrops();
      if (inbound.fast === true) handleRelayPacket(this.ctx, inbound);
      else dispatch(this.ctx, inbound);
      if (this.stats.totalDrops() === dropsBefore) this.stats.accepted++;
    } catch (error) {
      // Handlers do not throw on hostile input; if one ever does, the supernode keeps serving.
      this.options.logger.warn(`message from ${routeToString(route)} not handled: ${String(error)}`);
    }
  }

  private startTimers(): void {
    const { ctx } = this;
    this.scheduler.every('purge', PURGE_PERIOD_MS, () => {
      const now = ctx.clock.nowMs();
      ctx.communities.purge(now);
      ctx.limits.sweep(now);
    });
    this.scheduler.every('federation', FEDERATION_PERIOD_MS, () => this.federationRound(), true);
    this.scheduler.runDue();
    this.scheduler.start();
  }

  /** §9.7, §9.8.2: purge silent learned members, register with those not heard from. */
  private federationRound(): void {
    const { federation, clock } = this.ctx;
    const now = clock.nowMs();
    federation.purge(now);
    registerWithMembers(this.ctx, federation.dueForRegistration(now));
    if (federation.members().some((member) => member.socket === undefined)) {
      void federation.resolve(this.transport?.ipv4Only === true ? 4 : 0).then(() => {
        if (!this.closed) registerWithMembers(this.ctx, federation.dueForRegistration(clock.nowMs()));
      });
    }
  }

  private edgeAdded(community: Community, edge: EdgeRecord): void {
    const event = this.edgeEvent(community, edge);
    this.options.logger.info(`edge ${event.mac} registered in ${communityForLog(community)} from ${event.sockaddr}`);
    this.events.emit('edge-registered', event);
  }

  private edgeRemoved(community: Community, edge: EdgeRecord, reason: EdgeRemovalReason): void {
    this.transport?.forgetAnswer(edge.route);
    if (edge.route.kind === 'tcp' && reason !== 'connection-closed') edge.route.connection.close();
    const event = this.edgeEvent(community, edge);
    this.options.logger.info(`edge ${event.mac} left ${communityForLog(community)} (${REMOVAL_WORDS[reason]})`);
    this.events.emit('edge-removed', { ...event, reason });
  }

  private connectionClosed(connection: TcpConnection): void {
    for (const [community, edge] of this.ctx.communities.edgesOn(connection)) this.ctx.communities.removeEdge(community, edge, 'connection-closed');
  }

  private edgeEvent(community: Community, edge: EdgeRecord): { community: string; mac: string; sockaddr: string; age: number } {
    return {
      community: community.name,
      mac: macToString(edge.mac),
      sockaddr: routeToString(edge.route),
      age: seconds(this.ctx.clock.nowMs() - edge.createdMs),
    };
  }
}

function displayName(community: Community): string {
  return community.isFederation ? FEDERATION_DISPLAY_NAME : community.name;
}

/** A community as the log names it: never the federation's secret name; the edges' own text escaped (JSON). */
function communityForLog(community: Community): string {
  return community.isFederation ? 'the federation' : `community ${JSON.stringify(community.name)}`;
}

const REMOVAL_WORDS: Readonly<Record<EdgeRemovalReason, string>> = {
  unregistered: 'unregistered',
  purged: 'not heard from: timed out',
  evicted: 'the community was dropped to make room for others',
  'rejected-by-federation': 'refused by another supernode of the federation',
  'connection-closed': 'its TCP connection closed',
  reloaded: 'the community file was reloaded',
};

function subnetOf(net: { address: string; prefix: number }): { network: number; prefix: number } {
  return { network: ipv4ToNumber(net.address), prefix: net.prefix };
}
