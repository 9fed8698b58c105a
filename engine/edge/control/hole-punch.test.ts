// Hole punching against spoofed datagrams (hole-punch.ts with peer-trust.ts), on a manual clock:
// what a made-up peer's datagrams make the edge send — to the claimed address, the supernode and the
// local group together — never exceeds what they brought in, over the whole punch schedule; a
// PEER_INFO counts only as the answer to our own recent QUERY_PEER, and then punching runs in full;
// the TTL-limited opener always leaves before the REGISTER through the supernode; a REGISTER_ACK is
// timed from the REGISTER whose cookie it echoes (rtt.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TTL, encodeMessage, MessageType, RegisterCookie } from '../../protocol/index.js';
import type { Message, PeerInfoMessage, RegisterAckMessage, RegisterMessage, Socket } from '../../protocol/index.js';
import { ManualClock } from '../../clock.js';
import type { EdgeContext } from '../context.js';
import { newPacketCounters } from '../data-path/counters.js';
import { HolePunch, OPENER_TTL, PEER_INFO_WINDOW_MS, PUNCH_RETRY_DELAYS_MS } from './hole-punch.js';
import { PeerTable } from './peer-table.js';
import { earn, isVouched, wireCost } from './peer-trust.js';
import type { SupernodeRegistration } from './supernode-registration.js';
import type { Opened } from '../io/wire.js';

const OWN_MAC = Uint8Array.from([2, 0, 0, 0, 0, 1]);
const FAKE = Uint8Array.from([2, 0xee, 0, 0, 0, 7]);
const SUPERNODE: Socket = { family: 'IPv4', address: '192.0.2.1', port: 7654 };
const VICTIM: Socket = { family: 'IPv4', address: '198.51.100.66', port: 40000 };
const COMMUNITY = new Uint8Array(20);
const TICK = 200;

interface Sent {
  to: Socket | 'multicast';
  bytes: number;
  ttl?: number | undefined;
}

function harness(): { punch: HolePunch; ctx: EdgeContext; clock: ManualClock; peers: PeerTable; sent: Sent[] } {
  const clock = new ManualClock();
  const peers = new PeerTable(20_000);
  const sent: Sent[] = [];
  const ctx = {
    settings: { allowP2p: true, tcp: false, registerTtl: 0, registerIntervalMs: 20_000, communityField: COMMUNITY, description: 'edge' },
    addressing: { announced: () => ({ address: '10.0.0.1', prefix: 24 }) },
    clock,
    mac: OWN_MAC,
    logger: { debug: () => undefined, info: () => undefined },
    events: { emit: () => true },
    wire: { encode: (message: Message) => encodeMessage(message) },
    peers,
    counters: newPacketCounters(),
    current: { socket: SUPERNODE },
    transport: {
      send: (bytes: Uint8Array, to: Socket, ttl?: number) => sent.push({ to, bytes: bytes.length, ttl }),
      sendMulticast: (bytes: Uint8Array) => sent.push({ to: 'multicast', bytes: bytes.length }),
    },
  } as unknown as EdgeContext;
  const registration = {
    sendMulticastRegister: () => sent.push({ to: 'multicast', bytes: 61 }),
  } as unknown as SupernodeRegistration;
  return { punch: new HolePunch(ctx, registration), ctx, clock, peers, sent };
}

function opened(message: Message): Opened {
  const raw = encodeMessage(message);
  return { message: message as Opened['message'], plain: raw, stamp: undefined, staticKey: false, raw };
}

/** A REGISTER from FAKE, relayed by the supernode with socket inserted, or straight from socket. */
function register(socket: Socket, relayed: boolean): RegisterMessage {
  return {
    ttl: DEFAULT_TTL,
    fromSupernode: relayed,
    communityField: COMMUNITY,
    type: MessageType.Register,
    cookie: RegisterCookie.Forwarded,
    srcMac: FAKE,
    dstMac: OWN_MAC,
    ...(relayed ? { socket } : {}),
    devAddr: { address: '0.0.0.0', prefix: 0 },
    description: '',
  };
}

