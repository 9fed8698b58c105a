import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { perMinute, perSecond, TokenBuckets } from './rate-limit.js';

describe('TokenBuckets', () => {
  it('allows a burst, then refills at the rate', () => {
    const buckets = new TokenBuckets<string>(perMinute(60));
    for (let i = 0; i < 60; i++) assert.equal(buckets.take('a', 0), true);
    assert.equal(buckets.take('a', 0), false);
    assert.equal(buckets.take('b', 0), true, 'keys are independent');
    assert.equal(buckets.take('a', 999), false);
    assert.equal(buckets.take('a', 1000), true, 'one token a second');
    assert.equal(buckets.take('a', 1000), false);
  });

  it('lets one cost above the burst through from a full bucket, then owes it', () => {
    const buckets = new TokenBuckets<string>(perSecond(100));
    assert.equal(buckets.take('a', 0, 500), true);
    assert.equal(buckets.take('a', 1000, 1), false, '300 tokens owed, 100 regained');
    assert.equal(buckets.take('a', 3000, 200), false, 'refilled to 200 and no further: the burst');
    assert.equal(buckets.take('a', 5000, 150), true);
  });

  it('is unlimited without a rate', () => {
    const buckets = new TokenBuckets<string>(perMinute(0));
    for (let i = 0; i < 1000; i++) assert.equal(buckets.take('a', 0, 1e9), true);
    assert.equal(buckets.size, 0);
  });

  it('bounds its table and forgets refilled keys', () => {
    const buckets = new TokenBuckets<number>(perSecond(1), 10);
    for (let key = 0; key < 100; key++) buckets.take(key, 0);
    assert.equal(buckets.size, 10);
    buckets.sweep(500);
    assert.equal(buckets.size, 10, 'not full yet');
    buckets.sweep(1000);
    assert.equal(buckets.size, 0);
  });
});
