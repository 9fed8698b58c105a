// Registration with the supernode (PROTOCOL.md §8.2, §8.3) and the periodic supernode sweep
// (§8.4): the start-up PING round, the null-MAC address request, REGISTER_SUPER with a fresh random
// cookie on the fast-retry / refresh schedule, failover after sup_attempts unanswered tries,
// REGISTER_SUPER_ACK / NAK / RE_REGISTER_SUPER handling, PONGs, and UNREGISTER_SUPER. A supernode
// name with several addresses is raced happy-eyeballs style within each round (address-race.ts).
import { randomUint32 } from '../../crypto/random.js';
import { verifyAuthTrailer } from '../../crypto/user-password.js';
import { isNullMac, macEquals, macToString, NULL_MAC, socketEquals, socketToString } from '../../protocol/index.js';
import { hostPortText } from '../../../shared/config/values.js';
import type { Auth, Mac, PeerInfoMessage, RegisterSuperAckMessage, RegisterSuperNakMessage, Socket } from '../../protocol/index.js';
import { sendBytesToSupernode, sendToPeer, sendToSupernode, stampAccepted } from '../context.js';
import type { EdgeContext } from '../context.js';
import {
  commonValue,
  Criterion,
  FIRST_SWEEP_DELAY_MS,
  INITIAL_PINGS,
  learnSupernodes,
  pingTargets,
  pongCriterion,
  REGULAR_PINGS,
  sortByCriterion,
  SWEEP_INTERVAL_MS,
} from './supernode-selection.js';
import type { SupernodeRecord } from './supernode-selection.js';
import { multicastRegisterMessage, queryPeerMessage, registerMessage, registerSuperMessage, unregisterSuperMessage } from './messages.js';
import type { Opened } from '../io/wire.js';
import { globalIpv6Address } from '../io/global-ipv6.js';
import { AddressRace, moveTo } from './address-race.js';

/** §10.2 N2N_EDGE_SUP_ATTEMPTS. */
export function supAttempts(tcp: boolean): number {
  return tcp ? 1 : 3;
}
/** §10.2 BOOTSTRAP_TIMEOUT: start-up PONG and address-ACK wait. */
export const BOOTSTRAP_TIMEOUT_MS = 3_000;
/** §8.3 step 4: known peers not seen for this long get a REGISTER while the supernode is silent. */
const STALE_PEER_KEEPALIVE_MS = 20_000;

/** probe: start-up PING round (§8.2 step 2); bootstrap: address request (step 3); register: §8.3. */
export type RegistrationPhase = 'probe' | 'bootstrap' | 'register';

/**
 * Where registration with the current supernode stands (§8.1 sn_wait 0, 1, 2): acknowledged,
 * awaiting an ACK, or due at once (RE_REGISTER_SUPER, §8.6).
 */
export type Standing = 'acknowledged' | 'awaiting-ack' | 'due-now';

/** The edge's state as registration sees it (views.ts EdgeState while the edge runs). */
export interface RegistrationVerdict {
  readonly state: 'connecting' | 'registered' | 'no-supernode' | 'error';
  readonly reason: string | undefined;
}

/**
 * §8.3 schedule: register now on request, as a fast retry every register_interval/10 while waiting
 * for an ACK, and as a refresh every register_interval.
 */
export function registrationDue(standing: Standing, lastRegisterReq: number, now: number, intervalMs: number): boolean {
  if (standing === 'due-now') return true;
  if (standing === 'awaiting-ack' && now > lastRegisterReq + intervalMs / 10) return true;
  return now >= lastRegisterReq + intervalMs;
}

/**
 * §8.8.2: the advertised socket carries the edge's real UDP port (n3n head sends 0, a quirk). A
 * port the home router maps comes first: peers behind any NAT reach it directly, where the LAN
 * address serves only peers in the same home (which multicast discovery finds as well). Kith: an
 * edge registered over IPv4 from a dual-stack socket advertises its global IPv6 address, so a peer
 * with IPv6 can punch a direct IPv6 path instead of staying relayed over IPv4 (the peer learns it
 * as PEER_INFO's preferred socket; n3n main stores and hands out IPv6 advertised sockets as well).
 */
