// One edge that outlives its configuration: kith-edge and the desktop app run an Edge through this,
// so new settings or another profile mean stop, rebuild from the new config, start again — with the
// same TAP when its name is unchanged, and the same `events` emitter for whoever listens (the
// management server, the tray). The management layer sees it as a ManagedEdge.
import type { KithConfig } from '../../../shared/config/schema.js';
import type { Logger } from '../../log.js';
import type { IpSubnet, Socket } from '../../protocol/index.js';
import { err, ok, type Result } from '../../../shared/result.js';
import { Edge, type EdgeOptions } from '../edge.js';
import { EdgeEvents, type EdgeEventMap } from './events.js';
import type { FramePort } from '../io/frame-port.js';
import type { ManagedEdge } from './management.js';
import { edgeSettings } from '../settings.js';

/** A TAP (or a test's memory port) that the session opens, keeps across restarts and closes. */
export interface SessionPort extends FramePort {
  readonly name: string;
  /** Sets the host's IPv4 address of the interface; absent for ports without a host side. */
  configureAddress?(address: IpSubnet): Promise<void>;
  /** Takes the address off the interface while disconnected. */
  clearAddress?(): Promise<void>;
  /** After close(): removes what is left of the device on the host (tap-port.ts). */
  release?(): Promise<void>;
}

export type SessionError = 'config' | 'port';

export interface EdgeSessionOptions {
  readonly config: KithConfig;
  readonly logger: Logger;
  /** The port's name for a config: a new name means a new port. */
  readonly portName: (config: KithConfig) => string;
  /** Opens the named port; the error detail is the one line to show. */
  readonly openPort: (name: string, config: KithConfig) => Promise<Result<SessionPort, string>>;
  /** Called after the host side of the port got its address. */
  readonly onAddressConfigured?: (address: IpSubnet) => void;
  /** Passed to every Edge (the session's auth token; tests: local discovery off, bind addresses). */
  readonly edgeOptions?: Partial<Pick<EdgeOptions, 'localDiscovery' | 'drop' | 'clock' | 'stampGenerator' | 'authToken'>>;
}

const EVENT_NAMES: readonly (keyof EdgeEventMap)[] = ['state-changed', 'peer-added', 'peer-removed', 'path-changed', 'supernode-selected', 'address-assigned'];

/**
 * The edge reads frames through this relay: the device has one reader for the session's lifetime,
 * each Edge registers itself as the consumer, and an Edge's stop() unhooks it without closing the
 * device the session owns.
 */
function relayOf(port: SessionPort): FramePort {
  let consumer: ((frames: readonly Uint8Array[]) => void) | undefined;
  port.onFrames((frames) => consumer?.(frames));
  return {
    mac: port.mac,
    // The express lane (express-lane.ts) hooks into the device itself, beside this relay.
    ...(port.nativeDevice === undefined ? {} : { nativeDevice: port.nativeDevice }),
    get mtu() {
      return port.mtu;
    },
    onFrames: (handler) => void (consumer = handler),
    write: (frame) => port.write(frame),
    close: () => void (consumer = undefined),
  };
}

interface OpenPort {
  readonly port: SessionPort;
  readonly relay: FramePort;
}

export class EdgeSession implements ManagedEdge {
  readonly events = new EdgeEvents();
  private edge: Edge;
  private open: OpenPort;
  private currentConfig: KithConfig;
  /** Whether the user wants the edge connected; a restart keeps it as it was. */
  private wanted = false;
  /** disconnect() took the address off the device: connect() puts it back. */
  private addressCleared = false;
  /** The router's mapping of the edge's port; a restart keeps it until the host says otherwise. */
  private mapped: Socket | undefined;

  private constructor(
    private readonly options: EdgeSessionOptions,
    config: KithConfig,
    port: SessionPort,
  ) {
    this.currentConfig = config;
    this.open = { port, relay: relayOf(port) };
    this.edge = this.build(config);
  }

  /** Opens the port and builds the edge (not yet connected); the detail says what went wrong. */
  static async open(options: EdgeSessionOptions): Promise<Result<EdgeSession, SessionError>> {
    const settings = edgeSettings(options.config);
    if (!settings.ok) return err('config', settings.detail);
    const port = await options.openPort(options.portName(options.config), options.config);
    if (!port.ok) return err('port', port.detail);
    return ok(new EdgeSession(options, options.config, port.value));
  }

