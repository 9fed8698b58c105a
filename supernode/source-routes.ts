// The route of each recent UDP source, so a datagram from a known edge costs no address text,
// socket or route object (and edges' records hold the very route their datagrams arrive with).
import type { Socket } from '../engine/protocol/index.js';
import { SourceSockets } from '../engine/protocol/source-sockets.js';
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
 * Routes by source address and port (with the local address it spoke to; the batched socket's
 * layout: 16 bytes per datagram, an IPv4 address in the first 4, locals all zero when unknown).
 */
export class SourceRoutes {
  private readonly sockets = new SourceSockets(MAX_CACHED_SOURCES);
  /** A route per remembered source Socket. */
  private readonly routes = new Map<Socket, Route & { kind: 'udp' }>();
  private readonly locals: Uint8Array[] = [];

  /** How many sources are remembered (at most MAX_CACHED_SOURCES). */
  get size(): number {
    return this.routes.size;
  }

  route(addrs: Uint8Array, at: number, family: 4 | 6, port: number, locals: Uint8Array | undefined): Route {
    const hasLocal = locals !== undefined && !isZero(locals, at);
    const socket = this.sockets.of(family, addrs, at, port);
    const cached = this.routes.get(socket);
    if (cached !== undefined && (hasLocal ? cached.local !== undefined && sameBytes16(cached.local, locals, at) : cached.local === undefined)) return cached;
    if (this.routes.size >= MAX_CACHED_SOURCES) this.routes.clear();
    const route = { kind: 'udp', socket, local: hasLocal ? this.local(locals, at) : undefined } as const;
    this.routes.set(socket, route);
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

