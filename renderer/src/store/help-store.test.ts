import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelpEvent, HelpSession, HelpStatus } from '../../../engine/help/api.js';
import { ClientError, OFFLINE_MESSAGE } from '../client/errors.js';
import type { HelpLink } from '../help/help-link.js';
import { createHelpStore, type HelpMedia } from './help-store.js';

const helper = { mac: '02:00:00:00:00:01', name: 'helper', vpnIpv4: '10.99.0.1' };
const mum = { mac: '02:00:00:00:00:02', name: 'mum', vpnIpv4: '10.99.0.2' };
const ID = 'a'.repeat(32);
const prompting: HelpSession = { id: ID, role: 'helped', phase: 'prompting', peer: helper, self: mum, startedAt: 0, promptExpiresAt: 60_000 };

function fakeLink(answer: (id: string, allow: boolean) => Promise<HelpSession>, status: () => Promise<HelpStatus> = () => Promise.resolve({ sessions: [], peers: {}, asked: [] })) {
  const calls: unknown[][] = [];
  let emit: (event: HelpEvent) => void = () => undefined;
  let linkTo: (state: 'up' | 'down') => void = () => undefined;
  const link: HelpLink = {
    status,
    request: (mac) => {
      calls.push(['request', mac]);
      return Promise.resolve({ ...prompting, role: 'helper', phase: 'requesting', peer: mum, self: helper });
    },
    ask: (macs) => Promise.resolve({ sent: macs.length }),
    answer: (id, allow) => {
      calls.push(['answer', id, allow]);
      return answer(id, allow);
    },
    connected: () => Promise.reject(new Error('not used')),
    signal: () => Promise.resolve(),
    stop: (id) => {
      calls.push(['stop', id]);
      return Promise.resolve({ ...prompting, phase: 'ended', reason: 'stopped-here' });
    },
    listen: (onEvent, onLink) => {
      emit = onEvent;
      linkTo = onLink;
      return () => undefined;
    },
  };
  return { link, calls, emit: (event: HelpEvent) => emit(event), up: () => linkTo('up') };
}

/** A capture of one track that records whether it was stopped. */
function fakeScreen(): { media: HelpMedia; stopped: () => boolean } {
  let stopped = false;
  const track = { stop: () => void (stopped = true) } as unknown as MediaStreamTrack;
  const stream = { getTracks: () => [track] } as unknown as MediaStream;
  return { media: { screen: () => Promise.resolve(stream), microphone: () => Promise.reject(new Error('no microphone')) }, stopped: () => stopped };
}

describe('help store', () => {
  it('reads the status once more when the browser dropped the read (a network change), so settled peers do not stay "checking"', async () => {
    let reads = 0;
    let readAgain: () => void = () => undefined;
    const readAgainDone = new Promise<void>((resolve) => (readAgain = resolve));
    const { link, up } = fakeLink(
      () => Promise.reject(new Error('not used')),
      () => {
        reads++;
        if (reads === 1) return Promise.reject(new ClientError('offline', OFFLINE_MESSAGE));
        readAgain();
        return Promise.resolve({ sessions: [], peers: { [mum.mac]: { possible: true } }, asked: [] });
      },
    );
    const store = createHelpStore(link, fakeScreen().media);
    store.getState().start();
    up();
    // Bounded: without the second read the test fails on the count below.
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([readAgainDone, new Promise((resolve) => (bound = setTimeout(resolve, 5_000)))]);
    clearTimeout(bound);
    // The store takes the answer in the promise jobs that follow.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(reads, 2);
    assert.deepEqual(store.getState().status.peers, { [mum.mac]: { possible: true } });
    assert.equal(store.getState().problem, undefined);
  });

  it('shows the request as the current session', async () => {
    const { link, calls } = fakeLink(() => Promise.reject(new Error('not used')));
    const store = createHelpStore(link, fakeScreen().media);
    store.getState().start();
    await store.getState().request(mum.mac);
    assert.deepEqual(calls, [['request', mum.mac]]);
    assert.equal(store.getState().session?.phase, 'requesting');
  });

  it('answers no when the person cancels the picker: nothing is shared', async () => {
    const { link, calls, emit } = fakeLink((id) => Promise.resolve({ ...prompting, id, phase: 'ended', reason: 'declined' }));
    const store = createHelpStore(link, { screen: () => Promise.reject(new Error('Permission denied')), microphone: () => Promise.reject(new Error('x')) });
    store.getState().start();
    emit({ kind: 'session', session: prompting });
    await store.getState().allow();
    assert.deepEqual(calls, [['answer', ID, false]]);
    assert.equal(store.getState().problem, 'Nothing was shared: Permission denied');
  });

  it('stops a capture made on Allow when the prompt ended meanwhile', async () => {
    const screen = fakeScreen();
    const { link, calls, emit } = fakeLink(() => Promise.reject(new Error('The help session is not at that step.')));
    const store = createHelpStore(link, screen.media);
    store.getState().start();
    emit({ kind: 'session', session: prompting });
    await store.getState().allow();
    assert.deepEqual(calls, [['answer', ID, true]]);
    assert.equal(screen.stopped(), true);
    assert.equal(store.getState().picture, undefined);
  });

  it("Don't allow answers no; Stop is only for a session still open", async () => {
    const { link, calls, emit } = fakeLink((id) => Promise.resolve({ ...prompting, id, phase: 'ended', reason: 'declined' }));
    const store = createHelpStore(link, fakeScreen().media);
    store.getState().start();
    emit({ kind: 'session', session: prompting });
    await store.getState().decline();
    assert.equal(store.getState().session?.phase, 'ended');
    await store.getState().stop();
    assert.deepEqual(calls, [['answer', ID, false]]);
  });
});
