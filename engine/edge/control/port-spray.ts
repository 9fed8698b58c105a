// Port spray (birthday punching): a direct path between an edge behind a port-randomising NAT and
// one behind a port-preserving NAT that filters by port. Why and how: docs/nat-traversal.md.
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { macKey, macToString, RegisterCookie, socketEquals, socketFromAddress, socketToString } from '../../protocol/index.js';
import type { Mac, Socket } from '../../protocol/index.js';
import { TokenBucket } from '../../token-bucket.js';
import type { DatagramSender, EdgeContext } from '../context.js';
import { OPENER_TTL } from './hole-punch.js';
import type { PeerRecord } from './peer-table.js';
import { isVouched } from './peer-trust.js';
import { registerMessage } from './messages.js';
import type { SupernodeRegistration } from './supernode-registration.js';
import { literalLookup, sendDgram, type DatagramFilter } from '../io/udp-transport.js';

/** Extra sockets the hard side opens per round. */
export const SPRAY_SOCKETS = 256;
/** At most this many extra sockets are open at once (several peers spraying wait for each other). */
export const MAX_OPEN_SOCKETS = 2 * SPRAY_SOCKETS;
/** Probes the easy side sends per round (the bound per peer and round). */
export const SPRAY_PROBES = 1024;
/** The easy side's probes are spread over this long. */
export const SPRAY_DURATION_MS = 3_000;
/** Round k starts this long after the peer became eligible; after the last one the edge gives up. */
export const ROUND_STARTS_MS: readonly number[] = [0, 20_000, 80_000, 200_000];
/** Within a round: when the hard side opens its sockets, and for how long they wait for a probe. */
export const HARD_START_MS = 3_000;
export const HARD_WINDOW_MS = 16_000;
/** Within a round: when the easy side starts probing (the hard side's sockets are open by then). */
export const EASY_START_MS = 7_000;
/** The hard side repeats its openers once, half-way through the window, to keep the mappings up. */
const OPENER_REPEAT_MS = HARD_WINDOW_MS / 2;
/** The lowest port probed: below it are system ports that NATs rarely hand out. */
export const MIN_PROBE_PORT = 1024;
/**
 * Probes and openers at once, all peers together: one peer's first two rounds (20 s apart) fit. The
 * burst refills at one round a minute, so no 60 s sees more than SPRAY_BURST + SPRAY_PROBES.
 */
export const SPRAY_BURST = 2 * SPRAY_PROBES;

export type SprayRole = 'hard' | 'easy';

/**
 * This edge's NAT as far as its supernode's view tells (see the header): undefined while not
 * registered or not on IPv4 (the TTL-limited openers need an IPv4 socket).
 */
export function sprayRole(publicSocket: Socket | undefined, localPort: number | undefined): SprayRole | undefined {
  if (publicSocket === undefined || localPort === undefined || publicSocket.family !== 'IPv4') return undefined;
  return publicSocket.port === localPort ? 'easy' : 'hard';
}

/**
 * count distinct random ports in MIN_PROBE_PORT…65535 without exclude (the peer's reported public
 * port, which normal punching already tries). random returns values in [0, 1).
 */
export function probePorts(count: number, exclude: number, random: () => number): number[] {
  const span = 0x10000 - MIN_PROBE_PORT;
  const wanted = Math.min(count, span - (exclude >= MIN_PROBE_PORT && exclude <= 0xffff ? 1 : 0));
  const chosen = new Set<number>();
  // Bounded: rejection sampling with a cap, then a linear fill (only reached with a broken random).
  for (let tries = 0; chosen.size < wanted && tries < wanted * 8; tries++) {
    const port = MIN_PROBE_PORT + Math.floor(random() * span);
    if (port !== exclude && port <= 0xffff) chosen.add(port);
  }
  for (let port = MIN_PROBE_PORT; chosen.size < wanted && port <= 0xffff; port++) if (port !== exclude) chosen.add(port);
  return [...chosen];
}

/** How many of a round's probes are due elapsedMs after it started probing (paced, never above total). */
export function probesDue(elapsedMs: number, total: number, durationMs: number): number {
  if (elapsedMs < 0) return 0;
  if (elapsedMs >= durationMs) return total;
  return Math.min(total, Math.ceil((total * elapsedMs) / durationMs));
}

