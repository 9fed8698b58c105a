// express-lane.ts against a recording ExpressLane (the native lane's contract, native/express.ts):
// when the lane opens at all, which peers the engine puts in it and takes out again, and how what
// it carried lands in the engine's figures, so that a peer whose traffic only the lane carries
// stays direct.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExpressSettings } from '../../../native/express.js';
import type { TapDevice } from '../../../native/tap.js';
import type { UdpBatchSocket } from '../../../native/udp.js';
import { ManualClock } from '../../clock.js';
import { defaultConfig } from '../../config/load.js';
import type { KithConfig } from '../../../shared/config/schema.js';
import { quietLogger } from '../../testing/log.js';
import { RegisterCookie } from '../../protocol/index.js';
import type { Socket } from '../../protocol/index.js';
import { EdgeEvents } from '../api/events.js';
import type { EdgeContext } from '../context.js';
import type { HolePunch } from '../control/hole-punch.js';
import { directTrustMs } from '../control/peer-path.js';
import { PeerTable } from '../control/peer-table.js';
import type { PeerRecord } from '../control/peer-table.js';
import { wireCost } from '../control/peer-trust.js';
import { createMemoryFramePort } from '../io/frame-port.js';
import { edgeSettings } from '../settings.js';
import { newPacketCounters } from './counters.js';
import { DataPath } from './data-path.js';
import { EdgeExpress } from './express-lane.js';
import type { ExpressDevices } from './express-lane.js';
import { RecordingLane } from '../testing/recording-lane.js';
import { WRONG_KEY_REASON } from './wrong-key.js';

const OWN_MAC = Uint8Array.from([2, 0, 0, 0, 0, 1]);
const PEER_MAC = Uint8Array.from([2, 0, 0, 0, 0, 2]);
const PEER_SOCKET: Socket = { family: 'IPv4', address: '203.0.113.5', port: 40_001 };
const PEER_IPV6_SOCKET: Socket = { family: 'IPv6', address: '2001:db8::5', port: 40_002 };
const REGISTER_INTERVAL_MS = 20_000;
/** §8.5 step 7 (peer-path.ts): how long a direct path is trusted after its last contact. */
const TRUST_MS = directTrustMs(REGISTER_INTERVAL_MS);
const TICK_MS = 200;

function config(change?: (config: KithConfig) => void): KithConfig {
  const c = defaultConfig('edge');
  c.community.name = 'net';
  c.community.supernode = [{ host: '192.0.2.1', port: 7654 }];
  c.community.key = 'secret';
  c.community.cipher = 'ChaCha20';
  change?.(c);
  return c;
}

// Stand-ins for the devices: the recording opener only passes them on, as the real one hands them to the addon.
const TAP = { name: 'kithtest' } as unknown as TapDevice;
const UDP = { ipv6: true } as unknown as UdpBatchSocket;
const DEVICES: ExpressDevices = { tap: TAP, udp: UDP, reachesIpv6: true, filtered: false };

interface Harness {
  ctx: EdgeContext;
  clock: ManualClock;
  peers: PeerTable;
  registration: { registered: boolean };
  dataPath: DataPath;
  addressing: { address: { address: string; prefix: number } | undefined; bytes: Uint8Array };
  lane: RecordingLane;
  opened: ExpressSettings[];
  express: EdgeExpress | undefined;
}

interface HarnessOptions {
  readonly config?: (config: KithConfig) => void;
  readonly devices?: Partial<ExpressDevices>;
  /** What the opener says instead of opening. */
  readonly refuse?: string;
}

function harness(options: HarnessOptions = {}): Harness {
  const settings = edgeSettings(config(options.config));
  assert.ok(settings.ok);
  const clock = new ManualClock(1_000_000);
  const peers = new PeerTable(REGISTER_INTERVAL_MS);
  const addressing = { address: { address: '10.0.0.1', prefix: 24 } as { address: string; prefix: number } | undefined, bytes: new Uint8Array(16) };
  addressing.bytes.set([10, 0, 0, 1]);
  const ctx = {
    settings: settings.value,
    clock,
    logger: quietLogger(),
    mac: OWN_MAC,
    peers,
    counters: newPacketCounters(),
    events: new EdgeEvents(),
    addressing,
    keyError: undefined,
  } as unknown as EdgeContext;
  const registration = { registered: false };
  const dataPath = new DataPath(ctx, { registered: false, awaitingAck: false }, createMemoryFramePort(OWN_MAC), {} as HolePunch);
  const lane = new RecordingLane();
  const opened: ExpressSettings[] = [];
  const express = EdgeExpress.open(ctx, registration, dataPath, { ...DEVICES, ...options.devices }, (tap, udp, laneSettings) => {
    assert.equal(tap, TAP);
    assert.equal(udp, UDP);
    opened.push(laneSettings);
    return options.refuse ?? lane;
  });
  return { ctx, clock, peers, registration, dataPath, addressing, lane, opened, express };
}

