// The supernode's UDP socket (PROTOCOL.md §1.1): dual-stack unless the bind address is an IPv4
// literal. On Linux it is the addon's batched socket, which also tells the local address each
// datagram came to, so a supernode with several addresses answers (and relays to an edge) from the
// address that edge talks to: NAT routers and firewalls drop answers from another address (issue 9
// item 19). Where the addon has no such socket (other systems, or no build) node:dgram serves, and
// the kernel picks the source address by its routes, as it does for n3n.
import { createSocket } from 'node:dgram';
import type { Socket as DgramSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { isIPv4 } from 'node:net';
import { openRegisterAnswers } from '../native/register-answers.js';
import type { RegisterAnswers } from '../native/register-answers.js';
import { ANSWERED_BY_EXPRESS, openUdpBatch } from '../native/udp.js';
import type { UdpBatchSocket, UdpError } from '../native/udp.js';
import { socketFromAddress } from '../engine/protocol/index.js';
import { dgramTarget, parseAddress } from '../engine/protocol/address.js';
import type { SockAddr } from '../shared/config/values.js';
import { udpRoute } from './route.js';
import type { Route } from './route.js';
import { SourceRoutes } from './source-routes.js';

export interface UdpHandlers {
  /** answered: the socket's callback already sent the ACK of a repeated REGISTER_SUPER (rememberAnswer). */
  message(bytes: Uint8Array, route: Route, answered: boolean): void;
  sendFailed(route: Route, error: Error): void;
}

export interface UdpEndpoint {
  address(): AddressInfo;
  /** Sends to IPv6 addresses are impossible (DNS lookups of peers ask for IPv4 then). */
  readonly ipv4Only: boolean;
  /** To route.socket, from route.local where the socket can choose; bytes may be reused once this returns. */
  send(route: Route, bytes: Uint8Array): void;
  /**
   * From now for validMs, a clear-text REGISTER_SUPER from route equal to request but for its cookie
   * is answered with answer (its cookie patched in) from the socket's callback, where the socket can
   * (native/register-answers.ts); the bytes are copied.
   */
  rememberAnswer(route: Route, request: Uint8Array, answer: Uint8Array, validMs: number): void;
  forgetAnswer(route: Route): void;
  forgetAnswers(): void;
  /** Requests answered from the socket's callback. */
  readonly answered: number;
  close(): Promise<void>;
}

const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
// Room for any datagram: oversized ones must reach the pipeline, which counts them (§9.2 step 1).
const LARGEST_DATAGRAM = 65_536;
const BATCH = 32;

/** Binds the UDP socket; a failure is thrown as node reports one (code, syscall, address, port). */
export async function openUdpEndpoint(bind: SockAddr, handlers: UdpHandlers): Promise<UdpEndpoint> {
  const batch = openUdpBatch({ address: bind.address, port: bind.port, recvLocalAddress: true, bufferBytes: RECEIVE_BUFFER_BYTES, maxDatagram: LARGEST_DATAGRAM, batchSize: BATCH });
  if (batch === undefined) return DgramEndpoint.open(bind, handlers);
  if (!('send' in batch)) throw bindError(batch, bind);
  return new NativeEndpoint(batch, handlers);
}

function bindError(error: UdpError, bind: SockAddr): Error {
  return Object.assign(new Error(error.message), { code: error.code, errno: error.errno, syscall: error.syscall ?? 'bind', address: bind.address, port: bind.port });
}

class NativeEndpoint implements UdpEndpoint {
  readonly ipv4Only: boolean;
  private readonly sources = new SourceRoutes();
  // Destination bytes of the current send (the socket copies them).
  private readonly target = new Uint8Array(16);
  private readonly answers: RegisterAnswers | undefined;
  // The source of a remembered answer (the answers copy it).
  private readonly answerSource = { family: 4 as 4 | 6, address: new Uint8Array(16), port: 0, local: new Uint8Array(16) };

  constructor(
    private readonly socket: UdpBatchSocket,
    private readonly handlers: UdpHandlers,
  ) {
    this.ipv4Only = !socket.ipv6;
    const answers = openRegisterAnswers(socket);
    this.answers = typeof answers === 'string' ? undefined : answers;
    socket.onSendError((error, tag) => handlers.sendFailed(tag as Route, new Error(error.message)));
    // Receive errors are ICMP reports about earlier sends; they must not stop the supernode.
    socket.onDatagrams(
      (received) => {
        const { data, meta, addrs, locals } = received;
        for (let i = 0; i < received.count; i++) {
          const familyPort = meta[4 * i + 2]!;
          const route = this.sources.route(addrs, 16 * i, familyPort >>> 16 === 4 ? 4 : 6, familyPort & 0xffff, locals);
          const offset = meta[4 * i]!;
          handlers.message(data.subarray(offset, offset + meta[4 * i + 1]!), route, (meta[4 * i + 3]! & ANSWERED_BY_EXPRESS) !== 0);
        }
      },
      () => undefined,
    );
  }

  address(): AddressInfo {
    return { ...this.socket.localAddress };
  }

  send(route: Route, bytes: Uint8Array): void {
    const { address, port } = route.socket;
    // A zone cannot travel in the address bytes: such a route is not sendable from here.
    const length = address.includes('%') ? 0 : parseAddress(address, this.target);
    if (length === 0) return this.handlers.sendFailed(route, new Error(`not an address: ${address}`));
    const local = route.kind === 'udp' ? route.local : undefined;
    const family = length === 4 ? 4 : 6;
    if (!this.socket.send(bytes, family, this.target, port, 0, route, local)) {
      this.handlers.sendFailed(route, new Error('UDP send queue full'));
    }
  }

  rememberAnswer(route: Route, request: Uint8Array, answer: Uint8Array, validMs: number): void {
    const source = this.sourceOf(route);
    if (source !== undefined) this.answers?.remember(source, request, answer, validMs);
  }

  forgetAnswer(route: Route): void {
    const source = this.sourceOf(route);
    if (source !== undefined) this.answers?.forget(source);
  }

  forgetAnswers(): void {
    this.answers?.clear();
  }

  get answered(): number {
    return this.answers?.stats().answered ?? 0;
  }

  close(): Promise<void> {
    this.answers?.close();
    this.socket.close();
    return Promise.resolve();
  }

  /**
   * route as the answers key it (the socket's view of a datagram's source), or undefined without
   * answers, for a TCP route or an unsendable address.
   */
  private sourceOf(route: Route): typeof this.answerSource | undefined {
    if (this.answers === undefined || route.kind !== 'udp') return undefined;
    const source = this.answerSource;
    source.address.fill(0);
    const length = route.socket.address.includes('%') ? 0 : parseAddress(route.socket.address, source.address);
    if (length === 0) return undefined;
    source.family = length === 4 ? 4 : 6;
    source.port = route.socket.port;
    if (route.local === undefined) source.local.fill(0);
    else source.local.set(route.local);
    return source;
  }
}

class DgramEndpoint implements UdpEndpoint {
  private constructor(
    private readonly socket: DgramSocket,
    private readonly family: 'udp4' | 'udp6',
    private readonly handlers: UdpHandlers,
  ) {
    socket.on('message', (bytes, remote) => {
      const source = socketFromAddress(remote.address, remote.port);
      if (source !== undefined) handlers.message(bytes, udpRoute(source), false);
    });
    // A UDP socket reports ICMP errors of earlier sends here; they must not stop the supernode.
    socket.on('error', () => undefined);
  }

  static async open(bind: SockAddr, handlers: UdpHandlers): Promise<DgramEndpoint> {
    const family = isIPv4(bind.address) ? 'udp4' : 'udp6';
    const socket = createSocket({ type: family, ipv6Only: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind({ address: bind.address, port: bind.port, exclusive: true }, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    try {
      socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
    } catch {
      // The kernel caps the size (net.core.rmem_max); the default still works.
    }
    return new DgramEndpoint(socket, family, handlers);
  }

  get ipv4Only(): boolean {
    return this.family === 'udp4';
  }

  address(): AddressInfo {
    return this.socket.address();
  }

  send(route: Route, bytes: Uint8Array): void {
    const { address, port, family } = route.socket;
    // dgram holds the buffer until the send completes; callers reuse theirs (UdpEndpoint.send).
    this.socket.send(Buffer.from(bytes), port, dgramTarget(address, family === 'IPv4', this.family === 'udp6'), (error) => {
      if (error) this.handlers.sendFailed(route, error);
    });
  }

  // node:dgram sockets answer every request from JavaScript.
  rememberAnswer(): void {}
  forgetAnswer(): void {}
  forgetAnswers(): void {}
  readonly answered = 0;

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