/** Start of round (0-based) relative to eligibility, or undefined when the rounds are over. */
export function roundStart(round: number): number | undefined {
  return ROUND_STARTS_MS[round];
}

/**
 * A peer's record may take part: pending, reachable only at a supernode-reported IPv4 socket whose
 * address the supernode vouched for (see the header).
 */
export function sprayEligible(record: PeerRecord, known: boolean): boolean {
  const socket = record.path.socket;
  return !known && record.path.via === undefined && socket?.family === 'IPv4' && record.path.origin === 'supernode' && isVouched(record, socket.address);
}

/** One extra IPv4 socket; once it wins, the sender of everything for its peer. */
class ExtraSocket implements DatagramSender {
  closed = false;

  constructor(
    readonly udp: UdpSocket,
    private readonly target: Socket,
    private readonly fallback: () => DatagramSender | undefined,
    private readonly drop: DatagramFilter | undefined,
  ) {}

  send(bytes: Uint8Array, to: Socket, ttl?: number): void {
    // Anything not for the peer this socket was opened for (a record that moved) takes the main socket.
    if (to.port !== this.target.port || !socketEquals(to, this.target)) {
      this.fallback()?.send(bytes, to, ttl);
      return;
    }
    if (this.drop?.('out', to) === true) return;
    try {
      sendDgram(this.udp, bytes, to.port, to.address, ttl);
    } catch {
      // A closed socket: the peer's traffic falls back to the relay once the path expires.
    }
  }
}

/** Closes a dgram socket that may already be closed. */
function closeQuietly(udp: UdpSocket): void {
  try {
    udp.close();
  } catch {
    // Already closed.
  }
}

interface SprayState {
  record: PeerRecord;
  /** When the record became eligible; rounds are timed from here. */
  since: number;
  round: number;
  /** The peer's public socket of the running round. */
  target: Socket | undefined;
  /** Hard side: the round's sockets (emptied when it ends), the winner once one received from the peer. */
  sockets: ExtraSocket[];
  opening: boolean;
  openersSent: number;
  winner: ExtraSocket | undefined;
  /** Easy side: the round's probe ports and how many went out. */
  ports: number[];
  probesSent: number;
}

export class PortSpray {
  private readonly states = new Map<number, SprayState>();
  /** Extra sockets bound and not yet closed, plus those being bound. */
  private openCount = 0;
  /** SPRAY_BURST refilled at SPRAY_PROBES a minute, across peers and rounds. */
  private readonly budget: TokenBucket;

  constructor(
    private readonly ctx: EdgeContext,
    private readonly registration: SupernodeRegistration,
    /** The edge's receive pipeline (§8.6), as for datagrams on the main socket. */
    private readonly deliver: (bytes: Uint8Array, source: Socket) => void,
    private readonly drop: DatagramFilter | undefined,
    private readonly random: () => number = Math.random,
  ) {
    this.budget = new TokenBucket(SPRAY_BURST, (60_000 * SPRAY_BURST) / SPRAY_PROBES, ctx.clock.nowMs());
  }

  /** How many of wanted probes or openers may leave now; the rest are counted as throttled. */
  private grant(wanted: number): number {
    const granted = this.budget.take(wanted, this.ctx.clock.nowMs());
    this.ctx.counters.portSpray.throttled += wanted - granted;
    return granted;
  }

  private role(): SprayRole | undefined {
    const { ctx } = this;
    if (!ctx.settings.allowP2p || ctx.settings.tcp || ctx.settings.registerTtl !== 0) return undefined;
    return sprayRole(this.registration.publicSocket, ctx.transport?.localPort);
  }

