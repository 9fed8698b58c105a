// This computer as the meeting point of the networks it hosts, and its home router's part in that.
// A profile whose supernode is on 127.0.0.1 is hosted here: the supernode the entry point hands in
// (supernode/embedded.ts) runs for it on every interface, on the profile's port or the next free
// one, with the profile's own community file (0600, beside the profile), and the edge is pointed at
// the port it got. Switching to another profile stops it. Through the port mapper the router
// forwards the supernode's port (UDP and TCP) and, for every network, the edge's own UDP port, which
// the edge then advertises so peers behind any NAT can reach it directly (PROTOCOL.md §8.8.2). Where
// this computer has a global IPv6 address the router's firewall is asked for pinholes to the same
// ports as well (PCP, UPnP IGDv2): homes behind carrier-grade NAT often have no other way in. What
// the router said becomes the reachability report of the Invite screen.
import { randomBytes } from 'node:crypto';
import type { KithConfig } from '../shared/config/schema.js';
import type { EdgeSession } from '../engine/edge/api/edge-session.js';
import type { Logger } from '../engine/log.js';
import { addressScope } from '../engine/portmap/address-scope.js';
import { defaultGateway, localAddressToward } from '../engine/portmap/default-gateway.js';
import { HeldMappings } from '../engine/portmap/held-mappings.js';
import type { PortMapper } from '../engine/portmap/port-mapper.js';
import type { IpFamily } from '../engine/portmap/default-gateway.js';
import type { MapFailure, PinholeResult } from '../engine/portmap/types.js';
import type { Socket } from '../engine/protocol/index.js';
import type { Reachability } from '../engine/profiles/api.js';
import { HostedUsers, type InvitedDevice } from '../engine/profiles/hosted-users.js';
import { INVITE_USER, type InviteAccess } from '../engine/profiles/invite-access.js';
import { err, ok, type Result } from '../shared/result.js';
import { isLoopbackSupernode } from '../engine/profiles/invite-link.js';
import { hostPortText } from '../shared/config/values.js';
import { HOSTED_SUPERNODE_HOST } from '../engine/profiles/new-network.js';
import { describeReachability, hostedElsewhere } from '../engine/profiles/reachability.js';
import type { ProfileStore } from '../engine/profiles/profile-store.js';

/** Whether a new device (MAC aa:bb:…) may register as `user`; the supernode asks (its SupernodeOptions.admitUser). */
export type AdmitUser = (community: string, user: string, mac: string) => boolean;

/** supernode/embedded.ts's startEmbeddedSupernode; undefined when none could start. */
export type EmbeddedSupernodeFactory = (
  options: { readonly port: number; readonly communityFile: string; readonly admitUser: AdmitUser },
  logger: Logger,
) => Promise<{ readonly port: number; reloadCommunities(): boolean; registeredUsers(community: string): ReadonlyMap<string, number>; close(): Promise<void> } | undefined>;

type Running = Awaited<ReturnType<EmbeddedSupernodeFactory>> & object;

export interface HostingOptions {
  readonly store: ProfileStore;
  readonly logger: Logger;
  readonly startSupernode: EmbeddedSupernodeFactory | undefined;
  /** The home router's port mapper; undefined: no mappings (tests, or turned off). */
  readonly mapper: PortMapper | undefined;
  /** This computer's address toward its router of a family, undefined without one (default: the routing table's; tests give their own). */
  readonly addressToward?: (family: IpFamily) => Promise<string | undefined>;
}

/** The port a hosted profile asks for: that of its supernode on this computer, if it has one. */
export function hostedPort(config: KithConfig): number | undefined {
  return config.community.supernode.find(({ host }) => host === HOSTED_SUPERNODE_HOST)?.port;
}

/** The profile's supernodes other than this computer: public ones the person configured. */
export function publicSupernodes(config: KithConfig): string[] {
  return config.community.supernode.map(({ host, port }) => hostPortText(host, port)).filter((text) => !isLoopbackSupernode(text));
}

/** How often expired invites are looked for: an unused one leaves the community file then. */
const EXPIRY_CHECK_MS = 60_000;
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** This computer's own login to the network it hosts: its description is the user name (§7.3). */
interface HostLogin {
  readonly name: string;
  readonly password: string;
}

/** What an invite to the active network is made of (NetworkController.invite). */
export interface HostedInvite {
  readonly supernodes: readonly string[];
  readonly access: InviteAccess | undefined;
}

