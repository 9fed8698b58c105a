// Registration with a supernode name that has addresses in both families (address-race.ts), on a
// manual clock: the IPv4 address goes first; the other family joins after the stagger while no ACK
// has come; the first ACK that passes the checks picks the address in use, later ones change nothing;
// and every address gets at most one REGISTER_SUPER per round of the §8.3 schedule.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../clock.js';
import { Logger } from '../../log.js';
import { AuthScheme, MessageType, socketToString } from '../../protocol/index.js';
import type { Message, RegisterSuperAckMessage, RegisterSuperNakMessage, Socket } from '../../protocol/index.js';
import { ok } from '../../../shared/result.js';
import type { EdgeContext } from '../context.js';
import type { Opened } from '../io/wire.js';
import { joinOrder, STAGGER_MS, staggerMs } from './address-race.js';
import { SupernodeRegistration } from './supernode-registration.js';
import { findBySocket, newSupernodeRecord } from './supernode-selection.js';

const V4: Socket = { family: 'IPv4', address: '198.51.100.1', port: 7654 };
const V4B: Socket = { family: 'IPv4', address: '198.51.100.2', port: 7654 };
const V6: Socket = { family: 'IPv6', address: '2001:db8::1', port: 7654 };
const SN_MAC = Uint8Array.from([2, 0x53, 0x4e, 0, 0, 1]);
const REGISTER_INTERVAL_MS = 20_000;
/** §8.3 fast retry while no ACK has come. */
const RETRY_MS = REGISTER_INTERVAL_MS / 10;
const TICK_MS = 10;

function harness(addresses: readonly Socket[]) {
  const clock = new ManualClock();
  const record = newSupernodeRecord('sn.example.net', 7654, addresses[0], false, addresses);
  const sent: { to: string; type: number }[] = [];
  const types = new WeakMap<Uint8Array, number>();
  const lines: string[] = [];
  const selected: string[] = [];
  /** Auths handed out for REGISTER_SUPER: a user/password edge makes a fresh challenge each time. */
  const auths = { issued: 0 };
  const ctx = {
    settings: { tcp: false, registerIntervalMs: REGISTER_INTERVAL_MS, userPassword: undefined, allowP2p: false, communityField: new Uint8Array(20), description: 'edge', selection: 'load' },
    clock,
    logger: new Logger(2, { write: (line) => lines.push(line) }),
    mac: Uint8Array.from([2, 0, 0, 0, 0, 1]),
    wire: {
      encode: (message: Message) => {
        const bytes = new Uint8Array(1);
        types.set(bytes, message.type);
        return bytes;
      },
      setDynamicKey: () => undefined,
    },
    auth: { registerAuth: () => ({ scheme: AuthScheme.UserPassword, token: Uint8Array.of(++auths.issued) }), trailerCipher: undefined, acceptAnswer: () => ok(undefined) },
    peers: { known: new Map(), pending: new Map() },
    events: { emit: (name: string, info: { sockaddr: string }) => selected.push(`${name} ${info.sockaddr}`) },
    addressing: { mode: 'static', announced: () => ({ address: '10.0.0.1', prefix: 24 }), offerFromSupernode: () => undefined },
    supernodes: [record],
    current: undefined,
    transport: { send: (bytes: Uint8Array, to: Socket) => sent.push({ to: socketToString(to), type: types.get(bytes) ?? -1 }), localPort: 40000, reachesIpv6: false },
    localDiscovery: false,
    mappedSocket: undefined,
  } as unknown as EdgeContext;
  const registration = new SupernodeRegistration(ctx, () => undefined);
  /** REGISTER_SUPERs sent, by destination, in order. */
  const registers = (): string[] => sent.filter((entry) => entry.type === MessageType.RegisterSuper).map((entry) => entry.to);
  /** The supernode an answer from `from` is handed to, as edge.ts dispatches it. */
  const answering = (from: Socket) => findBySocket(ctx.supernodes, from) ?? registration.raceEntrantAt(from);
  const opened = <M extends RegisterSuperAckMessage | RegisterSuperNakMessage>(message: M): Opened => ({ message: { ...message, trailingBytes: 0 }, plain: new Uint8Array(0), stamp: undefined, staticKey: false, raw: new Uint8Array(0) });
  /** The supernode's ACK to the latest REGISTER_SUPER, arriving from `from`; whether it was taken. */
  const ack = (from: Socket, cookie = record.lastCookie): boolean => {
    const target = answering(from);
    if (target === undefined) return false;
    const before = registration.awaitingAck;
    const message: RegisterSuperAckMessage = {
      ttl: 2,
      fromSupernode: true,
      communityField: new Uint8Array(20),
      type: MessageType.RegisterSuperAck,
      cookie,
      srcMac: SN_MAC,
      devAddr: { address: '0.0.0.0', prefix: 0 },
      lifetime: 120,
      socket: { family: 'IPv4', address: '203.0.113.5', port: 40000 },
      auth: { scheme: AuthScheme.SimpleId, token: new Uint8Array(16) },
      supernodes: [],
      keyTime: 0,
    };
    registration.handleAck(opened(message), message, target, from);
    return before && !registration.awaitingAck;
  };
  /** The supernode's NAK to the latest REGISTER_SUPER, arriving from `from`. */
  const nak = (from: Socket): void => {
    const target = answering(from);
    if (target === undefined) return;
    const message: RegisterSuperNakMessage = {
      ttl: 2,
      fromSupernode: true,
      communityField: new Uint8Array(20),
      type: MessageType.RegisterSuperNak,
      cookie: record.lastCookie,
      srcMac: ctx.mac,
      auth: { scheme: AuthScheme.None, token: new Uint8Array(0) },
    };
    registration.handleNak(opened(message), message, target, from);
  };
  /** Moves the clock by ms in edge-sized ticks. */
  const run = (ms: number): void => {
    for (let t = 0; t < ms; t += TICK_MS) {
      clock.advance(TICK_MS);
      registration.tick(clock.nowMs());
    }
  };
  registration.begin(clock.nowMs());
  return { ctx, record, registration, registers, ack, nak, run, lines, selected, auths };
}

