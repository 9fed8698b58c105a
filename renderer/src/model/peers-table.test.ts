import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterPeers, nextSort, remoteDesktopUrl, sortPeers, sshUrl } from './peers-table.js';
import { peer } from './fixtures.test-support.js';

const a = peer({ mac: '02:00:00:00:00:0a', description: 'Mum', vpnIpv4: '10.0.0.10', rttMs: 40, lastSeen: 5 });
const b = peer({ mac: '02:00:00:00:00:0b', description: 'dad', vpnIpv4: '10.0.0.9', rttMs: undefined, path: 'relayed', via: 'sn1', lastSeen: 9 });
const c = peer({ mac: '02:00:00:00:00:0c', description: '', vpnIpv4: undefined, rttMs: 5, lastSeen: 1 });

describe('peers table', () => {
  it('sorts by name case-insensitively and by IP numerically, missing values last', () => {
    assert.deepEqual(sortPeers([a, b, c], { column: 'name', direction: 'ascending' }).map((p) => p.mac.slice(-2)), ['0c', '0b', '0a']);
    assert.deepEqual(sortPeers([a, b, c], { column: 'ip', direction: 'ascending' }).map((p) => p.vpnIpv4), ['10.0.0.9', '10.0.0.10', undefined]);
    assert.deepEqual(sortPeers([a, b, c], { column: 'rtt', direction: 'ascending' }).map((p) => p.rttMs), [5, 40, undefined]);
    assert.deepEqual(sortPeers([a, b, c], { column: 'lastSeen', direction: 'descending' }).map((p) => p.lastSeen), [9, 5, 1]);
  });

  it('filters on name, address, MAC and path', () => {
    assert.deepEqual(filterPeers([a, b, c], 'mum').map((p) => p.description), ['Mum']);
    assert.deepEqual(filterPeers([a, b, c], '10.0.0.9').map((p) => p.description), ['dad']);
    assert.deepEqual(filterPeers([a, b, c], ':0C').map((p) => p.mac), ['02:00:00:00:00:0c']);
    assert.deepEqual(filterPeers([a, b, c], 'relayed').map((p) => p.description), ['dad']);
    assert.equal(filterPeers([a, b, c], '  ').length, 3);
  });

  it('flips the direction on the same column and starts a new one ascending', () => {
    assert.deepEqual(nextSort({ column: 'name', direction: 'ascending' }, 'name'), { column: 'name', direction: 'descending' });
    assert.deepEqual(nextSort({ column: 'name', direction: 'descending' }, 'rtt'), { column: 'rtt', direction: 'ascending' });
  });

  it('opens remote desktop with rdp on Windows and vnc elsewhere, ssh everywhere', () => {
    assert.equal(remoteDesktopUrl('10.0.0.2', 'Win32'), 'rdp://full%20address=s:10.0.0.2');
    assert.equal(remoteDesktopUrl('10.0.0.2', 'Windows'), 'rdp://full%20address=s:10.0.0.2');
    assert.equal(remoteDesktopUrl('10.0.0.2', 'MacIntel'), 'vnc://10.0.0.2');
    assert.equal(remoteDesktopUrl('10.0.0.2', 'darwin'), 'vnc://10.0.0.2');
    assert.equal(remoteDesktopUrl('10.0.0.2', 'Linux x86_64'), 'vnc://10.0.0.2');
    assert.equal(sshUrl('10.0.0.2'), 'ssh://10.0.0.2');
  });
});
