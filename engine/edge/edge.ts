// The edge engine shared by the headless kith-edge and the desktop app: wires configuration,
// sockets, registration, hole punching and the data path together, runs the periodic tasks
// (PROTOCOL.md §8.1 main loop) and offers read-only snapshots and events of its state.
import { isIP } from 'node:net';
import { TimeStampGenerator, TimeStampVerifier } from '../crypto/timestamp.js';
import type { KithConfig } from '../../shared/config/schema.js';
import { Logger } from '../log.js';
import { communityFieldEquals, isNullMac, macToString, MessageType, parseMac, socketEquals, socketFromAddress, socketToString } from '../protocol/index.js';
import type { IpSubnet, Socket } from '../protocol/index.js';
import { Addressing } from './control/addressing.js';
import type { AddressHook } from './control/addressing.js';
import { createEdgeAuth } from './control/auth.js';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { stampAccepted } from './context.js';
import type { EdgeContext } from './context.js';
import { newPacketCounters } from './data-path/counters.js';
import type { PacketCounters } from './data-path/counters.js';
import { DataPath } from './data-path/data-path.js';
import { EdgeExpress } from './data-path/express-lane.js';
import type { ExpressOpener } from './data-path/express-lane.js';
import { EdgeEvents } from './api/events.js';
import type { FramePort } from './io/frame-port.js';
import { HolePunch } from './control/hole-punch.js';
import { PeerTable, PURGE_INTERVAL_MS } from './control/peer-table.js';
import { PortSpray } from './control/port-spray.js';
import { edgeSettings } from './settings.js';
import type { EdgeSettings } from './settings.js';
import { peerView, supernodeView } from './api/snapshot.js';
import { findBySocket, newSupernodeRecord } from './control/supernode-selection.js';
import { SupernodeRegistration } from './control/supernode-registration.js';
import { SupernodeResolver } from './control/supernode-resolver.js';
import { batchedSocketAvailable, transportBind, UdpTransport } from './io/udp-transport.js';
import type { Arrival, DatagramFilter } from './io/udp-transport.js';
import type { EdgeState, EdgeStatus, EdgeTimestamps, PeerView, SupernodeView } from './api/views.js';
import { EdgeWire } from './io/wire.js';
import { resolveHost } from '../resolve-host.js';
import { hostPortText } from '../../shared/config/values.js';

export interface EdgeOptions {
  readonly config: KithConfig;
  /** The TAP side; the caller owns the device and adapts it (frame-port.ts). */
  readonly port: FramePort;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Header-encryption stamps; one generator per process (CRYPTO.md §4.6). */
  readonly stampGenerator?: TimeStampGenerator;
  /** Configures the host side of the TAP when the address is assigned or changes. */
  readonly configureAddress?: AddressHook;
  /** Multicast local peer discovery (§8.8.1); on by default, only used with P2P and no advertise_addr. */
  readonly localDiscovery?: boolean;
  /** Test hook: drop datagrams to or from a remote socket (e.g. to block direct paths). */
  readonly drop?: DatagramFilter;
  /** Test hook: opens the express lane instead of the addon (native/express.ts openExpressLane). */
  readonly openExpress?: ExpressOpener;
  /** The simple-id token (PROTOCOL.md §7.2) the session keeps across restarts (session-identity.ts); random when absent. */
  readonly authToken?: Uint8Array;
}

/** Raised by the constructor for a configuration the edge cannot run with; the message says why. */
export class EdgeConfigError extends Error {
  override readonly name = 'EdgeConfigError';
}

/** Main-loop granularity: finer than n3n's 2 s / 10 s so punch retries and fast retries are timely. */
const TICK_MS = 200;

let sharedStampGenerator: TimeStampGenerator | undefined;

export class Edge {
  readonly events = new EdgeEvents();
  private readonly ctx: EdgeContext;
  private readonly registration: SupernodeRegistration;
  private readonly holePunch: HolePunch;
  private readonly dataPath: DataPath;
  private readonly portSpray: PortSpray;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private state: EdgeState = 'stopped';
  private stateReason: string | undefined;
  private startTime = 0;
  private lastPurge = 0;
  private resolver: SupernodeResolver | undefined;
  /** The native express lane while connected, where it can run (express-lane.ts). */
  private express: EdgeExpress | undefined;

