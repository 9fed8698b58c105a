// Router port mappings and IPv6 pinholes for one process: finds the home router (the default
// route's gateway), learns which of PCP, NAT-PMP and UPnP IGD it speaks (all asked at once, each
// with a short deadline, none of them changing anything), makes the mapping with the best one that
// agrees, renews it at half its lifetime, notices lost leases and router restarts, and deletes every
// mapping on close(). Results are typed (types.ts); nothing a router answers makes it throw.
import { EventEmitter } from 'node:events';
import { BlockList } from 'node:net';
import { networkInterfaces } from 'node:os';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import { addressScope } from './address-scope.js';
import type { Clock, DatagramPort } from './datagram.js';
import { openDatagramPort, sameAddress, systemClock } from './datagram.js';
import { defaultGateway, gatewaySocketAddress, localAddressToward } from './default-gateway.js';
import type { Gateway, GatewayError, IpFamily } from './default-gateway.js';
import { EpochTracker } from './epoch.js';
import { newNonce, PCP_PORT } from './pcp.js';
import type { Nonce } from './pcp.js';
import { natpmpExternalAddress, natpmpMap, pcpAnnounce, pcpMap, upnpDeletePinhole, upnpExternalAddress, upnpMap, upnpPinhole, upnpUnmap } from './router-methods.js';
import type { Lease, LeaseOutcome, UdpRouter, UpnpRouter } from './router-methods.js';
import { findDescription } from './ssdp.js';
import { ALL_METHODS } from './types.js';
import type { MapFailure, MapFailureReason, MappingMethod, MapResult, Pinhole, PinholeResult, PortMapping, Transport } from './types.js';
import { fetchDescription } from './upnp-igd.js';

export interface PortMapperOptions {
  /** Methods to use, in order of preference (default: PCP, NAT-PMP, UPnP IGDv2, IGDv1). */
  readonly methods?: readonly MappingMethod[];
  /** Requested lifetime in seconds (default 7200, RFC 6886 §3.3's recommendation). */
  readonly lifetimeSeconds?: number;
  /** Shown in the router's UPnP mapping list. */
  readonly description?: string;
  /** The router per family, where the default route cannot be read (other OSes) or is not the one. */
  readonly gateways?: Partial<Record<IpFamily, Gateway>>;
  /** Deadline for learning what the router speaks (default 2 s). */
  readonly probeTimeoutMs?: number;
  /** Deadline for each later request (default 3 s). */
  readonly requestTimeoutMs?: number;
  readonly clock?: Clock;
  /** Sockets and routes; tests give their own. */
  readonly system?: Partial<MapperSystem>;
}

export interface MapperSystem {
  readonly findGateway: (family: IpFamily) => Promise<Result<Gateway, GatewayError>>;
  readonly localAddressToward: (gateway: Gateway) => Promise<Result<string, 'no-route'>>;
  readonly openPort: (family: IpFamily, localAddress: string) => Promise<DatagramPort>;
  /** The router's NAT-PMP / PCP server port (5351; tests move it). */
  readonly serverPort: number;
}

export interface MapRequest {
  readonly transport: Transport;
  readonly internalPort: number;
  /** Default: this computer's address toward the gateway. */
  readonly internalAddress?: string;
  /** Suggested external port (default: the internal one). */
  readonly externalPort?: number;
}

export interface PinholeRequest {
  readonly transport: Transport;
  /** This computer's global IPv6 address. */
  readonly address: string;
  readonly port: number;
}

export interface PortMapperEvents {
  /** A renewal or re-creation changed the external address or port (or restored a lost mapping). */
  changed: [mapping: PortMapping | Pinhole];
  /** A lease was renewed (unchanged). */
  renewed: [mapping: PortMapping | Pinhole];
  /** The router no longer holds the mapping; it is retried in the background. */
  lost: [id: number, failure: MapFailure];
  /** The router's epoch showed a restart; its mappings were made again. */
  'router-restarted': [method: MappingMethod];
}

