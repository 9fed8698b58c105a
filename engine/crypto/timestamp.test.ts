import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stampFromBigInt, stampToBigInt } from '../testing/stamps.js';
import { TimeStampGenerator, TimeStampVerifier, stampFromMicroseconds } from './timestamp.js';

const US = 1_795_638_897_239_320; // a capture time in microseconds

test('format: seconds << 32 | microseconds << 12', () => {
  assert.equal(stampToBigInt(stampFromMicroseconds(US)), (1_795_638_897n << 32n) | (239_320n << 12n));
  assert.deepEqual(stampFromBigInt(0x6b0745643021200an), { hi: 0x6b074564, lo: 0x3021200a });
});

test('generator: strictly increasing under a frozen or backwards clock, counter bump 0x10', () => {
  let now = US;
  const generator = new TimeStampGenerator(() => now);
  const first = stampToBigInt(generator.next());
  assert.equal(stampToBigInt(generator.next()), first + 0x10n);
  now -= 5_000_000;
  assert.equal(stampToBigInt(generator.next()), first + 0x20n);
  now = US + 1;
  assert.equal(stampToBigInt(generator.next()), stampToBigInt(stampFromMicroseconds(US + 1)));
  let previous = 0n;
  for (let i = 0; i < 2000; i++) {
    const s = stampToBigInt(generator.next());
    assert.ok(s > previous);
    assert.equal(s & 0xfn, 0n, 'flag bits stay clear');
    previous = s;
  }
});

test('generator: the first stamp comes from the clock', () => {
  const generator = new TimeStampGenerator(() => 1_000_000 * 5 + 999_999);
  assert.deepEqual(generator.next(), { hi: 5, lo: (999_999 << 12) >>> 0 });
});

test('verifier: ±2^36 window as a signed 64-bit difference', () => {
  const verifier = new TimeStampVerifier(() => US);
  const now = stampToBigInt(stampFromMicroseconds(US));
  const check = (s: bigint): string => {
    const r = verifier.check(stampFromBigInt(s & 0xffffffffffffffffn), undefined, false);
    return r.ok ? 'ok' : r.error;
  };
  assert.equal(check(now), 'ok');
  assert.equal(check(now + (1n << 36n) - 1n), 'ok');
  assert.equal(check(now + (1n << 36n)), 'outside-window');
  assert.equal(check(now - (1n << 36n) + 1n), 'ok');
  assert.equal(check(now - (1n << 36n)), 'outside-window');
  assert.equal(check(now + (1n << 63n)), 'outside-window');
  assert.equal(check(0n), 'outside-window');
});

test('verifier: monotony, jitter 0x27100000 and its ×256 counter-only variant, last = max', () => {
  const verifier = new TimeStampVerifier(() => US);
  const now = stampToBigInt(stampFromMicroseconds(US));
  const record = verifier.newRecord();
  assert.equal((BigInt(record.lastHi) << 32n) | BigInt(record.lastLo), now - (1n << 36n));
  const check = (s: bigint, jitter: boolean): string => {
    const r = verifier.check(stampFromBigInt(s), record, jitter);
    return r.ok ? 'ok' : r.error;
  };
  assert.equal(check(now, false), 'ok');
  assert.equal(check(now, false), 'replayed');
  assert.equal(check(now - 1n, false), 'replayed');
  assert.equal(check(now - 0x27100000n + 1n, true), 'ok');
  assert.equal(check(now - 0x27100000n, true), 'replayed');
  // last stays at max(last, T): the jittered older stamp did not lower it.
  assert.equal((BigInt(record.lastHi) << 32n) | BigInt(record.lastLo), now);
  // Counter-only stamps (flag bit 0) get 256 × the jitter; 2 × is enough to tell them apart.
  const counterOnly = (now - 0x27100000n * 2n) | 1n;
  assert.equal(check(counterOnly, true), 'ok');
  assert.equal(check(counterOnly & ~1n, true), 'replayed');
  assert.equal(check(now + 0x10n, false), 'ok');
  assert.equal((BigInt(record.lastHi) << 32n) | BigInt(record.lastLo), now + 0x10n);
});