export function advertisedSocket(
  ctx: Pick<EdgeContext, 'mappedSocket' | 'transport' | 'settings' | 'current'>,
  globalIpv6: () => string | undefined = globalIpv6Address,
  towards: Socket | undefined = ctx.current?.socket,
): Socket | undefined {
  if (ctx.mappedSocket !== undefined) return ctx.mappedSocket;
  const port = ctx.transport?.localPort;
  if (port === undefined) return undefined;
  const address = ctx.settings.advertiseAddress;
  if (address !== undefined) return { family: 'IPv4', address, port };
  if (towards?.family !== 'IPv4' || ctx.transport?.reachesIpv6 !== true) return undefined;
  const ipv6 = globalIpv6();
  return ipv6 === undefined ? undefined : { family: 'IPv6', address: ipv6, port };
}

/**
 * Registration owns its state: only its own methods change it, and the rest of the edge reads it
 * through the getters (whether frames may flow, whether the supernode answers, our public socket).
 */
export class SupernodeRegistration {
  private phase: RegistrationPhase = 'register';
  private standing: Standing = 'awaiting-ack';
  private supAttempts: number;
  private lastRegisterReqMs = 0;
  /** Last valid (non-bootstrap) ACK; 0 = never registered, which gates the data path (§8.3). */
  private lastSup = 0;
  private lastSweepMs = 0;
  /** Last PING round (probe phase and sweeps). */
  private lastProbe = 0;
  private pingsAllowed = 0;
  /** RE_REGISTER_SUPER asks to spread re-registrations over 3/4 of the interval (§8.3 step 5). */
  private spreadNextRegistration = false;
  /** The current supernode stopped answering (attempts exhausted) and no other has answered yet. */
  private unanswered = false;
  /** Why the supernode refused us (REGISTER_SUPER_NAK); undefined when it did not. */
  private rejection: string | undefined;
  private ownSocket: Socket | undefined;
  /**
   * The current supernode's further addresses in this round, and what the round's REGISTER_SUPER
   * carries besides the cookie: the edge MAC and the auth (a user/password challenge is one per
   * round, as the ACK's answer is checked against the latest, auth.ts).
   */
  private readonly race = new AddressRace();
  private raceRound: { readonly edgeMac: Mac; readonly auth: Auth; readonly ipv6: string | undefined } | undefined;

  constructor(private readonly ctx: EdgeContext, private readonly gratuitousArp: () => void) {
    this.supAttempts = supAttempts(ctx.settings.tcp);
  }

  /** A supernode acknowledged us at least once since connecting: frames may flow (§8.5 step 2). */
  get registered(): boolean {
    return this.lastSup !== 0;
  }

  /** The current supernode has not acknowledged our latest registration (sn_wait ≠ 0). */
  get awaitingAck(): boolean {
    return this.standing !== 'acknowledged';
  }

  /** Our public socket as the current supernode sees it (REGISTER_SUPER_ACK sock, §4.7); undefined before the first ACK. */
  get publicSocket(): Socket | undefined {
    return this.ownSocket;
  }

  get lastRegisterReq(): number {
    return this.lastRegisterReqMs;
  }

  get lastSweep(): number {
    return this.lastSweepMs;
  }

  /** The edge's state while it runs; keyError is the data path's (wrong-key.ts). */
  verdict(keyError: string | undefined): RegistrationVerdict {
    const reason = this.rejection ?? keyError;
    if (reason !== undefined) return { state: 'error', reason };
    if (this.unanswered) return { state: 'no-supernode', reason: 'no supernode answers' };
    return { state: this.registered ? 'registered' : 'connecting', reason: undefined };
  }

  /** §1.2: the TCP connection to the supernode dropped; wait for it again. */
  /**
   * What REGISTER_SUPER carries changed: once registering, send it again at the next tick rather than
   * at the next refresh (a REGISTER_SUPER still awaiting its ACK carries the old contents).
   */
  registerSoon(): void {
    if (this.phase === 'register') this.standing = 'due-now';
  }

  connectionLost(): void {
    this.standing = 'awaiting-ack';
  }

