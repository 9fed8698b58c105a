// The edge's sockets (PROTOCOL.md §1): one UDP socket for everything (dual-stack unless bound to an
// IPv4 address), the optional TCP connection to the supernode with length-prefix framing (§1.2),
// and local discovery's multicast sockets (§8.8.1, local-discovery.ts). Sources are normalised to Socket with
// IPv4-mapped addresses turned into IPv4.
//
// The main socket is the addon's batched UDP socket where there is one (Linux: recvmmsg/sendmmsg,
// native/udp.ts): one callback per wake-up for up to a batch of datagrams, and the datagrams sent
// while handling a batch (of TAP frames, of received datagrams) leave in one system call. Elsewhere,
// or with KITH_UDP=dgram in the environment, it is a node:dgram socket; both behave the same.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { connect } from 'node:net';
import type { Socket as TcpSocket } from 'node:net';
import { frameMessage, socketFromAddress, socketToString, TCP_MAX_FRAME_EDGE, TcpDeframer } from '../../protocol/index.js';
import type { Socket } from '../../protocol/index.js';
import { addressBytes, dgramTarget } from '../../protocol/address.js';
import { SourceSockets } from '../../protocol/source-sockets.js';
import type { SockAddr } from '../../../shared/config/values.js';
import { ANSWERED_BY_EXPRESS, openUdpBatch, udpBatchSupported } from '../../../native/udp.js';
import type { DatagramBatch, UdpBatchSocket, UdpFamily } from '../../../native/udp.js';
import { noteArrival, probesHandedToKernel } from '../control/rtt.js';
import { LocalDiscovery } from './local-discovery.js';

/** How a datagram came: 'answered' is UDP whose REGISTER the express lane already acknowledged (native/express.ts). */
export type Arrival = 'udp' | 'answered' | 'tcp' | 'multicast';

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
 * TTL (setTTL around the send, sendDgram) apply to exactly that datagram.
 */
export function literalLookup(hostname: string, _options: unknown, callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  callback(null, hostname, hostname.includes(':') ? 6 : 4);
}

/**
 * The address to bind when the configuration leaves it open ('::' or none). Dual-stack where the
 * batched socket is used: it limits the TTL of each datagram in its own family (IP_TTL for IPv4,
 * mapped ones included, IPV6_HOPLIMIT for IPv6), and a dual-stack socket reaches the IPv6 peers a
 * supernode reports (n3n main hands them out) and the IPv6 discovery group. A node:dgram socket
 * cannot limit the IP TTL of IPv4 datagrams on a dual-stack socket (Node's setTTL sets
 * IPV6_UNICAST_HOPS, which IPv4-mapped traffic ignores) and hole punching relies on that limit
 * (hole-punch.ts OPENER_TTL); so with node:dgram it is IPv4-only when every supernode is IPv4.
 */
export function transportBind(bind: SockAddr | undefined, supernodes: readonly (Socket | undefined)[], batched: boolean): SockAddr | undefined {
  if (batched || (bind !== undefined && bind.address !== '::')) return bind;
  if (supernodes.length === 0 || !supernodes.every((socket) => socket?.family === 'IPv4')) return bind;
  return { address: '0.0.0.0', port: bind?.port ?? 0 };
}

/** Whether UdpTransport.open will use the batched native socket (see openMain). */
export function batchedSocketAvailable(): boolean {
  return process.env['KITH_UDP'] !== 'dgram' && udpBatchSupported();
}

/** The default unicast TTL restored after a TTL-limited send (Linux' default hop limit). */
const DEFAULT_TTL = 64;

/**
 * Sends a copy of bytes from a node:dgram socket made with literalLookup; ttl (when above 0) limits
 * the IP TTL of this datagram only. Throws what dgram throws; send errors go to callback.
 */
export function sendDgram(udp: UdpSocket, bytes: Uint8Array, port: number, address: string, ttl?: number, callback?: (error: Error | null) => void): void {
  const limited = ttl !== undefined && ttl > 0;
  try {
    if (limited) udp.setTTL(ttl);
    udp.send(Buffer.from(bytes), port, address, callback);
  } finally {
    if (limited) udp.setTTL(DEFAULT_TTL);
  }
}

