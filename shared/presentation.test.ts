import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answeringPeers, formatAgo, formatBytes, formatRtt, pathWords, peerAddress, peerFigure, peerName, peerStateTitle, peerStateWords, stateWords } from './presentation.js';

const peer = { description: '', vpnIpv4: '10.0.0.2', vpnIpv6: 'fd00::2', mac: '02:00:00:00:00:02' };

describe('presentation', () => {
  it('names a peer by description, else VPN address, else MAC, wherever it is shown', () => {
    assert.equal(peerName({ ...peer, description: 'nas' }), 'nas');
    assert.equal(peerName({ ...peer, description: '  ' }), '10.0.0.2');
    assert.equal(peerName({ ...peer, vpnIpv4: undefined }), 'fd00::2');
    assert.equal(peerName({ ...peer, vpnIpv4: undefined, vpnIpv6: undefined }), '02:00:00:00:00:02');
    assert.equal(peerAddress(peer), '10.0.0.2');
  });

  it('writes RTTs with a tenth of a millisecond below 10 ms', () => {
    assert.deepEqual([0.42, 3.25, 9.96, 22.6, 140.2].map((ms) => formatRtt(ms)), ['0.4 ms', '3.3 ms', '10.0 ms', '23 ms', '140 ms']);
    assert.equal(formatRtt(undefined), '—');
    assert.equal(formatRtt(undefined, '-'), '-');
    assert.equal(formatRtt(Number.NaN), '—');
  });

  it('writes bytes in binary units', () => {
    assert.deepEqual([0, 1023, 1024, 1536, 10 * 1024 * 1024, 3.5 * 1024 ** 3].map(formatBytes), ['0 B', '1023 B', '1.0 KiB', '1.5 KiB', '10 MiB', '3.5 GiB']);
    assert.equal(formatBytes(-1), '—');
  });

  it('writes how long ago in plain words', () => {
    const now = 1_000_000_000_000;
    assert.deepEqual(
      [0, now - 1000, now - 30_000, now - 40_000, now - 5 * 60_000, now - 3 * 3_600_000, now - 72 * 3_600_000].map((t) => formatAgo(t, now)),
      ['never', 'just now', '30 s ago', '40 s ago', '5 min ago', '3 h ago', '3 days ago'],
    );
  });

  it("words the edge's state and a peer's path", () => {
    assert.equal(stateWords({ state: 'registered' }), 'Connected');
    assert.equal(stateWords({ state: 'no-supernode', reason: 'timeout' }), 'No supernode reachable');
    assert.equal(stateWords({ state: 'error', reason: 'TAP device busy' }), 'Error: TAP device busy');
    assert.equal(pathWords({ path: 'direct', via: undefined }), 'direct');
    assert.equal(pathWords({ path: 'relayed', via: '192.0.2.1:7654' }), 'relayed via 192.0.2.1:7654');
    assert.equal(pathWords({ path: 'relayed', via: undefined }), 'relayed');
  });

  it('says a silent peer is not answering and since when, instead of its last path and RTT', () => {
    const now = 1_000_000_000_000;
    const live = { path: 'relayed', via: '192.0.2.1:7654', answering: true, rttMs: 41.6, lastSeen: now - 1_000 } as const;
    const silent = { ...live, path: 'direct', answering: false, lastSeen: now - 40_000 } as const;
    assert.equal(peerStateTitle(live), 'Relayed via 192.0.2.1:7654');
    assert.equal(peerFigure(live, now), '42 ms');
    assert.equal(peerStateWords(silent), 'not answering');
    assert.equal(peerStateTitle(silent), 'Not answering');
    assert.equal(peerFigure(silent, now), 'last seen 40 s ago');
    assert.deepEqual(answeringPeers([live, silent]), [live]);
  });
});