  /** The supernode whose further address `source` was sent this round's REGISTER_SUPER (its ACK may win the race). */
  raceEntrantAt(source: Socket): SupernodeRecord | undefined {
    return this.race.entrantAt(source);
  }

  /** Disconnect: nothing of the last connection counts any more. */
  reset(): void {
    this.race.stop();
    this.ctx.current = undefined;
    this.ownSocket = undefined;
    this.lastSup = 0;
    this.rejection = undefined;
  }

  /** §8.2: the first phase after connecting. */
  begin(now: number): void {
    const { ctx } = this;
    ctx.current = ctx.supernodes[0];
    this.supAttempts = supAttempts(ctx.settings.tcp);
    this.lastRegisterReqMs = 0;
    this.lastSup = 0;
    this.unanswered = false;
    this.reconnect();
    if (ctx.supernodes.length > 1 && !ctx.settings.tcp && ctx.settings.userPassword === undefined) {
      this.phase = 'probe';
      this.sendPings(INITIAL_PINGS);
    } else {
      this.afterProbe(now);
    }
  }

  private afterProbe(now: number): void {
    if (this.ctx.addressing.mode === 'auto') {
      this.phase = 'bootstrap';
      this.standing = 'awaiting-ack';
      this.sendRegisterSuper(NULL_MAC, now);
    } else {
      this.startRegistering(now);
    }
  }

  /** §8.2 step 5. */
  private startRegistering(now: number): void {
    const { ctx } = this;
    this.phase = 'register';
    for (const record of ctx.supernodes) record.criterion = record === ctx.current ? Criterion.Good : Criterion.Default;
    sortByCriterion(ctx.supernodes);
    this.standing = 'awaiting-ack';
    this.lastRegisterReqMs = 0;
    this.lastSweepMs = now - SWEEP_INTERVAL_MS + FIRST_SWEEP_DELAY_MS;
    this.pingsAllowed = INITIAL_PINGS;
    this.announceSelected();
    this.tick(now);
  }

  /** Runs the due parts of the schedule; called on every wake-up. */
  tick(now: number): void {
    const { ctx } = this;
    if (this.standing !== 'acknowledged') this.raceFurther(now);
    switch (this.phase) {
      case 'probe':
        if (now - this.lastProbe >= BOOTSTRAP_TIMEOUT_MS) this.sendPings(INITIAL_PINGS);
        return;
      case 'bootstrap':
        if (now - this.lastRegisterReqMs >= BOOTSTRAP_TIMEOUT_MS) {
          // §8.2 step 3: on timeout try the next supernode of the list, cyclically.
          this.switchTo(this.nextAfter(ctx.current));
          this.sendRegisterSuper(NULL_MAC, now);
        }
        return;
      case 'register':
        if (registrationDue(this.standing, this.lastRegisterReqMs, now, ctx.settings.registerIntervalMs)) this.register(now);
        if (now - this.lastSweepMs > SWEEP_INTERVAL_MS) this.sweep(now);
        return;
    }
  }

  private nextAfter(record: SupernodeRecord | undefined): SupernodeRecord | undefined {
    const list = this.ctx.supernodes;
    if (list.length === 0) return undefined;
    const index = record === undefined ? -1 : list.indexOf(record);
    return list[(index + 1) % list.length];
  }

  private switchTo(record: SupernodeRecord | undefined): void {
    const { ctx } = this;
    const changed = record !== ctx.current;
    ctx.current = record;
    this.supAttempts = supAttempts(ctx.settings.tcp);
    if (changed) this.race.stop();
    if (changed || ctx.settings.tcp) this.reconnect();
    if (changed) this.announceSelected();
  }

  /** §1.2: in TCP mode the connection is (re)opened before each switch or retry. */
  private reconnect(): void {
    const socket = this.ctx.current?.socket;
    if (this.ctx.settings.tcp && socket !== undefined) this.ctx.transport?.connectTcp(socket);
  }

  private announceSelected(): void {
    const current = this.ctx.current;
    if (current === undefined) return;
    this.ctx.events.emit('supernode-selected', {
      sockaddr: current.socket === undefined ? hostPortText(current.host, current.port) : socketToString(current.socket),
      mac: current.mac === undefined ? '' : macToString(current.mac),
    });
  }