  /** Periodic work (the edge's main tick): starts, paces and ends rounds. */
  tick(now: number): void {
    const role = this.role();
    const { peers } = this.ctx;
    for (const [key, state] of this.states) {
      if (state.winner !== undefined) continue;
      const current = peers.get(state.record.mac);
      if (role === undefined || current !== state.record || !sprayEligible(state.record, peers.isKnown(state.record.mac))) {
        this.endRound(state);
        this.states.delete(key);
      }
    }
    if (role === undefined) return;
    for (const record of peers.pending.values()) {
      if (!sprayEligible(record, false)) continue;
      const key = macKey(record.mac);
      let state = this.states.get(key);
      if (state === undefined) {
        state = { record, since: now, round: 0, target: undefined, sockets: [], opening: false, openersSent: 0, winner: undefined, ports: [], probesSent: 0 };
        this.states.set(key, state);
      }
      if (state.winner === undefined) this.advance(state, role, now);
    }
  }

  private advance(state: SprayState, role: SprayRole, now: number): void {
    const start = roundStart(state.round);
    if (start === undefined) return;
    const t = now - state.since - start;
    const socket = state.record.path.socket;
    if (socket === undefined) return;
    if (role === 'hard') {
      if (t >= HARD_START_MS + HARD_WINDOW_MS) {
        this.endRound(state);
        state.round++;
      } else if (t >= HARD_START_MS && state.sockets.length === 0 && !state.opening && state.openersSent === 0 && this.openCount + SPRAY_SOCKETS <= MAX_OPEN_SOCKETS) {
        state.target = socket;
        this.ctx.counters.portSpray.rounds++;
        void this.openSockets(state, socket);
      } else if (t >= HARD_START_MS + OPENER_REPEAT_MS && state.openersSent === 1) {
        this.sendOpeners(state);
      }
      return;
    }
    if (t >= EASY_START_MS + SPRAY_DURATION_MS) {
      this.sendProbes(state, now - state.since - start - EASY_START_MS);
      this.endRound(state);
      state.round++;
    } else if (t >= EASY_START_MS) {
      if (state.ports.length === 0) {
        state.target = socket;
        state.ports = probePorts(SPRAY_PROBES, socket.port, this.random);
        state.probesSent = 0;
        this.ctx.counters.portSpray.rounds++;
        this.ctx.logger.debug(() => `port spray round ${state.round + 1} towards ${macToString(state.record.mac)} at ${socket.address}: ${state.ports.length} probes`);
      }
      this.sendProbes(state, t - EASY_START_MS);
    }
  }

  /** Easy side: the probes due by now, REGISTERs from the main socket at full TTL. */
  private sendProbes(state: SprayState, elapsedMs: number): void {
    const { ctx } = this;
    const target = state.target;
    const transport = ctx.transport;
    if (target === undefined || transport === undefined) return;
    const due = probesDue(elapsedMs, state.ports.length, SPRAY_DURATION_MS);
    if (due <= state.probesSent) return;
    const granted = this.grant(due - state.probesSent);
    const bytes = ctx.wire.encode(registerMessage(ctx, state.record.mac, RegisterCookie.Regular));
    ctx.counters.portSpray.probes += granted;
    for (const port of state.ports.slice(state.probesSent, state.probesSent + granted)) transport.send(bytes, { family: 'IPv4', address: target.address, port });
    state.probesSent = due;
    if (granted > 0) state.record.directRtt.probeSent(ctx.clock.nowMs(), RegisterCookie.Regular);
  }

  /** Hard side: opens the round's sockets and sends the first openers. */
  private async openSockets(state: SprayState, target: Socket): Promise<void> {
    const { ctx } = this;
    state.opening = true;
    this.openCount += SPRAY_SOCKETS;
    const local = ctx.transport?.localAddress;
    const address = local !== undefined && !local.includes(':') ? local : '0.0.0.0';
    const opened = await Promise.all(Array.from({ length: SPRAY_SOCKETS }, () => this.openOne(state, target, address)));
    state.opening = false;
    const sockets = opened.filter((socket): socket is ExtraSocket => socket !== undefined);
    this.openCount -= SPRAY_SOCKETS - sockets.length;
    if (this.states.get(macKey(state.record.mac)) !== state || state.target !== target) {
      for (const socket of sockets) this.closeExtra(socket);
      return;
    }
    state.sockets = sockets;
    ctx.counters.portSpray.sockets += sockets.length;
    ctx.logger.debug(() => `port spray round ${state.round + 1} towards ${macToString(state.record.mac)} at ${socketToString(target)}: ${sockets.length} sockets`);
    this.sendOpeners(state);
  }

