// The token bucket on a moved clock: bursts up to its capacity, refills evenly, never goes negative.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from './token-bucket.js';

describe('token bucket', () => {
  it('grants up to its capacity at once, then what has refilled', () => {
    const bucket = new TokenBucket(100, 10_000, 0);
    assert.equal(bucket.take(60, 0), 60);
    assert.equal(bucket.take(60, 0), 40, 'only what is left');
    assert.equal(bucket.take(1, 0), 0);
    assert.equal(bucket.take(100, 1_000), 10, 'a tenth of the refill time brings a tenth');
    assert.equal(bucket.available(5_000), 40);
    assert.equal(bucket.available(1_000_000), 100, 'never above the capacity');
  });

  it('grants nothing for a clock that went backwards and whole units only', () => {
    const bucket = new TokenBucket(10, 1_000, 50_000);
    assert.equal(bucket.take(10, 50_000), 10);
    assert.equal(bucket.take(5, 40_000), 0);
    assert.equal(bucket.take(5, 50_050), 0, 'half a unit is not a unit');
    assert.equal(bucket.take(5, 50_100), 1);
    assert.equal(bucket.take(-3, 60_000), 0);
    assert.equal(bucket.take(2.9, 60_000), 2);
  });
});
