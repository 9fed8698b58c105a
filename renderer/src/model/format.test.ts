import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computersOnline, connectButton, connectionSummary, formatAgo, formatBytes, formatRtt, pathBadge, pathSentence, peerName, peersEmptyText, stateText } from './format.js';
import { peer } from './fixtures.test-support.js';

describe('format', () => {
  it('writes bytes in binary units', () => {
    assert.deepEqual([0, 1023, 1024, 1536, 10 * 1024 * 1024, 3.5 * 1024 ** 3].map(formatBytes), ['0 B', '1023 B', '1.0 KiB', '1.5 KiB', '10 MiB', '3.5 GiB']);
  });

  it('writes RTTs and times in plain words', () => {
    assert.equal(formatRtt(undefined), '—');
    assert.equal(formatRtt(0.4), '< 1 ms');
    assert.equal(formatRtt(22.6), '23 ms');
    const now = 1_000_000_000_000;
    assert.deepEqual([0, now - 1000, now - 30_000, now - 5 * 60_000, now - 3 * 3_600_000, now - 72 * 3_600_000].map((t) => formatAgo(t, now)), ['never', 'just now', '30 s ago', '5 min ago', '3 h ago', '3 days ago']);
  });

  it('says the state in plain words', () => {
    assert.equal(stateText({ state: 'registered' }), 'Connected');
    assert.equal(stateText({ state: 'connecting' }), 'Connecting…');
    assert.equal(stateText({ state: 'no-supernode', reason: 'timeout' }), 'No supernode reachable');
    assert.equal(stateText({ state: 'error', reason: 'TAP device busy' }), 'Error: TAP device busy');
    assert.equal(stateText({ state: 'stopped' }), 'Disconnected');
  });

  it('offers one button, disabled while connecting or switching', () => {
    assert.deepEqual(connectButton('stopped', false), { label: 'Connect', disabled: false });
    assert.deepEqual(connectButton('registered', false), { label: 'Disconnect', disabled: false });
    assert.deepEqual(connectButton('connecting', false), { label: 'Disconnect', disabled: true });
    assert.deepEqual(connectButton('stopped', true), { label: 'Connect', disabled: true });
    assert.deepEqual(connectButton(undefined, false), { label: 'Connect', disabled: true });
  });

  it('labels paths Direct or Relayed via the supernode', () => {
    assert.equal(pathBadge(peer()), 'Direct');
    assert.equal(pathBadge(peer({ path: 'relayed', via: 'sn.example.net:7654' })), 'Relayed via sn.example.net:7654');
    assert.equal(pathSentence(peer()), 'Direct connection · 23 ms');
    assert.equal(pathSentence(peer({ path: 'relayed' })), 'Relayed through your supernode: works, but slower');
    assert.equal(peerName(peer({ description: ' ' })), '02:00:00:00:00:01');
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
