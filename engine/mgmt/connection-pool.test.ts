import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectionPool, type Pooled } from './connection-pool.js';

interface Fake extends Pooled {
  evicted: boolean;
}

function connection(client: string, lastActive: number, busy = false): Fake {
  const fake: Fake = { client, lastActive, busy, evicted: false, evict: () => void (fake.evicted = true) };
  return fake;
}

describe('connection pool', () => {
  const limits = { maxConnections: 4, maxConnectionsPerClient: 2, maxEventStreams: 3, maxEventStreamsPerClient: 2 };

  it("makes room within a client's own share first, closing its quietest idle connection", () => {
    const pool = new ConnectionPool<Fake>(limits);
    const old = connection('uid:1', 1);
    const recent = connection('uid:1', 5);
    assert.ok(pool.admit(old) && pool.admit(recent));
    const third = connection('uid:1', 9);
    assert.ok(pool.admit(third));
    assert.deepEqual([old.evicted, recent.evicted], [true, false]);
  });

  it('takes room from the client holding the most when the pool is full, never from busy connections', () => {
    const pool = new ConnectionPool<Fake>(limits);
    const hog = [connection('tcp:a', 1), connection('tcp:a', 2)];
    const other = [connection('tcp:b', 0), connection('tcp:c', 0)];
    for (const c of [...hog, ...other]) assert.ok(pool.admit(c));
    assert.ok(pool.admit(connection('uid:0', 10)));
    assert.deepEqual([...hog, ...other].map((c) => c.evicted), [true, false, false, false]);

    const busy = new ConnectionPool<Fake>({ ...limits, maxConnections: 2 });
    const working = [connection('uid:1', 0, true), connection('uid:2', 0, true)];
    for (const c of working) assert.ok(busy.admit(c));
    assert.equal(busy.admit(connection('uid:3', 1)), false, 'all are answering requests: 503');
    assert.ok(working.every((c) => !c.evicted));
  });

  it('counts event streams apart: a client replaces its own oldest, a full pool sheds the biggest holder', () => {
    const pool = new ConnectionPool<Fake>(limits);
    const streams = [connection('uid:1', 1), connection('uid:1', 2), connection('uid:2', 3)];
    for (const c of streams) {
      assert.ok(pool.admit(c));
      pool.toStream(c);
    }
    assert.deepEqual(pool.size, { calls: 0, streams: 3 });
    const newest = connection('uid:1', 4);
    assert.ok(pool.admit(newest));
    pool.toStream(newest);
    assert.deepEqual(streams.map((c) => c.evicted), [true, false, false]);
    const fromThree = connection('uid:3', 5);
    assert.ok(pool.admit(fromThree));
    pool.toStream(fromThree);
    assert.deepEqual(streams.map((c) => c.evicted), [true, true, false]);
    assert.deepEqual(pool.size, { calls: 0, streams: 3 });
  });
});
