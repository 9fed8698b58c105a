// The edge's sockets (PROTOCOL.md §1): one UDP socket for everything (dual-stack unless bound to an
// IPv4 address), the optional TCP connection to the supernode with length-prefix framing (§1.2),
// and the multicast sockets of local discovery (§8.8.1). Sources are normalised to Socket with
// IPv4-mapped addresses turned into IPv4.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { connect } from 'node:net';
import type { Socket as TcpSocket } from 'node:net';
import { frameMessage, LOCAL_DISCOVERY_PORT, socketFromAddress, socketToString, TCP_MAX_FRAME_EDGE, TcpDeframer } from '../protocol/index.js';
import type { Socket } from '../protocol/index.js';
import type { SockAddr } from '../config/values.js';

export type Arrival = 'udp' | 'tcp' | 'multicast';

export const MULTICAST_GROUP_V4 = '224.0.0.68';
export const MULTICAST_GROUP_V6 = 'ff05::6e:336e';

export interface TransportHandlers {
  datagram(bytes: Uint8Array, source: Socket, arrival: Arrival): void;
  /** The TCP connection to the supernode ended (§1.2: the edge then waits for a supernode again). */
  tcpClosed(): void;
  sendFailed(to: string, error: Error): void;
}

/** Test hook: drop a datagram to or from remote (simulates a path that does not let it through). */
export type DatagramFilter = (direction: 'in' | 'out', remote: Socket) => boolean;

export interface TransportOptions {
  readonly bind: SockAddr | undefined;
  readonly localDiscovery: boolean;
  readonly drop?: DatagramFilter | undefined;
}

/**
 * dgram resolves even literal addresses asynchronously through dns.lookup; a synchronous lookup
 * makes send() hand the datagram to the kernel before it returns, which is what lets a per-send IP
 * TTL (setTTL around the send) apply to exactly that datagram.
 */
function literalLookup(hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  callback(null, hostname, isIPv6(hostname) ? 6 : 4);
}

/**
 * The address to bind when the configuration leaves it open ('::' or none): IPv4-only when every
 * supernode is an IPv4 socket. A dual-stack socket cannot limit the IP TTL of IPv4 datagrams — Node's
 * setTTL sets IPV6_UNICAST_HOPS on it, which IPv4-mapped traffic ignores (it uses IP_TTL) — and
 * hole punching relies on that limit (hole-punch.ts OPENER_TTL). The peers' sockets the supernodes
 * report are then IPv4 as well, so nothing reachable is lost; with an IPv6 (or unresolved)
 * supernode the socket stays dual-stack.
 */
export function transportBind(bind: SockAddr | undefined, supernodes: readonly (Socket | undefined)[]): SockAddr | undefined {
  if (bind !== undefined && bind.address !== '::') return bind;
  if (supernodes.length === 0 || !supernodes.every((socket) => socket?.family === 'IPv4')) return bind;
  return { address: '0.0.0.0', port: bind?.port ?? 0 };
}

/** The default unicast TTL restored after a TTL-limited send (Linux' default hop limit). */
const DEFAULT_TTL = 64;

export class UdpTransport {
  private tcp: TcpSocket | undefined;
  private readonly multicast: UdpSocket[] = [];
  private closed = false;

  private constructor(
    private readonly udp: UdpSocket,
    private readonly dualStack: boolean,
    private readonly handlers: TransportHandlers,
    private readonly drop: DatagramFilter | undefined,
  ) {}