function started(options: HarnessOptions = {}): Harness & { express: EdgeExpress } {
  const h = harness(options);
  assert.ok(h.express !== undefined, 'the lane opens');
  return { ...h, express: h.express };
}

/** A peer the engine knows directly at socket (REGISTER_ACK confirmed it), whose frames came from 10.0.0.2. */
function directPeer(h: Harness, socket: Socket = PEER_SOCKET, mac: Uint8Array = PEER_MAC): PeerRecord {
  const now = h.clock.nowMs();
  h.peers.sighting({ fromSupernode: false, viaMulticast: false, mac, cookie: RegisterCookie.Regular, socket, now });
  const record = h.peers.confirmPath(mac, socket, RegisterCookie.Regular, now);
  assert.ok(record !== undefined);
  record.lastSender = new Uint8Array(20);
  record.lastSender.set([10, 0, 0, 2]);
  return record;
}

/** Ticks the lane for ms, as the edge's tick does, with what carry() says the lane carried each time. */
function run(h: Harness & { express: EdgeExpress }, ms: number, carry?: () => void): void {
  for (let elapsed = 0; elapsed < ms; elapsed += TICK_MS) {
    h.clock.advance(TICK_MS);
    carry?.();
    h.express.tick(h.clock.nowMs());
  }
}