  constructor(private readonly options: EdgeOptions) {
    const settings = edgeSettings(options.config);
    if (!settings.ok) throw new EdgeConfigError(settings.detail ?? 'invalid configuration');
    const auth = createEdgeAuth(settings.value.userPassword, options.authToken);
    if (!auth.ok) throw new EdgeConfigError(auth.detail ?? 'unusable authentication settings');
    if (isNullMac(options.port.mac)) throw new EdgeConfigError('the frame port has a null MAC');
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? new Logger(options.config.logging.verbose);
    const stamps = options.stampGenerator ?? (sharedStampGenerator ??= new TimeStampGenerator());
    const s = settings.value;
    const events = this.events;
    const ctx: EdgeContext = {
      settings: s,
      clock,
      logger,
      mac: Uint8Array.from(options.port.mac),
      wire: new EdgeWire(s, stamps, auth.value),
      auth: auth.value,
      verifier: new TimeStampVerifier(() => clock.nowMs() * 1000),
      peers: new PeerTable(s.registerIntervalMs, {
        added: (record) => events.emit('peer-added', peerView(ctx, record)),
        removed: (record, reason) => {
          this.portSpray.forget(record.mac);
          events.emit('peer-removed', { mac: macToString(record.mac), reason });
        },
      }),
      counters: newPacketCounters(),
      events,
      addressing: new Addressing(
        s.addressMode,
        s.staticAddress.prefix,
        s.staticAddress,
        (address) => this.addressChanged(address),
        (reason) => logger.warn(reason),
      ),
      supernodes: [],
      current: undefined,
      transport: undefined,
      localDiscovery: options.localDiscovery !== false && s.allowP2p && s.advertiseAddress === undefined,
      keyError: undefined,
      mappedSocket: undefined,
    };
    this.ctx = ctx;
    this.registration = new SupernodeRegistration(ctx, () => this.dataPath.sendGratuitousArp());
    this.portSpray = new PortSpray(ctx, this.registration, (bytes, source) => this.onDatagram(bytes, source, 'udp'), options.drop);
    this.holePunch = new HolePunch(ctx, this.registration, (mac) => this.portSpray.forget(mac));
    this.dataPath = new DataPath(ctx, this.registration, options.port, this.holePunch);
    options.port.onFrames((frames) => {
      if (this.running) this.dataPath.transmitFrames(frames);
    });
  }

  get settings(): EdgeSettings {
    return this.ctx.settings;
  }

  /** Opens the sockets and starts registering (§8.2). Resolves once the sockets are bound. */
  async connect(): Promise<void> {
    if (this.running) return;
    const { ctx } = this;
    // Resolved before the socket opens: their address family decides its (transportBind).
    const resolved: (readonly Socket[])[] = [];
    for (const host of ctx.settings.supernodes) resolved.push(await this.resolve(host.host, host.port));
    ctx.transport = await UdpTransport.open(
      { bind: transportBind(ctx.settings.bind, resolved.map((addresses) => addresses[0]), batchedSocketAvailable()), localDiscovery: ctx.localDiscovery, drop: this.options.drop },
      {
        datagram: (bytes, source, arrival) => this.onDatagram(bytes, source, arrival),
        tcpClosed: () => {
          // §1.2: a dropped connection means waiting for the supernode again.
          this.registration.connectionLost();
        },
        sendFailed: (to, error) => ctx.logger.debug(() => `send to ${to} failed: ${error.message}`),
      },
    );
    if (!ctx.transport.reachesIpv6) {
      ctx.settings.supernodes.forEach((host, i) => {
        const addresses = resolved[i] ?? [];
        if (addresses.length > 0 && addresses.every((socket) => socket.family === 'IPv6')) {
          ctx.logger.warn(`supernode ${hostPortText(host.host, host.port)} has only an IPv6 address, which this edge's IPv4 socket (connection.bind) cannot reach`);
        }
      });
    }
    const devices = { tap: this.options.port.nativeDevice, udp: ctx.transport.batchSocket, reachesIpv6: ctx.transport.reachesIpv6, filtered: this.options.drop !== undefined };
    this.express = EdgeExpress.open(ctx, this.registration, this.dataPath, devices, this.options.openExpress);
    this.running = true;
    this.startTime = ctx.clock.nowMs();
    this.lastPurge = this.startTime;
    ctx.supernodes.length = 0;
    ctx.settings.supernodes.forEach((host, i) => ctx.supernodes.push(newSupernodeRecord(host.host, host.port, resolved[i]?.[0], false, resolved[i])));
    this.resolver = new SupernodeResolver(
      {
        supernodes: ctx.supernodes,
        logger: ctx.logger,
        registration: this.registration,
      },
      (host, port) => this.resolve(host, port),
      this.startTime,
    );
    this.registration.begin(ctx.clock.nowMs());
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.updateState();
  }

