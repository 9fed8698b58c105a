import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { MAX_PROBE_AGE_MS, noteArrival, probesHandedToKernel, RTT_WINDOW, RttEstimator } from './rtt.js';

describe('RTT estimator', () => {
  beforeEach(() => {
    noteArrival(undefined);
    probesHandedToKernel(undefined);
  });

  it('takes one sample per probe and ignores stale or unsolicited replies', () => {
    const rtt = new RttEstimator();
    rtt.replyReceived(1_000);
    assert.equal(rtt.ms, undefined, 'no probe outstanding');
    rtt.probeSent(1_000);
    rtt.replyReceived(1_080);
    assert.equal(rtt.ms, 80);
    rtt.probeSent(2_000);
    rtt.replyReceived(2_160);
    assert.equal(rtt.ms, 120, 'median of 80 and 160');
    rtt.replyReceived(2_200);
    assert.equal(rtt.ms, 120, 'one sample per probe');
    rtt.probeSent(3_000);
    rtt.replyReceived(3_000 + MAX_PROBE_AGE_MS + 1);
    assert.equal(rtt.ms, 120, 'too old to be this probe’s reply');
  });

  it('lets the slow first samples drop out after a few probes, and one late reply not move it', () => {
    const rtt = new RttEstimator();
    let now = 1_000;
    const sample = (ms: number): void => {
      rtt.probeSent(now);
      rtt.replyReceived(now + ms);
      now += 3_000;
    };
    // Start-up and hole punching: the first replies are slow.
    sample(60);
    sample(25);
    for (let i = 0; i < 3; i++) sample(0.4);
    assert.equal(rtt.ms, 0.4, 'an RFC 6298 average would still be above 20 ms');
    sample(30);
    assert.equal(rtt.ms, 0.4, 'one reply held up by a busy moment');
    for (let i = 0; i < RTT_WINDOW; i++) sample(2);
    assert.equal(rtt.ms, 2, 'a path that became slower shows within a window of probes');
  });

  it('times from when the transport handed the probe to the kernel to when the reply arrived', () => {
    const rtt = new RttEstimator();
    rtt.probeSent(1_000);
    probesHandedToKernel(1_003.5);
    noteArrival(1_004.25);
    rtt.replyReceived(1_012);
    noteArrival(undefined);
    assert.equal(rtt.ms, 0.75);
  });

  it('keeps the engine’s times where the transport’s are from another clock or absent', () => {
    const rtt = new RttEstimator();
    rtt.probeSent(1_000);
    probesHandedToKernel(9_000_000);
    noteArrival(5);
    rtt.replyReceived(1_002);
    noteArrival(undefined);
    assert.equal(rtt.ms, 2);
    rtt.probeSent(4_000);
    probesHandedToKernel(undefined);
    probesHandedToKernel(4_001);
    rtt.replyReceived(4_003);
    assert.equal(rtt.ms, 2.5, 'a synchronous send leaves the queueing time; median of 2 and 3');
  });
});
