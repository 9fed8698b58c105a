// The route of each recent UDP source, so a datagram from a known edge costs no address text,
// socket or route object (and edges' records hold the very route their datagrams arrive with).
import { socketFromAddressBytes } from '../engine/protocol/index.js';
import { SourceSockets } from '../engine/protocol/source-sockets.js';
import { udpRoute } from './route.js';
import type { Route } from './route.js';

const isZero = (bytes: Uint8Array, at: number): boolean => {
  for (let i = at; i < at + 16; i++) if (bytes[i] !== 0) return false;
  return true;
};

const sameBytes16 = (a: Uint8Array, b: Uint8Array, at: number): boolean => {
  for (let i = 0; i < 16; i++) if (a[i] !== b[at + i]) return false;
  return true;
};

/** Sources remembered (their routes); a full cache starts over, so hostile sources cost bounded memory. */
export const MAX_CACHED_SOURCES = 65_536;
/** Distinct local addresses shared between routes (a host has a handful). */
const MAX_SHARED_LOCALS = 64;

/**
 * Routes by IPv4 source and port (with the local address it spoke to; the batched socket's layout:
 * 16 bytes per datagram, an IPv4 address in the first 4, locals all zero when unknown). IPv6
 * sources get a fresh route per datagram around their remembered Socket.
 */
export class SourceRoutes {
  private readonly byIpv4 = new Map<number, Route & { kind: 'udp' }>();
  private readonly ipv6 = new SourceSockets(MAX_CACHED_SOURCES);
  private readonly locals: Uint8Array[] = [];

  /** How many sources are remembered (at most MAX_CACHED_SOURCES per family). */
  get size(): number {
    return this.byIpv4.size + this.ipv6.size;
  }

  route(addrs: Uint8Array, at: number, family: 4 | 6, port: number, locals: Uint8Array | undefined): Route {
    const hasLocal = locals !== undefined && !isZero(locals, at);
    if (family !== 4) return udpRoute(this.ipv6.of(6, addrs, at, port), hasLocal ? this.local(locals, at) : undefined);
    const key = (((addrs[at]! << 24) | (addrs[at + 1]! << 16) | (addrs[at + 2]! << 8) | addrs[at + 3]!) >>> 0) * 0x1_0000 + port;
    const cached = this.byIpv4.get(key);
    if (cached !== undefined && (hasLocal ? cached.local !== undefined && sameBytes16(cached.local, locals, at) : cached.local === undefined)) return cached;
    if (this.byIpv4.size >= MAX_CACHED_SOURCES) this.byIpv4.clear();
    const route = { kind: 'udp', socket: socketFromAddressBytes(addrs, at, 4, port), local: hasLocal ? this.local(locals, at) : undefined } as const;
    this.byIpv4.set(key, route);
    return route;
  }

  /** The shared copy of the 16 local-address bytes at locals[at]. */
  private local(locals: Uint8Array, at: number): Uint8Array {
    for (const local of this.locals) if (sameBytes16(local, locals, at)) return local;
    const local = locals.slice(at, at + 16);
    if (this.locals.length < MAX_SHARED_LOCALS) this.locals.push(local);
    return local;
  }
}