  /** Unregisters from the supernode (§8.3 shutdown), closes the sockets and forgets all peers. */
  async disconnect(): Promise<void> {
    if (!this.running) return;
    const { ctx } = this;
    this.registration.unregister();
    this.running = false;
    clearInterval(this.timer);
    this.timer = undefined;
    this.resolver = undefined;
    // Out of the devices before the socket closes (and, in stop(), the TAP).
    this.express?.close();
    this.express = undefined;
    const transport = ctx.transport;
    ctx.transport = undefined;
    await transport?.close();
    ctx.peers.clear();
    this.portSpray.close();
    this.registration.reset();
    ctx.keyError = undefined;
    this.updateState();
  }

  /** kith-edge start-up: connect. */
  start(): Promise<void> {
    return this.connect();
  }

  /** Final shutdown: disconnect and close the frame port. */
  async stop(): Promise<void> {
    await this.disconnect();
    this.options.port.close();
    this.events.removeAllListeners();
  }

  /**
   * The socket the home router forwards to this edge's UDP port (engine/portmap), or undefined when
   * none does: advertised from the next REGISTER_SUPER on, so peers try it directly.
   */
  advertiseMapped(socket: Socket | undefined): void {
    const { ctx } = this;
    const changed = socket === undefined || ctx.mappedSocket === undefined ? socket !== ctx.mappedSocket : !socketEquals(socket, ctx.mappedSocket);
    ctx.mappedSocket = socket;
    // Registered already: tell the supernode now rather than at the next refresh, before peers ask for us.
    if (changed) this.registration.registerSoon();
  }

  /** dhcp address mode: the address the host's DHCP client configured on the TAP. */
  reportHostAddress(address: IpSubnet): void {
    this.ctx.addressing.reportHostAddress(address);
  }

  status(): EdgeStatus {
    const { ctx } = this;
    return {
      state: this.state,
      reason: this.stateReason,
      community: ctx.settings.communityName,
      mac: macToString(ctx.mac),
      description: ctx.settings.description,
      address: ctx.addressing.address,
      addressMode: ctx.addressing.mode,
      supernode: ctx.current?.socket === undefined ? undefined : socketToString(ctx.current.socket),
      localPort: ctx.transport?.localPort,
      counters: this.counters(),
      express: this.express?.figures(),
    };
  }

  /** Pending (relayed) peers first, then known (direct) ones, like n3n's get_edges. */
  peers(): PeerView[] {
    return this.ctx.peers.all().map((record) => peerView(this.ctx, record));
  }

  /** One peer by its MAC ('aa:bb:…'), without building the whole table's views. */
  peer(mac: string): PeerView | undefined {
    const parsed = parseMac(mac);
    const record = parsed.ok ? this.ctx.peers.get(parsed.value) : undefined;
    return record === undefined ? undefined : peerView(this.ctx, record);
  }

  supernodes(): SupernodeView[] {
    return this.ctx.supernodes.map((record) => supernodeView(this.ctx, record, this.registration.awaitingAck));
  }

  counters(): PacketCounters {
    return structuredClone(this.ctx.counters);
  }

  timestamps(): EdgeTimestamps {
    return {
      startTime: this.startTime,
      lastRegisterReq: this.registration.lastRegisterReq,
      lastRxP2p: this.dataPath.lastRxP2p,
      lastRxSuper: this.dataPath.lastRxSuper,
      lastSweep: this.registration.lastSweep,
    };
  }

  /** Every address of a supernode host, IPv4 first; a literal is its own. */
  private async resolve(host: string, port: number): Promise<readonly Socket[]> {
    if (isIP(host) !== 0) {
      const literal = socketFromAddress(host, port);
      return literal === undefined ? [] : [literal];
    }
    // Before the socket is open (connect), a configured IPv4 bind address already says IPv4 only.
    const local = this.ctx.transport?.localAddress ?? this.ctx.settings.bind?.address;
    const found = await resolveHost(host, port, local !== undefined && !local.includes(':') ? 4 : 0);
    if (found.ok) return found.value;
    this.ctx.logger.warn(`cannot resolve supernode ${host}: ${found.detail ?? found.error}`);
    return [];
  }