/** What the router speaks, as learned by one round of probes from one local address. */
interface RouterView {
  readonly family: IpFamily;
  readonly gateway: Gateway;
  readonly localAddress: string;
  readonly pcp: UdpRouter;
  readonly natpmp: UdpRouter;
  readonly upnp: UpnpRouter | undefined;
  /** Usable methods, in the caller's order of preference. */
  readonly methods: MappingMethod[];
  /** The external address the router reported, if any. */
  readonly externalAddress: string | undefined;
  /** Set when the router said it has no usable external address. */
  readonly noExternalAddress: string | undefined;
  readonly epochs: Map<MappingMethod, EpochTracker>;
  readonly ports: DatagramPort[];
}

interface Active {
  readonly id: number;
  readonly kind: 'mapping' | 'pinhole';
  readonly view: RouterView;
  readonly method: MappingMethod;
  readonly lease: Lease;
  readonly nonce: Nonce;
  pinholeId: string | undefined;
  current: PortMapping | Pinhole;
  expiresAtMs: number;
  lost: boolean;
  timer: unknown;
}

const DEFAULT_LIFETIME = 7200;
/** Retry a failed renewal after this long at the least, and a lost mapping this often. */
const MIN_RETRY_MS = 2_000;
const LOST_RETRY_MS = 30_000;

const SYSTEM: MapperSystem = {
  findGateway: (family) => defaultGateway(family),
  localAddressToward,
  openPort: openDatagramPort,
  serverPort: PCP_PORT,
};

export class PortMapper extends EventEmitter<PortMapperEvents> {
  private readonly methods: readonly MappingMethod[];
  private readonly lifetime: number;
  private readonly description: string;
  private readonly probeTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly clock: Clock;
  private readonly system: MapperSystem;
  private readonly gateways: Partial<Record<IpFamily, Gateway>>;
  private readonly views = new Map<string, Promise<Result<RouterView, MapFailureReason>>>();
  private readonly active = new Map<number, Active>();
  private nextId = 1;
  private closed = false;

  constructor(options: PortMapperOptions = {}) {
    super();
    this.methods = options.methods ?? ALL_METHODS;
    this.lifetime = options.lifetimeSeconds ?? DEFAULT_LIFETIME;
    this.description = options.description ?? 'Kith';
    this.probeTimeoutMs = options.probeTimeoutMs ?? 2_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 3_000;
    this.clock = options.clock ?? systemClock;
    this.system = { ...SYSTEM, ...options.system };
    this.gateways = options.gateways ?? {};
  }

  /** The mappings and pinholes held now. */
  list(): (PortMapping | Pinhole)[] {
    return [...this.active.values()].filter((entry) => !entry.lost).map((entry) => entry.current);
  }

  /** Maps `internalPort` on the router (IPv4 NAT) with the best method it offers. */
  async map(request: MapRequest): Promise<MapResult> {
    if (this.closed) return err('closed');
    const view = await this.view('IPv4', request.internalAddress);
    if (!view.ok) return view;
    const known = view.value.externalAddress === undefined ? undefined : unreachable(view.value.externalAddress);
    if (known !== undefined) return known;
    const lease: Lease = {
      transport: request.transport,
      internalAddress: view.value.localAddress,
      internalPort: request.internalPort,
      externalPort: request.externalPort ?? request.internalPort,
      lifetimeSeconds: this.lifetime,
      description: `${this.description} ${request.transport} ${request.internalPort}`,
    };
    const failures: LeaseOutcome[] = [];
    for (const method of view.value.methods) {
      if (this.closed) return err('closed');
      const nonce = newNonce();
      const outcome = await this.request(view.value, method, lease, nonce, undefined, false);
      if (!outcome.ok) {
        failures.push(outcome);
        continue;
      }
      const externalAddress = outcome.externalAddress ?? (await this.externalAddress(view.value, method));
      const id = this.nextId++;
      const mapping: PortMapping = { id, method, transport: lease.transport, internalAddress: lease.internalAddress, internalPort: lease.internalPort, externalAddress: externalAddress ?? '', externalPort: outcome.externalPort, lifetimeSeconds: outcome.lifetimeSeconds };
      const useless = externalAddress === undefined ? err('double-nat', 'the router did not tell its external address') : unreachable(externalAddress);
      if (useless !== undefined) {
        // Reachable only from behind the next NAT: nothing gained, so the router gets its port back.
        await this.request(view.value, method, { ...lease, externalPort: outcome.externalPort, lifetimeSeconds: 0 }, nonce, undefined, true);
        return useless;
      }
      this.track({ id, kind: 'mapping', view: view.value, method, lease: { ...lease, externalPort: outcome.externalPort }, nonce, pinholeId: undefined, current: mapping, expiresAtMs: 0, lost: false, timer: undefined }, outcome);
      return ok(mapping);
    }
    if (failures.every((failure) => !failure.ok && failure.kind === 'timeout')) this.views.delete(viewKey('IPv4', request.internalAddress));
    return summarise(failures, view.value);
  }

