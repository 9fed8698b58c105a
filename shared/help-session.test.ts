import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelpSession } from '../engine/help/api.js';
import { followSession, isLive, openSession, sharesThisScreen, withSession } from './help-session.js';

const session = (id: string, phase: HelpSession['phase'], fields: Partial<HelpSession> = {}): HelpSession => ({
  id,
  role: 'helped',
  phase,
  peer: { mac: '02:00:00:00:00:02', name: 'Sam', vpnIpv4: '10.99.0.2' },
  self: { mac: '02:00:00:00:00:01', name: 'me', vpnIpv4: '10.99.0.1' },
  startedAt: 0,
  ...fields,
});

describe('isLive and sharesThisScreen', () => {
  it('call a session live from Allow until it ends, and this screen shared only while the helped side runs', () => {
    assert.deepEqual(
      (['requesting', 'prompting', 'connecting', 'sharing', 'ended'] as const).map((phase) => isLive(session('a', phase))),
      [false, false, true, true, false],
    );
    assert.equal(isLive(undefined), false);
    assert.equal(sharesThisScreen(session('a', 'connecting')), true);
    assert.equal(sharesThisScreen(session('a', 'sharing', { role: 'helper' })), false);
    assert.equal(sharesThisScreen(session('a', 'prompting')), false);
    assert.equal(sharesThisScreen(undefined), false);
  });
});

describe('openSession', () => {
  it('finds the open session in a snapshot, past lingering ended ones', () => {
    assert.equal(openSession([session('x', 'ended'), session('a', 'connecting')])?.id, 'a');
    assert.equal(openSession([session('x', 'ended')]), undefined);
  });
});

describe('withSession', () => {
  it('keeps the open session first and an ended one after it', () => {
    let sessions = withSession([], session('a', 'prompting'));
    sessions = withSession(sessions, session('a', 'ended', { reason: 'declined' }));
    sessions = withSession(sessions, session('b', 'prompting'));
    assert.deepEqual(
      sessions.map((s) => [s.id, s.phase]),
      [
        ['b', 'prompting'],
        ['a', 'ended'],
      ],
    );
    sessions = withSession(sessions, session('b', 'ended', { reason: 'unanswered' }));
    assert.deepEqual(
      sessions.map((s) => [s.id, s.phase]),
      [
        ['b', 'ended'],
        ['a', 'ended'],
      ],
    );
  });

  it('keeps an ended session ended when an older phase of it comes later', () => {
    const ended = withSession([], session('a', 'ended', { role: 'helper', reason: 'busy' }));
    assert.equal(withSession(ended, session('a', 'requesting', { role: 'helper' })), ended);
  });
});

describe('followSession', () => {
  it('follows the open session until it ends', () => {
    let open = followSession(undefined, session('a', 'prompting'));
    assert.equal(open?.phase, 'prompting');
    open = followSession(open, session('a', 'sharing'));
    assert.equal(open?.phase, 'sharing');
    // Another session's end (a refused second request) leaves this one open.
    assert.equal(followSession(open, session('b', 'ended')), open);
    assert.equal(followSession(open, session('a', 'ended')), undefined);
  });
});