  private tick(): void {
    const { ctx } = this;
    const now = ctx.clock.nowMs();
    try {
      // What the lane carried counts before anything below judges a peer silent.
      this.express?.tick(now);
      this.resolver?.tick(now);
      this.registration.tick(now);
      this.holePunch.tick(now);
      this.portSpray.tick(now);
      if (now - this.lastPurge >= PURGE_INTERVAL_MS) {
        this.lastPurge = now;
        // §8.7.4: known peers stay while the supernode does not answer.
        ctx.peers.purge(now, this.registration.awaitingAck);
        this.dataPath.purgeHosts(now);
      }
    } catch (error) {
      ctx.logger.error(`periodic task failed: ${String(error)}`);
    }
    this.updateState();
  }

  /** §8.6 steps 1–5 and the dispatch by type. */
  private onDatagram(bytes: Uint8Array, source: Socket, arrival: Arrival): void {
    const { ctx } = this;
    const opened = ctx.wire.open(bytes);
    if (!opened.ok) {
      ctx.logger.debug(() => `datagram from ${socketToString(source)} dropped: ${opened.error}`);
      return;
    }
    const message = opened.value.message;
    let supernode = undefined;
    if (message.fromSupernode) {
      // §2.2: only supernodes of our list may speak as supernodes; an answer to REGISTER_SUPER also from
      // a further address of the current supernode's name that this round raced (address-race.ts).
      const answer = message.type === MessageType.RegisterSuperAck || message.type === MessageType.RegisterSuperNak;
      supernode = findBySocket(ctx.supernodes, source) ?? (answer ? this.registration.raceEntrantAt(source) : undefined);
      if (supernode === undefined) return;
    }
    if (!communityFieldEquals(message.communityField, ctx.settings.communityField)) return;
    try {
      switch (message.type) {
        case MessageType.Packet:
          this.dataPath.receive(opened.value, message, opened.value.plain.subarray(message.payloadOffset, message.payloadOffset + message.payloadLength), source, supernode);
          break;
        case MessageType.Register:
          this.holePunch.handleRegister(opened.value, message, source, arrival, supernode);
          break;
        case MessageType.RegisterAck:
          this.holePunch.handleRegisterAck(opened.value, message, source);
          break;
        case MessageType.PeerInfo:
          if (supernode === undefined) break;
          if (isNullMac(message.targetMac)) this.registration.handlePong(opened.value, message, supernode);
          else if (stampAccepted(ctx, opened.value.stamp, supernode, true)) this.holePunch.handlePeerInfo(message, source);
          break;
        case MessageType.RegisterSuperAck:
          if (supernode !== undefined) this.registration.handleAck(opened.value, message, supernode, source);
          break;
        case MessageType.RegisterSuperNak:
          if (supernode !== undefined) this.registration.handleNak(opened.value, message, supernode, source);
          break;
        case MessageType.ReRegisterSuper:
          if (supernode !== undefined) this.registration.handleReRegister(opened.value, supernode);
          break;
        default:
          break;
      }
    } catch (error) {
      // Handlers do not throw on hostile input; if one ever does, the edge keeps running.
      ctx.logger.warn(`message from ${socketToString(source)} not handled: ${String(error)}`);
    }
    this.updateState();
  }

  private addressChanged(address: IpSubnet): void {
    this.express?.tick(this.ctx.clock.nowMs());
    this.events.emit('address-assigned', address);
    const hook = this.options.configureAddress;
    if (hook === undefined) return;
    Promise.resolve(hook(address)).catch((error: unknown) => this.ctx.logger.error(`cannot configure the TAP address: ${String(error)}`));
  }

  /** The state registration derives (supernode-registration.ts verdict), or stopped. */
  private updateState(): void {
    const { state: next, reason } = this.running ? this.registration.verdict(this.ctx.keyError) : { state: 'stopped' as const, reason: undefined };
    this.stateReason = reason;
    if (next === this.state) return;
    const previous = this.state;
    this.state = next;
    this.events.emit('state-changed', { state: next, previous, reason });
  }
}
