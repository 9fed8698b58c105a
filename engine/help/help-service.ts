// Help on one edge: runs the signalling service while the edge has a VPN address and the network a
// key (stopping it, and any session, when either goes), keeps the session state machine fed with
// the peer table, and tells for each peer whether a help session is possible (a `hello` probe,
// cached, refreshed when peers come and go). The management methods (help-methods.ts) read and
// drive it.
import { EventEmitter } from 'node:events';
import { BlockList } from 'node:net';
import { systemClock, type Clock } from '../clock.js';
import type { ManagedEdge } from '../edge/api/management.js';
import type { PeerView } from '../edge/api/views.js';
import { listenAll } from '../mgmt/listen-all.js';
import type { HelpAvailability, HelpEvent, HelpPeerRef, HelpStatus } from './api.js';
import { HelpSessions } from './sessions.js';
import { Signalling, type DropReason } from './signalling.js';
import { HELP_VERSION, helpKey, type HelpMessage } from './wire.js';

export type HelpEdge = Pick<ManagedEdge, 'settings' | 'status' | 'peers' | 'peer' | 'events'>;

/** A peer that has not answered a hello this long does not run Kith's help. */
const PROBE_ANSWER_MS = 5_000;
/** Peers found without help are asked again this often (they may have updated). */
const REPROBE_MS = 60_000;
/**
 * Unanswered hellos sent PROBE_ANSWER_MS apart before a peer counts as not running Kith's help: the
 * first may arrive before the peer has this edge in its own table, and is dropped there.
 */
const PROBE_TRIES = 3;
const TICK_MS = 1_000;
/** How long peer changes gather before one look over the table (a new peer is probed this soon). */
const SOON_TICK_MS = 100;
/**
 * A peer marked not answering this long, without leaving the table, is taken as gone (it may have
 * crashed: no stop comes then). Shorter silences happen on a busy machine and must not end a session.
 */
export const PEER_SILENT_GRACE_MS = 15_000;

export interface HelpServiceOptions {
  readonly edge: HelpEdge;
  readonly log: (line: string) => void;
  readonly clock?: Clock;
  /** Default 7655; tests on loopback use their own. */
  readonly port?: number;
  /** Default 60 s (sessions.ts PROMPT_MS). */
  readonly promptMs?: number;
}

let promptMsForTests: number | undefined;
/**
 * Tests only (e2e/netns/test-fixtures/help-edge.ts): a shorter prompt for every service this
 * process starts from now on. Deliberately not a setting: a person cannot shorten the prompt.
 */
export function shortenPromptForTests(ms: number): void {
  promptMsForTests = ms;
}

interface Running {
  /** What the service was started for: a change of any part restarts it. */
  readonly address: string;
  readonly prefix: number;
  readonly mac: string;
  readonly key: Buffer;
  readonly signalling: Signalling;
  /** The network's subnet: the only addresses help talks to. */
  readonly subnet: BlockList;
}

interface Probe {
  readonly sentAt: number;
  readonly answered: boolean;
  /** Hellos sent without an answer so far. */
  readonly tries: number;
}

type Wanted = { readonly address: string; readonly prefix: number; readonly mac: string; readonly key: Buffer } | { readonly why: 'no-key' | 'no-address' };

export class HelpService {
  readonly events = new EventEmitter<{ event: [HelpEvent] }>();
  readonly sessions: HelpSessions;
  private readonly clock: Clock;
  /** When each peer with a live session was first seen not answering (endSessionsOfGonePeers). */
  private silentSince = new Map<string, number>();
  private running: Running | undefined;
  private changing: Promise<void> = Promise.resolve();
  private listenProblem: string | undefined;
  private readonly probes = new Map<string, Probe>();
  private readonly shown = new Map<string, string>();
  private derived: { readonly settings: HelpEdge['settings']; readonly key: Buffer } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private detach: (() => void) | undefined;

  constructor(private readonly options: HelpServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.sessions = new HelpSessions({
      clock: this.clock,
      self: () => this.self(),
      peer: (mac) => this.peerRef(mac),
      send: (mac, body) => {
        const peer = this.peerRef(mac);
        if (peer !== undefined) this.running?.signalling.send(peer, body);
      },
      promptMs: options.promptMs ?? promptMsForTests,
    });
    this.sessions.events.on('event', (event) => this.events.emit('event', event));
  }

