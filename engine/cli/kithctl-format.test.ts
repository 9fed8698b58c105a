import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EdgeRow, SupernodeRow } from '../mgmt/n3n-shapes.js';
import type { PeerView } from '../edge/api/views.js';
import { peerView } from '../edge/api/test-support.js';
import { edgeLine, edgesTable, formatTable, peerLine, peersTable, supernodeLine, supernodesTable } from './kithctl-format.js';

const NOW = 1_795_638_300_000;

/** A Kith peer of this test's network. */
const kithPeer = (fields: Partial<PeerView>): PeerView => peerView({ mac: '02:00:00:77:00:02', ...fields });

const n3nRow = (fields: Partial<EdgeRow>): EdgeRow => ({
  mode: 'sn',
  community: 'test',
  ip4addr: '',
  purgeable: 1,
  local: 0,
  macaddr: '02:00:00:77:00:02',
  sockaddr: '0.0.0.0:0',
  prefered_sockaddr: '0.0.0.0:0',
  desc: '',
  version: '',
  timeout: 20,
  uptime: 0,
  time_alloc: 0,
  last_p2p: 0,
  last_sent_query: 0,
  last_seen: 0,
  ...fields,
});

describe('kithctl output', () => {
  it('aligns columns with two spaces and no trailing blanks', () => {
    assert.equal(formatTable(['A', 'LONGER', 'C'], [['xyz', '1', ''], ['p', '22', 'end']]), 'A    LONGER  C\nxyz  1\np    22      end\n');
  });

  it('shows Kith peers with path, RTT and traffic, and a silent one as not answering', () => {
    const peers = [
      kithPeer({ vpnIpv4: '10.0.0.2', description: 'laptop', rttMs: 3.25, lastSeen: NOW - 2_000, traffic: { framesIn: 1, framesOut: 1, bytesIn: 2048, bytesOut: 100 } }),
      kithPeer({ mac: '02:00:00:77:00:03', path: 'relayed', via: '1.2.3.4:7654' }),
      kithPeer({ mac: '02:00:00:77:00:04', vpnIpv4: '10.0.0.4', description: 'gone', rttMs: 1.5, answering: false, lastSeen: NOW - 40_000 }),
    ].map(peerLine);
    assert.equal(
      peersTable(peers, NOW),
      [
        'NAME               VPN IP    MAC                PATH                      RTT     LAST SEEN  IN/OUT',
        'laptop             10.0.0.2  02:00:00:77:00:02  direct                    3.3 ms  just now   2.0 KiB / 100 B',
        '02:00:00:77:00:03  -         02:00:00:77:00:03  relayed via 1.2.3.4:7654  -       never      0 B / 0 B',
        'gone               10.0.0.4  02:00:00:77:00:04  not answering             -       40 s ago   0 B / 0 B',
        '',
      ].join('\n'),
    );
  });

  it("writes n3n's rows the way it writes Kith's: lower-case MACs, addresses without a prefix, whole epoch milliseconds", () => {
    const fromN3n = peerLine(n3nRow({ mode: 'p2p', desc: 'e2', ip4addr: '10.0.0.2/24', macaddr: '02:00:00:77:00:0A', last_seen: NOW / 1000 - 10 }));
    const fromKith = peerLine(kithPeer({ mac: '02:00:00:77:00:0a', description: 'e2', vpnIpv4: '10.0.0.2', lastSeen: NOW - 10_000 }));
    assert.deepEqual({ mac: fromN3n.mac, vpnIpv4: fromN3n.vpnIpv4, lastSeen: fromN3n.lastSeen }, { mac: fromKith.mac, vpnIpv4: fromKith.vpnIpv4, lastSeen: fromKith.lastSeen });
    assert.match(peersTable([fromN3n], NOW), /^e2 +10\.0\.0\.2 +02:00:00:77:00:0a +direct +- +10 s ago +-$/m);
    // --json: integer milliseconds, absent figures left out.
    assert.equal(
      JSON.stringify(peerLine(kithPeer({ lastSeen: NOW + 0.75, rttMs: 0.25 }))),
      `{"name":"02:00:00:77:00:02","description":"","mac":"02:00:00:77:00:02","path":"direct","answering":true,"rttMs":0.25,"lastSeen":${NOW},"bytesIn":0,"bytesOut":0}`,
    );

    const supernode: SupernodeRow = { version: '3.4.5', purgeable: 0, current: 2, macaddr: '02:00:00:55:00:0B', sockaddr: '127.0.0.1:7654', selection: '', last_seen: 0, uptime: 61 };
    assert.match(supernodesTable([supernodeLine(supernode)], NOW), /^127\.0\.0\.1:7654 +02:00:00:55:00:0b +waiting +- +never +3\.4\.5 +61s$/m);

    const edge = edgeLine(n3nRow({ desc: 'ci_edge1', ip4addr: '10.200.175.139/24', macaddr: '02:00:00:77:00:0C', sockaddr: '127.0.0.1:40000', last_seen: NOW / 1000 - 3 }));
    assert.deepEqual(edge, { community: 'test', name: 'ci_edge1', vpnIpv4: '10.200.175.139', mac: '02:00:00:77:00:0c', socket: '127.0.0.1:40000', lastSeen: NOW - 3_000 });
    assert.match(edgesTable([edge], NOW), /^test +ci_edge1 +10\.200\.175\.139 +02:00:00:77:00:0c +127\.0\.0\.1:40000 +just now$/m);
  });
});
