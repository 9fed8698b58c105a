// Port spray (port-spray.ts): the role rule, the probe port generator, pacing, the per-round bounds
// and the budget per minute on a manual clock, only towards vouched addresses, and the hard side's
// sockets on loopback.
import { createSocket } from 'node:dgram';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RegisterCookie } from '../../protocol/index.js';
import type { Message, Socket } from '../../protocol/index.js';
import { ManualClock } from '../../clock.js';
import type { EdgeContext } from '../context.js';
import { newPacketCounters } from '../data-path/counters.js';
import { PeerTable } from './peer-table.js';
import { vouch } from './peer-trust.js';
import {
  EASY_START_MS,
  HARD_START_MS,
  HARD_WINDOW_MS,
  MIN_PROBE_PORT,
  PortSpray,
  probePorts,
  probesDue,
  ROUND_STARTS_MS,
  roundStart,
  SPRAY_BURST,
  SPRAY_DURATION_MS,
  SPRAY_PROBES,
  SPRAY_SOCKETS,
  sprayEligible,
  sprayRole,
} from './port-spray.js';
import type { SupernodeRegistration } from './supernode-registration.js';

const sock = (address: string, port: number): Socket => ({ family: 'IPv4', address, port });
const PEER = Uint8Array.from([2, 0, 0, 0, 0, 0x22]);
const TICK = 200;

/** A deterministic generator in [0, 1). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 0x1_0000_0000;
  };
}

interface Harness {
  spray: PortSpray;
  ctx: EdgeContext;
  clock: ManualClock;
  peers: PeerTable;
  sent: { to: Socket; ttl: number | undefined; at: number }[];
  delivered: Socket[];
}

/** An edge with one pending peer at peerSocket, which the supernode vouched for unless told otherwise. */
function harness(publicSocket: Socket, localPort: number, peerSocket: Socket, vouched = true): Harness {
  const clock = new ManualClock();
  const peers = new PeerTable(20_000);
  const sent: { to: Socket; ttl: number | undefined; at: number }[] = [];
  const delivered: Socket[] = [];
  const ctx = {
    settings: { allowP2p: true, tcp: false, registerTtl: 0, communityField: new Uint8Array(20), description: '' },
    mac: new Uint8Array(6),
    addressing: { announced: () => ({ address: '0.0.0.0', prefix: 0 }) },
    clock,
    logger: { debug: () => undefined, info: () => undefined },
    wire: { encode: (_message: Message) => new Uint8Array(8) },
    peers,
    counters: newPacketCounters(),
    transport: { localPort, localAddress: '127.0.0.1', send: (_bytes: Uint8Array, to: Socket, ttl?: number) => sent.push({ to, ttl, at: clock.nowMs() }) },
  } as unknown as EdgeContext;
  const registration = { publicSocket } as unknown as SupernodeRegistration;
  const spray = new PortSpray(ctx, registration, (_bytes, source) => delivered.push(source), undefined, seeded(7));
  const seen = peers.sighting({ fromSupernode: true, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Forwarded, socket: peerSocket, now: clock.nowMs() });
  if (vouched && seen.kind !== 'refused') vouch(seen.record, peerSocket.address);
  return { spray, ctx, clock, peers, sent, delivered };
}

function run(h: Harness, untilMs: number): void {
  for (let i = 0; i < untilMs / TICK + 1 && i < 100_000; i++) {
    h.spray.tick(h.clock.nowMs());
    h.clock.advance(TICK);
  }
}

