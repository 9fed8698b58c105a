// The help session's state machine (docs/help-session.md), on both computers: the helper's
// request, the helped person's prompt and answer, WebRTC set-up and sharing, and the end. One
// session at a time per computer; the prompt expires; ended sessions linger briefly for the window
// and then are gone. Pure: time comes from a Clock and tick(), messages leave through `send`, and
// what arrives has already been authenticated and matched to a peer (signalling.ts).
import { EventEmitter } from 'node:events';
import type { Clock } from '../clock.js';
import { isLive, openSession } from '../../shared/help-session.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { HelpEndReason, HelpEvent, HelpPeerRef, HelpPhase, HelpSession, HelpSignal } from './api.js';
import { newSessionId, type HelpBody } from './wire.js';

/** How long the helped person has to answer the prompt. */
export const PROMPT_MS = 60_000;
/** The helper waits this much longer than the prompt before giving up on an answer. */
const ANSWER_GRACE_MS = 5_000;
/** Ended sessions stay in the status this long, so the window can show why. */
const LINGER_MS = 10_000;
/** "X asks for your help" notes: this many, this long. */
const MAX_ASKED = 16;
const ASKED_MS = 10 * 60_000;
/** A peer's ask within this time of its last one is not shown again. */
const ASK_REPEAT_MS = 10_000;

export type SessionError = 'busy' | 'unknown-peer' | 'unknown-session' | 'wrong-phase' | 'no-self';

export interface SessionsOptions {
  readonly clock: Clock;
  /** This computer, while help is possible; undefined otherwise. */
  readonly self: () => HelpPeerRef | undefined;
  /** A peer currently in the peer table with a VPN address. */
  readonly peer: (mac: string) => HelpPeerRef | undefined;
  /** Sends a message to a peer; it may be dropped (bounded queues), which the timeouts cover. */
  readonly send: (peerMac: string, body: HelpBody) => void;
  /** Default PROMPT_MS; shorter only in tests. */
  readonly promptMs?: number | undefined;
}

interface Asked {
  readonly from: HelpPeerRef;
  readonly at: number;
}

export class HelpSessions {
  readonly events = new EventEmitter<{ event: [HelpEvent] }>();
  private readonly sessions = new Map<string, HelpSession>();
  private readonly endedAt = new Map<string, number>();
  private asked: Asked[] = [];
  private readonly promptMs: number;

  constructor(private readonly options: SessionsOptions) {
    this.promptMs = options.promptMs ?? PROMPT_MS;
  }

  /** Current session first, then the ended ones, newest first. */
  list(): HelpSession[] {
    const all = [...this.sessions.values()];
    return [...all.filter((session) => session.phase !== 'ended'), ...all.filter((session) => session.phase === 'ended').reverse()];
  }

  recentAsks(): readonly Asked[] {
    return this.asked;
  }

  /** The helper's "See screen". */
  request(peerMac: string): Result<HelpSession, SessionError> {
    const self = this.options.self();
    if (self === undefined) return err('no-self');
    const peer = this.options.peer(peerMac);
    if (peer === undefined) return err('unknown-peer');
    if (this.current() !== undefined) return err('busy');
    const now = this.options.clock.nowMs();
    const session: HelpSession = { id: newSessionId(), role: 'helper', phase: 'requesting', peer, self, startedAt: now, promptExpiresAt: now + this.promptMs };
    this.put(session);
    this.options.send(peer.mac, { kind: 'request', session: session.id });
    return ok(session);
  }

  /** The helped person's "Ask for help": a note on each chosen helper's screen, nothing shared. */
  ask(peerMacs: readonly string[]): number {
    let sent = 0;
    for (const mac of new Set(peerMacs)) {
      if (this.options.peer(mac) === undefined) continue;
      this.options.send(mac, { kind: 'ask' });
      sent++;
    }
    return sent;
  }

  /** The prompt's buttons. */
  answer(id: string, allow: boolean): Result<HelpSession, SessionError> {
    const session = this.sessions.get(id);
    if (session === undefined) return err('unknown-session');
    if (session.role !== 'helped' || session.phase !== 'prompting') return err('wrong-phase');
    this.options.send(session.peer.mac, { kind: 'answer', session: id, answer: allow ? 'allow' : 'decline' });
    return ok(allow ? this.move(session, 'connecting') : this.end(session, 'declined'));
  }

  /** A window reports that the picture flows. */
  connected(id: string): Result<HelpSession, SessionError> {
    const session = this.sessions.get(id);
    if (session === undefined) return err('unknown-session');
    if (session.phase === 'sharing') return ok(session);
    if (session.phase !== 'connecting') return err('wrong-phase');
    return ok(this.move(session, 'sharing'));
  }

  /** A window's WebRTC offer, answer or candidate for the other engine. */
  signal(id: string, signal: HelpSignal): Result<void, SessionError> {
    const session = this.sessions.get(id);
    if (session === undefined) return err('unknown-session');
    if (!isLive(session)) return err('wrong-phase');
    this.options.send(session.peer.mac, { kind: 'signal', session: id, signal });
    return ok(undefined);
  }

