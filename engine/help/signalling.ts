// The help signalling service of one edge (docs/help-session.md): a TCP listener on the edge's own
// VPN address and port 7655, and one outgoing connection per peer it talks to. Connections carry
// frames one way; replies travel on the other side's own connection. Everything that arrives is
// hostile until shown otherwise: the source must be inside the network's subnet, the frame must
// verify under the network's help key, its sender MAC must be a peer in the table whose VPN address
// is the connection's source, and its nonce and stamp must be fresh. Refusals are counted and
// logged once per reason; nothing thrown here reaches the caller.
import { BlockList, createServer, connect, type Server, type Socket } from 'node:net';
import type { Clock } from '../clock.js';
import { KeyedTokenBuckets, perSecond } from '../keyed-token-buckets.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { HelpPeerRef } from './api.js';
import { decodeFrame, encodeFrame, FrameReader, HELP_PORT, newNonce, ReplayGuard, type HelpBody, type HelpMessage } from './wire.js';

/** The limits on what peers may cost (hostile-input rules). */
const SIGNALLING_LIMITS = {
  /** Incoming connections from one address at once. */
  connectionsPerPeer: 2,
  /** Incoming connections at once, from everyone. */
  connections: 32,
  /** Outgoing connections at once (one per peer talked to). */
  outgoing: 32,
  /** A connection with nothing to read or write this long is closed. */
  idleMs: 30_000,
  /** Frames one address may send per second (bursts of two seconds' worth). */
  framesPerSecond: 50,
  /** Bytes waiting to be written to one peer; beyond, new messages are dropped. */
  queueBytes: 256 * 1024,
} as const;

/** How long close() waits for peers to take what was last sent (a session's stop). */
const CLOSE_WAIT_MS = 1_000;

export type DropReason =
  | 'outside-subnet'
  | 'too-many-connections'
  | 'oversized'
  | 'rate'
  | 'short'
  | 'bad-tag'
  | 'bad-json'
  | 'bad-shape'
  | 'wrong-receiver'
  | 'unknown-sender'
  | 'wrong-source'
  | 'stale'
  | 'replayed'
  | 'full'
  | 'queue-full'
  | 'handler-failed';

export interface SignallingOptions {
  /** This edge's VPN address and prefix: the only address listened on and sent from. */
  readonly address: string;
  readonly prefix: number;
  readonly selfMac: string;
  /** The network's help key (wire.ts helpKey). */
  readonly key: Buffer;
  readonly clock: Clock;
  /** A peer currently in the peer table, with its VPN address. */
  readonly peer: (mac: string) => HelpPeerRef | undefined;
  /** A message that passed every check, from the peer that sent it. */
  readonly onMessage: (from: HelpPeerRef, message: HelpMessage) => void;
  /** A connection to the peer could not be made (nothing listens there, or no route): what was sent to it is lost. */
  readonly onUnreachable: (mac: string) => void;
  readonly log: (line: string) => void;
  /** Default HELP_PORT; tests on loopback use another. */
  readonly port?: number;
}

export class Signalling {
  private readonly subnet = new BlockList();
  private readonly incoming = new Map<string, Set<Socket>>();
  private readonly outgoing = new Map<string, Socket>();
  private readonly buckets = new KeyedTokenBuckets<string>(perSecond(SIGNALLING_LIMITS.framesPerSecond), 1024);
  private readonly replay = new ReplayGuard();
  private readonly drops = new Map<DropReason, number>();
  private readonly port: number;

  private constructor(
    private readonly options: SignallingOptions,
    private readonly server: Server,
  ) {
    this.port = options.port ?? HELP_PORT;
    this.subnet.addSubnet(options.address, options.prefix, 'ipv4');
    server.on('connection', (socket) => this.accept(socket));
    // A listener error after listen() (rare: EMFILE) is logged; the service keeps what it has.
    server.on('error', (error) => options.log(`help: listener: ${error.message}`));
  }

  /** Listens on address:port only; the detail says why not (e.g. the address is not on the TAP yet). */
  static listen(options: SignallingOptions): Promise<Result<Signalling, 'listen'>> {
    const server = createServer({ noDelay: true });
    return new Promise((resolve) => {
      const onError = (error: Error): void => resolve(err('listen', error.message));
      server.once('error', onError);
      server.listen({ host: options.address, port: options.port ?? HELP_PORT, exclusive: true }, () => {
        server.off('error', onError);
        resolve(ok(new Signalling(options, server)));
      });
    });
  }

  /** What was refused so far, by reason. */
  dropped(): Readonly<Partial<Record<DropReason, number>>> {
    return Object.fromEntries(this.drops);
  }

