import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DesktopSnapshot } from './desktop-snapshot.js';
import { createDesktopState, type EngineClient, EVENT_DEBOUNCE_MS, SNAPSHOT_TOPICS } from './desktop-state.js';
import type { BridgeReply } from './ipc-schema.js';
import { peer, status } from './test-snapshots.js';

function fakeEngine(replies: Record<string, BridgeReply>) {
  const listeners = new Map<string, (payload: unknown) => void>();
  const calls: string[] = [];
  const engine: EngineClient = {
    call: (method) => {
      calls.push(method);
      return Promise.resolve(replies[method] ?? { ok: false, code: 404, message: 'Unknown method' });
    },
    subscribe: (topic, listener) => {
      listeners.set(topic, listener);
      return () => listeners.delete(topic);
    },
  };
  return { engine, listeners, calls, replies };
}

function manualTimers() {
  const pending: { callback: () => void; ms: number }[] = [];
  return {
    pending,
    options: {
      setTimeout: (callback: () => void, ms: number) => pending.push({ callback, ms }),
      clearTimeout: () => undefined,
      setInterval: () => 1,
      clearInterval: () => undefined,
    },
    fire: () => pending.splice(0).forEach(({ callback }) => callback()),
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createDesktopState', () => {
  it('reads status, peers and profiles when attached', async () => {
    const fake = fakeEngine({
      'kith.status': { ok: true, result: status('registered') },
      'kith.peers': { ok: true, result: [peer('02:00:00:00:00:02')] },
      'kith.profiles': { ok: true, result: [{ name: 'home', community: 'home', active: true, hosted: true }] },
    });
    const timers = manualTimers();
    const state = createDesktopState(timers.options);
    const seen: DesktopSnapshot[] = [];
    state.onChange((_previous, next) => seen.push(next));
    await state.attach(fake.engine);
    assert.deepEqual([...fake.listeners.keys()].sort(), [...SNAPSHOT_TOPICS].sort());
    assert.equal(state.get().engine, 'running');
    assert.equal(state.get().status?.state, 'registered');
    assert.equal(state.get().peers.length, 1);
    assert.equal(state.get().profiles.length, 1);
    assert.equal(seen.length, 1);
    state.dispose();
    assert.equal(fake.listeners.size, 0);
  });

  it('turns a burst of events into one refresh', async () => {
    const fake = fakeEngine({ 'kith.status': { ok: true, result: status('connecting') }, 'kith.peers': { ok: true, result: [] } });
    const timers = manualTimers();
    const state = createDesktopState(timers.options);
    await state.attach(fake.engine);
    fake.calls.length = 0;
    fake.replies['kith.status'] = { ok: true, result: status('registered') };
    for (let i = 0; i < 5; i++) fake.listeners.get('kith.peer')?.({});
    fake.listeners.get('kith.state')?.({});
    assert.equal(timers.pending.length, 1);
    assert.equal(timers.pending[0]?.ms, EVENT_DEBOUNCE_MS);
    timers.fire();
    await settle();
    assert.deepEqual(fake.calls.sort(), ['kith.peers', 'kith.profiles', 'kith.status']);
    assert.equal(state.get().status?.state, 'registered');
    // An engine without kith.profiles still gives a full snapshot.
    assert.deepEqual(state.get().profiles, []);
  });

  it('records an engine that failed to start, and keeps the start-at-login setting', () => {
    const state = createDesktopState(manualTimers().options);
    state.setStartAtLogin(true);
    state.fail('kith-tap is not installed');
    assert.deepEqual(state.get(), { engine: 'failed', error: 'kith-tap is not installed', peers: [], profiles: [], startAtLogin: true });
  });
});