  start(): void {
    if (this.timer !== undefined) return;
    const onChange = (): void => this.tick();
    this.detach = listenAll(this.options.edge.events, {
      'state-changed': onChange,
      'address-assigned': onChange,
      // Peers come and go by the thousand in a flood of made-up MACs: the session that needs it
      // ends at once, the look over the whole table waits for the next round (soonTick).
      'peer-removed': (removed: { readonly mac: string }) => {
        this.sessions.peerGone(removed.mac);
        this.soonTick();
      },
      // A peer that joins (again) is asked afresh whether it can take part.
      'peer-added': (peer: PeerView) => {
        this.probes.delete(peer.mac);
        this.soonTick();
      },
    });
    this.timer = setInterval(() => this.tick(), TICK_MS).unref();
    this.tick();
  }

  /** One tick soon for any number of peer changes until then. */
  private soonTick(): void {
    if (this.soon !== undefined || this.timer === undefined) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.tick();
    }, SOON_TICK_MS).unref();
  }

  /** Ends any session (telling the peer) and stops listening. */
  async close(): Promise<void> {
    clearTimeout(this.soon);
    this.soon = undefined;
    clearInterval(this.timer);
    this.detach?.();
    this.timer = undefined;
    this.detach = undefined;
    this.changing = this.changing.then(() => this.stopRunning());
    await this.changing;
  }

  status(): HelpStatus {
    return { sessions: this.sessions.list(), peers: Object.fromEntries(this.availabilities()), asked: this.sessions.recentAsks() };
  }

  /** What the signalling service refused since it last started, by reason. */
  dropped(): Readonly<Partial<Record<DropReason, number>>> {
    return this.running?.signalling.dropped() ?? {};
  }

  /** Why help cannot run on this edge now, or undefined when it runs. */
  problem(): 'no-key' | 'no-address' | undefined {
    if (this.running !== undefined) return undefined;
    const wanted = this.wanted();
    return 'why' in wanted ? wanted.why : 'no-address';
  }

  /** What the service does about once a second and whenever the edge changes. */
  tick(): void {
    this.changing = this.changing.then(() => this.follow());
    this.sessions.tick();
    this.endSessionsOfGonePeers();
    const views = this.options.edge.peers();
    this.probePeers(views);
    this.showAvailability(views);
  }

  /** A peer that left the table, or stayed silent for PEER_SILENT_GRACE_MS, ends its session. */
  private endSessionsOfGonePeers(): void {
    const now = this.clock.nowMs();
    const silentSince = new Map<string, number>();
    for (const session of this.sessions.list()) {
      if (session.phase === 'ended') continue;
      const mac = session.peer.mac;
      const view = this.options.edge.peer(mac);
      if (view === undefined || this.refOf(view) === undefined) {
        this.sessions.peerGone(mac);
      } else if (!view.answering) {
        const since = this.silentSince.get(mac) ?? now;
        if (now - since >= PEER_SILENT_GRACE_MS) this.sessions.peerGone(mac);
        else silentSince.set(mac, since);
      }
    }
    this.silentSince = silentSince;
  }

  private wanted(): Wanted {
    const { edge } = this.options;
    const status = edge.status();
    if (edge.settings.key.length === 0) return { why: 'no-key' };
    if (status.state === 'stopped' || status.address === undefined || status.address.address === '0.0.0.0') return { why: 'no-address' };
    return { address: status.address.address, prefix: status.address.prefix, mac: status.mac, key: this.keyOf(edge.settings) };
  }

  /** The help key of the edge's settings, derived again only when the settings are replaced. */
  private keyOf(settings: HelpEdge['settings']): Buffer {
    if (this.derived?.settings !== settings) this.derived = { settings, key: helpKey(settings.key, settings.communityName) };
    return this.derived.key;
  }

  /** Starts, restarts or stops the signalling service to match the edge. */
  private async follow(): Promise<void> {
    const wanted = this.wanted();
    const running = this.running;
    if (running !== undefined && !('why' in wanted) && running.address === wanted.address && running.prefix === wanted.prefix && running.mac === wanted.mac && running.key.equals(wanted.key)) return;
    if (running !== undefined) await this.stopRunning();
    if ('why' in wanted || this.timer === undefined) return;
    const listening = await Signalling.listen({
      ...wanted,
      selfMac: wanted.mac,
      clock: this.clock,
      peer: (mac) => this.peerRef(mac),
      onMessage: (from, message) => this.receive(from, message),
      onUnreachable: (mac) => this.sessions.unreachable(mac),
      log: this.options.log,
      ...(this.options.port === undefined ? {} : { port: this.options.port }),
    });
    if (!listening.ok) {
      // Usually the TAP does not carry the address yet: the next tick tries again.
      if (this.listenProblem !== listening.detail) this.options.log(`help: cannot listen on ${wanted.address}: ${listening.detail ?? listening.error}`);
      this.listenProblem = listening.detail;
      return;
    }
    this.listenProblem = undefined;
    const subnet = new BlockList();
    subnet.addSubnet(wanted.address, wanted.prefix, 'ipv4');
    this.running = { ...wanted, signalling: listening.value, subnet };
    this.probes.clear();
    this.options.log(`help: listening on ${wanted.address}`);
    this.probePeers(this.options.edge.peers());
  }

  private async stopRunning(): Promise<void> {
    const running = this.running;
    if (running === undefined) return;
    this.sessions.stopAll();
    this.running = undefined;
    await running.signalling.close();
  }

  private receive(from: HelpPeerRef, message: HelpMessage): void {
    if (message.kind === 'hello') {
      if (message.version === HELP_VERSION) this.probes.set(from.mac, { sentAt: this.clock.nowMs(), answered: true, tries: 0 });
      if (message.probe) this.running?.signalling.send(from, { kind: 'hello', name: this.self()?.name ?? '', version: HELP_VERSION, probe: false });
      // A hello changes this peer's availability only.
      const view = this.options.edge.peer(from.mac);
      if (view !== undefined) this.show(view.mac, this.availabilityOf(view, this.problem(), this.clock.nowMs()));
      return;
    }
    this.sessions.receive(from, message);
  }

  /** Sends a hello to peers never asked, and again to those that did not answer a while ago. */
  private probePeers(views: readonly PeerView[]): void {
    const running = this.running;
    if (running === undefined) return;
    const now = this.clock.nowMs();
    for (const view of views) {
      const probe = this.probes.get(view.mac);
      if (probe !== undefined && (probe.answered || now - probe.sentAt < (probe.tries < PROBE_TRIES ? PROBE_ANSWER_MS : REPROBE_MS))) continue;
      const peer = this.refOf(view);
      if (peer === undefined || !view.answering) continue;
      this.probes.set(view.mac, { sentAt: now, answered: false, tries: (probe?.tries ?? 0) + 1 });
      running.signalling.send(peer, { kind: 'hello', name: this.self()?.name ?? '', version: HELP_VERSION, probe: true });
    }
  }

  private availabilities(views: readonly PeerView[] = this.options.edge.peers()): Map<string, HelpAvailability> {
    const problem = this.problem();
    const now = this.clock.nowMs();
    return new Map(views.map((view) => [view.mac, this.availabilityOf(view, problem, now)]));
  }

  private availabilityOf(view: PeerView, problem: 'no-key' | 'no-address' | undefined, now: number): HelpAvailability {
    const probe = this.probes.get(view.mac);
    if (problem !== undefined) return { possible: false, why: problem };
    if (this.refOf(view) === undefined) return { possible: false, why: 'no-address' };
    if (!view.answering) return { possible: false, why: 'offline' };
    if (probe?.answered === true) return { possible: true };
    if (probe === undefined || probe.tries < PROBE_TRIES || now - probe.sentAt < PROBE_ANSWER_MS) return { possible: false, why: 'checking' };
    return { possible: false, why: 'not-kith' };
  }

  /** Publishes what changed since the last look; peers that left are forgotten. */
  private showAvailability(views: readonly PeerView[]): void {
    const current = this.availabilities(views);
    for (const mac of this.shown.keys()) {
      if (current.has(mac)) continue;
      this.shown.delete(mac);
      this.probes.delete(mac);
    }
    for (const [mac, availability] of current) this.show(mac, availability);
  }

  /** Publishes a peer's availability when it differs from what was shown last. */
  private show(mac: string, availability: HelpAvailability): void {
    const text = JSON.stringify(availability);
    if (this.shown.get(mac) === text) return;
    this.shown.set(mac, text);
    this.events.emit('event', { kind: 'availability', mac, availability });
  }

  private self(): HelpPeerRef | undefined {
    const running = this.running;
    if (running === undefined) return undefined;
    return { mac: running.mac, name: this.options.edge.status().description || running.mac, vpnIpv4: running.address };
  }

  /** A peer in the table whose VPN address is inside this edge's subnet: the only ones help talks to. */
  private peerRef(mac: string): HelpPeerRef | undefined {
    return this.refOf(this.options.edge.peer(mac));
  }

  /** peerRef for a view already in hand (the rounds over the table). */
  private refOf(view: PeerView | undefined): HelpPeerRef | undefined {
    const running = this.running;
    if (running === undefined) return undefined;
    if (view?.vpnIpv4 === undefined || view.vpnIpv4 === running.address) return undefined;
    if (!running.subnet.check(view.vpnIpv4, 'ipv4')) return undefined;
    return { mac: view.mac, name: view.description || view.mac, vpnIpv4: view.vpnIpv4 };
  }
}
