import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KithClient, KithEventHandler } from '../client/client.js';
import { ClientError } from '../client/errors.js';
import type { LinkListener } from '../client/transport.js';
import { peer, SETTINGS, STATUS, SUPERNODE } from '../model/fixtures.test-support.js';
import { KITH_TOPICS } from '../client/api-types.js';
import { createKithStore } from './store.js';

function fakeClient(answers: Record<string, (params: unknown) => unknown>) {
  const calls: string[] = [];
  let onEvent: KithEventHandler = () => undefined;
  let onLink: LinkListener = () => undefined;
  const client: KithClient = {
    transport: 'http',
    call: ((method: string, params?: unknown) => {
      calls.push(method);
      const answer = answers[method];
      if (answer === undefined) return Promise.reject(new ClientError('refused', `no ${method}`));
      try {
        return Promise.resolve(answer(params));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }) as KithClient['call'],
    listen: (topics, event, link) => {
      assert.deepEqual(topics, KITH_TOPICS);
      onEvent = event;
      onLink = link;
      return () => undefined;
    },
  };
  return { client, calls, emit: (...args: Parameters<KithEventHandler>) => onEvent(...args), link: (up: 'up' | 'down') => onLink(up) };
}

const ENGINE = {
  'kith.status': () => STATUS,
  'kith.settings.get': () => SETTINGS,
  'kith.profiles': () => [{ name: 'family', community: 'family', active: true, hosted: false }],
  'kith.log': () => [{ time: 1, level: 'info', text: 'hello' }],
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('window store', () => {
  it('reads a full snapshot when the event link comes up, and again after a reconnect', async () => {
    const fake = fakeClient(ENGINE);
    const store = createKithStore(fake.client);
    store.getState().start();
    fake.link('up');
    await settle();
    // The stats subscription starts with the figures (engine/mgmt/events.ts).
    fake.emit({ topic: 'kith.stats', payload: { time: 1, peers: [peer()], supernodes: [SUPERNODE] } });
    const state = store.getState();
    assert.equal(state.link, 'up');
    assert.equal(state.status?.state, 'registered');
    assert.deepEqual(Object.keys(state.peers), ['02:00:00:00:00:01']);
    assert.deepEqual(state.supernodes, [SUPERNODE]);
    assert.equal(state.settings?.profile, 'family');
    assert.equal(state.profiles.length, 1);
    assert.equal(state.log.length, 1);
    fake.link('down');
    assert.equal(store.getState().link, 'down');
    fake.calls.length = 0;
    fake.link('up');
    await settle();
    assert.deepEqual([...fake.calls].sort(), ['kith.log', 'kith.profiles', 'kith.settings.get', 'kith.status']);
  });

  it('applies events between snapshots', async () => {
    const fake = fakeClient(ENGINE);
    const store = createKithStore(fake.client);
    store.getState().start();
    fake.link('up');
    await settle();
    fake.emit({ topic: 'kith.stats', payload: { time: 1, peers: [peer()], supernodes: [SUPERNODE] } });
    fake.emit({ topic: 'kith.peer', payload: { action: 'added', peer: peer({ mac: '02:00:00:00:00:02', description: 'mum' }) } });
    fake.emit({ topic: 'kith.path', payload: { mac: '02:00:00:00:00:01', path: 'relayed', via: 'sn1' } });
    assert.equal(Object.keys(store.getState().peers).length, 2);
    assert.equal(store.getState().peers['02:00:00:00:00:01']?.path, 'relayed');
    fake.emit({ topic: 'kith.state', payload: { state: 'connecting', previous: 'registered' } });
    assert.equal(store.getState().status?.state, 'connecting');
    // The event names only the network; the settings themselves (with the key) are read again.
    const reads = (): number => fake.calls.filter((method) => method === 'kith.settings.get').length;
    const before = reads();
    fake.emit({ topic: 'kith.settings', payload: { profile: 'family', community: 'family' } });
    await settle();
    assert.equal(reads(), before + 1);
    assert.equal(store.getState().settings?.profile, SETTINGS.profile);
  });

  it('takes peers, supernodes and the supernode RTT from kith.stats and reads nothing for them', async () => {
    const fake = fakeClient(ENGINE);
    const store = createKithStore(fake.client);
    store.getState().start();
    fake.link('up');
    await settle();
    fake.calls.length = 0;
    const moved = peer({ rttMs: 4.5, traffic: { framesIn: 11, framesOut: 12, bytesIn: 4096, bytesOut: 4096 } });
    fake.emit({ topic: 'kith.stats', payload: { time: 2, peers: [moved], supernodes: [{ ...SUPERNODE, rttMs: 12 }] } });
    await settle();
    assert.deepEqual(fake.calls, []);
    assert.deepEqual(store.getState().peers, { '02:00:00:00:00:01': moved });
    assert.equal(store.getState().status?.supernodeRttMs, 12);
    // A peer the figures no longer list is gone.
    fake.emit({ topic: 'kith.stats', payload: { time: 3, peers: [], supernodes: [{ ...SUPERNODE, rttMs: 12 }] } });
    assert.deepEqual(store.getState().peers, {});
  });

  it('says the engine is not running when it cannot be reached, and the password is needed on 401', async () => {
    const offline = fakeClient({ 'kith.status': () => { throw new ClientError('offline', "Kith's engine is not running"); } });
    const store = createKithStore(offline.client);
    await store.getState().refreshStatus();
    assert.equal(store.getState().link, 'down');
    assert.equal(store.getState().problem, "Kith's engine is not running");

    const locked = fakeClient({ ...ENGINE, 'kith.connect': () => { throw new ClientError('auth', 'The management password is needed', 401); } });
    const second = createKithStore(locked.client);
    await second.getState().connect();
    assert.equal(second.getState().actionProblem, 'The management password is needed');
    assert.equal(second.getState().switching, false);
  });

  it('reads the status once more when a read was dropped (a network change), and shows no problem if that one answers', async () => {
    let calls = 0;
    const flaky = fakeClient({
      ...ENGINE,
      'kith.status': () => {
        calls++;
        if (calls === 1) throw new ClientError('offline', "Kith's engine is not running");
        return STATUS;
      },
    });
    const store = createKithStore(flaky.client);
    await store.getState().refreshStatus();
    assert.equal(calls, 2);
    assert.equal(store.getState().link, 'up');
    assert.equal(store.getState().problem, undefined);
  });

  it('saves settings and keeps the engine\'s field errors for the form', async () => {
    const sent: unknown[] = [];
    const fake = fakeClient({
      ...ENGINE,
      'kith.settings.set': (params) => {
        sent.push(params);
        return { ok: false, errors: [{ field: 'community', message: 'Up to 19 characters' }] };
      },
    });
    const store = createKithStore(fake.client);
    const result = await store.getState().saveSettings({ community: 'x'.repeat(30) });
    assert.deepEqual(sent, [[{ community: 'x'.repeat(30) }]]);
    assert.deepEqual(result, { ok: false, errors: [{ field: 'community', message: 'Up to 19 characters' }] });
  });
});