  /** §8.3 "Registering". */
  private register(now: number): void {
    const { ctx } = this;
    if (this.supAttempts === 0) {
      // Step 1: give up on curr_sn.
      if (ctx.current !== undefined) ctx.current.criterion = Criterion.Bad;
      this.unanswered = true;
      sortByCriterion(ctx.supernodes);
      const best = ctx.supernodes[0];
      // With every supernode equally bad, rotate rather than stay on the silent one.
      this.switchTo(best === ctx.current ? this.nextAfter(ctx.current) : best);
      ctx.logger.warn(`supernode not answering, trying ${ctx.current === undefined ? 'none' : hostPortText(ctx.current.host, ctx.current.port)}`);
    } else {
      this.supAttempts--;
      if (ctx.settings.tcp && !ctx.transport?.tcpConnected) this.reconnect();
    }
    const wasWaiting = this.standing === 'awaiting-ack';
    this.sendRegisterSuper(ctx.mac, now);
    this.sendMulticastRegister();
    if (wasWaiting) this.keepPeersAlive(now);
    this.standing = 'awaiting-ack';
    this.lastRegisterReqMs = this.spreadNextRegistration ? now - Math.random() * 0.75 * ctx.settings.registerIntervalMs : now;
    this.spreadNextRegistration = false;
  }

  private sendRegisterSuper(edgeMac: Mac, now: number): void {
    const { ctx } = this;
    const current = ctx.current;
    this.lastRegisterReqMs = now;
    if (current?.socket === undefined) return;
    const cookie = randomUint32();
    current.lastCookie = cookie;
    // The ACK echoes this cookie, so REGISTER_SUPER → ACK is an exact RTT sample every
    // registration interval, beside the PINGs that only the sweeps send (§8.4.1).
    current.rtt.probeSent(now, cookie);
    const auth = ctx.auth.registerAuth();
    // One look at the interfaces per round: the raced addresses advertise the same IPv6 address.
    const ipv6 = globalIpv6Address();
    sendToSupernode(ctx, registerSuperMessage(ctx, edgeMac, cookie, advertisedSocket(ctx, () => ipv6), auth));
    // §1.2: a TCP connection goes to one address; the race is for UDP.
    if (ctx.settings.tcp) return;
    this.raceRound = { edgeMac, auth, ipv6 };
    this.race.start(current, now, this.phase === 'bootstrap' ? BOOTSTRAP_TIMEOUT_MS : ctx.settings.registerIntervalMs / 10);
  }

  /** The round's REGISTER_SUPER (same cookie, fresh stamp) to the further addresses whose turn has come. */
  private raceFurther(now: number): void {
    const { ctx } = this;
    const current = ctx.current;
    const round = this.raceRound;
    if (current === undefined || round === undefined) return;
    for (const socket of this.race.due(now)) {
      ctx.logger.debug(() => `no REGISTER_SUPER_ACK yet from ${current.socket === undefined ? '-' : socketToString(current.socket)}, registering at ${socketToString(socket)} as well`);
      const message = registerSuperMessage(ctx, round.edgeMac, current.lastCookie, advertisedSocket(ctx, () => round.ipv6, socket), round.auth);
      ctx.transport?.send(ctx.wire.encode(message), socket);
    }
  }

  /** §8.8.1: REGISTER with cookie MCAST and null dstMac to the discovery group(s). */
  sendMulticastRegister(): void {
    const { ctx } = this;
    if (!ctx.localDiscovery || !ctx.settings.allowP2p) return;
    const bytes = ctx.wire.encode(multicastRegisterMessage(ctx));
    ctx.transport?.sendMulticast(bytes);
  }

