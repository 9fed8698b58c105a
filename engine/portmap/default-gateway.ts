// The home router's address: the gateway of the default route, which is where NAT-PMP and PCP
// requests go (RFC 6886 §3, RFC 6887 §8.1) and the only host UPnP control requests may reach.
// Linux publishes its routing table in /proc; other systems need their routing socket (macOS and
// FreeBSD: PF_ROUTE, `route -n get default`; Windows: GetBestRoute2), which Node does not expose,
// so there the caller passes the gateway in or gets a typed 'unsupported-os'.
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { formatIpv4, formatIpv6 } from '../protocol/address.js';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';

export type IpFamily = 'IPv4' | 'IPv6';

export interface Gateway {
  readonly family: IpFamily;
  /** Without zone; an IPv6 link-local gateway is reached through `interface`. */
  readonly address: string;
  readonly interface: string;
}

export type GatewayError = 'no-gateway' | 'unsupported-os';

const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;
/** A table larger than this is not a home computer's; the rest is not read. */
const MAX_ROUTES = 4096;

/** The lowest-metric default route of /proc/net/route (addresses in host byte order, as hex). */
export function parseIpv4Routes(text: string, byteOrder: 'LE' | 'BE' = endianness()): Gateway | undefined {
  let best: { gateway: Gateway; metric: number } | undefined;
  for (const line of text.split('\n', MAX_ROUTES).slice(1)) {
    const [iface, destination, gatewayHex, flagsHex, , , metricText, mask] = line.trim().split(/\s+/);
    if (iface === undefined || destination !== '00000000' || mask !== '00000000' || gatewayHex === undefined || !/^[0-9A-Fa-f]{8}$/.test(gatewayHex)) continue;
    const flags = Number.parseInt(flagsHex ?? '', 16);
    const metric = Number.parseInt(metricText ?? '', 10);
    if ((flags & (RTF_UP | RTF_GATEWAY)) !== (RTF_UP | RTF_GATEWAY) || !Number.isFinite(metric)) continue;
    const bytes = Buffer.from(gatewayHex, 'hex');
    if (byteOrder === 'LE') bytes.reverse();
    if (best === undefined || metric < best.metric) best = { gateway: { family: 'IPv4', address: formatIpv4(bytes, 0), interface: iface }, metric };
  }
  return best?.gateway;
}

/** The lowest-metric default route (::/0 with a next hop) of /proc/net/ipv6_route. */
export function parseIpv6Routes(text: string): Gateway | undefined {
  let best: { gateway: Gateway; metric: number } | undefined;
  for (const line of text.split('\n', MAX_ROUTES)) {
    const [destination, destinationLength, , , nextHop, metricHex, , , flagsHex, iface] = line.trim().split(/\s+/);
    if (destination !== '0'.repeat(32) || destinationLength !== '00' || iface === undefined || iface === 'lo') continue;
    if (nextHop === undefined || !/^[0-9a-fA-F]{32}$/.test(nextHop) || /^0+$/.test(nextHop)) continue;
    const flags = Number.parseInt(flagsHex ?? '', 16);
    const metric = Number.parseInt(metricHex ?? '', 16);
    if ((flags & (RTF_UP | RTF_GATEWAY)) !== (RTF_UP | RTF_GATEWAY) || !Number.isFinite(metric)) continue;
    const address = formatIpv6(Buffer.from(nextHop, 'hex'), 0);
    if (best === undefined || metric < best.metric) best = { gateway: { family: 'IPv6', address, interface: iface }, metric };
  }
  return best?.gateway;
}

export interface GatewaySources {
  readonly platform: NodeJS.Platform;
  readonly readText: (path: string) => Promise<string>;
}

const SYSTEM: GatewaySources = { platform: process.platform, readText: (path) => readFile(path, 'utf8') };

export async function defaultGateway(family: IpFamily, sources: GatewaySources = SYSTEM): Promise<Result<Gateway, GatewayError>> {
  if (sources.platform !== 'linux') return err('unsupported-os', `finding the default gateway is implemented for Linux, not ${sources.platform}`);
  let text: string;
  try {
    text = await sources.readText(family === 'IPv4' ? '/proc/net/route' : '/proc/net/ipv6_route');
  } catch (error) {
    // No IPv6 on this kernel, or /proc not mounted: no route either way.
    return err('no-gateway', error instanceof Error ? error.message : String(error));
  }
  const gateway = family === 'IPv4' ? parseIpv4Routes(text) : parseIpv6Routes(text);
  return gateway === undefined ? err('no-gateway', `no ${family} default route`) : ok(gateway);
}

/** The address to give a socket that sends to the gateway: IPv6 link-local needs its zone. */
export function gatewaySocketAddress(gateway: Gateway): string {
  return gateway.family === 'IPv6' && gateway.address.toLowerCase().startsWith('fe80:') ? `${gateway.address}%${gateway.interface}` : gateway.address;
}

/**
 * This computer's address on the way to the gateway, as the kernel chooses it for a datagram there
 * (a connected UDP socket sends nothing). It is the internal address a mapping is made for.
 */
export function localAddressToward(gateway: Gateway): Promise<Result<string, 'no-route'>> {
  return new Promise((resolve) => {
    const socket = createSocket(gateway.family === 'IPv4' ? 'udp4' : 'udp6');
    const done = (result: Result<string, 'no-route'>): void => {
      socket.close();
      resolve(result);
    };
    socket.once('error', (error) => done(err('no-route', error.message)));
    socket.connect(9, gatewaySocketAddress(gateway), () => {
      try {
        done(ok(socket.address().address.replace(/%.*$/, '')));
      } catch (error) {
        done(err('no-route', error instanceof Error ? error.message : String(error)));
      }
    });
  });
}