/** The supernode's PEER_INFO naming VICTIM as FAKE's socket. */
function peerInfoAboutFake(): PeerInfoMessage {
  return {
    ttl: DEFAULT_TTL,
    fromSupernode: true,
    communityField: COMMUNITY,
    type: MessageType.PeerInfo,
    aflags: 0,
    srcMac: OWN_MAC,
    targetMac: FAKE,
    socket: VICTIM,
    load: 0,
    uptime: 0,
    version: '',
  };
}

const total = (sent: readonly Sent[]): number => sent.reduce((sum, s) => sum + wireCost(s.bytes, 'IPv4'), 0);

function runPunchSchedule(h: ReturnType<typeof harness>): void {
  const end = PUNCH_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0) + 60_000;
  for (let t = 0; t <= end; t += TICK) {
    h.punch.tick(h.clock.nowMs());
    h.clock.advance(TICK);
  }
}

describe('hole punching and spoofed datagrams', () => {
  it('a relayed PACKET and REGISTER claiming a made-up peer: what it sends never exceeds what came in', () => {
    const h = harness();
    // The broadcast PACKET of the issue (130 bytes) relayed with the victim's socket inserted …
    const packetBytes = 130 + 8;
    const seen = h.peers.sighting({ fromSupernode: true, viaMulticast: false, mac: FAKE, cookie: RegisterCookie.Forwarded, socket: VICTIM, now: h.clock.nowMs() });
    assert.ok(seen.kind !== 'refused');
    earn(seen.record, packetBytes, 'IPv4');
    h.punch.onSighting(seen, true);
    // … then a REGISTER relayed for the same made-up MAC (what makes punches go out at full TTL).
    const relayed = register(VICTIM, true);
    h.punch.handleRegister(opened(relayed), relayed, SUPERNODE, 'udp', undefined);
    runPunchSchedule(h);
    const received = wireCost(packetBytes, 'IPv4') + wireCost(encodeMessage(relayed).length, 'IPv4');
    assert.ok(total(h.sent) <= received, `sent ${total(h.sent)} B for ${received} B received`);
    assert.ok(h.sent.some((s) => s.to !== 'multicast' && s.to.address === SUPERNODE.address && s.bytes === 38), 'the supernode was asked (QUERY_PEER)');
    assert.ok(h.ctx.counters.withheld > 0);
  });

  it('a direct REGISTER from a spoofed source: answered (REGISTER_ACK) within what it brought', () => {
    const h = harness();
    const direct = register(VICTIM, false);
    h.punch.handleRegister(opened(direct), direct, VICTIM, 'udp', undefined);
    runPunchSchedule(h);
    assert.ok(total(h.sent) <= wireCost(encodeMessage(direct).length, 'IPv4'));
    assert.ok(h.sent.some((s) => s.to !== 'multicast' && s.to.address === VICTIM.address && s.bytes === 40), 'the REGISTER_ACK went out');
  });

  it('sends no REGISTER_ACK of its own for a REGISTER the express lane has answered, and still counts the sighting', () => {
    const h = harness();
    const direct = register(VICTIM, false);
    h.punch.handleRegister(opened(direct), direct, VICTIM, 'answered', undefined);
    assert.ok(!h.sent.some((s) => s.bytes === 40), 'no second REGISTER_ACK');
    assert.ok(h.peers.get(FAKE) !== undefined, 'the REGISTER was handled');
  });

  it('takes a PEER_INFO only as the answer to a recent QUERY_PEER of ours; then punches in full', () => {
    const h = harness();
    const seen = h.peers.sighting({ fromSupernode: true, viaMulticast: false, mac: FAKE, cookie: RegisterCookie.Forwarded, socket: VICTIM, now: h.clock.nowMs() });
    assert.ok(seen.kind !== 'refused');
    const record = seen.record;
    const info = peerInfoAboutFake();
    h.punch.handlePeerInfo(info, SUPERNODE);
    assert.equal(isVouched(record, VICTIM.address), false, 'unasked');
    earn(record, 200, 'IPv4');
    h.punch.askSupernode(record);
    h.clock.advance(PEER_INFO_WINDOW_MS + 1);
    h.punch.handlePeerInfo(info, SUPERNODE);
    assert.equal(isVouched(record, VICTIM.address), false, 'too late');

    h.clock.advance(h.ctx.settings.registerIntervalMs);
    h.punch.askSupernode(record);
    h.sent.length = 0;
    h.clock.advance(10);
    h.punch.handlePeerInfo(info, SUPERNODE);
    assert.equal(isVouched(record, VICTIM.address), true);
    runPunchSchedule(h);
    const toPeer = h.sent.filter((s) => s.to !== 'multicast' && s.to.address === VICTIM.address);
    assert.equal(toPeer.length, 1 + PUNCH_RETRY_DELAYS_MS.length, 'the opener and every retry');
    assert.ok(h.sent.some((s) => s.to !== 'multicast' && s.to.address === SUPERNODE.address), 'and the REGISTER via the supernode');
  });

  // Our REGISTER through the supernode makes the peer answer at full TTL (peerPunched). Sent before
  // the opener, that answer can reach our router first on a fast path: a router without an input
  // firewall then takes it for itself, and our mapping towards the peer collides with that entry.
  it('the TTL-limited opener leaves before the REGISTER through the supernode (PEER_INFO and relayed sighting)', () => {
    const assertOpenerFirst = (sent: readonly Sent[], what: string): void => {
      const opener = sent.findIndex((s) => s.to !== 'multicast' && s.to.address === VICTIM.address);
      // The same REGISTER but for its cookie, so of the opener's size (a QUERY_PEER is smaller).
      const forwarded = sent.findIndex((s) => s.to !== 'multicast' && s.to.address === SUPERNODE.address && s.bytes === sent[opener]?.bytes);
      assert.ok(opener >= 0 && forwarded >= 0, `${what}: both sent (${JSON.stringify(sent)})`);
      assert.equal(sent[opener]!.ttl, OPENER_TTL, `${what}: the first datagram to the peer is the opener`);
      assert.ok(opener < forwarded, `${what}: opener #${opener}, REGISTER via the supernode #${forwarded}`);
    };

    const h = harness();
    const seen = h.peers.sighting({ fromSupernode: true, viaMulticast: false, mac: FAKE, cookie: RegisterCookie.Forwarded, socket: VICTIM, now: h.clock.nowMs() });
    assert.ok(seen.kind !== 'refused');
    earn(seen.record, 1_000, 'IPv4');
    h.punch.onSighting(seen, true);
    assertOpenerFirst(h.sent, 'relayed sighting');

    const p = harness();
    const pending = p.peers.sighting({ fromSupernode: true, viaMulticast: false, mac: FAKE, cookie: RegisterCookie.Forwarded, socket: VICTIM, now: p.clock.nowMs() });
    assert.ok(pending.kind !== 'refused');
    earn(pending.record, 200, 'IPv4');
    p.punch.askSupernode(pending.record);
    p.sent.length = 0;
    p.clock.advance(10);
    const info = peerInfoAboutFake();
    p.punch.handlePeerInfo(info, SUPERNODE);
    assertOpenerFirst(p.sent, 'PEER_INFO');
  });

  it('times a REGISTER_ACK from the REGISTER whose cookie it echoes, not from the latest probe', () => {
    const h = harness();
    const seen = h.peers.sighting({ fromSupernode: false, viaMulticast: false, mac: FAKE, cookie: RegisterCookie.Regular, socket: VICTIM, now: h.clock.nowMs() });
    assert.ok(seen.kind === 'new-peer');
    earn(seen.record, 10_000, 'IPv4');
    h.punch.onSighting(seen, false);
    const ack = (cookie: number): RegisterAckMessage => ({ ttl: DEFAULT_TTL, fromSupernode: false, communityField: COMMUNITY, type: MessageType.RegisterAck, cookie, dstMac: OWN_MAC, srcMac: FAKE });
    // The peer answers, straight to us, the REGISTER it got through the supernode: no probe of this path.
    h.clock.advance(1);
    const forwarded = ack(RegisterCookie.Forwarded);
    h.punch.handleRegisterAck(opened(forwarded), forwarded, VICTIM);
    assert.equal(seen.record.directRtt.ms, undefined);
    h.clock.advance(2);
    const regular = ack(RegisterCookie.Regular);
    h.punch.handleRegisterAck(opened(regular), regular, VICTIM);
    assert.equal(h.peers.get(FAKE)?.directRtt.ms, 3);
  });
});