  /** Sends body to peer on this edge's connection to it; dropped (and counted) when its queue is full. */
  send(peer: HelpPeerRef, body: HelpBody): void {
    const message = { ...body, from: this.options.selfMac, to: peer.mac, at: Math.round(this.options.clock.nowMs()), nonce: newNonce() } as HelpMessage;
    const frame = encodeFrame(this.options.key, message);
    if (frame === undefined) return this.drop('oversized');
    let socket = this.outgoing.get(peer.mac);
    if (socket !== undefined && socket.remoteAddress !== undefined && socket.remoteAddress !== peer.vpnIpv4) {
      socket.destroy();
      socket = undefined;
    }
    if (socket === undefined) {
      if (this.outgoing.size >= SIGNALLING_LIMITS.outgoing) return this.drop('queue-full');
      socket = this.dial(peer);
    }
    if (socket.writableLength + frame.length > SIGNALLING_LIMITS.queueBytes) return this.drop('queue-full');
    socket.write(frame);
  }

  /**
   * Stops listening and closes every connection. What was written to peers is flushed first: the
   * wait for each peer's own close (it has then read everything) is bounded by CLOSE_WAIT_MS.
   */
  async close(): Promise<void> {
    const flushed = [...this.outgoing.values()].map((socket) => {
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.end();
      return closed;
    });
    for (const sockets of this.incoming.values()) for (const socket of sockets) socket.destroy();
    this.incoming.clear();
    const listenerClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(flushed), new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
    for (const socket of this.outgoing.values()) socket.destroy();
    this.outgoing.clear();
    await listenerClosed;
  }

  private dial(peer: HelpPeerRef): Socket {
    const socket = connect({ host: peer.vpnIpv4, port: this.port, localAddress: this.options.address, noDelay: true });
    this.outgoing.set(peer.mac, socket);
    socket.setTimeout(SIGNALLING_LIMITS.idleMs, () => socket.end());
    // Nothing is read on an outgoing connection: replies come on the peer's own.
    socket.on('data', () => socket.destroy());
    let connected = false;
    socket.once('connect', () => (connected = true));
    socket.on('error', () => {
      if (!connected) this.options.onUnreachable(peer.mac);
    });
    socket.on('close', () => {
      if (this.outgoing.get(peer.mac) === socket) this.outgoing.delete(peer.mac);
    });
    return socket;
  }

  private accept(socket: Socket): void {
    const source = socket.remoteAddress ?? '';
    if (!this.subnet.check(source, 'ipv4')) return this.refuse(socket, 'outside-subnet');
    const fromSource = this.incoming.get(source) ?? new Set<Socket>();
    const total = [...this.incoming.values()].reduce((sum, set) => sum + set.size, 0);
    if (fromSource.size >= SIGNALLING_LIMITS.connectionsPerPeer || total >= SIGNALLING_LIMITS.connections) return this.refuse(socket, 'too-many-connections');
    fromSource.add(socket);
    this.incoming.set(source, fromSource);
    socket.setTimeout(SIGNALLING_LIMITS.idleMs, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('close', () => {
      fromSource.delete(socket);
      if (fromSource.size === 0 && this.incoming.get(source) === fromSource) this.incoming.delete(source);
    });
    const reader = new FrameReader();
    socket.on('data', (chunk: Buffer) => {
      const frames = reader.feed(chunk);
      if (!frames.ok) return this.refuse(socket, 'oversized');
      for (const payload of frames.value) if (!this.handle(source, payload)) return socket.destroy();
    });
  }

  /** One frame from source; false when the connection should be closed. */
  private handle(source: string, payload: Buffer): boolean {
    const now = this.options.clock.nowMs();
    if (!this.buckets.take(source, now)) return this.refuseFrame('rate', true);
    const decoded = decodeFrame(this.options.key, payload);
    if (!decoded.ok) return this.refuseFrame(decoded.error, false);
    const message = decoded.value;
    if (message.to !== this.options.selfMac) return this.refuseFrame('wrong-receiver', false);
    const peer = this.options.peer(message.from);
    if (peer === undefined) return this.refuseFrame('unknown-sender', false);
    if (peer.vpnIpv4 !== source) return this.refuseFrame('wrong-source', false);
    const fresh = this.replay.check(message.nonce, message.at, now);
    if (!fresh.ok) return this.refuseFrame(fresh.error, true);
    try {
      this.options.onMessage(peer, message);
    } catch (error) {
      this.options.log(`help: handling a ${message.kind} failed: ${(error as Error).message}`);
      return this.refuseFrame('handler-failed', true);
    }
    return true;
  }

  /** Counts a refused frame; a frame that does not verify closes its connection, the others do not. */
  private refuseFrame(reason: DropReason, keepConnection: boolean): boolean {
    this.drop(reason);
    return keepConnection;
  }

  private refuse(socket: Socket, reason: DropReason): void {
    this.drop(reason);
    socket.destroy();
  }

  private drop(reason: DropReason): void {
    const count = (this.drops.get(reason) ?? 0) + 1;
    this.drops.set(reason, count);
    if (count === 1) this.options.log(`help: refused a message (${reason}); further ones are only counted`);
  }
}
