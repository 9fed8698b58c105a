import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../engine/clock.js';
import { Scheduler } from './scheduler.js';

describe('Scheduler', () => {
  it('runs a task once per elapsed period on its clock, immediately if asked', () => {
    const clock = new ManualClock(0);
    const runs: string[] = [];
    const scheduler = new Scheduler(clock, () => assert.fail('no task throws'));
    scheduler.every('purge', 30_000, () => runs.push(`purge@${clock.nowMs()}`));
    scheduler.every('federation', 10_000, () => runs.push(`federation@${clock.nowMs()}`), true);
    scheduler.runDue();
    clock.advance(29_999);
    scheduler.runDue();
    clock.advance(1);
    scheduler.runDue();
    assert.deepEqual(runs, ['federation@0', 'federation@29999', 'purge@30000']);
  });

  it('reports a failing task and keeps running the others', () => {
    const clock = new ManualClock(0);
    const failures: string[] = [];
    let ran = false;
    const scheduler = new Scheduler(clock, (task) => failures.push(task));
    scheduler.every('broken', 1, () => {
      throw new Error('boom');
    }, true);
    scheduler.every('fine', 1, () => (ran = true), true);
    scheduler.runDue();
    assert.deepEqual(failures, ['broken']);
    assert.equal(ran, true);
  });
});
