// The supernode's sockets (PROTOCOL.md §1.1, §1.2, §13): the UDP endpoint (udp-endpoint.ts) and a
// TCP listener on the same port whose connections carry length-prefixed messages.
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket as NetSocket } from 'node:net';
import { frameMessage, socketFromAddress, TCP_MAX_FRAME_SUPERNODE, TcpDeframer } from '../engine/protocol/index.js';
import type { Socket } from '../engine/protocol/index.js';
import type { SockAddr } from '../shared/config/values.js';
import { tcpRoute } from './route.js';
import type { Route, TcpConnection } from './route.js';
import { openUdpEndpoint } from './udp-endpoint.js';
import type { UdpEndpoint } from './udp-endpoint.js';

export interface TransportLimits {
  /** When full, the oldest connection that has not registered an edge makes room for a new one. */
  readonly maxTcpConnections: number;
  /** A connection that sends nothing for this long is closed (live edges re-register every 20 s). */
  readonly tcpIdleMs: number;
  /** A connection over which no edge registered within this long is closed (issue 9 item 14). */
  readonly tcpRegisterWithinMs: number;
  /** Connections one source address may hold open (0 = no limit). */
  readonly tcpConnectionsPerAddress: number;
}

export interface TransportHandlers {
  /** answered: the UDP socket's callback already sent the ACK of a repeated REGISTER_SUPER (UdpEndpoint.rememberAnswer). */
  message(bytes: Uint8Array, route: Route, answered: boolean): void;
  /** A TCP peer announced a frame above 2046 bytes; its connection is being closed. */
  tcpGarbage(route: Route): void;
  connectionClosed(connection: TcpConnection): void;
  sendFailed(route: Route, error: Error): void;
}

// When binding to port 0 the TCP listener takes the port the kernel gave the UDP socket; if that
// TCP port is taken, try another pair.
const PORT_ATTEMPTS = 8;

class Connection implements TcpConnection {
  private readonly deframer = new TcpDeframer(TCP_MAX_FRAME_SUPERNODE);
  registered = false;

  constructor(
    readonly id: number,
    readonly peer: Socket,
    private readonly stream: NetSocket,
  ) {}

  get closed(): boolean {
    return this.stream.destroyed;
  }

  markRegistered(): void {
    this.registered = true;
  }

  send(message: Uint8Array): void {
    if (!this.stream.destroyed) this.stream.write(frameMessage(message));
  }

  close(): void {
    this.stream.destroy();
  }

  /** Frames completed by chunk, or undefined when the stream is garbage. */
  frames(chunk: Uint8Array): Uint8Array[] | undefined {
    const result = this.deframer.push(chunk);
    return result.ok ? result.value : undefined;
  }
}

export class Transport {
  private readonly connections = new Set<Connection>();
  // Oldest first; registered ones are skipped (and dropped) lazily.
  private readonly waiting = new Set<Connection>();
  private readonly perAddress = new Map<string, number>();
  private nextConnectionId = 1;

  private constructor(
    private readonly udp: UdpEndpoint,
    private readonly tcp: Server,
    private readonly limits: TransportLimits,
    private readonly handlers: TransportHandlers,
  ) {
    tcp.on('connection', (stream) => this.accept(stream));
    tcp.on('error', () => undefined);
  }

  static async open(bind: SockAddr, limits: TransportLimits, handlers: TransportHandlers): Promise<Transport> {
    for (let attempt = 1; ; attempt++) {
      const udp = await openUdpEndpoint(bind, handlers);
      try {
        const tcp = await listenTcp(bind.address, udp.address().port, limits.maxTcpConnections);
        return new Transport(udp, tcp, limits, handlers);
      } catch (error) {
        await udp.close();
        if (bind.port !== 0 || attempt >= PORT_ATTEMPTS) throw error;
      }
    }
  }

  /** The bound UDP address (the TCP listener has the same port). */
  address(): AddressInfo {
    return this.udp.address();
  }