async function until(what: string, check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Sends one datagram to a loopback port from a socket connected to it, and resolves with the error
 * the kernel then reports: ECONNREFUSED (ICMP port unreachable) when no socket is bound there.
 */
async function refusal(port: number, timeoutMs = 3_000): Promise<string> {
  const probe = createSocket('udp4');
  try {
    return await new Promise<string>((resolve, reject) => {
      setTimeout(() => reject(new Error(`no refusal from port ${port}: a socket is still bound there`)), timeoutMs).unref();
      probe.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      probe.connect(port, '127.0.0.1', () => probe.send(Buffer.from('late')));
    });
  } finally {
    probe.close();
  }
}

describe('port spray', () => {
  it('takes the role from the supernode-reported public port (§4.7)', () => {
    assert.equal(sprayRole(sock('203.0.113.1', 40000), 40000), 'easy');
    assert.equal(sprayRole(sock('203.0.113.1', 51234), 40000), 'hard');
    assert.equal(sprayRole(undefined, 40000), undefined);
    assert.equal(sprayRole(sock('203.0.113.1', 40000), undefined), undefined);
    assert.equal(sprayRole({ family: 'IPv6', address: '2001:db8::1', port: 1 }, 2), undefined);
  });

  it('draws distinct probe ports in 1024–65535 without the reported one', () => {
    const ports = probePorts(SPRAY_PROBES, 40000, seeded(1));
    assert.equal(ports.length, SPRAY_PROBES);
    assert.equal(new Set(ports).size, SPRAY_PROBES);
    assert.ok(ports.every((port) => port >= MIN_PROBE_PORT && port <= 0xffff && port !== 40000));
    // A stuck generator still terminates with distinct ports; the count never exceeds the range.
    const stuck = probePorts(10, MIN_PROBE_PORT, () => 0);
    assert.equal(new Set(stuck).size, 10);
    assert.ok(!stuck.includes(MIN_PROBE_PORT));
    assert.equal(probePorts(100_000, 5000, Math.random).length, 0x10000 - MIN_PROBE_PORT - 1);
  });

  it('paces probes over the spray duration and never exceeds the total', () => {
    assert.equal(probesDue(-1, 1024, 3000), 0);
    assert.equal(probesDue(0, 1024, 3000), 0);
    assert.equal(probesDue(1500, 1024, 3000), 512);
    assert.equal(probesDue(3000, 1024, 3000), 1024);
    assert.equal(probesDue(60_000, 1024, 3000), 1024);
    let last = 0;
    for (let t = 0; t <= 3000; t += 7) {
      const due = probesDue(t, 1024, 3000);
      assert.ok(due >= last && due <= 1024);
      last = due;
    }
  });

  it('has a bounded, increasing round schedule', () => {
    assert.equal(roundStart(0), 0);
    for (let i = 1; i < ROUND_STARTS_MS.length; i++) assert.ok((roundStart(i) ?? 0) > (roundStart(i - 1) ?? 0));
    assert.equal(roundStart(ROUND_STARTS_MS.length), undefined);
    assert.ok(EASY_START_MS > HARD_START_MS && EASY_START_MS + SPRAY_DURATION_MS < HARD_START_MS + HARD_WINDOW_MS);
  });

  it('only considers pending peers known at a supernode-reported IPv4 socket the supernode vouched for', () => {
    const peers = new PeerTable(20_000);
    const record = peers.query(PEER, 0)?.record;
    assert.ok(record !== undefined);
    assert.equal(sprayEligible(record, false), false, 'no socket yet');
    record.path.socket = sock('203.0.113.9', 5000);
    record.path.origin = 'supernode';
    assert.equal(sprayEligible(record, false), false, 'only claimed by a relayed datagram');
    vouch(record, '198.51.100.200');
    assert.equal(sprayEligible(record, false), false, 'vouched at another address');
    vouch(record, '203.0.113.9');
    assert.equal(sprayEligible(record, false), true);
    assert.equal(sprayEligible(record, true), false, 'a known peer');
    record.path.origin = 'direct';
    assert.equal(sprayEligible(record, false), false, 'a socket observed directly');
  });

  it('easy side: at most SPRAY_PROBES paced probes per round, a bounded number of rounds', () => {
    const peerSocket = sock('203.0.113.9', 40000);
    const h = harness(sock('198.51.100.1', 7000), 7000, peerSocket);
    run(h, EASY_START_MS - TICK);
    assert.equal(h.sent.length, 0, 'nothing before normal punching had its chance');
    run(h, SPRAY_DURATION_MS / 2);
    assert.ok(h.sent.length > 0 && h.sent.length < SPRAY_PROBES, 'paced');
    run(h, SPRAY_DURATION_MS);
    assert.equal(h.sent.length, SPRAY_PROBES);
    assert.ok(h.sent.every((probe) => probe.to.address === peerSocket.address && probe.ttl === undefined));
    assert.equal(new Set(h.sent.map((probe) => probe.to.port)).size, SPRAY_PROBES);
    run(h, (ROUND_STARTS_MS.at(-1) ?? 0) + 60_000);
    assert.equal(h.sent.length, SPRAY_PROBES * ROUND_STARTS_MS.length);
    assert.equal(h.ctx.counters.portSpray.probes, SPRAY_PROBES * ROUND_STARTS_MS.length);
    assert.equal(h.ctx.counters.portSpray.rounds, ROUND_STARTS_MS.length);
  });

  it('easy side: stops as soon as the peer is reached directly', () => {
    const peerSocket = sock('203.0.113.9', 40000);
    const h = harness(sock('198.51.100.1', 7000), 7000, peerSocket);
    run(h, EASY_START_MS + SPRAY_DURATION_MS / 3);
    const before = h.sent.length;
    assert.ok(before > 0);
    h.peers.confirmPath(PEER, sock('203.0.113.9', 23456), RegisterCookie.Regular, h.clock.nowMs());
    run(h, 120_000);
    assert.equal(h.sent.length, before);
  });

  it('never probes an address the supernode has not vouched for', () => {
    const h = harness(sock('198.51.100.1', 7000), 7000, sock('203.0.113.9', 40000), false);
    run(h, (ROUND_STARTS_MS.at(-1) ?? 0) + 60_000);
    assert.equal(h.sent.length, 0);
    assert.equal(h.ctx.counters.portSpray.rounds, 0);
  });

  it('sends at most a full burst plus one refill of probes a minute, all peers together', () => {
    const h = harness(sock('198.51.100.1', 7000), 7000, sock('203.0.113.9', 40000));
    // Many vouched peers at once: without the budget, each would get its own rounds.
    for (let i = 1; i <= 8; i++) {
      const mac = Uint8Array.from([2, 0, 0, 0, 1, i]);
      const address = `203.0.113.${10 + i}`;
      const seen = h.peers.sighting({ fromSupernode: true, viaMulticast: false, mac, cookie: RegisterCookie.Forwarded, socket: sock(address, 40000), now: h.clock.nowMs() });
      if (seen.kind !== 'refused') vouch(seen.record, address);
    }
    run(h, (ROUND_STARTS_MS.at(-1) ?? 0) + 60_000);
    // The most probes in any 60 s window.
    let most = 0;
    for (let first = 0, last = 0; last < h.sent.length; last++) {
      while ((h.sent[last]?.at ?? 0) - (h.sent[first]?.at ?? 0) >= 60_000) first++;
      most = Math.max(most, last - first + 1);
    }
    assert.ok(most <= SPRAY_BURST + SPRAY_PROBES, `${most} probes in one minute`);
    assert.ok(h.sent.length < 9 * SPRAY_PROBES * ROUND_STARTS_MS.length, 'not every round went out in full');
    assert.ok(h.ctx.counters.portSpray.throttled > 0, 'the rest was throttled');
    assert.equal(h.ctx.counters.portSpray.probes, h.sent.length);
  });

  it('two hard sides never probe', () => {
    const h = harness(sock('198.51.100.1', 61000), 7000, sock('127.0.0.1', 9));
    run(h, 2_000);
    assert.equal(h.sent.length, 0);
    h.spray.close();
  });

  it('hard side: TTL-limited openers from extra sockets; the socket the peer answers becomes its route', async () => {
    const peer = createSocket('udp4');
    await new Promise<void>((resolve) => peer.bind(0, '127.0.0.1', resolve));
    const openers: number[] = [];
    peer.on('message', (_bytes, info) => openers.push(info.port));
    const peerSocket = sock('127.0.0.1', peer.address().port);
    const h = harness(sock('198.51.100.1', 61000), 7000, peerSocket);
    try {
      run(h, HARD_START_MS);
      await until('the openers', () => openers.length === SPRAY_SOCKETS);
      assert.equal(h.ctx.counters.portSpray.sockets, SPRAY_SOCKETS);
      assert.equal(h.ctx.counters.portSpray.openers, SPRAY_SOCKETS);
      assert.equal(new Set(openers).size, SPRAY_SOCKETS);
      assert.equal(h.sent.length, 0, 'the main socket sends nothing');
      // The peer's probe hits one extra socket: it is delivered and that socket becomes the route.
      const hit = openers[17] ?? 0;
      peer.send(Buffer.from('probe'), hit, '127.0.0.1');
      await until('the delivery', () => h.delivered.length === 1);
      assert.equal(h.ctx.counters.portSpray.hits, 1);
      const route = h.peers.get(PEER)?.path.via?.sender;
      assert.ok(route !== undefined);
      assert.deepEqual(h.peers.get(PEER)?.path.via?.target, peerSocket);
      // Answers for the peer leave from the winning socket; other destinations take the main one.
      const answers: number[] = [];
      peer.removeAllListeners('message');
      peer.on('message', (_bytes, info) => answers.push(info.port));
      route.send(new Uint8Array(4), peerSocket);
      await until('the answer', () => answers.length === 1);
      assert.equal(answers[0], hit);
      route.send(new Uint8Array(4), sock('127.0.0.1', 9));
      assert.equal(h.sent.length, 1);
      // The losing sockets are closed: the kernel refuses a datagram to one, and nothing is delivered.
      assert.equal(await refusal(openers[18] ?? 0), 'ECONNREFUSED');
      assert.equal(h.delivered.length, 1);
      // The peer goes: the route and its socket go too.
      h.spray.forget(PEER);
      assert.equal(h.peers.get(PEER)?.path.via, undefined);
    } finally {
      h.spray.close();
      peer.close();
    }
  });
});