  /** Opens an inbound IPv6 pinhole for address:port on the router's firewall (PCP or UPnP IGDv2). */
  async openPinhole(request: PinholeRequest): Promise<PinholeResult> {
    if (this.closed) return err('closed');
    const scope = addressScope(request.address);
    if (scope !== 'global') return { ...err('not-global', `${request.address} is not a global IPv6 address`), ...(scope === undefined ? {} : { scope }) };
    const view = await this.view('IPv6', request.address);
    if (!view.ok) return view;
    const lease: Lease = { transport: request.transport, internalAddress: request.address, internalPort: request.port, externalPort: request.port, lifetimeSeconds: this.lifetime, description: `${this.description} ${request.transport} ${request.port}` };
    const failures: LeaseOutcome[] = [];
    for (const method of view.value.methods) {
      const nonce = newNonce();
      const outcome = await this.request(view.value, method, lease, nonce, undefined, false);
      if (!outcome.ok) {
        failures.push(outcome);
        continue;
      }
      const id = this.nextId++;
      const pinhole: Pinhole = { id, method: method === 'pcp' ? 'pcp' : 'upnp-igd2', transport: request.transport, address: request.address, port: request.port, lifetimeSeconds: outcome.lifetimeSeconds };
      this.track({ id, kind: 'pinhole', view: view.value, method, lease, nonce, pinholeId: outcome.pinholeId, current: pinhole, expiresAtMs: 0, lost: false, timer: undefined }, outcome);
      return ok(pinhole);
    }
    return summarise(failures, view.value);
  }

  /** Deletes one mapping or pinhole on the router. */
  async remove(id: number): Promise<void> {
    const entry = this.active.get(id);
    if (entry === undefined) return;
    this.active.delete(id);
    this.clock.clearTimeout(entry.timer);
    await this.delete(entry);
  }

  /** Deletes every mapping and pinhole (each bounded by the request deadline) and stops. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const entries = [...this.active.values()];
    this.active.clear();
    for (const entry of entries) this.clock.clearTimeout(entry.timer);
    await Promise.all(entries.map((entry) => this.delete(entry)));
    const views = await Promise.all(this.views.values());
    this.views.clear();
    for (const view of views) if (view.ok) for (const port of view.value.ports) port.close();
  }

  private async delete(entry: Active): Promise<void> {
    if (entry.lost) return;
    await this.request(entry.view, entry.method, { ...entry.lease, lifetimeSeconds: 0 }, entry.nonce, entry.pinholeId, true);
  }

  /** One request of `method`; lifetime 0 deletes. */
  private async request(view: RouterView, method: MappingMethod, lease: Lease, nonce: Nonce, pinholeId: string | undefined, renewing: boolean): Promise<LeaseOutcome> {
    const pinhole = view.family === 'IPv6';
    const deleting = lease.lifetimeSeconds === 0;
    switch (method) {
      case 'pcp':
        return pcpMap({ ...view.pcp, timeoutMs: this.requestTimeoutMs }, lease, nonce, pinhole);
      case 'natpmp':
        return natpmpMap({ ...view.natpmp, timeoutMs: this.requestTimeoutMs }, lease);
      case 'upnp-igd1':
      case 'upnp-igd2': {
        if (view.upnp === undefined) return { ok: false, kind: 'unsupported', detail: 'no UPnP IGD' };
        const router = { ...view.upnp, timeoutMs: this.requestTimeoutMs };
        if (pinhole) {
          if (!deleting) return upnpPinhole(router, lease, pinholeId);
          if (pinholeId !== undefined) await upnpDeletePinhole(router, pinholeId);
        } else {
          if (!deleting) return upnpMap(router, lease, renewing);
          await upnpUnmap(router, lease.transport, lease.externalPort);
        }
        return { ok: true, externalAddress: undefined, externalPort: lease.externalPort, lifetimeSeconds: 0 };
      }
    }
  }

