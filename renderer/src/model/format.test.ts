import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computersOnline, connectButton, connectionSummary, pathSentence, peersEmptyText, stateText } from './format.js';
import { peer } from './fixtures.test-support.js';

describe('format', () => {
  it('says the state in plain words', () => {
    assert.equal(stateText({ state: 'registered' }), 'Connected');
    assert.equal(stateText({ state: 'connecting' }), 'Connecting…');
    assert.equal(stateText({ state: 'no-supernode', reason: 'timeout' }), 'No supernode reachable');
    assert.equal(stateText({ state: 'error', reason: 'TAP device busy' }), 'Error: TAP device busy');
    assert.equal(stateText({ state: 'stopped' }), 'Disconnected');
    assert.equal(stateText(undefined), 'Waiting for Kith…');
  });

  it('offers one button, disabled while connecting or switching', () => {
    assert.deepEqual(connectButton('stopped', false), { label: 'Connect', disabled: false });
    assert.deepEqual(connectButton('registered', false), { label: 'Disconnect', disabled: false });
    assert.deepEqual(connectButton('connecting', false), { label: 'Disconnect', disabled: true });
    assert.deepEqual(connectButton('stopped', true), { label: 'Connect', disabled: true });
    assert.deepEqual(connectButton(undefined, false), { label: 'Connect', disabled: true });
  });

  it('explains a path in a sentence', () => {
    const now = 1_040_000;
    assert.equal(pathSentence(peer(), now), 'Direct connection · 23 ms');
    assert.equal(pathSentence(peer({ path: 'relayed' }), now), 'Relayed through your supernode: works, but slower');
    assert.equal(pathSentence(peer({ answering: false }), now), 'Not answering · last seen 40 s ago');
  });

  it('counts the computers online in plain words', () => {
    assert.equal(computersOnline(0), 'no other computers online yet');
    assert.equal(computersOnline(1), '1 computer online');
    assert.equal(computersOnline(3), '3 computers online');
  });

  it('sums up the connection in one line', () => {
    const family = { community: 'family' };
    assert.equal(connectionSummary({ ...family, state: 'registered' }, 3, false), 'Connected to family · 3 computers online');
    assert.equal(connectionSummary({ ...family, state: 'registered' }, 0, false), 'Connected to family · no other computers online yet');
    assert.equal(connectionSummary({ ...family, state: 'connecting' }, 0, false), 'Connecting to family…');
    assert.equal(connectionSummary({ ...family, state: 'stopped' }, 0, false), 'Not connected. Press Connect to join family.');
    assert.match(connectionSummary({ ...family, state: 'no-supernode' }, 0, false), /^Trying to reach family: the supernode does not answer/);
    assert.equal(connectionSummary({ ...family, state: 'error', reason: 'TAP device busy' }, 0, false), 'Could not connect to family: TAP device busy');
    assert.equal(connectionSummary({ community: '', state: 'stopped' }, 0, false), 'Not connected. Press Connect to join your network.');
    assert.equal(connectionSummary(undefined, 0, false), 'Waiting for Kith…');
    assert.match(connectionSummary({ ...family, state: 'registered' }, 2, true), /^Kith's engine is not running/);
  });

  it('explains an empty peers table, always starting "No peers yet"', () => {
    assert.equal(peersEmptyText('registered'), 'No peers yet. No other computers are online in this network yet: they appear here as soon as they join.');
    assert.equal(peersEmptyText('stopped'), 'No peers yet. Connect to see the other computers in this network.');
    assert.match(peersEmptyText(undefined), /^No peers yet/);
  });
});
