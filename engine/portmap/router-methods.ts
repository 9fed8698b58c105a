// The three ways to ask a router for a mapping, behind one shape: make or renew a lease, delete it.
// Each turns the router's answer into a typed outcome; nothing the router sends can throw.
import type { Clock, DatagramPort, Peer } from './datagram.js';
import { exchange, FIRST_RETRY_MS } from './datagram.js';
import * as natpmp from './natpmp.js';
import * as pcp from './pcp.js';
import type { Transport } from './types.js';
import { PINHOLE_PROTOCOL, soapCall, UPNP_ERROR } from './upnp-igd.js';
import type { IgdDescription, UpnpService } from './upnp-igd.js';

/** What a router said to a request, reduced to what the mapper decides on. */
export type LeaseOutcome =
  | { readonly ok: true; readonly externalAddress: string | undefined; readonly externalPort: number; readonly lifetimeSeconds: number; readonly epochSeconds?: number; readonly pinholeId?: string }
  | { readonly ok: false; readonly kind: 'refused' | 'timeout' | 'no-external-address' | 'unsupported'; readonly detail: string; readonly epochSeconds?: number };

export interface Lease {
  readonly transport: Transport;
  readonly internalAddress: string;
  readonly internalPort: number;
  /** Suggested (first request) or held (renewal) external port; 0 = any. */
  readonly externalPort: number;
  readonly lifetimeSeconds: number;
  readonly description: string;
}

/** A router reached over one UDP socket (PCP and NAT-PMP share port 5351). */
export interface UdpRouter {
  readonly port: DatagramPort;
  readonly server: Peer;
  readonly clock: Clock;
  readonly timeoutMs: number;
}

function timeout(detail: string): LeaseOutcome {
  return { ok: false, kind: 'timeout', detail };
}

// PCP ----------------------------------------------------------------------------------------------

export type PcpProbe = { readonly ok: true; readonly epochSeconds: number } | { readonly ok: false; readonly detail: string };

export async function pcpAnnounce(router: UdpRouter, clientAddress: string): Promise<PcpProbe> {
  const client = pcp.addressBytes(clientAddress);
  if (client === undefined) return { ok: false, detail: 'no client address' };
  const answer = await exchange(router.port, router.server, pcp.encodeAnnounceRequest(client), pcp.decodeAnnounceResponse, { firstRetryMs: FIRST_RETRY_MS, deadlineMs: router.timeoutMs }, router.clock);
  if (answer === 'timeout') return { ok: false, detail: 'no PCP answer' };
  if (answer.ok) return { ok: true, epochSeconds: answer.value.epochSeconds };
  // An ANNOUNCE refused with a PCP error still shows a PCP server (§14.1 allows that).
  return answer.error !== 'natpmp-only' && answer.header !== undefined ? { ok: true, epochSeconds: answer.header.epochSeconds } : { ok: false, detail: `PCP ${answer.error}` };
}

/** MAP for an IPv4 mapping (pinhole false) or an IPv6 pinhole; lifetime 0 deletes. */
export async function pcpMap(router: UdpRouter, lease: Lease, nonce: pcp.Nonce, pinhole: boolean): Promise<LeaseOutcome> {
  const client = pcp.addressBytes(lease.internalAddress);
  if (client === undefined) return { ok: false, kind: 'refused', detail: 'bad internal address' };
  const request: pcp.MapRequest = {
    nonce,
    transport: lease.transport,
    clientAddress: client,
    internalPort: lease.internalPort,
    suggestedExternalPort: pinhole ? lease.internalPort : lease.externalPort,
    suggestedExternalAddress: pinhole ? pcp.ANY_IPV6 : pcp.ANY_IPV4,
    lifetimeSeconds: lease.lifetimeSeconds,
  };
  const answer = await exchange(router.port, router.server, pcp.encodeMapRequest(request), (bytes) => pcp.decodeMapResponse(bytes, request), { firstRetryMs: FIRST_RETRY_MS, deadlineMs: router.timeoutMs }, router.clock);
  if (answer === 'timeout') return timeout('no PCP answer to MAP');
  const epoch = answer.header === undefined ? {} : { epochSeconds: answer.header.epochSeconds };
  if (answer.ok) return { ok: true, externalAddress: answer.value.externalAddress, externalPort: answer.value.externalPort, lifetimeSeconds: answer.value.lifetimeSeconds, ...epoch };
  if (answer.error === 'natpmp-only') return { ok: false, kind: 'unsupported', detail: 'the router speaks NAT-PMP, not PCP' };
  const noAddress = answer.error === 'network-failure' || answer.error === 'cannot-provide-external';
  return { ok: false, kind: noAddress ? 'no-external-address' : 'refused', detail: `PCP ${answer.error}`, ...epoch };
}

// NAT-PMP ------------------------------------------------------------------------------------------

