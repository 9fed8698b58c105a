// peer-trust.ts: what a peer's datagrams pay for, and what the supernode's vouching makes free.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RegisterCookie } from '../../protocol/index.js';
import { PeerTable } from './peer-table.js';
import type { PeerRecord } from './peer-table.js';
import { affordToPeer, affordViaSupernode, earn, isRegistered, isVouched, MAX_CREDIT_BYTES, vouch, wireCost } from './peer-trust.js';

const VICTIM = { family: 'IPv4' as const, address: '198.51.100.66', port: 40000 };

function claimedPeer(): PeerRecord {
  const seen = new PeerTable(20_000).sighting({ fromSupernode: true, viaMulticast: false, mac: Uint8Array.from([2, 0, 0, 0, 0, 9]), cookie: RegisterCookie.Forwarded, socket: VICTIM, now: 0 });
  assert.ok(seen.kind !== 'refused');
  return seen.record;
}

describe('peer trust', () => {
  it('counts whole IP packets', () => {
    assert.equal(wireCost(61, 'IPv4'), 89);
    assert.equal(wireCost(61, 'IPv6'), 109);
  });

  it('lets a peer nobody vouched for buy at most what its datagrams brought in', () => {
    const record = claimedPeer();
    assert.equal(affordToPeer(record, VICTIM, 40), false, 'nothing before anything arrived');
    earn(record, 130, 'IPv4');
    assert.equal(affordToPeer(record, VICTIM, 61), true);
    assert.equal(affordToPeer(record, VICTIM, 61), false, '158 − 89 leaves 69, too little for another 89');
    assert.equal(affordViaSupernode(record, 38, 'IPv4'), true, '66 of the 69 left');
    assert.equal(record.credit, 3);
  });

  it('caps the credit a peer can bank', () => {
    const record = claimedPeer();
    for (let i = 0; i < 1_000; i++) earn(record, 1_400, 'IPv4');
    assert.equal(record.credit, MAX_CREDIT_BYTES);
  });

  it('sends freely to an address the supernode vouched for, and via the supernode for a registered peer', () => {
    const record = claimedPeer();
    assert.equal(isRegistered(record), false);
    assert.equal(vouch(record, '203.0.113.5'), true);
    assert.equal(vouch(record, '203.0.113.5'), false, 'no news');
    assert.equal(isRegistered(record), true);
    assert.equal(affordToPeer(record, { family: 'IPv4', address: '203.0.113.5', port: 1 }, 1_000), true);
    assert.equal(affordViaSupernode(record, 1_000, 'IPv4'), true);
    assert.equal(affordToPeer(record, VICTIM, 40), false, 'another address still costs credit');
    assert.equal(record.credit, 0);
  });

  it('keeps the latest few vouched addresses', () => {
    const record = claimedPeer();
    for (let i = 1; i <= 6; i++) vouch(record, `203.0.113.${i}`);
    assert.equal(isVouched(record, '203.0.113.1'), false);
    assert.equal(isVouched(record, '203.0.113.6'), true);
    assert.equal(record.vouched.length, 4);
  });
});
