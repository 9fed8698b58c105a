import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { peer, STATUS } from '../model/fixtures.test-support.js';
import { applyPathEvent, applyPeerEvent, applyStateEvent, mergePeerSnapshot, peersFromList } from './reducers.js';

describe('store reducers', () => {
  it('applies kith.state to the status, replacing or dropping the reason', () => {
    const failed = applyStateEvent(STATUS, { state: 'error', previous: 'registered', reason: 'TAP gone' });
    assert.equal(failed?.state, 'error');
    assert.equal(failed?.reason, 'TAP gone');
    assert.equal(failed?.address, STATUS.address);
    const back = applyStateEvent(failed, { state: 'registered', previous: 'error' });
    assert.equal(back?.state, 'registered');
    assert.ok(back !== undefined && !('reason' in back));
    assert.equal(applyStateEvent(undefined, { state: 'registered', previous: 'connecting' }), undefined);
  });

  it('adds and removes peers by MAC, whatever its case', () => {
    const added = applyPeerEvent({}, { action: 'added', peer: peer({ mac: '02:00:00:00:00:AB' }) });
    assert.deepEqual(Object.keys(added), ['02:00:00:00:00:ab']);
    const removed = applyPeerEvent(added, { action: 'removed', mac: '02:00:00:00:00:ab', reason: 'purged' });
    assert.deepEqual(removed, {});
    assert.equal(applyPeerEvent(removed, { action: 'removed', mac: 'ff:ff:ff:ff:ff:ff', reason: 'purged' }), removed);
  });

  it('applies kith.path to a known peer only', () => {
    const peers = peersFromList([peer()]);
    const relayed = applyPathEvent(peers, { mac: '02:00:00:00:00:01', path: 'relayed', via: 'sn1' });
    assert.equal(relayed['02:00:00:00:00:01']?.path, 'relayed');
    assert.equal(relayed['02:00:00:00:00:01']?.via, 'sn1');
    const direct = applyPathEvent(relayed, { mac: '02:00:00:00:00:01', path: 'direct' });
    assert.equal(direct['02:00:00:00:00:01']?.via, undefined);
    assert.equal(applyPathEvent(peers, { mac: '02:00:00:00:00:99', path: 'direct' }), peers);
  });

  it('keeps unchanged peers identical across snapshots and drops vanished ones', () => {
    const first = peersFromList([peer(), peer({ mac: '02:00:00:00:00:02' })]);
    const next = mergePeerSnapshot(first, [peer(), peer({ mac: '02:00:00:00:00:03' })]);
    assert.equal(next['02:00:00:00:00:01'], first['02:00:00:00:00:01']);
    assert.deepEqual(Object.keys(next).sort(), ['02:00:00:00:00:01', '02:00:00:00:00:03']);
  });
});
