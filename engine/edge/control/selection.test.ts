// PROTOCOL.md §8.4 selection strategies and PING distribution, §8.3 schedule, RTT smoothing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RttEstimator, MAX_PROBE_AGE_MS } from './rtt.js';
import { punchDelay, PUNCH_RETRY_DELAYS_MS } from './hole-punch.js';
import { registrationDue } from './supernode-registration.js';
import {
  bswap32,
  commonValue,
  Criterion,
  learnSupernodes,
  newSupernodeRecord,
  pingTargets,
  pongCriterion,
  selectionText,
  sortByCriterion,
} from './supernode-selection.js';

const MAC = Uint8Array.from([2, 0, 0, 0, 1, 0]);

describe('supernode selection', () => {
  it('computes load criteria from the byte-swapped load, with stickiness for the current one', () => {
    assert.equal(bswap32(0x01000000), 1);
    const facts = { load: 0x0a000000, rttMs: 5, mac: MAC, common: 2, isCurrent: false, peerCount: 3 };
    assert.equal(pongCriterion('load', facts), 12);
    assert.equal(pongCriterion('load', { ...facts, isCurrent: true }), 9, '12 × 3/4');
    assert.equal(pongCriterion('rtt', facts), 5);
    assert.equal(pongCriterion('mac', facts), 0x020000000100);
    assert.equal(commonValue(3, true, 2), 3);
    assert.equal(commonValue(0, true, 2), 0);
  });

  it('sorts stably by criterion and keeps the special values last', () => {
    const list = ['a', 'b', 'c', 'd'].map((host) => newSupernodeRecord(host, 7654, undefined, false));
    list[0]!.criterion = Criterion.Bad;
    list[1]!.criterion = Criterion.Good;
    list[2]!.criterion = 4;
    list[3]!.criterion = 4;
    sortByCriterion(list);
    assert.deepEqual(list.map((record) => record.host), ['c', 'd', 'b', 'a']);
    assert.equal(selectionText('load', list[0]!, true), 'load =        4');
    assert.equal(selectionText('load', list[2]!, true), '');
    assert.equal(selectionText('mac', list[1]!, false), 'standby');
  });

  it('pings the head and a window further down the list', () => {
    assert.deepEqual(pingTargets(3, 5, () => 0.5), [0, 1, 2]);
    assert.deepEqual(pingTargets(10, 5, () => 0), [0, 1, 2, 3, 4]);
    assert.deepEqual(pingTargets(10, 5, () => 0.999), [0, 1, 7, 8, 9]);
  });

  it('learns federation members from ACK lists once', () => {
    const list = [newSupernodeRecord('127.0.0.1', 7654, { family: 'IPv4', address: '127.0.0.1', port: 7654 }, false)];
    const entries = [
      { socket: { family: 'IPv4' as const, address: '127.0.0.1', port: 7654 }, mac: MAC },
      { socket: { family: 'IPv4' as const, address: '192.0.2.9', port: 7655 }, mac: Uint8Array.from([2, 0, 0, 0, 1, 1]) },
    ];
    assert.equal(learnSupernodes(list, entries).length, 1);
    assert.equal(learnSupernodes(list, entries).length, 0);
    assert.equal(list[1]?.purgeable, true);
  });
});

describe('registration schedule (§8.3)', () => {
  const interval = 20_000;
  it('retries fast while waiting, refreshes every interval, and registers at once on request', () => {
    assert.equal(registrationDue('due-now', 1_000, 1_000, interval), true);
    assert.equal(registrationDue('awaiting-ack', 1_000, 3_000, interval), false, 'not after exactly interval/10');
    assert.equal(registrationDue('awaiting-ack', 1_000, 3_001, interval), true);
    assert.equal(registrationDue('acknowledged', 1_000, 20_999, interval), false);
    assert.equal(registrationDue('acknowledged', 1_000, 21_000, interval), true);
  });

  it('retries hole punching on a bounded schedule', () => {
    assert.equal(punchDelay(1), PUNCH_RETRY_DELAYS_MS[0]);
    assert.equal(punchDelay(PUNCH_RETRY_DELAYS_MS.length + 1), undefined);
  });
});

describe('RTT estimator', () => {
  it('smooths samples with alpha 1/8 and ignores stale or unsolicited replies', () => {
    const rtt = new RttEstimator();
    rtt.replyReceived(1_000);
    assert.equal(rtt.ms, undefined, 'no probe outstanding');
    rtt.probeSent(1_000);
    rtt.replyReceived(1_080);
    assert.equal(rtt.ms, 80);
    rtt.probeSent(2_000);
    rtt.replyReceived(2_160);
    assert.equal(rtt.ms, 90, '80 + (160 − 80)/8');
    rtt.replyReceived(2_200);
    assert.equal(rtt.ms, 90, 'one sample per probe');
    rtt.probeSent(3_000);
    rtt.replyReceived(3_000 + MAX_PROBE_AGE_MS + 1);
    assert.equal(rtt.ms, 90, 'too old to be this probe’s reply');
  });
});
