// PROTOCOL.md §8.7 peer bookkeeping, path confirmation, idle expiry and purging on a manual clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { macKey, RegisterCookie } from '../protocol/index.js';
import type { Socket } from '../protocol/index.js';
import { ManualClock } from './clock.js';
import { PeerTable, PURGE_INTERVAL_MS, REGISTRATION_TIMEOUT_MS } from './peer-table.js';
import type { PeerRecord } from './peer-table.js';

const INTERVAL = 20_000;
const PEER = Uint8Array.from([2, 0, 0, 0, 0, 0x22]);
const OTHER = Uint8Array.from([2, 0, 0, 0, 0, 0x33]);
const sock = (address: string, port: number): Socket => ({ family: 'IPv4', address, port });
const PUBLIC = sock('198.51.100.7', 40000);
const REAL = sock('198.51.100.7', 40123);

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
    assert.equal(first.record.socketOrigin, 'supernode');
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
    assert.deepEqual(direct.record.socket, REAL);
    peers.sighting({ fromSupernode: true, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Forwarded, socket: PUBLIC, now: clock.nowMs() });
    assert.deepEqual(peers.get(PEER)?.socket, REAL, 'the supernode cannot overwrite it');
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
    assert.deepEqual(record.socket, REAL);
    assert.equal(record.lastCookie, RegisterCookie.Regular);
    assert.equal(record.lastP2p, clock.nowMs());
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
    assert.deepEqual(peers.pending.get(macKey(PEER))?.socket, PUBLIC);
  });

  it('drops the direct path after register_interval/2 without direct traffic (§8.5 step 7)', () => {
    const { peers, clock } = table();
    peers.sighting({ fromSupernode: false, viaMulticast: false, mac: PEER, cookie: RegisterCookie.Regular, socket: REAL, now: clock.nowMs() });
    peers.confirmPath(PEER, REAL, RegisterCookie.Regular, clock.nowMs());
    clock.advance(INTERVAL / 2 - 1);
    assert.equal(peers.directPeer(PEER, clock.nowMs())?.expired, false);
    clock.advance(1);
    assert.equal(peers.directPeer(PEER, clock.nowMs())?.expired, true);
    assert.equal(peers.isKnown(PEER), false);
    assert.ok(peers.pending.has(macKey(PEER)), 'kept as pending (relayed)');
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
});
