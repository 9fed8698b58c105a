// What the tray is computed from, against the real engine in this process: the desktop host
// (desktop/host.ts) on memory ports with a supernode on loopback, called through the typed client.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { firstNetworkSettings, startDesktopHost, type DesktopHost } from '../desktop/host.js';
import { edgeConfig, startEdge, type TestEdge } from '../engine/edge/testing/loopback-edge.js';
import { arpRequest } from '../engine/testing/frames.js';
import { waitFor } from '../engine/testing/wait-for.js';
import { startSupernode, type RunningSupernode } from '../supernode/testing/start.js';
import { createMemoryFramePort } from '../engine/edge/io/frame-port.js';
import { STATS_INTERVAL_MS } from '../engine/edge/api/stats-topic.js';
import { inProcessClient } from '../engine/mgmt/in-process-client.js';
import type { DesktopApi, DesktopEventPayloads } from '../engine/profiles/api.js';
import { ProfileStore } from '../engine/profiles/profile-store.js';
import { ok } from '../shared/result.js';
import { createDesktopState, type EngineClient, EVENT_DEBOUNCE_MS } from './desktop-state.js';

const COMMUNITY = 'tray-home';

function manualTimers() {
  const pending: { callback: () => void; ms: number }[] = [];
  return {
    pending,
    options: { setTimeout: (callback: () => void, ms: number) => pending.push({ callback, ms }), clearTimeout: () => undefined },
    fire: () => pending.splice(0).forEach(({ callback }) => callback()),
  };
}

describe('createDesktopState with the engine in this process', () => {
  let dir: string;
  let sn: RunningSupernode;
  let host: DesktopHost;
  let other: TestEdge | undefined;
  /** The typed client, counting the methods main calls. */
  let engine: EngineClient;
  const calls: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kith-tray-'));
    sn = await startSupernode();
    const store = new ProfileStore(join(dir, 'profiles'));
    // Header encryption needs the community in the supernode's community file; this loopback supernode has none.
    const home = { ...firstNetworkSettings('desk'), community: COMMUNITY, headerEncryption: false, supernodes: [`127.0.0.1:${sn.port}`] };
    assert.ok((await store.save('home', home)).ok);
    const started = await startDesktopHost({
      version: '0.0.0',
      profilesDir: store.dir,
      openPort: (name) => Promise.resolve(ok(Object.assign(createMemoryFramePort(Uint8Array.from([2, 0, 0, 0x56, 0, 1])), { name }))),
      edgeOptions: { localDiscovery: false },
      logSink: () => undefined,
    });
    assert.ok(started.ok, started.ok ? '' : started.detail);
    host = started.value;
    const typed = inProcessClient<DesktopApi, DesktopEventPayloads>(host, { authorised: true });
    engine = {
      call: (method, params) => (calls.push(method), typed.call(method, params)),
      subscribe: (topic, listener) => typed.subscribe(topic, listener),
    };
    await waitFor(() => host.session.status().state === 'registered', 'the edge to register');
  });

  after(async () => {
    await other?.edge.stop();
    await host?.close();
    await sn.supernode.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads status and profiles when attached and takes the peers from the pushed figures', async () => {
    const state = createDesktopState(manualTimers().options);
    await state.attach(engine);
    assert.equal(state.get().engine, 'running');
    assert.equal(state.get().status?.state, 'registered');
    assert.equal(state.get().status?.community, COMMUNITY);
    assert.deepEqual(state.get().profiles, [{ name: 'home', community: COMMUNITY, active: true, hosted: true }]);
    assert.deepEqual(state.get().peers, []);
    assert.deepEqual([...calls].sort(), ['kith.profiles', 'kith.status']);

    // Another computer joins and says something: the next kith.stats brings it, with nothing asked.
    calls.length = 0;
    other = await startEdge(edgeConfig(COMMUNITY, sn.port, '127.0.0.1'), '02:00:00:56:00:02');
    await waitFor(() => other?.edge.status().address !== undefined, 'the other edge to get an address');
    other.port.inject(arpRequest(other.mac, other.edge.status().address?.address ?? '', '10.0.0.250'));
    await waitFor(() => state.get().peers.some((peer) => peer.mac === '02:00:00:56:00:02'), 'the peer in the tray snapshot', 3 * STATS_INTERVAL_MS);
    assert.deepEqual(calls, []);
    state.dispose();
  });

  it('turns a burst of events into one re-read of status and profiles', async () => {
    const timers = manualTimers();
    const state = createDesktopState(timers.options);
    await state.attach(engine);
    calls.length = 0;
    // Saving settings restarts the edge: kith.settings and kith.state (stopped, connecting, …).
    const saved = await engine.call('kith.settings.set', [{ description: 'desk2' }]);
    assert.ok(saved.ok && saved.result.ok);
    await waitFor(() => host.session.status().state === 'registered', 'the edge to register again');
    assert.equal(timers.pending.length, 1);
    assert.equal(timers.pending[0]?.ms, EVENT_DEBOUNCE_MS);
    calls.length = 0;
    timers.fire();
    await waitFor(() => state.get().status?.description === 'desk2', 'the new description');
    assert.deepEqual([...calls].sort(), ['kith.profiles', 'kith.status']);
    state.dispose();
  });

  it('records an engine that failed to start, and keeps the start-at-login setting', () => {
    const state = createDesktopState(manualTimers().options);
    state.setStartAtLogin(true);
    state.fail('kith-tap is not installed');
    assert.deepEqual(state.get(), { engine: 'failed', error: 'kith-tap is not installed', peers: [], profiles: [], startAtLogin: true });
  });
});