  /** Whether sends to IPv6 addresses are impossible (DNS lookups of peers ask for IPv4 then). */
  get ipv4Only(): boolean {
    return this.udp.ipv4Only;
  }

  /** bytes may be reused once this returns: both transports copy (frameMessage, the UDP endpoint). */
  send(route: Route, bytes: Uint8Array): void {
    if (route.kind === 'tcp') route.connection.send(bytes);
    else this.udp.send(route, bytes);
  }

  /** UdpEndpoint.rememberAnswer; TCP routes are always answered from JavaScript (the endpoint keeps none). */
  rememberAnswer(route: Route, request: Uint8Array, answer: Uint8Array, validMs: number): void {
    this.udp.rememberAnswer(route, request, answer, validMs);
  }

  forgetAnswer(route: Route): void {
    this.udp.forgetAnswer(route);
  }

  forgetAnswers(): void {
    this.udp.forgetAnswers();
  }

  /** Requests answered from the UDP socket's callback. */
  get answered(): number {
    return this.udp.answered;
  }

  async close(): Promise<void> {
    for (const connection of [...this.connections]) {
      connection.close();
      this.release(connection);
    }
    await Promise.all([this.udp.close(), new Promise<void>((resolve) => this.tcp.close(() => resolve()))]);
  }

  /**
   * Issue 9 item 14: one source address holds at most tcpConnectionsPerAddress connections, a
   * connection must register an edge within tcpRegisterWithinMs, and a full table closes the
   * oldest connection still waiting to register rather than refusing everyone.
   */
  private accept(stream: NetSocket): void {
    const peer = stream.remoteAddress === undefined ? undefined : socketFromAddress(stream.remoteAddress, stream.remotePort ?? 0);
    const { tcpConnectionsPerAddress, maxTcpConnections } = this.limits;
    const held = peer === undefined ? 0 : (this.perAddress.get(peer.address) ?? 0);
    if (peer === undefined || (tcpConnectionsPerAddress > 0 && held >= tcpConnectionsPerAddress) || !this.roomFor(maxTcpConnections)) {
      stream.destroy();
      return;
    }
    const connection = new Connection(this.nextConnectionId++, peer, stream);
    this.connections.add(connection);
    this.waiting.add(connection);
    this.perAddress.set(peer.address, held + 1);
    const route = tcpRoute(connection);
    stream.setNoDelay(true);
    stream.setTimeout(this.limits.tcpIdleMs, () => stream.destroy());
    const registerBy = setTimeout(() => {
      if (!connection.registered) stream.destroy();
    }, this.limits.tcpRegisterWithinMs);
    stream.on('data', (chunk: Buffer) => {
      const frames = connection.frames(chunk);
      if (frames === undefined) {
        this.handlers.tcpGarbage(route);
        stream.destroy();
        return;
      }
      for (const frame of frames) this.handlers.message(frame, route, false);
    });
    stream.on('error', () => undefined);
    stream.on('close', () => {
      clearTimeout(registerBy);
      this.release(connection);
      this.handlers.connectionClosed(connection);
    });
  }

  /** Whether a new connection fits, after closing the oldest one still waiting to register if needed. */
  private roomFor(max: number): boolean {
    if (this.connections.size < max) return true;
    for (const connection of this.waiting) {
      this.waiting.delete(connection);
      if (connection.registered) continue;
      connection.close();
      this.release(connection);
      return true;
    }
    return false;
  }

  /** Forgets a closed (or closing) connection; idempotent. */
  private release(connection: Connection): void {
    if (!this.connections.delete(connection)) return;
    this.waiting.delete(connection);
    const count = (this.perAddress.get(connection.peer.address) ?? 1) - 1;
    if (count > 0) this.perAddress.set(connection.peer.address, count);
    else this.perAddress.delete(connection.peer.address);
  }
}

function listenTcp(address: string, port: number, backlog: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer({ noDelay: true });
    server.once('error', reject);
    server.listen({ host: address, port, ipv6Only: false, backlog }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