  static async open(options: TransportOptions, handlers: TransportHandlers): Promise<UdpTransport> {
    const address = options.bind?.address ?? '::';
    const dualStack = isIPv6(address);
    const udp = createSocket({ type: dualStack ? 'udp6' : 'udp4', ipv6Only: false, lookup: literalLookup });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address, port: options.bind?.port ?? 0 }, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const transport = new UdpTransport(udp, dualStack, handlers, options.drop);
    udp.on('message', (bytes, info) => transport.receive(bytes, info.address, info.port, 'udp'));
    udp.on('error', (error) => handlers.sendFailed('udp', error));
    if (options.localDiscovery) await transport.openMulticast();
    return transport;
  }

  get localPort(): number {
    return this.udp.address().port;
  }

  get localAddress(): string {
    return this.udp.address().address;
  }

  /** Binds port 1968 with address reuse and joins the discovery groups; failures only disable discovery. */
  private async openMulticast(): Promise<void> {
    const groups: ['udp4' | 'udp6', string][] = [['udp4', MULTICAST_GROUP_V4]];
    if (this.dualStack) groups.push(['udp6', MULTICAST_GROUP_V6]);
    for (const [type, group] of groups) {
      const socket = createSocket({ type, reuseAddr: true });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject);
          socket.bind(LOCAL_DISCOVERY_PORT, () => {
            socket.off('error', reject);
            resolve();
          });
        });
        socket.addMembership(group);
        socket.on('message', (bytes, info) => this.receive(bytes, info.address, info.port, 'multicast'));
        socket.on('error', (error) => this.handlers.sendFailed(`multicast ${group}`, error));
        this.multicast.push(socket);
      } catch (error) {
        socket.close();
        this.handlers.sendFailed(`multicast ${group}`, error as Error);
      }
    }
  }

  private receive(bytes: Uint8Array, address: string, port: number, arrival: Arrival): void {
    if (this.closed) return;
    const source = socketFromAddress(address, port);
    if (source === undefined) return;
    if (this.drop?.('in', source) === true) return;
    this.handlers.datagram(bytes, source, arrival);
  }

  private target(to: Socket): string {
    // A dual-stack socket reaches IPv4 destinations through their mapped form (§1.1).
    return this.dualStack && to.family === 'IPv4' ? `::ffff:${to.address}` : to.address;
  }

  /**
   * Sends one datagram. ttl limits the IP TTL of this datagram only (hole punching, §8.7.2). The
   * bytes are copied: the caller's buffer is reused for the next message while the kernel may
   * still queue this one.
   */
  send(bytes: Uint8Array, to: Socket, ttl?: number): void {
    if (this.closed) return;
    if (this.drop?.('out', to) === true) return;
    if (!this.dualStack && to.family === 'IPv6') return;
    const copy = Buffer.from(bytes);
    const limited = ttl !== undefined && ttl > 0;
    try {
      if (limited) this.udp.setTTL(ttl);
      this.udp.send(copy, to.port, this.target(to), (error) => {
        if (error) this.handlers.sendFailed(socketToString(to), error);
      });
    } catch (error) {
      this.handlers.sendFailed(socketToString(to), error as Error);
    } finally {
      if (limited) this.udp.setTTL(DEFAULT_TTL);
    }
  }

  /** §8.8.1: multicast REGISTERs leave from the main socket. */
  sendMulticast(bytes: Uint8Array): void {
    this.send(bytes, { family: 'IPv4', address: MULTICAST_GROUP_V4, port: LOCAL_DISCOVERY_PORT });
    if (this.dualStack && this.multicast.length > 1) {
      this.send(bytes, { family: 'IPv6', address: MULTICAST_GROUP_V6, port: LOCAL_DISCOVERY_PORT });
    }
  }

  get tcpConnected(): boolean {
    return this.tcp !== undefined;
  }

  /** (Re)opens the TCP connection to the supernode (§1.2: before every switch or retry). */
  connectTcp(to: Socket): void {
    this.closeTcp();
    if (this.closed) return;
    const deframer = new TcpDeframer(TCP_MAX_FRAME_EDGE);
    const socket = connect({ host: to.address, port: to.port, noDelay: true });
    this.tcp = socket;
    socket.on('data', (chunk) => {
      const frames = deframer.push(chunk);
      if (!frames.ok) {
        socket.destroy();
        return;
      }
      for (const frame of frames.value) this.receive(frame, to.address, to.port, 'tcp');
    });
    socket.on('error', (error) => this.handlers.sendFailed(`TCP ${socketToString(to)}`, error));
    socket.on('close', () => {
      if (this.tcp !== socket) return;
      this.tcp = undefined;
      if (!this.closed) this.handlers.tcpClosed();
    });
  }

  sendTcp(bytes: Uint8Array): void {
    if (this.tcp === undefined || this.closed) return;
    // Writes before the connection is up are buffered by node:net.
    this.tcp.write(frameMessage(bytes));
  }

  closeTcp(): void {
    const socket = this.tcp;
    this.tcp = undefined;
    socket?.destroy();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.closeTcp();
    const sockets = [this.udp, ...this.multicast];
    await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
  }
}