  private openOne(state: SprayState, target: Socket, address: string): Promise<ExtraSocket | undefined> {
    const udp = createSocket({ type: 'udp4', lookup: literalLookup });
    const extra = new ExtraSocket(udp, target, () => this.ctx.transport, this.drop);
    return new Promise((resolve) => {
      udp.once('error', () => {
        closeQuietly(udp);
        resolve(undefined);
      });
      udp.bind({ address, port: 0 }, () => {
        udp.removeAllListeners('error');
        udp.on('error', (error) => this.ctx.logger.debug(() => `port spray socket: ${error.message}`));
        udp.on('message', (bytes, info) => this.arrival(state, extra, bytes, info.address, info.port));
        resolve(extra);
      });
    });
  }

  private sendOpeners(state: SprayState): void {
    const { ctx } = this;
    const target = state.target;
    if (target === undefined || state.winner !== undefined) return;
    state.openersSent++;
    const granted = this.grant(state.sockets.length);
    const bytes = ctx.wire.encode(registerMessage(ctx, state.record.mac, RegisterCookie.Regular));
    for (const socket of state.sockets.slice(0, granted)) socket.send(bytes, target, OPENER_TTL);
    ctx.counters.portSpray.openers += granted;
  }

  /** A datagram on an extra socket: the first one from the peer's public socket makes it the winner. */
  private arrival(state: SprayState, socket: ExtraSocket, bytes: Uint8Array, address: string, port: number): void {
    if (this.states.get(macKey(state.record.mac)) !== state) return;
    const source = socketFromAddress(address, port);
    if (source === undefined || this.drop?.('in', source) === true) return;
    if (state.winner === undefined) {
      const target = state.target;
      if (target === undefined || !state.sockets.includes(socket) || !socketEquals(source, target)) return;
      this.win(state, socket, target);
    }
    if (state.winner !== socket) return;
    this.deliver(bytes, source);
  }

  private win(state: SprayState, socket: ExtraSocket, target: Socket): void {
    const { ctx } = this;
    state.winner = socket;
    for (const other of state.sockets) if (other !== socket) this.closeExtra(other);
    state.sockets = [socket];
    // Before the datagram is handled: the answers (REGISTER_ACK, REGISTER) must leave from here.
    state.record.path.via = { target, sender: socket };
    ctx.counters.portSpray.hits++;
    ctx.logger.info(`port spray: ${macToString(state.record.mac)} reached at ${socketToString(target)} from local port ${socket.udp.address().port}`);
  }

  private closeExtra(socket: ExtraSocket): void {
    if (socket.closed) return;
    socket.closed = true;
    this.openCount--;
    closeQuietly(socket.udp);
  }

  /** Closes a round's sockets except the winner's. */
  private endRound(state: SprayState): void {
    for (const socket of state.sockets) if (socket !== state.winner) this.closeExtra(socket);
    state.sockets = state.winner === undefined ? [] : [state.winner];
    state.openersSent = 0;
    state.target = state.winner === undefined ? undefined : state.target;
    state.ports = [];
    state.probesSent = 0;
  }

  /** The peer is gone or moved: its sockets (the winner's too) close and its rounds start over. */
  forget(mac: Mac): void {
    const key = macKey(mac);
    const state = this.states.get(key);
    if (state === undefined) return;
    this.states.delete(key);
    this.release(state);
  }

  private release(state: SprayState): void {
    const winner = state.winner;
    if (winner !== undefined) {
      if (state.record.path.via?.sender === winner) state.record.path.via = undefined;
      state.winner = undefined;
    }
    for (const socket of state.sockets) this.closeExtra(socket);
    state.sockets = [];
    state.target = undefined;
  }

  /** Peers reached through an extra socket (for tests and status). */
  get routedPeers(): number {
    let count = 0;
    for (const state of this.states.values()) if (state.winner !== undefined) count++;
    return count;
  }

  /** Disconnect: every extra socket closes; rounds start over after the next connect. */
  close(): void {
    for (const state of this.states.values()) this.release(state);
    this.states.clear();
  }
}
