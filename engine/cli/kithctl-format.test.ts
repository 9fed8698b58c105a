import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTable, peersTable, supernodesTable } from './kithctl-format.js';

const NOW = 1_795_638_300_000;

describe('kithctl tables', () => {
  it('aligns columns with two spaces and no trailing blanks', () => {
    assert.equal(formatTable(['A', 'LONGER', 'C'], [['xyz', '1', ''], ['p', '22', 'end']]), 'A    LONGER  C\nxyz  1\np    22      end\n');
  });

  it('shows Kith peers with path, RTT and traffic', () => {
    const peers = [
      { mac: '02:00:00:77:00:02', vpnIpv4: '10.0.0.2', description: 'laptop', path: 'direct', rttMs: 3.25, lastSeen: NOW - 2_000, traffic: { bytesIn: 2048, bytesOut: 100 } },
      { mac: '02:00:00:77:00:03', description: '', path: 'relayed', via: '1.2.3.4:7654', lastSeen: 0, traffic: { bytesIn: 0, bytesOut: 0 } },
      { mac: '02:00:00:77:00:04', vpnIpv4: '10.0.0.4', description: 'gone', path: 'direct', rttMs: 1.5, answering: false, lastSeen: NOW - 40_000, traffic: { bytesIn: 0, bytesOut: 0 } },
    ];
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

  it('reads n3n get_edges and get_supernodes rows too', () => {
    const rows = [{ mode: 'p2p', desc: 'e2', ip4addr: '10.0.0.2/24', macaddr: '02:00:00:77:00:02', last_seen: NOW / 1000 - 10 }];
    assert.match(peersTable(rows, NOW), /^e2 +10\.0\.0\.2 +02:00:00:77:00:02 +direct +- +10 s ago +-$/m);
    const supernodes = [{ version: '3.4.5', purgeable: 0, current: 2, macaddr: '02:00:00:55:00:01', sockaddr: '127.0.0.1:7654', selection: '', last_seen: 0, uptime: 61 }];
    assert.match(supernodesTable(supernodes, NOW), /^127\.0\.0\.1:7654 +02:00:00:55:00:01 +waiting +- +never +3\.4\.5 +61s$/m);
  });
});