export type NatPmpProbe =
  | { readonly ok: true; readonly externalAddress: string; readonly epochSeconds: number }
  | { readonly ok: false; readonly kind: 'timeout' | 'no-external-address' | 'refused'; readonly detail: string };

export async function natpmpExternalAddress(router: UdpRouter): Promise<NatPmpProbe> {
  const answer = await exchange(router.port, router.server, natpmp.encodeExternalAddressRequest(), natpmp.decodeExternalAddressResponse, { firstRetryMs: FIRST_RETRY_MS, deadlineMs: router.timeoutMs }, router.clock);
  if (answer === 'timeout') return { ok: false, kind: 'timeout', detail: 'no NAT-PMP answer' };
  if (answer.ok) return { ok: true, externalAddress: answer.value.externalAddress, epochSeconds: answer.value.epochSeconds };
  // RFC 6886 §3.5: 3 = the router has no external address (no lease, or, as miniupnpd says, only a private one).
  return { ok: false, kind: answer.error === 'network-failure' ? 'no-external-address' : 'refused', detail: `NAT-PMP ${answer.error}` };
}

/** A NAT-PMP mapping; lifetime 0 with external port 0 deletes it (RFC 6886 §3.4). */
export async function natpmpMap(router: UdpRouter, lease: Lease): Promise<LeaseOutcome> {
  const externalPort = lease.lifetimeSeconds === 0 ? 0 : lease.externalPort;
  const request = natpmp.encodeMapRequest(lease.transport, lease.internalPort, externalPort, lease.lifetimeSeconds);
  const answer = await exchange(router.port, router.server, request, (bytes) => natpmp.decodeMapResponse(bytes, lease.transport, lease.internalPort), { firstRetryMs: FIRST_RETRY_MS, deadlineMs: router.timeoutMs }, router.clock);
  if (answer === 'timeout') return timeout('no NAT-PMP answer to the mapping request');
  const epoch = answer.epochSeconds === undefined ? {} : { epochSeconds: answer.epochSeconds };
  if (answer.ok) return { ok: true, externalAddress: undefined, externalPort: answer.value.externalPort, lifetimeSeconds: answer.value.lifetimeSeconds, ...epoch };
  if (answer.error === 'unsupported-version' || answer.error === 'unsupported-opcode') return { ok: false, kind: 'unsupported', detail: `NAT-PMP ${answer.error}` };
  return { ok: false, kind: answer.error === 'network-failure' ? 'no-external-address' : 'refused', detail: `NAT-PMP ${answer.error}`, ...epoch };
}

// UPnP IGD -----------------------------------------------------------------------------------------

export interface UpnpRouter {
  readonly address: string;
  readonly description: IgdDescription;
  readonly timeoutMs: number;
}

/** IGDv2 refuses 0 (= infinite) and anything above a week (WANIPConnection:2 §2.3.16). */
const IGD2_MAX_LEASE = 604_800;

export async function upnpExternalAddress(router: UpnpRouter): Promise<{ ok: true; address: string } | { ok: false; kind: 'timeout' | 'refused' | 'no-external-address'; detail: string }> {
  const service = router.description.connection;
  if (service === undefined) return { ok: false, kind: 'refused', detail: 'no WAN connection service' };
  const answer = await soapCall(service, router.address, 'GetExternalIPAddress', [], router.timeoutMs);
  if (!answer.ok) return { ok: false, kind: answer.error === 'timeout' ? 'timeout' : answer.error === 'upnp-error' ? 'no-external-address' : 'refused', detail: `GetExternalIPAddress: ${answer.detail ?? answer.error}` };
  const address = answer.value['NewExternalIPAddress'] ?? '';
  // An empty or all-zero answer is how routers (miniupnpd among them) say they have no usable address.
  if (address === '' || address === '0.0.0.0') return { ok: false, kind: 'no-external-address', detail: 'the router reports no external address' };
  return { ok: true, address };
}

function soapOutcome(answer: { readonly error: string; readonly detail?: string; readonly code?: number }, action: string): LeaseOutcome {
  return { ok: false, kind: answer.error === 'timeout' ? 'timeout' : 'refused', detail: `${action}: ${answer.detail ?? answer.error}` };
}

/**
 * AddAnyPortMapping on IGDv2 for a new mapping (the router picks a free port), AddPortMapping to
 * renew a held port or on IGDv1. IGDv1 routers may accept only permanent leases (error 725): then
 * the lease is 0 and held until deleted.
 */