  private async externalAddress(view: RouterView, method: MappingMethod): Promise<string | undefined> {
    if (method === 'natpmp') {
      const answer = await natpmpExternalAddress({ ...view.natpmp, timeoutMs: this.requestTimeoutMs });
      return answer.ok ? answer.externalAddress : undefined;
    }
    if ((method === 'upnp-igd1' || method === 'upnp-igd2') && view.upnp !== undefined) {
      const answer = await upnpExternalAddress({ ...view.upnp, timeoutMs: this.requestTimeoutMs });
      return answer.ok ? answer.address : undefined;
    }
    return view.externalAddress;
  }

  private track(entry: Active, outcome: LeaseOutcome & { ok: true }): void {
    this.active.set(entry.id, entry);
    this.noteEpoch(entry, outcome);
    this.schedule(entry, outcome.lifetimeSeconds);
  }

  /** Renew at half the lifetime (RFC 6886 §3.3, RFC 6887 §11.2.1); a permanent lease needs none. */
  private schedule(entry: Active, lifetimeSeconds: number): void {
    entry.expiresAtMs = this.clock.now() + lifetimeSeconds * 1000;
    if (lifetimeSeconds === 0 || this.closed) return;
    entry.timer = this.clock.setTimeout(() => void this.renew(entry), (lifetimeSeconds * 1000) / 2);
  }

  /** True when the answer's epoch shows the router restarted (then every lease of that method is made again). */
  private noteEpoch(entry: Active, outcome: LeaseOutcome): boolean {
    if (outcome.epochSeconds === undefined) return false;
    let tracker = entry.view.epochs.get(entry.method);
    if (tracker === undefined) entry.view.epochs.set(entry.method, (tracker = new EpochTracker()));
    return tracker.observe(outcome.epochSeconds, this.clock.now());
  }

  private async renew(entry: Active): Promise<void> {
    if (this.closed || this.active.get(entry.id) !== entry) return;
    const outcome = await this.request(entry.view, entry.method, entry.lease, entry.nonce, entry.pinholeId, true);
    if (this.closed || this.active.get(entry.id) !== entry) return;
    if (!outcome.ok) {
      const left = entry.expiresAtMs - this.clock.now();
      if (left <= 0 && !entry.lost) {
        entry.lost = true;
        this.emit('lost', entry.id, lostFailure(outcome));
      }
      entry.timer = this.clock.setTimeout(() => void this.renew(entry), left <= 0 ? LOST_RETRY_MS : Math.max(MIN_RETRY_MS, left / 2));
      return;
    }
    const wasLost = entry.lost;
    entry.lost = false;
    if (entry.pinholeId === undefined && outcome.pinholeId !== undefined) entry.pinholeId = outcome.pinholeId;
    const restarted = this.noteEpoch(entry, outcome);
    const next = await this.updated(entry, outcome);
    this.schedule(entry, outcome.lifetimeSeconds);
    if (wasLost || !sameMapping(next, entry.current)) {
      entry.current = next;
      this.emit('changed', next);
    } else {
      this.emit('renewed', next);
    }
    if (restarted) {
      this.emit('router-restarted', entry.method);
      // The router forgot every lease it gave through this method: renew the others now.
      for (const other of this.active.values()) {
        if (other === entry || other.view !== entry.view || other.method !== entry.method) continue;
        this.clock.clearTimeout(other.timer);
        void this.renew(other);
      }
    }
  }