  /** Either side's Stop (or its window closing). */
  stop(id: string): Result<HelpSession, SessionError> {
    const session = this.sessions.get(id);
    if (session === undefined) return err('unknown-session');
    if (session.phase === 'ended') return ok(session);
    this.options.send(session.peer.mac, { kind: 'stop', session: id });
    return ok(this.end(session, 'stopped-here'));
  }

  /** A verified message from `from`, a peer in the table whose VPN address sent it. */
  receive(from: HelpPeerRef, body: HelpBody): void {
    if (body.kind === 'hello') return;
    if (body.kind === 'ask') return this.noteAsk(from);
    if (body.kind === 'request') return this.incomingRequest(from, body.session);
    const session = this.sessions.get(body.session);
    // Only the session's own peer may move it: another member cannot answer or stop it.
    if (session === undefined || session.peer.mac !== from.mac || session.phase === 'ended') return;
    switch (body.kind) {
      case 'answer':
        if (session.role !== 'helper' || session.phase !== 'requesting') return;
        if (body.answer === 'allow') this.move(session, 'connecting');
        else this.end(session, body.answer === 'decline' ? 'declined' : body.answer);
        return;
      case 'signal':
        if (isLive(session)) this.events.emit('event', { kind: 'signal', id: session.id, signal: body.signal });
        return;
      case 'stop':
        this.end(session, 'stopped-there');
        return;
    }
  }

  /** The peer left the peer table (or lost its address): its session ends. */
  peerGone(mac: string): void {
    const session = this.current();
    if (session?.peer.mac === mac) this.end(session, 'peer-gone');
  }

  /** Messages to the peer cannot be delivered: its session cannot go on. */
  unreachable(mac: string): void {
    const session = this.current();
    if (session?.peer.mac === mac) this.end(session, 'failed');
  }

  /** Help stops here (the edge stops, loses its address or its key): the peer is told, if it can be. */
  stopAll(): void {
    const session = this.current();
    if (session === undefined) return;
    this.options.send(session.peer.mac, { kind: 'stop', session: session.id });
    this.end(session, 'stopped-here');
  }

  /** Expires prompts and unanswered requests, forgets ended sessions and old asks; call about once a second. */
  tick(): void {
    const now = this.options.clock.nowMs();
    const session = this.current();
    if (session?.promptExpiresAt !== undefined) {
      if (session.phase === 'prompting' && now >= session.promptExpiresAt) {
        this.options.send(session.peer.mac, { kind: 'answer', session: session.id, answer: 'unanswered' });
        this.end(session, 'unanswered');
      } else if (session.phase === 'requesting' && now >= session.promptExpiresAt + ANSWER_GRACE_MS) {
        this.end(session, 'unanswered');
      }
    }
    for (const [id, at] of this.endedAt) {
      if (now - at < LINGER_MS) continue;
      this.endedAt.delete(id);
      this.sessions.delete(id);
    }
    this.asked = this.asked.filter((ask) => now - ask.at < ASKED_MS);
  }

  private current(): HelpSession | undefined {
    return openSession([...this.sessions.values()]);
  }

  private incomingRequest(from: HelpPeerRef, id: string): void {
    const self = this.options.self();
    if (self === undefined) return;
    // One at a time: a second request while a prompt is open or a session runs creates nothing.
    if (this.current() !== undefined || this.sessions.has(id)) {
      this.options.send(from.mac, { kind: 'answer', session: id, answer: 'busy' });
      return;
    }
    const now = this.options.clock.nowMs();
    this.put({ id, role: 'helped', phase: 'prompting', peer: from, self, startedAt: now, promptExpiresAt: now + this.promptMs });
  }

  private noteAsk(from: HelpPeerRef): void {
    const at = this.options.clock.nowMs();
    // A peer repeating itself does not get to flood this screen with notes.
    if (this.asked.some((ask) => ask.from.mac === from.mac && at - ask.at < ASK_REPEAT_MS)) return;
    this.asked = [{ from, at }, ...this.asked.filter((ask) => ask.from.mac !== from.mac)].slice(0, MAX_ASKED);
    this.events.emit('event', { kind: 'asked', from, at });
  }

  /** The session in a later phase: the prompt's deadline no longer applies. */
  private move(session: HelpSession, phase: HelpPhase, reason?: HelpEndReason): HelpSession {
    const { id, role, peer, self, startedAt } = session;
    return this.put({ id, role, phase, peer, self, startedAt, ...(reason === undefined ? {} : { reason }) });
  }

  private end(session: HelpSession, reason: HelpEndReason): HelpSession {
    this.endedAt.set(session.id, this.options.clock.nowMs());
    return this.move(session, 'ended', reason);
  }

  private put(session: HelpSession): HelpSession {
    this.sessions.set(session.id, session);
    this.events.emit('event', { kind: 'session', session });
    return session;
  }
}
