import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combineExtensions } from '../../mgmt/index.js';
import { STATS_INTERVAL_MS, statsExtension } from './stats-topic.js';
import type { PeerView } from './views.js';

describe('kith.stats', () => {
  it('publishes the figures on its own timer, answers a snapshot, and stops', () => {
    let peers: PeerView[] = [];
    const runs: { run: () => void; ms: number }[] = [];
    let stopped = 0;
    let now = 1_800_000_000_000;
    const extension = statsExtension(
      { peers: () => peers, supernodes: () => [] },
      {
        every: (run, ms) => {
          runs.push({ run, ms });
          return () => stopped++;
        },
        now: () => now,
      },
    );
    const published: [string, object][] = [];
    const stop = extension.publishTo((topic, payload) => published.push([topic, payload]));
    assert.deepEqual(runs.map(({ ms }) => ms), [STATS_INTERVAL_MS]);
    assert.deepEqual(extension.snapshot?.('kith.stats'), { time: now, peers: [], supernodes: [] });
    peers = [{ mac: '02:00:00:00:00:02' } as PeerView];
    now += STATS_INTERVAL_MS;
    runs[0]?.run();
    assert.deepEqual(published, [['kith.stats', { time: now, peers, supernodes: [] }]]);
    stop();
    assert.equal(stopped, 1);
  });

  it('joins the profile methods without taking their names', () => {
    const stats = statsExtension({ peers: () => [], supernodes: () => [] });
    const combined = combineExtensions(stats, { methods: {}, topics: {}, publishTo: () => () => undefined });
    assert.deepEqual(Object.keys(combined.topics), ['kith.stats']);
    assert.deepEqual({ ...combined.snapshot?.('kith.stats'), time: 0 }, { time: 0, peers: [], supernodes: [] });
    assert.equal(combined.snapshot?.('kith.settings'), undefined);
  });
});