describe('express lane (engine side)', () => {
  it('opens with the data path’s header fields, transform id and key', () => {
    const h = started();
    assert.equal(h.opened.length, 1);
    const [settings] = h.opened;
    assert.ok(settings !== undefined);
    assert.equal(settings.transform, h.dataPath.transformId);
    assert.equal(settings.transform, 4, 'ChaCha20');
    assert.deepEqual(settings.key, new TextEncoder().encode('secret'));
    assert.deepEqual(settings.communityField, h.ctx.settings.communityField);
    assert.deepEqual(settings.mac, OWN_MAC);
    assert.equal(settings.ttl, 2);
  });

  it('does not open where the lane cannot carry the traffic as the engine would', () => {
    const refusals: Record<string, HarnessOptions> = {
      'header encryption': { config: (c) => (c.community.header_encryption = 'true') },
      'user/password (header encryption)': {
        config: (c) => {
          c.auth.password = 'pw';
          c.connection.description = 'user';
        },
      },
      compression: { config: (c) => (c.community.compression = 'lzo') },
      routing: { config: (c) => (c.filter.allow_routing = true) },
      'no P2P': { config: (c) => (c.connection.allow_p2p = false) },
      'TCP to the supernode (no P2P)': { config: (c) => (c.connection.connect_tcp = true) },
      'another frame port': { devices: { tap: undefined } },
      'node:dgram socket': { devices: { udp: undefined } },
      'datagram filter': { devices: { filtered: true } },
      'the addon refuses': { refuse: 'the express lane is Linux-only' },
    };
    for (const [name, options] of Object.entries(refusals)) {
      const h = harness(options);
      assert.equal(h.express, undefined, name);
      assert.equal(h.lane.calls.length, 0);
      assert.equal(h.opened.length, options.refuse === undefined ? 0 : 1);
    }
    const previous = process.env['KITH_EXPRESS'];
    process.env['KITH_EXPRESS'] = 'off';
    try {
      assert.equal(harness().express, undefined, 'KITH_EXPRESS=off');
    } finally {
      if (previous === undefined) delete process.env['KITH_EXPRESS'];
      else process.env['KITH_EXPRESS'] = previous;
    }
  });

  it('is enabled once the edge is registered, and follows its VPN address', () => {
    const h = started();
    assert.deepEqual(h.lane.calls, ['setAddress'], 'disabled until registered');
    assert.deepEqual(h.lane.address, Uint8Array.from([10, 0, 0, 1]));
    run(h, TICK_MS * 3);
    assert.equal(h.lane.enabled, false);
    h.registration.registered = true;
    run(h, TICK_MS * 3);
    assert.deepEqual(h.lane.calls, ['setAddress', 'setEnabled true']);
    h.addressing.address = { address: '10.0.0.9', prefix: 24 };
    h.addressing.bytes.set([10, 0, 0, 9]);
    h.express.tick(h.clock.nowMs());
    assert.deepEqual(h.lane.address, Uint8Array.from([10, 0, 0, 9]));
    h.addressing.address = undefined;
    h.addressing.bytes.fill(0);
    run(h, TICK_MS);
    assert.equal(h.lane.address, undefined);
    assert.deepEqual(h.lane.calls, ['setAddress', 'setEnabled true', 'setAddress', 'setAddress']);
  });

  it('puts a peer that became direct in the lane once, with its socket and sender addresses', () => {
    const h = started();
    const record = directPeer(h);
    run(h, TICK_MS * 10);
    assert.equal(h.lane.set.length, 1, 'setPeer once, not on every tick');
    const [peer] = h.lane.set;
    assert.ok(peer !== undefined);
    assert.deepEqual(peer.mac, PEER_MAC);
    assert.equal(peer.family, 4);
    assert.deepEqual(peer.address, Uint8Array.from([203, 0, 113, 5]));
    assert.equal(peer.port, PEER_SOCKET.port);
    assert.deepEqual(peer.sender, record.lastSender);
    assert.notEqual(peer.sender, record.lastSender, 'a copy: the record’s bytes change in place');
  });

  it('tries a peer again on the next tick when the lane’s table was full', () => {
    const h = started();
    h.lane.capacity = 0;
    directPeer(h);
    run(h, TICK_MS * 2);
    assert.equal(h.lane.set.length, 0);
    h.lane.capacity = 1;
    run(h, TICK_MS * 2);
    assert.equal(h.lane.set.length, 1, 'in the lane once there is room');
  });

  it('puts an IPv6 peer in the lane only when the main socket reaches IPv6', () => {
    const dual = started();
    directPeer(dual, PEER_IPV6_SOCKET);
    run(dual, TICK_MS);
    assert.equal(dual.lane.set[0]?.family, 6);
    assert.deepEqual(dual.lane.set[0]?.address, Uint8Array.from([0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 5]));
    const ipv4Only = started({ devices: { reachesIpv6: false } });
    directPeer(ipv4Only, PEER_IPV6_SOCKET);
    run(ipv4Only, TICK_MS);
    assert.equal(ipv4Only.lane.set.length, 0);
  });

  it('leaves out a direct peer whose frames’ sender addresses are not known yet', () => {
    const h = started();
    const record = directPeer(h);
    record.lastSender = undefined;
    run(h, TICK_MS * 3);
    assert.equal(h.lane.set.length, 0);
    record.lastSender = new Uint8Array(20);
    run(h, TICK_MS);
    assert.equal(h.lane.set.length, 1);
  });

  it('puts the peer in again when its sender address or socket changes', () => {
    const h = started();
    const record = directPeer(h);
    run(h, TICK_MS);
    assert.ok(record.lastSender !== undefined);
    record.lastSender[3] = 7;
    run(h, TICK_MS);
    assert.equal(h.lane.set.length, 2);
    assert.deepEqual(h.lane.set[1]?.sender?.subarray(0, 4), Uint8Array.from([10, 0, 0, 7]));
    record.path.reach({ family: 'IPv4', address: '203.0.113.5', port: 40_009 }, 'direct');
    run(h, TICK_MS);
    assert.equal(h.lane.set.length, 3);
    assert.equal(h.lane.set[2]?.port, 40_009);
    run(h, TICK_MS * 5);
    assert.equal(h.lane.set.length, 3);
    assert.equal(h.lane.removed.length, 0);
  });

  it('takes out a peer whose trust lapsed, that expired to relayed, or that a port spray reaches', () => {
    const lapsed = started();
    directPeer(lapsed);
    run(lapsed, TICK_MS);
    assert.equal(lapsed.lane.peers.size, 1);
    run(lapsed, TRUST_MS);
    assert.deepEqual(lapsed.lane.removed, [PEER_MAC.join(':')], 'no traffic: the trust lapses and the peer leaves the lane');

    const expired = started();
    directPeer(expired);
    run(expired, TICK_MS);
    expired.clock.advance(TRUST_MS);
    assert.ok(expired.peers.expireDirect(PEER_MAC, expired.clock.nowMs()));
    // DataPath.route announces it; the lane follows at once rather than at the next tick.
    expired.ctx.events.emit('path-changed', { mac: '02:00:00:00:00:02', path: 'relayed', via: undefined });
    assert.equal(expired.lane.peers.size, 0);

    const sprayed = started();
    const record = directPeer(sprayed);
    run(sprayed, TICK_MS);
    record.path.via = { target: PEER_SOCKET, sender: { send: () => undefined } };
    run(sprayed, TICK_MS);
    assert.equal(sprayed.lane.peers.size, 0, 'a peer reached from a port spray’s socket stays in TypeScript');
  });

  it('takes out a peer that moved, as soon as the path changes', () => {
    const h = started();
    directPeer(h);
    run(h, TICK_MS * 6);
    const moved = h.peers.sighting({ fromSupernode: false, viaMulticast: false, mac: PEER_MAC, cookie: RegisterCookie.Regular, socket: { family: 'IPv4', address: '198.51.100.9', port: 1 }, now: h.clock.nowMs() });
    assert.equal(moved.kind, 'moved');
    h.ctx.events.emit('path-changed', { mac: '02:00:00:00:00:02', path: 'relayed', via: undefined });
    assert.deepEqual(h.lane.removed, [PEER_MAC.join(':')]);
  });

  it('counts what the lane carried as the data path counts each frame', () => {
    const h = started();
    h.registration.registered = true;
    const record = directPeer(h);
    record.credit = 0;
    record.keyTrouble = { count: 2, address: PEER_SOCKET.address, cipher: false };
    h.ctx.keyError = WRONG_KEY_REASON;
    // Past the 1 s within which a PACKET leaves last_seen as it is (PeerTable.sighting).
    run(h, 1_000);
    h.lane.carry(PEER_MAC, { framesIn: 3, bytesIn: 300, datagramBytesIn: 420, framesOut: 2, bytesOut: 200, idleMs: 50 });
    run(h, TICK_MS);
    assert.deepEqual(record.traffic, { framesIn: 3, bytesIn: 300, framesOut: 2, bytesOut: 200 });
    const { counters } = h.ctx;
    assert.deepEqual([counters.transop.rx, counters.p2p.rx, counters.transop.tx, counters.p2p.tx], [3, 3, 2, 2]);
    assert.deepEqual([counters.super.rx, counters.super.tx], [0, 0]);
    assert.equal(record.credit, wireCost(140, 'IPv4') * 3, 'three datagrams of 140 bytes, each a whole IP packet');
    assert.equal(record.keyTrouble, undefined);
    assert.equal(h.ctx.keyError, undefined, 'decrypted frames end a key problem');
    const lastFrame = h.clock.nowMs() - 50;
    assert.equal(h.dataPath.lastRxP2p, lastFrame);
    assert.equal(record.path.lastP2p, lastFrame);
    assert.equal(record.lastSeen, lastFrame);
  });

  it('only sending through the lane is no sign of life, and figures read late never set a contact back', () => {
    const h = started();
    const record = directPeer(h);
    const confirmed = record.path.lastP2p;
    run(h, TICK_MS);
    h.lane.carry(PEER_MAC, { framesOut: 5, bytesOut: 500 });
    run(h, TICK_MS);
    assert.equal(record.path.lastP2p, confirmed);
    assert.equal(h.dataPath.lastRxP2p, 0);
    // A REGISTER_ACK the engine handled itself is later than the lane's last frame.
    record.path.lastP2p = h.clock.nowMs();
    record.lastSeen = h.clock.nowMs();
    h.lane.carry(PEER_MAC, { framesIn: 1, bytesIn: 100, datagramBytesIn: 140, idleMs: 150 });
    h.express.tick(h.clock.nowMs());
    assert.equal(record.path.lastP2p, h.clock.nowMs());
    assert.equal(record.lastSeen, h.clock.nowMs());
  });

  it('keeps a peer whose traffic only the lane carries direct, where without it the path expires', () => {
    const h = started();
    h.registration.registered = true;
    const record = directPeer(h);
    run(h, TRUST_MS * 3, () => h.lane.carry(PEER_MAC, { framesIn: 10, bytesIn: 1000, datagramBytesIn: 1400, idleMs: 20 }));
    const now = h.clock.nowMs();
    assert.equal(record.path.forSend(now), 'direct');
    assert.equal(h.peers.expireDirect(PEER_MAC, now), false);
    assert.equal(h.peers.purge(now + 1, false).length, 0, 'not silent for the §8.7.4 purge either');
    assert.equal(h.lane.peers.size, 1);
    assert.equal(h.lane.removed.length, 0);
    // The same peer once the lane carries nothing: the path lapses.
    run(h, TRUST_MS);
    assert.equal(record.path.forSend(h.clock.nowMs()), 'relay');
    assert.equal(h.lane.peers.size, 0);
  });

  it('counts frames the TAP refused to the lane as tuntap errors', () => {
    const h = started();
    h.lane.writeDrops = 3;
    run(h, TICK_MS);
    h.lane.writeDrops = 5;
    run(h, TICK_MS * 2);
    assert.equal(h.ctx.counters.tuntapError.tx, 5);
  });

  it('closes the lane and stops following the paths, counting what it carried since the last tick', () => {
    const h = started();
    directPeer(h);
    run(h, TICK_MS);
    const before = h.ctx.counters.p2p.tx;
    h.lane.carry(PEER_MAC, { framesOut: 4, bytesOut: 400 });
    h.express.close();
    assert.equal(h.ctx.counters.p2p.tx, before + 4);
    assert.ok(h.lane.closed);
    const calls = h.lane.calls.length;
    h.ctx.events.emit('path-changed', { mac: '02:00:00:00:00:02', path: 'relayed', via: undefined });
    assert.equal(h.lane.calls.length, calls);
  });
});