export async function upnpMap(router: UpnpRouter, lease: Lease, renewing: boolean): Promise<LeaseOutcome> {
  const service = router.description.connection;
  if (service === undefined) return { ok: false, kind: 'unsupported', detail: 'no WAN connection service' };
  const protocol = lease.transport.toUpperCase();
  const externalPort = lease.externalPort === 0 ? lease.internalPort : lease.externalPort;
  const v2 = router.description.version === 2;
  let leaseSeconds = v2 ? Math.min(Math.max(lease.lifetimeSeconds, 1), IGD2_MAX_LEASE) : lease.lifetimeSeconds;
  const args = (port: number, seconds: number): (readonly [string, string | number])[] => [
    ['NewRemoteHost', ''],
    ['NewExternalPort', port],
    ['NewProtocol', protocol],
    ['NewInternalPort', lease.internalPort],
    ['NewInternalClient', lease.internalAddress],
    ['NewEnabled', 1],
    ['NewPortMappingDescription', lease.description],
    ['NewLeaseDuration', seconds],
  ];
  if (v2 && !renewing) {
    const answer = await soapCall(service, router.address, 'AddAnyPortMapping', args(externalPort, leaseSeconds), router.timeoutMs);
    if (answer.ok) {
      const reserved = Number(answer.value['NewReservedPort']);
      if (!Number.isInteger(reserved) || reserved < 1 || reserved > 65535) return { ok: false, kind: 'refused', detail: 'AddAnyPortMapping: no valid NewReservedPort' };
      return { ok: true, externalAddress: undefined, externalPort: reserved, lifetimeSeconds: leaseSeconds };
    }
    // Some IGDv2 routers lack AddAnyPortMapping; AddPortMapping below is the fallback.
    if (answer.code !== UPNP_ERROR.invalidAction) return soapOutcome(answer, 'AddAnyPortMapping');
  }
  let answer = await soapCall(service, router.address, 'AddPortMapping', args(externalPort, leaseSeconds), router.timeoutMs);
  if (!answer.ok && !v2 && answer.code === UPNP_ERROR.onlyPermanentLeases && leaseSeconds !== 0) {
    leaseSeconds = 0;
    answer = await soapCall(service, router.address, 'AddPortMapping', args(externalPort, 0), router.timeoutMs);
  }
  if (!answer.ok) return soapOutcome(answer, 'AddPortMapping');
  return { ok: true, externalAddress: undefined, externalPort, lifetimeSeconds: leaseSeconds };
}

export async function upnpUnmap(router: UpnpRouter, transport: Transport, externalPort: number): Promise<boolean> {
  const service = router.description.connection;
  if (service === undefined) return false;
  const answer = await soapCall(service, router.address, 'DeletePortMapping', [['NewRemoteHost', ''], ['NewExternalPort', externalPort], ['NewProtocol', transport.toUpperCase()]], router.timeoutMs);
  return answer.ok;
}

/** WANIPv6FirewallControl:1 leases are 1 s to 24 h (§2.5.4 of the service description). */
const PINHOLE_MAX_LEASE = 86_400;

function firewall(router: UpnpRouter): UpnpService | undefined {
  return router.description.firewall;
}

/** AddPinhole, or UpdatePinhole when the pinhole exists (pinholeId). Any remote host and port. */
export async function upnpPinhole(router: UpnpRouter, lease: Lease, pinholeId: string | undefined): Promise<LeaseOutcome> {
  const service = firewall(router);
  if (service === undefined) return { ok: false, kind: 'unsupported', detail: 'no WANIPv6FirewallControl service' };
  const seconds = Math.min(Math.max(lease.lifetimeSeconds, 1), PINHOLE_MAX_LEASE);
  if (pinholeId !== undefined) {
    const updated = await soapCall(service, router.address, 'UpdatePinhole', [['UniqueID', pinholeId], ['NewLeaseTime', seconds]], router.timeoutMs);
    return updated.ok ? { ok: true, externalAddress: lease.internalAddress, externalPort: lease.internalPort, lifetimeSeconds: seconds, pinholeId } : soapOutcome(updated, 'UpdatePinhole');
  }
  const answer = await soapCall(
    service,
    router.address,
    'AddPinhole',
    [
      ['RemoteHost', ''],
      ['RemotePort', 0],
      ['InternalClient', lease.internalAddress],
      ['InternalPort', lease.internalPort],
      ['Protocol', PINHOLE_PROTOCOL[lease.transport]],
      ['LeaseTime', seconds],
    ],
    router.timeoutMs,
  );
  if (!answer.ok) return soapOutcome(answer, 'AddPinhole');
  const id = answer.value['UniqueID'] ?? '';
  if (!/^\d{1,5}$/.test(id)) return { ok: false, kind: 'refused', detail: 'AddPinhole: no valid UniqueID' };
  return { ok: true, externalAddress: lease.internalAddress, externalPort: lease.internalPort, lifetimeSeconds: seconds, pinholeId: id };
}

export async function upnpDeletePinhole(router: UpnpRouter, pinholeId: string): Promise<boolean> {
  const service = firewall(router);
  if (service === undefined) return false;
  return (await soapCall(service, router.address, 'DeletePinhole', [['UniqueID', pinholeId]], router.timeoutMs)).ok;
}