  private async updated(entry: Active, outcome: LeaseOutcome & { ok: true }): Promise<PortMapping | Pinhole> {
    if (entry.kind === 'pinhole') return { ...(entry.current as Pinhole), lifetimeSeconds: outcome.lifetimeSeconds };
    const externalAddress = outcome.externalAddress ?? (await this.externalAddress(entry.view, entry.method)) ?? (entry.current as PortMapping).externalAddress;
    return { ...(entry.current as PortMapping), externalAddress, externalPort: outcome.externalPort, lifetimeSeconds: outcome.lifetimeSeconds };
  }

  private view(family: IpFamily, localAddress: string | undefined): Promise<Result<RouterView, MapFailureReason>> {
    const key = viewKey(family, localAddress);
    let view = this.views.get(key);
    if (view === undefined) this.views.set(key, (view = this.probe(family, localAddress)));
    return view;
  }

  /** Finds the router and asks, at once, whether it speaks PCP, NAT-PMP and UPnP IGD. */
  private async probe(family: IpFamily, localAddress: string | undefined): Promise<Result<RouterView, MapFailureReason>> {
    const given = this.gateways[family];
    const found = given === undefined ? await this.system.findGateway(family) : ok(given);
    if (!found.ok) return found;
    const gateway = found.value;
    const local = localAddress === undefined ? await this.system.localAddressToward(gateway) : ok(localAddress);
    if (!local.ok) return err('no-gateway', local.detail);
    const wanted = (method: MappingMethod): boolean => this.methods.includes(method);
    const server = { address: gatewaySocketAddress(gateway), port: this.system.serverPort };
    // Separate sockets: a NAT-PMP router's version-0 error to a PCP ANNOUNCE looks like an answer to
    // NAT-PMP's own address request, and must not be taken for one.
    const ports = await Promise.all([0, 1, 2].map(() => this.system.openPort(family, local.value)));
    const [pcpPort, natpmpPort, ssdpPort] = ports as [DatagramPort, DatagramPort, DatagramPort];
    const pcp: UdpRouter = { port: pcpPort, server, clock: this.clock, timeoutMs: this.probeTimeoutMs };
    const natpmp: UdpRouter = { port: natpmpPort, server, clock: this.clock, timeoutMs: this.probeTimeoutMs };
    const [pcpAnswer, natpmpAnswer, upnp] = await Promise.all([
      wanted('pcp') ? pcpAnnounce(pcp, local.value) : undefined,
      wanted('natpmp') && family === 'IPv4' ? natpmpExternalAddress(natpmp) : undefined,
      wanted('upnp-igd1') || wanted('upnp-igd2') ? this.probeUpnp(family, gateway, ssdpPort) : undefined,
    ]);
    ssdpPort.close();
    const available = new Set<MappingMethod>();
    if (pcpAnswer?.ok === true) available.add('pcp');
    if (natpmpAnswer !== undefined && (natpmpAnswer.ok || natpmpAnswer.kind !== 'timeout')) available.add('natpmp');
    let upnpExternal: Awaited<ReturnType<typeof upnpExternalAddress>> | undefined;
    if (upnp !== undefined) {
      if (family === 'IPv6') {
        if (upnp.description.firewall !== undefined) available.add('upnp-igd2');
      } else if (upnp.description.connection !== undefined) {
        available.add(upnp.description.version === 2 ? 'upnp-igd2' : 'upnp-igd1');
        upnpExternal = await upnpExternalAddress(upnp);
      }
    }
    const methods = this.methods.filter((method) => available.has(method));
    const epochs = new Map<MappingMethod, EpochTracker>();
    const externalAddress = natpmpAnswer?.ok === true ? natpmpAnswer.externalAddress : upnpExternal?.ok === true ? upnpExternal.address : undefined;
    const noAddress = [natpmpAnswer, upnpExternal].find((answer) => answer !== undefined && !answer.ok && answer.kind === 'no-external-address');
    return ok({
      family,
      gateway,
      localAddress: local.value,
      pcp,
      natpmp,
      upnp,
      methods,
      externalAddress,
      noExternalAddress: noAddress === undefined || noAddress.ok ? undefined : noAddress.detail,
      epochs,
      ports: [pcpPort, natpmpPort],
    });
  }