/**
 * Kernel socket buffers of the batched socket. A receiving edge that falls behind for a moment
 * otherwise drops datagrams at the socket (the default ~200 KiB is ~140 full-size PACKETs), and
 * every drop halves the window of the TCP flows inside the tunnel. Capped by net.core.rmem_max
 * unless the edge holds CAP_NET_ADMIN.
 */
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

/** Datagrams per receive batch and per send queue: a TAP read batch (tap-port.ts) fits in one. */
const BATCH = 256;

/** Sources and destinations seen are remembered as Socket objects / address bytes up to this many. */
const ADDRESS_CACHE_LIMIT = 4096;

interface Destination {
  readonly family: UdpFamily;
  readonly bytes: Uint8Array;
}

/** The main socket: the batched native one, or node:dgram. */
type MainSocket = { readonly kind: 'batch'; readonly socket: UdpBatchSocket } | { readonly kind: 'dgram'; readonly socket: UdpSocket };

function bindDgram(dualStack: boolean, address: string, port: number): Promise<UdpSocket> {
  const udp = createSocket({ type: dualStack ? 'udp6' : 'udp4', ipv6Only: false, lookup: literalLookup });
  return new Promise<UdpSocket>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind({ address, port }, () => {
      udp.off('error', reject);
      resolve(udp);
    });
  });
}

function openMain(dualStack: boolean, address: string, port: number): Promise<MainSocket> {
  if (process.env['KITH_UDP'] !== 'dgram') {
    // Trains of equal-size datagrams to one peer leave as one message (GSO) and arrive as one (GRO)
    // where the kernel has them (native/udp.ts falls back to one datagram per message).
    const opened = openUdpBatch({ address, port, bufferBytes: SOCKET_BUFFER_BYTES, gso: true, gro: true, batchSize: BATCH });
    if (opened !== undefined && 'send' in opened) return Promise.resolve({ kind: 'batch', socket: opened });
    if (opened !== undefined) {
      const error = new Error(`bind ${opened.code} ${address}:${port}`) as NodeJS.ErrnoException;
      error.code = opened.code;
      if (opened.errno !== undefined) error.errno = opened.errno;
      if (opened.syscall !== undefined) error.syscall = opened.syscall;
      return Promise.reject(error);
    }
  }
  return bindDgram(dualStack, address, port).then((socket) => ({ kind: 'dgram', socket }));
}

export class UdpTransport {
  private tcp: TcpSocket | undefined;
  private discovery: LocalDiscovery | undefined;
  private closed = false;

  private readonly sources = new SourceSockets(ADDRESS_CACHE_LIMIT);
  private readonly destinations = new Map<string, Destination | null>();

  private constructor(
    private readonly main: MainSocket,
    private readonly dualStack: boolean,
    private readonly handlers: TransportHandlers,
    private readonly drop: DatagramFilter | undefined,
  ) {}

  static async open(options: TransportOptions, handlers: TransportHandlers): Promise<UdpTransport> {
    const address = options.bind?.address ?? '::';
    const dualStack = isIPv6(address);
    const main = await openMain(dualStack, address, options.bind?.port ?? 0);
    const transport = new UdpTransport(main, dualStack, handlers, options.drop);
    if (main.kind === 'batch') {
      const started = main.socket.onDatagrams(
        (batch) => transport.receiveBatch(batch),
        (error) => handlers.sendFailed('udp', new Error(error.message)),
      );
      if (started !== undefined) {
        main.socket.close();
        throw new Error(`cannot receive on the UDP socket: ${started.message}`);
      }
      main.socket.onSendError((error, to) => handlers.sendFailed(socketToString(to as Socket), new Error(error.message)));
      main.socket.onFlushed(probesHandedToKernel);
    } else {
      main.socket.on('message', (bytes, info) => transport.receive(bytes, info.address, info.port, 'udp'));
      main.socket.on('error', (error) => handlers.sendFailed('udp', error));
    }
    if (options.localDiscovery) {
      // IPv6 announcements need the dual-stack main socket to leave from.
      transport.discovery = await LocalDiscovery.open(dualStack ? ['IPv4', 'IPv6'] : ['IPv4'], {
        received: (bytes, from, port) => transport.receive(bytes, from, port, 'multicast'),
        failed: (what, error) => handlers.sendFailed(what, error),
      });
    }
    return transport;
  }

