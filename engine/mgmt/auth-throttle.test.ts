import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthThrottle } from './auth-throttle.js';

describe('password throttle', () => {
  const limits = { freeFailures: 3, windowMs: 10_000, firstDelayMs: 1_000, maxDelayMs: 8_000, maxClients: 2 };

  it('lets a few wrong passwords through, then doubles the wait per further one, up to a cap', () => {
    const clock = { now: 0 };
    const throttle = new AuthThrottle(limits, () => clock.now);
    for (let i = 1; i <= 3; i++) assert.deepEqual(throttle.failed('uid:1000'), { failures: i, waitMs: 0 });
    assert.equal(throttle.waitMs('uid:1000'), 0);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      waits.push(throttle.failed('uid:1000').waitMs);
      clock.now += throttle.waitMs('uid:1000');
    }
    assert.deepEqual(waits, [1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    assert.equal(throttle.waitMs('uid:0'), 0, 'other clients are not held back');
  });

  it('forgets a client after a quiet window or a right password, and remembers a bounded number', () => {
    const clock = { now: 0 };
    const throttle = new AuthThrottle(limits, () => clock.now);
    for (let i = 0; i < 4; i++) throttle.failed('tcp:127.0.0.1');
    assert.ok(throttle.waitMs('tcp:127.0.0.1') > 0);
    clock.now += 20_000;
    assert.equal(throttle.failed('tcp:127.0.0.1').failures, 1);
    throttle.succeeded('tcp:127.0.0.1');
    assert.equal(throttle.failed('tcp:127.0.0.1').failures, 1);
    throttle.failed('a');
    throttle.failed('b');
    assert.equal(throttle.failed('tcp:127.0.0.1').failures, 1, 'the oldest record made room');
  });
});
