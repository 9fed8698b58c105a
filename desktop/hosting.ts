// This computer as the meeting point of the networks it hosts, and its home router's part in that.
// A profile whose supernode is on 127.0.0.1 is hosted here: the supernode the entry point hands in
// (supernode/embedded.ts) runs for it on every interface, on the profile's port or the next free
// one, with the profile's own community file (0600, beside the profile), and the edge is pointed at
// the port it got. Switching to another profile stops it. Through the port mapper the router
// forwards the supernode's port (UDP and TCP) and, for every network, the edge's own UDP port, which
// the edge then advertises so peers behind any NAT can reach it directly (PROTOCOL.md §8.8.2). What
// the router said becomes the reachability report of the Invite screen.
import type { KithConfig } from '../engine/config/schema.js';
import type { EdgeSession } from '../engine/edge/edge-session.js';
import type { Logger } from '../engine/log.js';
import { defaultGateway, localAddressToward } from '../engine/portmap/default-gateway.js';
import { HeldMappings } from '../engine/portmap/held-mappings.js';
import type { PortMapper } from '../engine/portmap/port-mapper.js';
import type { Reachability } from '../engine/profiles/api.js';
import { isLoopbackSupernode } from '../engine/profiles/invite-link.js';
import { HOSTED_SUPERNODE_HOST } from '../engine/profiles/new-network.js';
import { describeReachability, hostedElsewhere } from '../engine/profiles/reachability.js';
import type { ProfileStore } from '../engine/profiles/profile-store.js';

/** supernode/embedded.ts's startEmbeddedSupernode; undefined when none could start. */
export type EmbeddedSupernodeFactory = (
  options: { readonly port: number; readonly communityFile: string },
  logger: Logger,
) => Promise<{ readonly port: number; reloadCommunities(): boolean; close(): Promise<void> } | undefined>;

type Running = Awaited<ReturnType<EmbeddedSupernodeFactory>> & object;

export interface HostingOptions {
  readonly store: ProfileStore;
  readonly logger: Logger;
  readonly startSupernode: EmbeddedSupernodeFactory | undefined;
  /** The home router's port mapper; undefined: no mappings (tests, or turned off). */
  readonly mapper: PortMapper | undefined;
}

/** The port a hosted profile asks for: that of its supernode on this computer, if it has one. */
export function hostedPort(config: KithConfig): number | undefined {
  return config.community.supernode.find(({ host }) => host === HOSTED_SUPERNODE_HOST)?.port;
}

const supernodeText = ({ host, port }: { host: string; port: number }): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** The profile's supernodes other than this computer: public ones the person configured. */
export function publicSupernodes(config: KithConfig): string[] {
  return config.community.supernode.map(supernodeText).filter((text) => !isLoopbackSupernode(text));
}

const SUPERNODE_UDP = 'supernode-udp';
const SUPERNODE_TCP = 'supernode-tcp';
const EDGE = 'edge';

export class Hosting {
  private hosted: { readonly profile: string; readonly community: string; readonly wanted: number; readonly supernode: Running } | undefined;
  private readonly ports: HeldMappings | undefined;
  private config: KithConfig | undefined;
  private lanAddress: string | undefined;
  private edgeMapped: string | undefined;
  private closed = false;

  constructor(private readonly options: HostingOptions) {
    this.ports = options.mapper === undefined ? undefined : new HeldMappings(options.mapper);
  }

  /**
   * The config the edge runs for `profile`: for a hosted one the supernode here runs (started or
   * kept, its community file rewritten) and the edge is pointed at its port; for any other the
   * supernode stops and its mappings go.
   */
  async prepare(profile: string, config: KithConfig): Promise<KithConfig> {
    this.config = config;
    const wanted = hostedPort(config);
    const community = config.community.name ?? '';
    if (wanted === undefined || this.options.startSupernode === undefined) {
      await this.stopHosting();
      return config;
    }
    const communityFile = await this.writeCommunityFile(profile, community);
    if (communityFile === undefined) return config;
    const same = this.hosted !== undefined && this.hosted.profile === profile && this.hosted.community === community && this.hosted.wanted === wanted;
    if (same && this.hosted !== undefined) {
      this.hosted.supernode.reloadCommunities();
    } else {
      await this.stopHosting();
      const supernode = await this.options.startSupernode({ port: wanted, communityFile }, this.options.logger);
      if (supernode === undefined) return config;
      this.hosted = { profile, community, wanted, supernode };
      void this.mapSupernode(supernode.port);
    }
    return onPort(config, this.hosted?.supernode.port ?? wanted);
  }

