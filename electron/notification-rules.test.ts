import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveNotices, PEER_NOTICE_LIMIT } from './notification-rules.js';
import { peer, snapshot, status } from './test-snapshots.js';

const connected = (peers = [peer('02:00:00:00:00:02', { description: 'nas', vpnIpv4: '10.0.0.2' })]) => snapshot({ status: status('registered', { address: '10.0.0.1/24' }), peers });

describe('deriveNotices', () => {
  it('says connected when the edge registers', () => {
    assert.deepEqual(deriveNotices(snapshot({ status: status('connecting') }), connected()), [{ kind: 'connected', title: 'Connected to home', body: 'This computer is 10.0.0.1/24.' }]);
  });

  it('says disconnected, with why, when the edge leaves the registered state', () => {
    assert.deepEqual(deriveNotices(connected(), snapshot({ status: status('stopped') })), [{ kind: 'disconnected', title: 'Disconnected from home', body: 'Kith is disconnected.' }]);
    assert.equal(deriveNotices(connected(), snapshot({ status: status('no-supernode') }))[0]?.body, 'No supernode is reachable; Kith keeps trying.');
    assert.equal(deriveNotices(connected(), snapshot({ status: status('error', { reason: 'TAP gone' }) }))[0]?.body, 'Kith stopped: TAP gone');
    assert.equal(deriveNotices(connected(), snapshot({ engine: 'failed', error: 'crashed' }))[0]?.kind, 'disconnected');
  });

  it('does not list every peer when connecting or disconnecting', () => {
    const many = [peer('a'), peer('b'), peer('c')];
    assert.deepEqual(deriveNotices(snapshot({ status: status('connecting') }), connected(many)).map((n) => n.kind), ['connected']);
    assert.deepEqual(deriveNotices(connected(many), snapshot({ status: status('stopped') })).map((n) => n.kind), ['disconnected']);
  });

  it('reports peers coming online and going offline', () => {
    const nas = peer('02:00:00:00:00:02', { description: 'nas', vpnIpv4: '10.0.0.2' });
    const phone = peer('02:00:00:00:00:03', { vpnIpv4: '10.0.0.3' });
    assert.deepEqual(deriveNotices(connected([nas]), connected([nas, phone])), [{ kind: 'peer-online', title: '10.0.0.3 is online', body: '10.0.0.3' }]);
    assert.deepEqual(deriveNotices(connected([nas, phone]), connected([phone])), [{ kind: 'peer-offline', title: 'nas went offline', body: '10.0.0.2' }]);
  });

  it('reports a peer that stopped answering as offline once, and not again when it is removed', () => {
    const nas = peer('02:00:00:00:00:02', { description: 'nas', vpnIpv4: '10.0.0.2' });
    const silent = { ...nas, answering: false };
    assert.deepEqual(deriveNotices(connected([nas]), connected([silent])), [{ kind: 'peer-offline', title: 'nas went offline', body: '10.0.0.2' }]);
    assert.deepEqual(deriveNotices(connected([silent]), connected([])), []);
    assert.deepEqual(deriveNotices(connected([silent]), connected([nas])), [{ kind: 'peer-online', title: 'nas is online', body: '10.0.0.2' }]);
  });

  it('summarises a burst of peer changes in one notice', () => {
    const peers = Array.from({ length: PEER_NOTICE_LIMIT + 2 }, (_, i) => peer(`02:00:00:00:00:1${i}`, { description: `p${i}` }));
    assert.deepEqual(deriveNotices(connected([]), connected(peers)), [{ kind: 'peer-online', title: '5 peers came online', body: 'p0, p1, p2 and 2 more' }]);
  });

  it('reports a path falling back from direct to relayed, not the way back', () => {
    const direct = peer('02:00:00:00:00:02', { description: 'nas', path: 'direct' });
    const relayed = peer('02:00:00:00:00:02', { description: 'nas', path: 'relayed', via: '198.51.100.1:7777' });
    assert.deepEqual(deriveNotices(connected([direct]), connected([relayed])), [
      { kind: 'relayed', title: 'nas is relayed', body: 'The direct path was lost; traffic now goes through the supernode 198.51.100.1:7777.' },
    ]);
    assert.deepEqual(deriveNotices(connected([relayed]), connected([direct])), []);
  });

  it('stays quiet when nothing a person cares about changed', () => {
    assert.deepEqual(deriveNotices(connected(), connected()), []);
    assert.deepEqual(deriveNotices(snapshot({ status: status('stopped') }), snapshot({ status: status('connecting') })), []);
  });
});