const SUPERNODE_UDP = 'supernode-udp';
const SUPERNODE_TCP = 'supernode-tcp';
const EDGE = 'edge';
/** The same ports' IPv6 pinholes. */
const SUPERNODE_UDP6 = 'supernode-udp6';
const SUPERNODE_TCP6 = 'supernode-tcp6';
const EDGE6 = 'edge6';

const PORT_MAPPING_OFF: MapFailure = { ok: false, error: 'no-mapping-protocol', detail: 'port mapping is off' };

export class Hosting {
  private hosted:
    | {
        readonly profile: string;
        readonly community: string;
        readonly wanted: number;
        readonly supernode: Running;
        readonly users: HostedUsers;
        login: HostLogin | undefined;
        communityText: string;
        readonly communityFile: string;
      }
    | undefined;
  private readonly expiryTimer: NodeJS.Timeout;
  private readonly ports: HeldMappings | undefined;
  private config: KithConfig | undefined;
  private lanAddress: string | undefined;
  /** Why the supernode has no pinhole when this computer has no global IPv6 address to open one for. */
  private noAddress6: PinholeResult | undefined;
  private edgeMapped: string | undefined;
  /** The last failure to map the edge's port, said once rather than at every retry. */
  private edgeMapFailure: string | undefined;
  private closed = false;

  constructor(private readonly options: HostingOptions) {
    this.ports = options.mapper === undefined ? undefined : new HeldMappings(options.mapper);
    this.expiryTimer = setInterval(() => void this.refreshCommunityFile(), EXPIRY_CHECK_MS).unref();
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
    const same = this.hosted !== undefined && this.hosted.profile === profile && this.hosted.community === community && this.hosted.wanted === wanted ? this.hosted : undefined;
    const users = same?.users ?? HostedUsers.load(this.options.store, profile);
    const login = await this.hostLogin(profile, config);
    const communityText = login === undefined ? `${community}\n` : users.communityFile(community, login, nowSeconds());
    const communityFile = await this.writeCommunityFile(profile, communityText);
    if (communityFile === undefined) return config;
    const edgeConfig = login === undefined ? config : withLogin(config, login);
    if (same !== undefined) {
      same.login = login;
      same.communityText = communityText;
      same.supernode.reloadCommunities();
      return onPort(edgeConfig, same.supernode.port);
    }
    await this.stopHosting();
    const admitUser: AdmitUser = (_community, user, mac) => users.claim(user, mac, nowSeconds());
    const supernode = await this.options.startSupernode({ port: wanted, communityFile, admitUser }, this.options.logger);
    if (supernode === undefined) return edgeConfig;
    this.hosted = { profile, community, wanted, supernode, users, login, communityText, communityFile };
    void this.mapSupernode(supernode.port);
    return onPort(edgeConfig, supernode.port);
  }

  /**
   * The addresses and the login for a new invite to the network hosted here (undefined when it is
   * hosted elsewhere): the router's public address for it, this computer's address in its home and
   * the public supernodes the profile names, never this computer's loopback. An encrypted network
   * (ChaCha20 or Speck) gets a user for the invite: seven days to use it, once.
   */
  async invite(wanted: string): Promise<Result<HostedInvite, 'unreachable' | 'unwritable'> | undefined> {
    const hosted = this.hosted;
    if (hosted === undefined) return undefined;
    const report = this.reachability();
    const supernodes = [report.publicAddress, report.publicAddress6, report.lanAddress, ...(this.config === undefined ? [] : publicSupernodes(this.config))].filter((text) => text !== undefined);
    if (supernodes.length === 0) return err('unreachable', 'No other computer can reach this one yet (it has no network address besides its own); connect it to your home network first.');
    if (hosted.login === undefined) return ok({ supernodes, access: undefined });
    const access = await hosted.users.invite(wanted, [hosted.login.name], nowSeconds());
    if (!access.ok) return err('unwritable', `The invite cannot be made: ${access.detail ?? access.error}.`);
    await this.refreshCommunityFile();
    return ok({ supernodes, access: access.value });
  }

  /** The devices invited into the network hosted here, and since when each is registered with it. */
  devices(): InvitedDevice[] {
    const hosted = this.hosted;
    return hosted === undefined ? [] : hosted.users.devices(nowSeconds(), hosted.supernode.registeredUsers(hosted.community));
  }