describe('registration after a change', () => {
  it('registers again when what it carries changed while the previous REGISTER_SUPER awaited its ACK', () => {
    const h = harness([V4]);
    assert.equal(h.ack(V4), true);
    h.run(REGISTER_INTERVAL_MS);
    const before = h.registers().length;
    // The refresh is out; the change comes before its ACK, and the ACK then arrives.
    h.registration.registerSoon();
    h.ack(V4);
    h.run(TICK_MS * 2);
    assert.equal(h.registers().length, before + 1, 'the changed registration left at the next tick, not at the next refresh');
    assert.equal(h.ack(V4), true);
    h.run(TICK_MS * 2);
    assert.equal(h.registers().length, before + 1, 'and once only');
  });
});

describe('registration with a name that has several addresses (happy eyeballs)', () => {
  it('IPv4 goes first; IPv6 joins after the stagger; the IPv6 ACK makes it the address in use, a late IPv4 ACK changes nothing', () => {
    const h = harness([V4, V6]);
    assert.deepEqual(h.registers(), ['198.51.100.1:7654'], 'IPv4 first');
    h.run(STAGGER_MS - TICK_MS);
    assert.deepEqual(h.registers(), ['198.51.100.1:7654'], 'IPv6 waits for the stagger');
    h.run(TICK_MS);
    assert.deepEqual(h.registers(), ['198.51.100.1:7654', '[2001:db8::1]:7654']);
    assert.equal(h.ack(V6), true, 'the IPv6 ACK is taken');
    assert.deepEqual(h.record.socket, V6);
    assert.equal(h.registration.verdict(undefined).state, 'registered');
    assert.ok(h.lines.some((line) => line.includes('answered first at [2001:db8::1]:7654')));
    assert.equal(h.selected.at(-1), 'supernode-selected [2001:db8::1]:7654');
    assert.equal(h.ack(V4), false, 'a late IPv4 ACK is not taken');
    assert.deepEqual(h.record.socket, V6);
    h.run(REGISTER_INTERVAL_MS - STAGGER_MS);
    assert.deepEqual(h.registers().slice(2), ['[2001:db8::1]:7654'], 'the refresh goes to IPv6');
    assert.equal(h.ack(V6), true);
    h.run(STAGGER_MS);
    assert.deepEqual(h.registers().slice(2), ['[2001:db8::1]:7654'], 'and IPv6 alone while it answers');
  });

  it('an IPv4 ACK within the stagger keeps IPv4, and IPv6 is never sent to', () => {
    const h = harness([V4, V6]);
    h.run(STAGGER_MS / 2);
    assert.equal(h.ack(V4), true);
    h.run(REGISTER_INTERVAL_MS / 2);
    assert.deepEqual(h.registers(), ['198.51.100.1:7654']);
    assert.deepEqual(h.record.socket, V4);
  });

  it('when both answer, the first ACK wins: IPv4, which went first, stays; the later IPv6 ACK is ignored', () => {
    const h = harness([V4, V6]);
    h.run(STAGGER_MS);
    assert.equal(h.registers().length, 2);
    assert.equal(h.ack(V4), true);
    assert.equal(h.ack(V6), false);
    assert.deepEqual(h.record.socket, V4);
    assert.equal(h.record.stamp, undefined);
  });

  it('the raced REGISTER_SUPER carries the round\'s own auth (one user/password challenge per round)', () => {
    const h = harness([V4, V6]);
    h.run(STAGGER_MS);
    assert.equal(h.registers().length, 2);
    assert.equal(h.auths.issued, 1);
  });

  it('an ACK from a raced address that does not echo the round\'s cookie is not taken', () => {
    const h = harness([V4, V6]);
    h.run(STAGGER_MS);
    assert.equal(h.ack(V6, (h.record.lastCookie + 1) >>> 0), false);
    assert.deepEqual(h.record.socket, V4);
    assert.equal(h.ack(V6), true);
  });

  it('a NAK from the raced IPv6 address is the refusal the edge shows', () => {
    const h = harness([V4, V6]);
    h.nak(V6);
    assert.equal(h.registration.verdict(undefined).state, 'connecting', 'before its turn, IPv6 is nobody');
    h.run(STAGGER_MS);
    h.nak(V6);
    assert.equal(h.registration.verdict(undefined).state, 'error');
  });

  it('an ACK from an address whose turn has not come is not taken', () => {
    const h = harness([V4, V4B, V6]);
    h.run(STAGGER_MS);
    assert.deepEqual(h.registers(), ['198.51.100.1:7654', '[2001:db8::1]:7654'], 'the other family joins first');
    assert.equal(h.ack(V4B), false);
    assert.equal(h.registration.awaitingAck, true);
  });

  it('while nothing answers: each address at most once per round, rounds on the retry schedule', () => {
    const h = harness([V4, V4B, V6]);
    h.run(5 * RETRY_MS);
    const sent = h.registers();
    const rounds = sent.filter((to) => to === '198.51.100.1:7654').length;
    assert.ok(rounds >= 4 && rounds <= 6, `${rounds} rounds`);
    assert.ok(sent.length <= rounds * 3, `${sent.length} REGISTER_SUPERs for ${rounds} rounds of 3 addresses`);
    // Round by round: the address in use, then the other family, then the rest.
    for (let i = 0; i + 3 <= sent.length; i += 3) assert.deepEqual(sent.slice(i, i + 3), ['198.51.100.1:7654', '[2001:db8::1]:7654', '198.51.100.2:7654']);
  });

  it('a supernode with one address is only ever sent to there', () => {
    const h = harness([V4]);
    h.run(3 * RETRY_MS);
    assert.ok(h.registers().every((to) => to === '198.51.100.1:7654'));
  });
});

describe('address race pieces', () => {
  it('alternates families after the first, each in its own order', () => {
    const V6B: Socket = { ...V6, address: '2001:db8::2' };
    assert.deepEqual(joinOrder(V4, [V4, V4B, V6, V6B]), [V6, V4B, V6B]);
    assert.deepEqual(joinOrder(V6, [V4, V4B, V6]), [V4, V4B]);
    assert.deepEqual(joinOrder(V4, [V4]), []);
  });

  it('the stagger fits every address before the next retry', () => {
    assert.equal(staggerMs(RETRY_MS, 2), STAGGER_MS);
    assert.equal(staggerMs(300, 2), 150);
    assert.equal(staggerMs(300, 0), STAGGER_MS);
  });
});
