import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { switchAnswered, switchQuestion } from './network-switch.js';
import { snapshot, status } from './test-snapshots.js';

const profiles = [
  { name: 'home', community: 'home', active: true, hosted: true },
  { name: 'parents', community: 'calm-otter-07', active: false, hosted: false },
];

describe('switching networks from the tray', () => {
  it('asks first, saying what the live network loses, with Cancel as the default', () => {
    const question = switchQuestion(snapshot({ status: status('registered'), profiles }), 'parents');
    assert.equal(question?.message, 'Switch to “parents”?');
    assert.match(question?.detail ?? '', /^This computer leaves “home” now: its computers can no longer reach this one/);
    assert.deepEqual([question?.buttons, question?.defaultId, question?.cancelId], [['Switch network', 'Cancel'], 1, 1]);
    assert.equal(switchAnswered(0), true);
    assert.equal(switchAnswered(1), false);
  });

  it('says less when disconnected, and nothing for the network already active', () => {
    assert.equal(switchQuestion(snapshot({ status: status('stopped'), profiles }), 'parents')?.detail, 'This computer will use “parents” instead of “home”.');
    assert.equal(switchQuestion(snapshot({ status: status('registered'), profiles }), 'home'), undefined);
  });
});
