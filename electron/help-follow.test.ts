import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelpSession } from '../engine/help/api.js';
import { followHelpEvent, openSession } from './help-follow.js';

const session = (id: string, phase: HelpSession['phase']): HelpSession => ({
  id,
  role: 'helped',
  phase,
  peer: { mac: '02:00:00:00:00:02', name: 'Sam', vpnIpv4: '10.99.0.2' },
  self: { mac: '02:00:00:00:00:01', name: 'me', vpnIpv4: '10.99.0.1' },
  startedAt: 0,
});

describe('followHelpEvent', () => {
  it('follows the open session until it ends', () => {
    let open = followHelpEvent(undefined, { kind: 'session', session: session('a', 'prompting') });
    assert.equal(open?.phase, 'prompting');
    open = followHelpEvent(open, { kind: 'session', session: session('a', 'sharing') });
    assert.equal(open?.phase, 'sharing');
    assert.equal(followHelpEvent(open, { kind: 'asked', from: session('b', 'ended').peer, at: 0 }), open);
    // Another session's end (a refused second request) leaves this one open.
    assert.equal(followHelpEvent(open, { kind: 'session', session: session('b', 'ended') }), open);
    assert.equal(followHelpEvent(open, { kind: 'session', session: session('a', 'ended') }), undefined);
  });

  it('finds the open session in a snapshot, past lingering ended ones', () => {
    assert.equal(openSession({ sessions: [session('x', 'ended'), session('a', 'connecting')], peers: {}, asked: [] })?.id, 'a');
    assert.equal(openSession({ sessions: [session('x', 'ended')], peers: {}, asked: [] }), undefined);
  });
});