  get localPort(): number {
    return this.main.kind === 'batch' ? this.main.socket.localAddress.port : this.main.socket.address().port;
  }

  /** Whether the main socket reaches IPv6 destinations as well as IPv4 ones. */
  get reachesIpv6(): boolean {
    return this.dualStack;
  }

  get localAddress(): string {
    return this.main.kind === 'batch' ? this.main.socket.localAddress.address : this.main.socket.address().address;
  }

  /** The batched native socket (the express lane works on it); undefined with node:dgram. */
  get batchSocket(): UdpBatchSocket | undefined {
    return this.main.kind === 'batch' ? this.main.socket : undefined;
  }

  /** Statistics of the batched socket (undefined with node:dgram). */
  get batchStats(): ReturnType<UdpBatchSocket['stats']> | undefined {
    return this.main.kind === 'batch' ? this.main.socket.stats() : undefined;
  }

  /** One wake-up's datagrams from the batched socket; the views are valid during this call only. */
  private receiveBatch(batch: DatagramBatch): void {
    const { meta, addrs, data } = batch;
    // Replies among them are timed from the socket's wake-up (rtt.ts).
    noteArrival(batch.arrivedAt);
    try {
      for (let i = 0; i < batch.count; i++) {
        if (this.closed) return;
        const m = 4 * i;
        const offset = meta[m]!;
        const familyPort = meta[m + 2]!;
        const source = this.sources.of(familyPort >>> 16 === 4 ? 4 : 6, addrs, 16 * i, familyPort & 0xffff);
        if (this.drop?.('in', source) === true) continue;
        this.handlers.datagram(data.subarray(offset, offset + meta[m + 1]!), source, (meta[m + 3]! & ANSWERED_BY_EXPRESS) === 0 ? 'udp' : 'answered');
      }
    } finally {
      noteArrival(undefined);
    }
  }

  /** The destination's address bytes for the batched socket; null when the text is no literal address. */
  private destinationOf(address: string): Destination | null {
    let destination = this.destinations.get(address);
    if (destination === undefined) {
      // IPv4-mapped text is an IPv4 destination (§1.1).
      destination = addressBytes(address) ?? null;
      if (this.destinations.size >= ADDRESS_CACHE_LIMIT) this.destinations.clear();
      this.destinations.set(address, destination);
    }
    return destination;
  }

  private receive(bytes: Uint8Array, address: string, port: number, arrival: Arrival): void {
    if (this.closed) return;
    const source = socketFromAddress(address, port);
    if (source === undefined) return;
    if (this.drop?.('in', source) === true) return;
    this.handlers.datagram(bytes, source, arrival);
  }

  private target(to: Socket): string {
    return dgramTarget(to.address, to.family === 'IPv4', this.dualStack);
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
    const main = this.main;
    if (main.kind === 'batch') {
      const destination = this.destinationOf(to.address);
      if (destination === null || (destination.family === 6 && !this.dualStack)) {
        this.handlers.sendFailed(socketToString(to), new Error(`not an address this socket can reach: ${to.address}`));
        return;
      }
      // Queued (a copy) and sent with the others of this batch; a per-datagram TTL travels along.
      if (!main.socket.send(bytes, destination.family, destination.bytes, to.port, ttl ?? 0, to)) {
        this.handlers.sendFailed(socketToString(to), new Error('send queue full'));
      }
      return;
    }
    try {
      sendDgram(main.socket, bytes, to.port, this.target(to), ttl, (error) => {
        if (error) this.handlers.sendFailed(socketToString(to), error);
      });
    } catch (error) {
      this.handlers.sendFailed(socketToString(to), error as Error);
    }
    // dgram hands each datagram over as it is sent: a probe's queueing time is its departure.
    process.nextTick(probesHandedToKernel, undefined);
  }

  /** §8.8.1: multicast REGISTERs leave from the main socket. */
  sendMulticast(bytes: Uint8Array): void {
    for (const group of this.discovery?.groups() ?? []) this.send(bytes, group);
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
    const main = this.main;
    if (main.kind === 'batch') {
      // Whatever is still queued leaves first.
      main.socket.flush();
      main.socket.close();
    }
    await Promise.all([this.discovery?.close(), main.kind === 'dgram' ? new Promise<void>((resolve) => main.socket.close(() => resolve())) : undefined]);
  }
}