  /** §8.3 step 4: while the supernode is silent, keep direct paths open. */
  private keepPeersAlive(now: number): void {
    const { ctx } = this;
    if (!ctx.settings.allowP2p) return;
    for (const record of ctx.peers.known.values()) {
      const socket = record.path.socket;
      if (socket === undefined || now - record.lastSeen <= STALE_PEER_KEEPALIVE_MS) continue;
      // A probe as well: its ACK echoes the cookie of the periodic probes (hole-punch.ts tick), rtt.ts.
      if (sendToPeer(ctx, record, registerMessage(ctx, record.mac, record.lastCookie), socket)) record.directRtt.probeSent(now, record.lastCookie);
    }
  }

  private sendPings(allowed: number): void {
    const { ctx } = this;
    this.lastProbe = ctx.clock.nowMs();
    const list = ctx.supernodes;
    for (const index of pingTargets(list.length, allowed, Math.random)) {
      const record = list[index];
      if (record?.socket === undefined) continue;
      record.rtt.probeSent(ctx.clock.nowMs());
      // §8.4.2: a PING is a QUERY_PEER with the null target, sent with the dynamic key.
      const bytes = ctx.wire.encode(queryPeerMessage(ctx, NULL_MAC));
      ctx.transport?.send(bytes, record.socket);
    }
  }

  /** §8.4.1. */
  private sweep(now: number): void {
    const { ctx } = this;
    if (this.standing === 'acknowledged') sortByCriterion(ctx.supernodes);
    const best = ctx.supernodes[0];
    if (best !== undefined && best !== ctx.current) {
      this.unregister();
      this.switchTo(best);
      this.sendRegisterSuper(ctx.mac, now);
      this.standing = 'awaiting-ack';
    }
    for (const record of ctx.supernodes) record.criterion = record === ctx.current ? Criterion.Good : Criterion.Default;
    if (!ctx.settings.tcp) this.sendPings(this.pingsAllowed);
    this.pingsAllowed = REGULAR_PINGS;
    this.lastSweepMs = now;
  }

  /**
   * §8.3 REGISTER_SUPER_ACK from record, arriving from source: its address in use, or a further one
   * of this round's race (raceEntrantAt), which then becomes the address in use.
   */
  handleAck(opened: Opened, message: RegisterSuperAckMessage, record: SupernodeRecord, source: Socket): void {
    const { ctx } = this;
    if (this.standing === 'acknowledged' || ctx.current !== record) return;
    const sender = this.answerSender(record, source);
    if (sender === undefined || !stampAccepted(ctx, opened.stamp, sender, false)) return;
    const moving = sender !== record;
    const cipher = ctx.auth.trailerCipher;
    if (cipher !== undefined && !verifyAuthTrailer(cipher, opened.raw, opened.raw.length)) return;
    if (message.cookie !== record.lastCookie) return;
    const answer = ctx.auth.acceptAnswer(message.auth);
    if (!answer.ok) {
      ctx.logger.warn('REGISTER_SUPER_ACK with an unexpected answer ignored (wrong auth.pubkey?)');
      return;
    }
    if (answer.value !== undefined) ctx.wire.setDynamicKey(answer.value);
    const now = ctx.clock.nowMs();
    this.race.stop();
    // Not the bootstrap ACK: the supernode's first auto-IP answer is slow for reasons other than the path;
    // nor one from a further address, sent later than the probe's clock started.
    if (this.phase === 'bootstrap' || moving) record.rtt.cancelProbe(message.cookie);
    else record.rtt.replyReceived(now, message.cookie);
    if (moving) {
      ctx.logger.normal(`supernode ${hostPortText(record.host, record.port)} answered first at ${socketToString(source)}, using it`);
      moveTo(record, source, sender.stamp);
    }
    // Step 4; Kith also follows a supernode that was replaced at the same address (restart, new MAC).
    const newMac = !isNullMac(message.srcMac) && (record.mac === undefined || !macEquals(record.mac, message.srcMac));
    if (newMac) record.mac = Uint8Array.from(message.srcMac);
    if (newMac || moving) this.announceSelected();
    record.lastSeen = now;
    this.ownSocket = message.socket;
    learnSupernodes(ctx.supernodes, message.supernodes);
    ctx.addressing.offerFromSupernode(message.devAddr);
    // An ACK to the REGISTER_SUPER before a change (registerSoon, RE_REGISTER_SUPER) still counts,
    // but the registration that says the change stays due.
    if (this.standing !== 'due-now') this.standing = 'acknowledged';
    this.supAttempts = supAttempts(ctx.settings.tcp);
    this.unanswered = false;
    this.rejection = undefined;
    if (this.phase === 'bootstrap') {
      this.startRegistering(now);
      return;
    }
    const first = this.lastSup === 0;
    this.lastSup = now;
    if (first) {
      ctx.logger.normal(`registered with supernode ${hostPortText(record.host, record.port)}`);
      this.gratuitousArp();
    }
  }

