// PROTOCOL.md §8.7 peer bookkeeping, path confirmation, idle expiry and purging on a manual clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { macKey, RegisterCookie } from '../../protocol/index.js';
import type { Socket } from '../../protocol/index.js';
import { ManualClock } from '../../clock.js';
import { MAX_PEERS, MAX_UNVOUCHED_PER_ADDRESS, PATH_RESELECTION_GUARD_MS, PeerTable, PURGE_INTERVAL_MS, REGISTRATION_TIMEOUT_MS } from './peer-table.js';
import type { PeerRecord, SightingInput } from './peer-table.js';
import { vouch } from './peer-trust.js';
import { DIRECT_PROBE_INTERVAL_MS, directTrustMs } from './peer-path.js';

const INTERVAL = 20_000;
/** The edge's main-loop period (edge.ts): how late a periodic datagram may leave. */
const TICK_MS = 200;
const PEER = Uint8Array.from([2, 0, 0, 0, 0, 0x22]);
const OTHER = Uint8Array.from([2, 0, 0, 0, 0, 0x33]);
const sock = (address: string, port: number): Socket => ({ family: 'IPv4', address, port });
const PUBLIC = sock('198.51.100.7', 40000);
const REAL = sock('198.51.100.7', 40123);

const macOf = (n: number): Uint8Array => Uint8Array.from([2, 0xee, (n >> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

/** A PACKET relayed by the supernode for mac at socket. */
const relayed = (mac: Uint8Array, socket: Socket, now: number): SightingInput => ({ fromSupernode: true, viaMulticast: false, mac, cookie: RegisterCookie.Forwarded, socket, now });

function table(): { peers: PeerTable; clock: ManualClock; events: string[] } {
  const events: string[] = [];
  const peers = new PeerTable(INTERVAL, {
    added: (record: PeerRecord) => events.push(`added ${record.mac[5]}`),
    removed: (record: PeerRecord, reason) => events.push(`removed ${record.mac[5]} ${reason}`),
  });
  return { peers, clock: new ManualClock(), events };
}

describe('peer table', () => {
  it('starts registration with a new peer seen via the supernode, then only updates it', () => {
    const { peers, clock, events } = table();
    const first = peers.sighting({ fromSupernode: true, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Forwarded, socket: PUBLIC, now: clock.nowMs() });
    assert.equal(first.kind, 'new-peer');
    assert.equal(first.record.path.origin, 'supernode');
    assert.deepEqual(events, ['added 34']);
    const again = peers.sighting({ fromSupernode: true, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Forwarded, socket: PUBLIC, now: clock.nowMs() });
    assert.equal(again.kind, 'pending-updated');
    assert.equal(peers.pending.size, 1);
    assert.equal(peers.known.size, 0);
  });

  it('lets a directly observed socket win over a supernode-reported one (§8.7.5)', () => {
    const { peers, clock } = table();
    peers.sighting({ fromSupernode: true, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Forwarded, socket: PUBLIC, now: clock.nowMs() });
    const direct = peers.sighting({ fromSupernode: false, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Regular, socket: REAL, now: clock.nowMs() });
    assert.equal(direct.kind, 'new-peer', 'registration restarts at the observed source');
    assert.deepEqual(direct.record.path.socket, REAL);
    peers.sighting({ fromSupernode: true, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Forwarded, socket: PUBLIC, now: clock.nowMs() });
    assert.deepEqual(peers.get(PEER)?.path.socket, REAL, 'the supernode cannot overwrite it');
  });

  it('keeps a live direct IPv6 path when the peer also shows up over IPv4; an IPv6 socket takes over an IPv4 path', () => {
    const { peers, clock } = table();
    const v6: Socket = { family: 'IPv6', address: '2001:db8::22', port: 40000 };
    const v4 = sock('192.0.2.22', 40000);
    const direct = (socket: Socket, viaMulticast: boolean): SightingInput => ({ fromSupernode: false, viaMulticast, mac: PEER, cookie: RegisterCookie.Regular, socket, now: clock.nowMs() });
    peers.sighting(direct(v4, true));
    peers.confirmPath(PEER, v4, RegisterCookie.Regular, clock.nowMs());
    clock.advance(2_000);
    const upgraded = peers.sighting(direct(v6, true));
    assert.equal(upgraded.kind, 'moved', 'IPv6 is preferred: registration restarts there');
    peers.confirmPath(PEER, v6, RegisterCookie.Regular, clock.nowMs());
    for (let i = 0; i < 3; i++) {
      clock.advance(2_000);
      // The IPv4 announcement of every registration round (n3n main sends both groups).
      assert.equal(peers.sighting(direct(v4, true)).kind, 'known-updated');
      assert.deepEqual(peers.get(PEER)?.path.socket, v6);
      assert.ok(peers.isKnown(PEER));
    }
    clock.advance(PATH_RESELECTION_GUARD_MS);
    const fallback = peers.sighting(direct(v4, false));
    assert.equal(fallback.kind, 'moved', 'a silent IPv6 path gives way');
    assert.deepEqual(fallback.record.path.socket, v4);
  });

  it('names a known peer from a later REGISTER when a PACKET made its record', () => {
    const { peers, clock } = table();
    peers.sighting({ fromSupernode: false, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Regular, socket: REAL, now: clock.nowMs() });
    peers.confirmPath(PEER, REAL, RegisterCookie.Regular, clock.nowMs());
    assert.equal(peers.get(PEER)?.description, '');
    const devAddr = { address: '10.0.0.2', prefix: 24 };
    peers.sighting({ fromSupernode: false, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Regular, socket: REAL, now: clock.nowMs(), description: 'bob', devAddr });
    assert.equal(peers.get(PEER)?.description, 'bob');
    assert.deepEqual(peers.get(PEER)?.devAddr, devAddr);
  });

  it('confirms a path on REGISTER_ACK with the ACK source and ranks cookies', () => {
    const { peers, clock } = table();
    peers.sighting({ fromSupernode: true, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Forwarded, socket: PUBLIC, now: clock.nowMs() });
    clock.advance(100);
    const record = peers.confirmPath(PEER, REAL, RegisterCookie.Regular, clock.nowMs());
    assert.ok(record !== undefined);
    assert.equal(peers.isKnown(PEER), true);
    assert.equal(peers.pending.size, 0);
    assert.deepEqual(record.path.socket, REAL);
    assert.equal(record.lastCookie, RegisterCookie.Regular);
    assert.equal(record.path.lastP2p, clock.nowMs());
    assert.equal(peers.confirmPath(OTHER, sock('203.0.113.1', 1), RegisterCookie.Regular, clock.nowMs()), undefined, 'unknown ACKs are ignored');
  });

  it('finds a pending peer by socket when its MAC changed (§8.7.3 step 1)', () => {
    const { peers, clock } = table();
    peers.sighting({ fromSupernode: false, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Regular, socket: REAL, now: clock.nowMs() });
    const record = peers.confirmPath(OTHER, REAL, RegisterCookie.Regular, clock.nowMs());
    assert.equal(record?.mac[5], 0x33);
    assert.equal(peers.isKnown(OTHER), true);
    assert.equal(peers.get(PEER), undefined);
  });

  it('treats a known peer appearing directly from another socket as moved', () => {
    const { peers, clock } = table();
    peers.sighting({ fromSupernode: false, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Regular, socket: REAL, now: clock.nowMs() });
    peers.confirmPath(PEER, REAL, RegisterCookie.Regular, clock.nowMs());
    clock.advance(2_000);
    const fromSupernode = peers.sighting({ fromSupernode: true, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Forwarded, socket: PUBLIC, now: clock.nowMs() });
    assert.equal(fromSupernode.kind, 'known-updated', 'a supernode view that differs is ignored');
    assert.equal(peers.isKnown(PEER), true);
    const moved = peers.sighting({ fromSupernode: false, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Regular, socket: PUBLIC, now: clock.nowMs() });
    assert.equal(moved.kind, 'moved');
    assert.equal(peers.isKnown(PEER), false);
    assert.deepEqual(peers.pending.get(macKey(PEER))?.path.socket, PUBLIC);
  });

  it('drops the direct path after register_interval/2, at least two missed keep-alive probes, without direct traffic (§8.5 step 7)', () => {
    const { peers, clock } = table();
    peers.sighting({ fromSupernode: false, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Regular, socket: REAL, now: clock.nowMs() });
    peers.confirmPath(PEER, REAL, RegisterCookie.Regular, clock.nowMs());
    clock.advance(directTrustMs(INTERVAL) - 1);
    const record = peers.get(PEER)!;
    assert.equal(record.path.forSend(clock.nowMs()), 'direct');
    assert.equal(peers.expireDirect(PEER, clock.nowMs()), false);
    clock.advance(1);
    assert.equal(record.path.forSend(clock.nowMs()), 'relay');
    assert.equal(peers.isKnown(PEER), true, 'reading the path moves nothing');
    assert.equal(peers.expireDirect(PEER, clock.nowMs()), true);
    assert.equal(peers.isKnown(PEER), false);
    assert.ok(peers.pending.has(macKey(PEER)), 'kept as pending (relayed)');
  });

  it('keeps a quiet peer heard only through its keep-alive probes direct, whatever register_interval', () => {
    for (const interval of [1_000, 3_000, 8_000, 20_000]) {
      const peers = new PeerTable(interval);
      const clock = new ManualClock();
      const confirmed = clock.nowMs();
      const probe = (): SightingInput => ({ fromSupernode: false, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Regular, socket: REAL, now: clock.nowMs() });
      peers.sighting(probe());
      peers.confirmPath(PEER, REAL, RegisterCookie.Regular, clock.nowMs());
      // Each of the peer's probes arrives a main-loop tick late; a frame of ours goes out every tick in between.
      for (let probes = 0; probes < 5; probes++) {
        for (let waited = 0; waited < DIRECT_PROBE_INTERVAL_MS + TICK_MS; waited += TICK_MS) {
          clock.advance(TICK_MS);
          assert.equal(peers.expireDirect(PEER, clock.nowMs()), false, `register_interval ${interval} ms: still direct ${clock.nowMs() - confirmed} ms after confirmation`);
        }
        peers.sighting(probe());
      }
    }
  });

  it('sends a query at most once per register_interval', () => {
    const { peers, clock } = table();
    assert.equal(peers.query(PEER, clock.nowMs())?.due, true);
    clock.advance(INTERVAL);
    assert.equal(peers.query(PEER, clock.nowMs())?.due, false);
    clock.advance(1);
    assert.equal(peers.query(PEER, clock.nowMs())?.due, true);
  });

  it('purges records not seen for 60 s, keeping known peers while the supernode is silent', () => {
    const { peers, clock, events } = table();
    peers.sighting({ fromSupernode: false, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Regular, socket: REAL, now: clock.nowMs() });
    peers.confirmPath(PEER, REAL, RegisterCookie.Regular, clock.nowMs());
    peers.query(OTHER, clock.nowMs());
    clock.advance(REGISTRATION_TIMEOUT_MS);
    assert.deepEqual(peers.purge(clock.nowMs(), false), [], 'exactly 60 s is not yet stale');
    clock.advance(PURGE_INTERVAL_MS);
    assert.equal(peers.purge(clock.nowMs(), true).length, 1, 'only the pending one while waiting for the supernode');
    assert.equal(peers.isKnown(PEER), true);
    assert.equal(peers.purge(clock.nowMs(), false).length, 1);
    assert.equal(peers.all().length, 0);
    assert.deepEqual(events.filter((e) => e.startsWith('removed')), ['removed 51 purged', 'removed 34 purged']);
  });

  describe('bounds (Kith)', () => {
    it('keeps at most MAX_UNVOUCHED_PER_ADDRESS unvouched records per address, the least recently seen going first', () => {
      const { peers, clock } = table();
      const address = '198.51.100.66';
      for (let i = 0; i < 100; i++) {
        clock.advance(1);
        peers.sighting(relayed(macOf(i), sock(address, 1000 + i), clock.nowMs()));
      }
      const atAddress = peers.all().filter((record) => record.path.socket?.address === address);
      assert.equal(atAddress.length, MAX_UNVOUCHED_PER_ADDRESS);
      assert.ok(peers.get(macOf(99)) !== undefined, 'the newest is there');
      assert.equal(peers.get(macOf(0)), undefined, 'the oldest went');
    });

    it('never evicts a vouched peer: made-up MACs from many addresses push out only each other', () => {
      const { peers, clock, events } = table();
      const real = peers.sighting(relayed(PEER, PUBLIC, clock.nowMs()));
      assert.ok(real.kind !== 'refused');
      vouch(real.record, PUBLIC.address);
      // Older than every made-up MAC: least recently seen, yet spared.
      for (let i = 0; i < 3 * MAX_PEERS; i++) {
        clock.advance(1);
        peers.sighting(relayed(macOf(i), sock(`10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`, 5000), clock.nowMs()));
      }
      assert.equal(peers.size, MAX_PEERS);
      assert.equal(peers.get(PEER), real.record);
      assert.ok(peers.get(macOf(3 * MAX_PEERS - 1)) !== undefined);
      assert.ok(events.includes(`removed 0 purged`), 'evictions are announced like purges');
    });

    it('evicts pending records before known ones, and refuses a newcomer when every record is vouched', () => {
      const { peers, clock } = table();
      const known = peers.sighting({ fromSupernode: false, viaMulticast: false, mac: OTHER, cookie: RegisterCookie.Regular, socket: REAL, now: clock.nowMs() });
      assert.ok(known.kind !== 'refused');
      peers.confirmPath(OTHER, REAL, RegisterCookie.Regular, clock.nowMs());
      for (let i = 1; peers.size < MAX_PEERS; i++) {
        clock.advance(1);
        peers.sighting(relayed(macOf(i), sock(`10.1.${(i >> 8) & 0xff}.${i & 0xff}`, 5000), clock.nowMs()));
      }
      clock.advance(1);
      peers.sighting(relayed(PEER, PUBLIC, clock.nowMs()));
      assert.equal(peers.isKnown(OTHER), true, 'the known peer (seen first) stays while pending ones can go');
      assert.equal(peers.size, MAX_PEERS);

      for (const record of peers.all()) vouch(record, record.path.socket?.address ?? '-');
      const refused = peers.sighting(relayed(macOf(0xffffff), sock('192.0.2.1', 1), clock.nowMs()));
      assert.equal(refused.kind, 'refused');
      assert.equal(peers.query(macOf(0xfffffe), clock.nowMs()), undefined, 'nor does our own query make room');
      assert.equal(peers.size, MAX_PEERS);
    });

    it('does not move a vouched pending peer to an address only a relayed datagram claims', () => {
      const { peers, clock } = table();
      const seen = peers.sighting(relayed(PEER, PUBLIC, clock.nowMs()));
      assert.ok(seen.kind !== 'refused');
      vouch(seen.record, PUBLIC.address);
      peers.sighting(relayed(PEER, sock('198.51.100.66', 40000), clock.nowMs()));
      assert.deepEqual(peers.get(PEER)?.path.socket, PUBLIC);
      peers.sighting(relayed(PEER, sock(PUBLIC.address, 41000), clock.nowMs()));
      assert.deepEqual(peers.get(PEER)?.path.socket, sock(PUBLIC.address, 41000), 'another port at the vouched address is fine');
    });

    it('forgets what was vouched for a MAC when its record is taken over by another MAC', () => {
      const { peers, clock } = table();
      peers.sighting({ fromSupernode: false, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Regular, socket: REAL, now: clock.nowMs() });
      const record = peers.confirmPath(PEER, REAL, RegisterCookie.Regular, clock.nowMs());
      assert.ok(record !== undefined);
      vouch(record, REAL.address);
      record.keyTrouble = { count: 5, address: REAL.address, cipher: false };
      clock.advance(2_000);
      peers.sighting({ fromSupernode: false, viaMulticast: false, mac: OTHER, cookie: RegisterCookie.Regular, socket: REAL, now: clock.nowMs() });
      assert.equal(peers.get(OTHER), record);
      assert.deepEqual(record.vouched, []);
      assert.equal(record.keyTrouble, undefined);
    });
  });
});