  get config(): KithConfig {
    return this.currentConfig;
  }

  get portName(): string {
    return this.open.port.name;
  }

  get settings(): Edge['settings'] {
    return this.edge.settings;
  }

  status(): ReturnType<Edge['status']> {
    return this.edge.status();
  }

  peers(): ReturnType<Edge['peers']> {
    return this.edge.peers();
  }

  peer(mac: string): ReturnType<Edge['peer']> {
    return this.edge.peer(mac);
  }

  supernodes(): ReturnType<Edge['supernodes']> {
    return this.edge.supernodes();
  }

  counters(): ReturnType<Edge['counters']> {
    return this.edge.counters();
  }

  timestamps(): ReturnType<Edge['timestamps']> {
    return this.edge.timestamps();
  }

  async connect(): Promise<void> {
    this.wanted = true;
    // The edge keeps its address across a disconnect (a static one, or the supernode's until it
    // offers another), so the device gets it back at once.
    const address = this.edge.status().address;
    if (this.addressCleared && address !== undefined) await this.configure(this.open.port, address);
    this.addressCleared = false;
    await this.edge.connect();
  }

  /** Leaves the community; the device keeps no address meanwhile, so no route claims traffic. */
  async disconnect(): Promise<void> {
    this.wanted = false;
    await this.edge.disconnect();
    const { port } = this.open;
    if (port.clearAddress === undefined || this.addressCleared) return;
    try {
      await port.clearAddress();
      this.addressCleared = true;
      this.options.logger.normal(`TAP ${port.name} has no address while disconnected`);
    } catch (error) {
      this.options.logger.warn((error as Error).message);
    }
  }

  /**
   * Runs `config` from now on: the old edge unregisters and stops, a new one starts (connected if the
   * old one was meant to be). Refused before anything stops when the config cannot run or a new
   * port cannot be opened.
   */
  async apply(config: KithConfig): Promise<Result<void, SessionError>> {
    const settings = edgeSettings(config);
    if (!settings.ok) return err('config', settings.detail);
    const name = this.options.portName(config);
    let replacement: SessionPort | undefined;
    if (name !== this.open.port.name) {
      const opened = await this.options.openPort(name, config);
      if (!opened.ok) return err('port', opened.detail);
      replacement = opened.value;
    }
    await this.edge.stop();
    if (replacement !== undefined) {
      this.open.port.close();
      this.open = { port: replacement, relay: relayOf(replacement) };
    }
    this.currentConfig = config;
    this.edge = this.build(config);
    if (this.wanted) await this.edge.connect();
    return ok(undefined);
  }

  /** Edge.advertiseMapped, for this edge and the ones later settings start. */
  advertiseMapped(socket: Socket | undefined): void {
    this.mapped = socket;
    this.edge.advertiseMapped(socket);
  }

  /** Stops the edge (unregistering first), closes the port and cleans up the device. */
  async close(): Promise<void> {
    await this.edge.stop();
    const { port } = this.open;
    port.close();
    this.events.removeAllListeners();
    try {
      await port.release?.();
    } catch (error) {
      this.options.logger.warn((error as Error).message);
    }
  }

  private async configure(port: SessionPort, address: IpSubnet): Promise<void> {
    await port.configureAddress?.(address);
    if (port.configureAddress !== undefined) this.options.logger.normal(`TAP ${port.name} has address ${address.address}/${address.prefix}`);
  }

  private build(config: KithConfig): Edge {
    const { port, relay } = this.open;
    const { logger, onAddressConfigured } = this.options;
    const edge = new Edge({
      ...this.options.edgeOptions,
      config,
      port: relay,
      logger,
      configureAddress: async (address) => {
        await this.configure(port, address);
        onAddressConfigured?.(address);
      },
    });
    edge.advertiseMapped(this.mapped);
    for (const name of EVENT_NAMES) {
      edge.events.on(name, (...args: unknown[]) => (this.events.emit as (event: string, ...rest: unknown[]) => boolean)(name, ...args));
    }
    return edge;
  }
}