  private async probeUpnp(family: IpFamily, gateway: Gateway, port: DatagramPort): Promise<UpnpRouter | undefined> {
    const isRouter = family === 'IPv4' ? (address: string) => sameAddress(address, gateway.address) : onLink(gateway);
    const location = await findDescription({ port, family, gateway: gatewaySocketAddress(gateway), interfaceName: gateway.interface, isRouter, timeoutMs: this.probeTimeoutMs, clock: this.clock });
    if (location === undefined) return undefined;
    const address = new URL(location).hostname.replace(/^\[(.*)\]$/, '$1');
    const description = await fetchDescription(location, address, this.probeTimeoutMs);
    return description.ok ? { address, description: description.value, timeoutMs: this.probeTimeoutMs } : undefined;
  }
}

function viewKey(family: IpFamily, localAddress: string | undefined): string {
  return `${family} ${localAddress ?? ''}`;
}

/**
 * IPv6 routers answer from their link-local address and give a global one in LOCATION: either is
 * accepted when it is the gateway or on the gateway's link (an address in one of this computer's
 * prefixes on that interface), never anything further away.
 */
function onLink(gateway: Gateway): (address: string) => boolean {
  const link = new BlockList();
  for (const entry of networkInterfaces()[gateway.interface] ?? []) {
    if (entry.family !== 'IPv6' || entry.cidr === null) continue;
    const [prefix, length] = entry.cidr.split('/');
    if (prefix !== undefined && length !== undefined) link.addSubnet(prefix.replace(/%.*$/, ''), Number(length), 'ipv6');
  }
  return (address) => {
    const plain = address.replace(/%.*$/, '');
    return sameAddress(plain, gateway.address) || addressScope(plain) !== undefined && (plain.toLowerCase().startsWith('fe80:') || link.check(plain, 'ipv6'));
  };
}

/** A failure when an external address cannot be reached from the Internet, else undefined. */
function unreachable(externalAddress: string): MapFailure | undefined {
  const scope = addressScope(externalAddress);
  if (scope === 'global') return undefined;
  const reason = scope === 'shared' ? 'cgnat' : 'double-nat';
  return { ...err(reason, `the router's external address ${externalAddress} is ${scope ?? 'not an address'}`), externalAddress, ...(scope === undefined ? {} : { scope }) };
}

/** The most telling reason among the failures of every method tried. */
function summarise(failures: readonly LeaseOutcome[], view: RouterView): MapFailure {
  const details = failures.map((failure) => (failure.ok ? '' : failure.detail)).join('; ');
  if (view.methods.length === 0) {
    if (view.noExternalAddress !== undefined) return err('double-nat', `the router has no usable external address (${view.noExternalAddress})`);
    return err('no-mapping-protocol', `the router at ${view.gateway.address} answers none of ${view.family === 'IPv4' ? 'PCP, NAT-PMP, UPnP IGD' : 'PCP, UPnP IGDv2 pinholes'}`);
  }
  const kinds = new Set(failures.map((failure) => (failure.ok ? '' : failure.kind)));
  if (kinds.has('no-external-address') || view.noExternalAddress !== undefined) return err('double-nat', `the router has no usable external address (${details || view.noExternalAddress})`);
  if (kinds.has('refused')) return err('refused', details);
  if (kinds.has('timeout')) return err('timeout', details);
  return err('no-mapping-protocol', details);
}

function lostFailure(outcome: LeaseOutcome & { ok: false }): MapFailure {
  const reason: MapFailureReason = outcome.kind === 'no-external-address' ? 'double-nat' : outcome.kind === 'timeout' ? 'timeout' : 'refused';
  return err(reason, outcome.detail);
}

function sameMapping(a: PortMapping | Pinhole, b: PortMapping | Pinhole): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
