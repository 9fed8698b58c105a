// What the port mapper promises its callers: typed results, never exceptions, for every outcome a
// home router can produce.
import type { Err, Ok } from '../../shared/result.js';
import type { AddressScope } from './address-scope.js';

export type Transport = 'udp' | 'tcp';

/** How a mapping was made: PCP (RFC 6887), NAT-PMP (RFC 6886) or UPnP IGD version 1 or 2. */
export type MappingMethod = 'pcp' | 'natpmp' | 'upnp-igd1' | 'upnp-igd2';

export const ALL_METHODS: readonly MappingMethod[] = ['pcp', 'natpmp', 'upnp-igd2', 'upnp-igd1'];

/**
 * Why no usable mapping exists:
 * - no-gateway: no default route (for the family asked);
 * - unsupported-os: the default gateway cannot be found on this OS (pass `gateway` instead);
 * - no-mapping-protocol: the router answers none of PCP, NAT-PMP and UPnP IGD;
 * - refused: the router speaks one of them and said no (port taken, not authorised, no resources…);
 * - timeout: the router stopped answering during the request;
 * - double-nat: the router's external address is private or otherwise not global, or the router
 *   says it has no usable external address: another NAT sits in front of it;
 * - cgnat: the router's external address is in 100.64.0.0/10, the provider's carrier-grade NAT;
 * - not-global: (pinholes) the local IPv6 address is not a global one;
 * - closed: the mapper was closed.
 * double-nat and cgnat mean that no mapping on this router can make this computer reachable from
 * the Internet.
 */
export type MapFailureReason = 'no-gateway' | 'unsupported-os' | 'no-mapping-protocol' | 'refused' | 'timeout' | 'double-nat' | 'cgnat' | 'not-global' | 'closed';

export interface PortMapping {
  /** Stable for the life of the mapping, also across renewals and re-creation after a restart. */
  readonly id: number;
  readonly method: MappingMethod;
  readonly transport: Transport;
  readonly internalAddress: string;
  readonly internalPort: number;
  readonly externalAddress: string;
  readonly externalPort: number;
  /** Granted lifetime in seconds; 0 for a permanent UPnP IGDv1 lease. */
  readonly lifetimeSeconds: number;
}

export interface Pinhole {
  readonly id: number;
  readonly method: 'pcp' | 'upnp-igd2';
  readonly transport: Transport;
  readonly address: string;
  readonly port: number;
  readonly lifetimeSeconds: number;
}

export type MapFailure = Err<MapFailureReason> & {
  /** The external address the router reported, when that is what made the mapping useless. */
  readonly externalAddress?: string;
  readonly scope?: AddressScope;
};

export type MapResult = Ok<PortMapping> | MapFailure;
export type PinholeResult = Ok<Pinhole> | MapFailure;
