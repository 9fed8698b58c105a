// Where a reply or a forwarded message goes: back out of the UDP socket to an address, or into the
// TCP connection an edge registered over (PROTOCOL.md §1.2: everything for a TCP edge goes through
// its connection; supernode-to-supernode traffic is always UDP).
import { socketToString } from '../engine/protocol/index.js';
import { bytesEqual } from '../engine/protocol/codec.js';
import type { Socket } from '../engine/protocol/index.js';

export interface TcpConnection {
  readonly id: number;
  /** The edge's address as seen by the supernode (IPv4-mapped addresses already converted). */
  readonly peer: Socket;
  readonly closed: boolean;
  /** Sends one message (the length prefix is added here). */
  send(message: Uint8Array): void;
  close(): void;
  /** An edge registered over it: the transport stops counting it as idle before registration. */
  markRegistered(): void;
}

export type Route =
  /** local: the supernode's own address the peer sent to (16 bytes, IPv4 mapped), where known. */
  | { readonly kind: 'udp'; readonly socket: Socket; readonly local?: Uint8Array | undefined }
  | { readonly kind: 'tcp'; readonly socket: Socket; readonly connection: TcpConnection };

export function udpRoute(socket: Socket, local?: Uint8Array): Route {
  return local === undefined ? { kind: 'udp', socket } : { kind: 'udp', socket, local };
}

export function tcpRoute(connection: TcpConnection): Route {
  return { kind: 'tcp', socket: connection.peer, connection };
}

/** Same transport, peer socket, and TCP connection or local address. */
export function routeEquals(a: Route, b: Route): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.socket.port !== b.socket.port || a.socket.address !== b.socket.address) return false;
  if (a.kind === 'tcp' || b.kind === 'tcp') return a.kind === 'tcp' && b.kind === 'tcp' && a.connection === b.connection;
  return a.local === b.local || (a.local !== undefined && b.local !== undefined && bytesEqual(a.local, b.local));
}

/** 'a.b.c.d:port', with a 'TCP/' prefix for stream routes (logs and events; get_edges shows the bare socket, N3N-TESTS.md §4). */
export function routeToString(route: Route): string {
  return route.kind === 'tcp' ? `TCP/${socketToString(route.socket)}` : socketToString(route.socket);
}
