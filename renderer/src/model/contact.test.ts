import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { joinProgress, NO_ANSWER_MS, refusalText, refusedByHost } from './contact.js';
import { peer } from './fixtures.test-support.js';

const REFUSAL = "refused by the network's host: this device was removed, its invite was used by another device or has expired, or the user name or password is wrong";

describe('first contact in words', () => {
  it('says it is reaching the host until the window is on the joined network', () => {
    const reaching = { tone: 'progress', text: 'Reaching the computer that hosts “calm-otter-07”…' };
    assert.deepEqual(joinProgress('calm-otter-07', undefined, [], false, 0, 0), reaching);
    assert.deepEqual(joinProgress('calm-otter-07', { state: 'registered', community: 'kith-home' }, [peer()], false, 0, 0), reaching);
    assert.deepEqual(joinProgress('calm-otter-07', { state: 'connecting', community: 'calm-otter-07' }, [], false, 0, 0), reaching);
  });

  it('names the computer it reached and how, preferring a direct one', () => {
    const status = { state: 'registered', community: 'calm-otter-07' } as const;
    assert.deepEqual(joinProgress('calm-otter-07', status, [], false, 0, 0), { tone: 'done', text: 'Connected to “calm-otter-07”. Waiting for its other computers to show up…' });
    const relayed = peer({ description: 'nas', path: 'relayed', mac: '02:00:00:00:00:02' });
    assert.deepEqual(joinProgress('calm-otter-07', status, [relayed, peer({ description: 'helper', rttMs: 12 })], false, 0, 0), {
      tone: 'done',
      text: "Connected: helper's computer · Direct connection · 12 ms",
    });
  });

  it('says why joining fails: refused, not reachable, disconnected, or the edge’s own reason', () => {
    const refused = { state: 'error', reason: REFUSAL, community: 'calm-otter-07' } as const;
    assert.equal(refusedByHost(refused), true);
    assert.equal(refusedByHost({ ...refused, reason: 'TAP device busy' }), false);
    assert.match(joinProgress('calm-otter-07', refused, [], false, 0, 0).text, /already used by another device or has expired/);
    assert.equal(joinProgress('calm-otter-07', { ...refused, reason: 'TAP device busy' }, [], false, 0, 0).text, 'Could not join: TAP device busy');
    assert.match(joinProgress('calm-otter-07', { state: 'no-supernode', community: 'calm-otter-07' }, [], false, 0, 0).text, /^Not reachable yet: .* does not answer/);
    assert.equal(joinProgress('calm-otter-07', { state: 'stopped', community: 'calm-otter-07' }, [], false, 0, 0).tone, 'problem');
    // Still connecting long after Join: the host does not answer.
    assert.match(joinProgress('calm-otter-07', { state: 'connecting', community: 'calm-otter-07' }, [], false, NO_ANSWER_MS, 0).text, /^Not reachable yet: /);
    assert.match(joinProgress('calm-otter-07', undefined, [], false, NO_ANSWER_MS, 0).text, /^Not reachable yet: /);
  });

  it('calls a refusal after being connected a removal', () => {
    assert.match(refusalText('calm-otter-07', true), /^This computer was removed from “calm-otter-07” by the computer that hosts it\./);
    assert.doesNotMatch(refusalText('calm-otter-07', false), /^This computer was removed/);
  });
});