  /**
   * Whom an answer to REGISTER_SUPER from source is checked as: record at its address in use, a new
   * sender at a further address raced this round (§6.3 keeps replay stamps per sender), else nobody.
   */
  private answerSender(record: SupernodeRecord, source: Socket): Pick<SupernodeRecord, 'stamp'> | undefined {
    if (record.socket !== undefined && socketEquals(record.socket, source)) return record;
    return this.race.entrantAt(source) === record ? { stamp: undefined } : undefined;
  }

  /** §8.3 REGISTER_SUPER_NAK from record, arriving from source (its address in use or one raced this round). */
  handleNak(opened: Opened, message: RegisterSuperNakMessage, record: SupernodeRecord, source: Socket): void {
    const { ctx } = this;
    if (this.standing === 'acknowledged' || ctx.current !== record || message.cookie !== record.lastCookie) return;
    const sender = this.answerSender(record, source);
    if (sender === undefined || !stampAccepted(ctx, opened.stamp, sender, false)) return;
    const expected = this.phase === 'bootstrap' ? NULL_MAC : ctx.mac;
    if (!macEquals(message.srcMac, expected)) return;
    const reason =
      ctx.settings.userPassword === undefined
        ? 'authentication rejected by supernode (MAC or address already in use)'
        : "refused by the network's host: this device was removed, its invite was used by another device or has expired, or the user name or password is wrong";
    if (this.rejection === undefined) ctx.logger.error(reason);
    this.rejection = reason;
  }

  /** §8.6 RE_REGISTER_SUPER: user/password edges re-register now. */
  handleReRegister(opened: Opened, record: SupernodeRecord): void {
    const { ctx } = this;
    if (ctx.settings.userPassword === undefined || !stampAccepted(ctx, opened.stamp, record, false)) return;
    this.standing = 'due-now';
    this.spreadNextRegistration = true;
  }

  /** §8.4.3 PONG. */
  handlePong(opened: Opened, message: PeerInfoMessage, record: SupernodeRecord): void {
    const { ctx } = this;
    if (!stampAccepted(ctx, opened.stamp, record, true)) return;
    const now = ctx.clock.nowMs();
    record.rtt.replyReceived(now);
    if (record.mac === undefined && !isNullMac(message.srcMac)) record.mac = Uint8Array.from(message.srcMac);
    record.lastSeen = now;
    record.uptime = message.uptime;
    record.version = message.version;
    record.load = message.load;
    const peerCount = ctx.peers.known.size + ctx.peers.pending.size;
    record.criterion = pongCriterion(ctx.settings.selection, {
      load: message.load,
      rttMs: record.rtt.ms ?? 0,
      mac: record.mac ?? NULL_MAC,
      common: commonValue(ctx.peers.pending.size, ctx.settings.headerEncryption, ctx.supernodes.length),
      isCurrent: record === ctx.current,
      peerCount,
    });
    if (this.phase === 'probe') {
      // §8.2 step 2: the first PONG ends the round; the best answering supernode becomes curr_sn.
      sortByCriterion(ctx.supernodes);
      this.switchTo(ctx.supernodes[0]);
      this.afterProbe(now);
    }
  }

  /** §8.3 Shutdown / §8.4.1 step 2: UNREGISTER_SUPER to curr_sn. */
  unregister(): void {
    const { ctx } = this;
    if (ctx.current?.socket === undefined || this.lastSup === 0) return;
    const bytes = ctx.wire.encode(unregisterSuperMessage(ctx, ctx.auth.unregisterAuth()));
    sendBytesToSupernode(ctx, bytes);
  }
}
