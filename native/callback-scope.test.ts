import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { flushAfter, flushNow, inCallbackScope } from './callback-scope.js';

describe('callback scope', () => {
  it('runs the flushes queued in a handler when the outermost handler returns, in order', () => {
    const seen: string[] = [];
    inCallbackScope(() => {
      flushAfter(() => seen.push('udp'));
      inCallbackScope(() => flushAfter(() => seen.push('tap')));
      seen.push('handler done');
    });
    assert.deepEqual(seen, ['handler done', 'udp', 'tap']);
  });

  it('runs a flush queued by a flush, and flushes when the handler throws', () => {
    const seen: string[] = [];
    assert.throws(() =>
      inCallbackScope(() => {
        flushAfter(() => {
          seen.push('first');
          flushAfter(() => seen.push('second'));
        });
        throw new Error('handler failed');
      }),
    );
    assert.deepEqual(seen, ['first', 'second']);
    inCallbackScope(() => undefined);
    assert.deepEqual(seen, ['first', 'second'], 'nothing left over for the next scope');
  });

  it('flushNow runs what is queued so far at once; what is queued later still leaves at the end, each once', () => {
    const seen: string[] = [];
    inCallbackScope(() => {
      flushAfter(() => seen.push('answer'));
      flushNow();
      seen.push('rest of the batch');
      flushAfter(() => seen.push('later'));
    });
    assert.deepEqual(seen, ['answer', 'rest of the batch', 'later']);
  });

  it('flushNow flushes early once per handler: later answers of a busy wake-up leave together at its end', () => {
    const seen: string[] = [];
    inCallbackScope(() => {
      flushAfter(() => seen.push('first answer'));
      flushNow();
      flushAfter(() => seen.push('second answer'));
      flushNow();
      seen.push('rest of the batch');
    });
    inCallbackScope(() => {
      flushAfter(() => seen.push('next wake-up'));
      flushNow();
      seen.push('after it');
    });
    assert.deepEqual(seen, ['first answer', 'rest of the batch', 'second answer', 'next wake-up', 'after it']);
  });

  it('outside a handler, flushes after the current callback', async () => {
    const seen: string[] = [];
    flushAfter(() => seen.push('flushed'));
    assert.deepEqual(seen, []);
    await new Promise((resolve) => process.nextTick(resolve));
    assert.deepEqual(seen, ['flushed']);
  });
});