  /** Follows the edge: its UDP port mapped while it runs (and advertised), released when it stops. */
  attach(session: EdgeSession): () => void {
    const follow = ({ state }: { state: string }): void => {
      if (state === 'stopped') void this.releaseEdge(session);
      else if (state === 'registered') void this.mapEdge(session);
    };
    session.events.on('state-changed', follow);
    return () => void session.events.off('state-changed', follow);
  }

  reachability(): Reachability {
    const config = this.config;
    const configured = config === undefined ? [] : publicSupernodes(config);
    if (this.hosted === undefined) return hostedElsewhere(configured, this.edgeMapped);
    return describeReachability({
      port: this.hosted.supernode.port,
      mapping: this.ports === undefined ? { ok: false, error: 'no-mapping-protocol', detail: 'port mapping is off' } : this.ports.result(SUPERNODE_UDP),
      lanAddress: this.lanAddress,
      publicSupernodes: configured,
      edgeMapped: this.edgeMapped,
    });
  }

  /** Removes every mapping and stops the supernode. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stopHosting();
    await this.ports?.close();
  }

  private async writeCommunityFile(profile: string, community: string): Promise<string | undefined> {
    const written = await this.options.store.saveCompanion(profile, 'community', `${community}\n`);
    if (written.ok) return written.value;
    this.options.logger.warn(`no local supernode: ${written.detail ?? 'cannot write its community file'}`);
    return undefined;
  }

  private async mapSupernode(port: number): Promise<void> {
    this.lanAddress = await lanAddress();
    if (this.ports === undefined) return;
    const [udp] = await Promise.all([this.ports.hold(SUPERNODE_UDP, 'udp', port), this.ports.hold(SUPERNODE_TCP, 'tcp', port)]);
    this.options.logger.normal(
      udp.ok ? `the router forwards port ${udp.value.externalPort} to this computer's supernode (${udp.value.method})` : `the router forwards no port to this computer's supernode: ${udp.error}`,
    );
  }

  private async mapEdge(session: EdgeSession): Promise<void> {
    const port = session.status().localPort;
    if (this.ports === undefined || port === undefined || this.closed) return;
    const mapped = await this.ports.hold(EDGE, 'udp', port);
    // The edge may have stopped, or moved to another port, while the router answered.
    if (!mapped.ok || session.status().localPort !== port || session.status().state === 'stopped') return;
    const { externalAddress, externalPort } = mapped.value;
    const text = `${externalAddress}:${externalPort}`;
    if (text === this.edgeMapped) return;
    this.edgeMapped = text;
    session.advertiseMapped({ family: 'IPv4', address: externalAddress, port: externalPort });
    this.options.logger.normal(`the router forwards ${text} to this edge's UDP port ${port}; advertised to peers`);
  }

  private async releaseEdge(session: EdgeSession): Promise<void> {
    this.edgeMapped = undefined;
    session.advertiseMapped(undefined);
    await this.ports?.release(EDGE);
  }

  private async stopHosting(): Promise<void> {
    const hosted = this.hosted;
    if (hosted === undefined) return;
    this.hosted = undefined;
    await Promise.all([this.ports?.release(SUPERNODE_UDP), this.ports?.release(SUPERNODE_TCP)]);
    await hosted.supernode.close();
  }
}

/** `config` with its supernode on this computer moved to the port the supernode got. */
function onPort(config: KithConfig, port: number): KithConfig {
  const next = structuredClone(config);
  next.community.supernode = next.community.supernode.map((entry) => (entry.host === HOSTED_SUPERNODE_HOST ? { ...entry, port } : entry));
  return next;
}

/** This computer's address toward its IPv4 router, for computers in the same home. */
async function lanAddress(): Promise<string | undefined> {
  const gateway = await defaultGateway('IPv4');
  if (!gateway.ok) return undefined;
  const local = await localAddressToward(gateway.value);
  return local.ok ? local.value : undefined;
}
