import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelpSession } from '../../../engine/help/api.js';
import { applyHelpEvent, availabilityOf, currentSession, EMPTY_HELP_STATUS, secondsLeft } from './help-status.js';
import { availabilityWords, bannerWords, endWords, promptWords } from './help-words.js';

const mum = { mac: '02:00:00:00:00:02', name: 'Mum', vpnIpv4: '10.99.0.2' };
const me = { mac: '02:00:00:00:00:01', name: 'me', vpnIpv4: '10.99.0.1' };
const session = (id: string, phase: HelpSession['phase'], fields: Partial<HelpSession> = {}): HelpSession => ({ id, role: 'helped', phase, peer: mum, self: me, startedAt: 0, ...fields });

describe('applyHelpEvent', () => {
  it('shows the open session, else the most recent ended one', () => {
    let status = applyHelpEvent(EMPTY_HELP_STATUS, { kind: 'session', session: session('a', 'ended', { reason: 'declined' }) });
    status = applyHelpEvent(status, { kind: 'session', session: session('b', 'prompting') });
    assert.equal(currentSession(status)?.id, 'b');
    status = applyHelpEvent(status, { kind: 'session', session: session('b', 'ended', { reason: 'unanswered' }) });
    assert.equal(currentSession(status)?.id, 'b');
    assert.equal(currentSession(status)?.phase, 'ended');
  });

  it('keeps the same status when a session event changes nothing', () => {
    const ended = applyHelpEvent(EMPTY_HELP_STATUS, { kind: 'session', session: session('a', 'ended', { role: 'helper', reason: 'busy' }) });
    assert.equal(applyHelpEvent(ended, { kind: 'session', session: session('a', 'requesting', { role: 'helper' }) }), ended);
  });

  it('keeps availability by MAC in any case, and one note per asking computer', () => {
    let status = applyHelpEvent(EMPTY_HELP_STATUS, { kind: 'availability', mac: '02:00:00:00:00:0A', availability: { possible: true } });
    assert.deepEqual(availabilityOf(status, '02:00:00:00:00:0a'), { possible: true });
    assert.deepEqual(availabilityOf(status, '02:00:00:00:00:0b'), { possible: false, why: 'checking' });
    status = applyHelpEvent(status, { kind: 'asked', from: mum, at: 1 });
    status = applyHelpEvent(status, { kind: 'asked', from: mum, at: 2 });
    assert.deepEqual(status.asked, [{ from: mum, at: 2 }]);
    assert.equal(applyHelpEvent(status, { kind: 'signal', id: 'a', signal: { type: 'offer', sdp: '' } }), status);
  });

  it('counts the prompt’s seconds down to zero', () => {
    assert.equal(secondsLeft(session('a', 'prompting', { promptExpiresAt: 60_000 }), 0), 60);
    assert.equal(secondsLeft(session('a', 'prompting', { promptExpiresAt: 60_000 }), 59_001), 1);
    assert.equal(secondsLeft(session('a', 'prompting', { promptExpiresAt: 60_000 }), 70_000), 0);
    assert.equal(secondsLeft(session('a', 'sharing'), 0), undefined);
  });
});

describe('help words', () => {
  it('name who asks and who sees, and why help is not possible', () => {
    assert.equal(promptWords(session('a', 'prompting')), 'Mum wants to see your screen.');
    assert.equal(bannerWords(session('a', 'sharing')), 'Mum can see your screen');
    assert.equal(availabilityWords({ possible: false, why: 'no-key' }), 'Help needs an encrypted network');
    assert.equal(endWords(session('a', 'ended', { role: 'helper', reason: 'declined' })), 'Mum did not allow you to see their screen.');
    assert.equal(endWords(session('a', 'ended', { reason: 'stopped-there' })), 'Mum stopped looking at your screen.');
  });
});
