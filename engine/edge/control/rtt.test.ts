import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { RegisterCookie } from '../../protocol/index.js';
import { MAX_OUTSTANDING, MAX_PROBE_AGE_MS, noteArrival, probesHandedToKernel, RTT_WINDOW, RttEstimator } from './rtt.js';

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

  it('times each reply from the probe whose cookie it echoes, however they interleave', () => {
    const rtt = new RttEstimator();
    // Hole punching: a second REGISTER leaves before the first one's ACK is back.
    rtt.probeSent(1_000, RegisterCookie.Regular);
    rtt.probeSent(1_000.5, RegisterCookie.Local);
    rtt.replyReceived(1_001, RegisterCookie.Regular);
    assert.equal(rtt.ms, 1, 'the earlier probe’s ACK, not 0.5 ms from the later probe');
    rtt.replyReceived(1_002.5, RegisterCookie.Local);
    assert.equal(rtt.ms, 1.5, 'median of 1 and 2');
    rtt.replyReceived(1_003, RegisterCookie.Local);
    assert.equal(rtt.ms, 1.5, 'one sample per probe');
    assert.equal(rtt.outstandingCount, 0);
  });

  it('takes no sample from a reply with a cookie no outstanding probe has', () => {
    const rtt = new RttEstimator();
    rtt.probeSent(1_000, 7);
    rtt.replyReceived(1_001, 8);
    rtt.replyReceived(1_001);
    assert.equal(rtt.ms, undefined);
    assert.equal(rtt.lastReplyAt, 1_001, 'the other side was heard all the same');
    rtt.replyReceived(1_004, 7);
    assert.equal(rtt.ms, 4, 'the probe is still there for its own reply');
  });

  it('takes no sample where two probes with one cookie were out, nor from a late reply to the earlier', () => {
    const rtt = new RttEstimator();
    rtt.probeSent(1_000, RegisterCookie.Regular);
    rtt.probeSent(1_250, RegisterCookie.Regular);
    rtt.replyReceived(1_251, RegisterCookie.Regular);
    rtt.replyReceived(1_252, RegisterCookie.Regular);
    assert.equal(rtt.ms, undefined, 'either probe could have been answered');
    // The latest probe's age counts: a probe just after the first one expired is still not alone.
    rtt.probeSent(2_000, RegisterCookie.Regular);
    rtt.probeSent(2_000 + MAX_PROBE_AGE_MS - 1, RegisterCookie.Regular);
    rtt.probeSent(2_000 + MAX_PROBE_AGE_MS + 1, RegisterCookie.Regular);
    rtt.replyReceived(2_000 + MAX_PROBE_AGE_MS + 2, RegisterCookie.Regular);
    assert.equal(rtt.ms, undefined, 'a reply to the one before is no 1 ms sample');
    rtt.probeSent(20_000, RegisterCookie.Regular);
    rtt.replyReceived(20_003, RegisterCookie.Regular);
    assert.equal(rtt.ms, 3, 'once they are answered or expired, a lone probe counts again');
  });

  it('takes a sample from a reply without a cookie only while one probe without one is out', () => {
    const rtt = new RttEstimator();
    // A supernode: PINGs carry no cookie, REGISTER_SUPERs do; neither reply answers the other kind.
    rtt.probeSent(1_000, 0xdeadbeef);
    rtt.probeSent(1_001);
    rtt.replyReceived(1_003);
    assert.equal(rtt.ms, 2, 'the PONG is timed from the PING');
    rtt.replyReceived(1_004, 0xdeadbeef);
    assert.equal(rtt.ms, 3, 'the ACK from the REGISTER_SUPER; median of 2 and 4');
    rtt.probeSent(2_000);
    rtt.probeSent(2_100);
    rtt.replyReceived(2_101);
    rtt.replyReceived(2_102);
    assert.equal(rtt.ms, 3, 'two QUERY_PEERs out: the answer could be to either');
  });

  it('keeps a bounded set of outstanding probes, the oldest making room', () => {
    const rtt = new RttEstimator();
    for (let cookie = 0; cookie < 10 * MAX_OUTSTANDING; cookie++) rtt.probeSent(1_000 + cookie / 100, cookie);
    assert.equal(rtt.outstandingCount, MAX_OUTSTANDING);
    rtt.replyReceived(1_002, 0);
    assert.equal(rtt.ms, undefined, 'the oldest probe was forgotten');
    const newest = 10 * MAX_OUTSTANDING - 1;
    rtt.replyReceived(1_002 + newest / 100, newest);
    assert.equal(rtt.ms, 2);
  });

  it('moves only the probes queued before a flush to that flush’s time', () => {
    const rtt = new RttEstimator();
    rtt.probeSent(1_000, 1);
    rtt.probeSent(1_000, 2);
    probesHandedToKernel(1_001);
    rtt.probeSent(1_002, 3);
    probesHandedToKernel(1_003);
    rtt.replyReceived(1_004, 1);
    rtt.replyReceived(1_004, 2);
    rtt.replyReceived(1_004, 3);
    assert.equal(rtt.ms, 3, 'three samples of 3, 3 and 1 ms');
  });
});