  /**
   * Takes an invited device's access away: its user leaves the community file and the supernode
   * reloads it, dropping that device's registration only (the others keep theirs and take the new
   * dynamic key when told to re-register, §9.5, §9.9); its next registration is refused. False when
   * the network has no such device.
   */
  async removeDevice(name: string): Promise<boolean> {
    const hosted = this.hosted;
    if (hosted === undefined || !(await hosted.users.remove(name))) return false;
    await this.refreshCommunityFile();
    this.options.logger.normal(`device ${name} removed from community ${hosted.community}`);
    return true;
  }

  /** Follows the edge: its UDP port mapped while it runs (and advertised), released when it stops. */
  attach(session: EdgeSession): () => void {
    const follow = ({ state }: { state: string }): void => {
      // Mapped as soon as the edge has its socket, so the first registrations already advertise it.
      if (state === 'stopped') void this.releaseEdge(session);
      else void this.mapEdge(session);
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
      mapping: this.ports === undefined ? PORT_MAPPING_OFF : this.ports.result(SUPERNODE_UDP),
      pinhole: this.ports === undefined ? PORT_MAPPING_OFF : (this.noAddress6 ?? this.ports.pinhole(SUPERNODE_UDP6)),
      lanAddress: this.lanAddress,
      publicSupernodes: configured,
      edgeMapped: this.edgeMapped,
    });
  }

  /** Removes every mapping and stops the supernode. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.expiryTimer);
    await this.stopHosting();
    await this.ports?.close();
  }

  private async writeCommunityFile(profile: string, text: string): Promise<string | undefined> {
    const written = await this.options.store.saveCompanion(profile, 'community', text);
    if (written.ok) return written.value;
    this.options.logger.warn(`no local supernode: ${written.detail ?? 'cannot write its community file'}`);
    return undefined;
  }

  /** Writes the community file again when its users changed (an invite made, used up, expired or removed) and reloads it. */
  private async refreshCommunityFile(): Promise<void> {
    const hosted = this.hosted;
    if (hosted?.login === undefined) return;
    const text = hosted.users.communityFile(hosted.community, hosted.login, nowSeconds());
    if (text === hosted.communityText) return;
    if ((await this.writeCommunityFile(hosted.profile, text)) === undefined) return;
    hosted.communityText = text;
    hosted.supernode.reloadCommunities();
  }

  /**
   * This computer's login to the network it hosts, for a cipher user/password login allows
   * (CRYPTO.md §5.3): its description as the user (or "host", where the description cannot be one)
   * and a password made once and kept in the 0600 profile.
   */
  private async hostLogin(profile: string, config: KithConfig): Promise<HostLogin | undefined> {
    if (config.community.cipher !== 'ChaCha20' && config.community.cipher !== 'Speck') return undefined;
    const description = config.connection.description ?? '';
    const name = INVITE_USER.test(description) ? description : 'host';
    let password = config.auth.password;
    if (password === undefined) {
      password = randomBytes(18).toString('base64url');
      const saved = await this.options.store.saveLines(profile, [{ section: 'auth', option: 'password', values: [password] }]);
      if (!saved.ok) {
        this.options.logger.warn(`the network stays open to every device with its key: ${saved.detail ?? saved.error}`);
        return undefined;
      }
    }
    return { name, password };
  }

  private async mapSupernode(port: number): Promise<void> {
    const [address4, address6] = await Promise.all([this.addressToward('IPv4'), this.globalAddress6()]);
    this.lanAddress = address4;
    if (this.ports === undefined) return;
    this.noAddress6 = address6.ok ? undefined : address6;
    const pinholes = address6.ok ? [this.ports.holdPinhole(SUPERNODE_UDP6, 'udp', address6.value, port), this.ports.holdPinhole(SUPERNODE_TCP6, 'tcp', address6.value, port)] : [];
    const [udp, , udp6] = await Promise.all([this.ports.hold(SUPERNODE_UDP, 'udp', port), this.ports.hold(SUPERNODE_TCP, 'tcp', port), ...pinholes]);
    this.options.logger.normal(
      udp.ok ? `the router forwards port ${udp.value.externalPort} to this computer's supernode (${udp.value.method})` : `the router forwards no port to this computer's supernode: ${udp.detail ?? udp.error}`,
    );
    const pinhole = udp6 ?? this.noAddress6;
    if (pinhole !== undefined) {
      this.options.logger.normal(
        pinhole.ok ? `the router lets IPv6 in to this computer's supernode at [${pinhole.value.address}]:${port} (${pinhole.value.method})` : `no IPv6 pinhole for this computer's supernode: ${pinhole.detail ?? pinhole.error}`,
      );
    }
  }

  /**
   * Maps the edge's UDP port and opens its IPv6 pinhole. The edge advertises one socket (§8.8.2):
   * the IPv4 mapping, which every peer can use, else the pinhole, which peers with IPv6 can.
   */
  private async mapEdge(session: EdgeSession): Promise<void> {
    const port = session.status().localPort;
    const ports = this.ports;
    if (ports === undefined || port === undefined || this.closed) return;
    const address6 = await this.globalAddress6();
    const [mapped, pinhole] = await Promise.all([ports.hold(EDGE, 'udp', port), address6.ok ? ports.holdPinhole(EDGE6, 'udp', address6.value, port) : ports.release(EDGE6).then(() => address6)]);
    // The edge may have stopped, or moved to another port, while the router answered.
    if (this.closed || session.status().localPort !== port || session.status().state === 'stopped') return;
    let socket: Socket;
    if (mapped.ok) socket = { family: 'IPv4', address: mapped.value.externalAddress, port: mapped.value.externalPort };
    else if (pinhole.ok) socket = { family: 'IPv6', address: pinhole.value.address, port };
    else {
      const failure = `the router forwards nothing to this edge's UDP port ${port}: ${mapped.detail ?? mapped.error}; no IPv6 pinhole: ${pinhole.detail ?? pinhole.error}`;
      if (mapped.error !== 'closed' && failure !== this.edgeMapFailure) this.options.logger.normal(failure);
      this.edgeMapFailure = failure;
      return;
    }
    this.edgeMapFailure = undefined;
    const text = hostPortText(socket.address, socket.port);
    if (text === this.edgeMapped) return;
    this.edgeMapped = text;
    session.advertiseMapped(socket);
    this.options.logger.normal(
      socket.family === 'IPv4' ? `the router forwards ${text} to this edge's UDP port ${port}; advertised to peers` : `the router lets IPv6 in to this edge's UDP port at ${text}; advertised to peers`,
    );
  }

  private async releaseEdge(session: EdgeSession): Promise<void> {
    this.edgeMapped = undefined;
    session.advertiseMapped(undefined);
    const ports = this.ports;
    if (ports !== undefined) await Promise.all([ports.release(EDGE), ports.release(EDGE6)]);
  }

  private addressToward(family: IpFamily): Promise<string | undefined> {
    return (this.options.addressToward ?? routedAddress)(family);
  }

  /** This computer's global IPv6 address toward its router: the one a pinhole is for, or why there is none. */
  private async globalAddress6(): Promise<(PinholeResult & { ok: false }) | { ok: true; value: string }> {
    const address = await this.addressToward('IPv6');
    if (address === undefined) return { ok: false, error: 'no-gateway', detail: 'no IPv6 default route' };
    return addressScope(address) === 'global' ? { ok: true, value: address } : { ok: false, error: 'not-global', detail: `${address} is not a global IPv6 address` };
  }

  private async stopHosting(): Promise<void> {
    const hosted = this.hosted;
    if (hosted === undefined) return;
    this.hosted = undefined;
    const ports = this.ports;
    if (ports !== undefined) await Promise.all([SUPERNODE_UDP, SUPERNODE_TCP, SUPERNODE_UDP6, SUPERNODE_TCP6].map((name) => ports.release(name)));
    await hosted.supernode.close();
  }
}

/** `config` logging in as `login` (auth.password, the user name as the description). */
function withLogin(config: KithConfig, login: HostLogin): KithConfig {
  const next = structuredClone(config);
  next.auth.password = login.password;
  next.connection.description = login.name;
  return next;
}

/** `config` with its supernode on this computer moved to the port the supernode got. */
function onPort(config: KithConfig, port: number): KithConfig {
  const next = structuredClone(config);
  next.community.supernode = next.community.supernode.map((entry) => (entry.host === HOSTED_SUPERNODE_HOST ? { ...entry, port } : entry));
  return next;
}

/** This computer's address toward its router of `family` (for IPv4: for computers in the same home). */
async function routedAddress(family: IpFamily): Promise<string | undefined> {
  const gateway = await defaultGateway(family);
  if (!gateway.ok) return undefined;
  const local = await localAddressToward(gateway.value);
  return local.ok ? local.value : undefined;
}
