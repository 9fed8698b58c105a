import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyedTokenBuckets, perMinute, perSecond } from './keyed-token-buckets.js';

describe('keyed token buckets', () => {
  it('allows a burst per key, then what refilled', () => {
    const buckets = new KeyedTokenBuckets<string>(perMinute(60));
    for (let i = 0; i < 60; i++) assert.equal(buckets.take('a', 0), true);
    assert.equal(buckets.take('a', 0), false);
    assert.equal(buckets.take('b', 0), true, 'keys are independent');
    assert.equal(buckets.take('a', 999), false);
    assert.equal(buckets.take('a', 1000), true, 'one unit a second');
    assert.equal(buckets.take('a', 1000), false);
  });

  it('takes all or nothing, and a cost above the capacity only from a full bucket', () => {
    const buckets = new KeyedTokenBuckets<string>(perSecond(100));
    assert.equal(buckets.take('a', 0, 150), true);
    assert.equal(buckets.take('a', 0, 100), false, '50 left: nothing is taken');
    assert.equal(buckets.take('a', 0, 50), true);
    assert.equal(buckets.take('b', 0, 10_000), true, 'a full bucket lets a large item through');
    assert.equal(buckets.take('b', 1_000, 10_000), false, 'and is empty after it');
    assert.equal(buckets.take('b', 2_000, 10_000), true);
  });

  it('is unlimited without a rate', () => {
    const buckets = new KeyedTokenBuckets<string>(perMinute(0));
    for (let i = 0; i < 1000; i++) assert.equal(buckets.take('a', 0, 1e9), true);
    assert.equal(buckets.size, 0);
  });

  it('bounds its table and forgets keys whose buckets refilled', () => {
    const buckets = new KeyedTokenBuckets<number>(perSecond(1), 10);
    for (let key = 0; key < 100; key++) buckets.take(key, 0);
    assert.equal(buckets.size, 10);
    buckets.sweep(500);
    assert.equal(buckets.size, 10, 'not full yet');
    buckets.sweep(1000);
    assert.equal(buckets.size, 0);
  });
});
