// Finding the router's UPnP description: an SSDP M-SEARCH (UPnP Device Architecture 1.1 §1.3.2) for
// Internet Gateway Devices, sent to the multicast group and to the gateway itself, and the LOCATION
// of the first answer whose sender and LOCATION are the router. Answers from other hosts (any LAN
// device can answer an M-SEARCH) and locations elsewhere are ignored.
import { isIP } from 'node:net';
import type { Clock, DatagramPort, Peer } from './datagram.js';
import type { IpFamily } from './default-gateway.js';
import { permittedUrl } from './http-client.js';

const SSDP_PORT = 1900;
const GROUP: Record<IpFamily, string> = { IPv4: '239.255.255.250', IPv6: 'ff02::c' };
const SEARCH_TARGETS = ['urn:schemas-upnp-org:device:InternetGatewayDevice:2', 'urn:schemas-upnp-org:device:InternetGatewayDevice:1'];
/** Seconds a device may wait before answering (MX); the deadline below cuts it shorter anyway. */
const MX = 1;
const MAX_ANSWER = 2048;

export function searchRequest(family: IpFamily, target: string): Uint8Array {
  const host = family === 'IPv4' ? `${GROUP.IPv4}:${SSDP_PORT}` : `[${GROUP.IPv6}]:${SSDP_PORT}`;
  return Buffer.from(`M-SEARCH * HTTP/1.1\r\nHOST: ${host}\r\nMAN: "ssdp:discover"\r\nMX: ${MX}\r\nST: ${target}\r\n\r\n`, 'latin1');
}

/** The LOCATION of an SSDP search answer, or undefined when bytes are none. */
export function answerLocation(bytes: Uint8Array): string | undefined {
  if (bytes.length > MAX_ANSWER) return undefined;
  const lines = Buffer.from(bytes).toString('latin1').split('\r\n');
  if (!/^HTTP\/1\.[01] 200\b/.test(lines[0] ?? '')) return undefined;
  for (const line of lines.slice(1)) {
    const match = /^location:\s*(\S+)\s*$/i.exec(line);
    if (match !== null) return match[1];
  }
  return undefined;
}

export interface SsdpSearch {
  readonly port: DatagramPort;
  readonly family: IpFamily;
  /** The router's address as the socket may send to it (an IPv6 link-local one with its zone). */
  readonly gateway: string;
  /** The outgoing interface for IPv6 link-local multicast. */
  readonly interfaceName?: string;
  /** Whether an answer's sender, and the host of its LOCATION, may be the router. */
  readonly isRouter: (address: string) => boolean;
  readonly timeoutMs: number;
  readonly clock: Clock;
}

/** The first permitted description URL, or undefined when none came within the time. */
export function findDescription(search: SsdpSearch): Promise<string | undefined> {
  return new Promise((resolve) => {
    const finish = (location: string | undefined): void => {
      unsubscribe();
      search.clock.clearTimeout(timer);
      resolve(location);
    };
    const unsubscribe = search.port.onMessage((bytes, from) => {
      if (!search.isRouter(from.address)) return;
      const location = answerLocation(bytes);
      if (location === undefined) return;
      let host: string;
      try {
        host = new URL(location).hostname.replace(/^\[(.*)\]$/, '$1');
      } catch {
        return;
      }
      if (isIP(host) === 0 || !search.isRouter(host) || !permittedUrl(location, host).ok) return;
      finish(location);
    });
    const timer = search.clock.setTimeout(() => finish(undefined), search.timeoutMs);
    const group = search.family === 'IPv6' && search.interfaceName !== undefined ? `${GROUP.IPv6}%${search.interfaceName}` : GROUP[search.family];
    const targets: Peer[] = [
      { address: group, port: SSDP_PORT },
      { address: search.gateway, port: SSDP_PORT },
    ];
    for (const target of SEARCH_TARGETS) for (const to of targets) search.port.send(searchRequest(search.family, target), to);
  });
}
