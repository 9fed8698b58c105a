import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { announcedCandidate, candidateOnVpn, pairOnVpn, parseCandidate, sdpOnVpn, selectedPair, type StatsEntry } from './ice.js';

const VPN = '10.99.0.1';
const host = (address: string, extra = ''): string => `candidate:3717196425 1 udp 2122194687 ${address} 34154 typ host generation 0 ufrag ZwaX network-id 2${extra}`;

describe('candidateOnVpn', () => {
  it('accepts a host candidate on the VPN address, UDP or TCP', () => {
    assert.equal(candidateOnVpn(host(VPN), VPN), true);
    assert.equal(candidateOnVpn(`candidate:2738882577 1 tcp 1518214911 ${VPN} 9 typ host tcptype active generation 0`, VPN), true);
    assert.equal(candidateOnVpn(`a=${host(VPN)}`, VPN), true);
  });

  it('refuses other interfaces, mDNS names, reflexive and relay candidates', () => {
    assert.equal(candidateOnVpn(host('10.77.0.12'), VPN), false);
    assert.equal(candidateOnVpn(host('3f1c5a2e-7c1d-4f55-9d7e-2b7f0f2f1a11.local'), VPN), false);
    assert.equal(candidateOnVpn(`candidate:1 1 udp 1686052607 ${VPN} 40000 typ srflx raddr 0.0.0.0 rport 0`, VPN), false);
    assert.equal(candidateOnVpn(`candidate:1 1 udp 41885439 ${VPN} 40000 typ relay raddr 10.0.0.1 rport 1`, VPN), false);
    assert.equal(candidateOnVpn(host('10.99.0.10'), VPN), false);
    assert.equal(candidateOnVpn(host(VPN), ''), false);
  });

  it('never throws on hostile text', () => {
    for (const line of ['', 'candidate:', 'candidate:x 1 udp 1 10.99.0.1 99999 typ host', 'typ host', `${host(VPN)}${' x'.repeat(600)}`, 'candidate:1 1 udp 1 10.99.0.1 1 notyp host']) {
      assert.equal(candidateOnVpn(line, VPN), false, line.slice(0, 40));
    }
    assert.equal(parseCandidate('candidate:1 1 UDP 5 10.99.0.1 7 typ host')?.protocol, 'udp');
  });
});

describe('announcedCandidate', () => {
  const mdns = (extra = ''): string => `candidate:4025636696 1 udp 2113937151 cd133cbf-143c-4e55-b773-24046ff20c15.local 37613 typ host generation 0 ufrag HONd network-cost 999${extra}`;

  it('sends a host candidate on the VPN address as it is', () => {
    assert.equal(announcedCandidate(host(VPN), VPN), host(VPN));
  });

  it('announces an mDNS-named UDP host candidate on the VPN address with its own port, foundation and priority', () => {
    assert.equal(announcedCandidate(mdns(), VPN), `candidate:4025636696 1 udp 2113937151 ${VPN} 37613 typ host generation 0 ufrag HONd network-cost 999`);
    assert.ok(candidateOnVpn(announcedCandidate(mdns(), VPN) ?? '', VPN));
  });

  it('keeps everything else to itself: other addresses, TCP, reflexive, hostile names, no VPN address', () => {
    assert.equal(announcedCandidate(host('192.0.2.2'), VPN), undefined);
    assert.equal(announcedCandidate(host('fd00::2'), VPN), undefined);
    assert.equal(announcedCandidate(`candidate:1 1 tcp 1518214911 ${'a'.repeat(8)}.local 9 typ host tcptype active`, VPN), undefined);
    assert.equal(announcedCandidate('candidate:1 1 udp 1686052607 x.local 40000 typ srflx raddr 0.0.0.0 rport 0', VPN), undefined);
    assert.equal(announcedCandidate('candidate:1 1 udp 1 evil host.local 1 typ host', VPN), undefined);
    assert.equal(announcedCandidate(host('a.b.local'), VPN), undefined);
    assert.equal(announcedCandidate(mdns(), ''), undefined);
    assert.equal(announcedCandidate(mdns(' x'.repeat(600)), VPN), undefined);
  });
});

describe('sdpOnVpn', () => {
  it('drops candidate lines off the VPN and keeps every other line', () => {
    const sdp = ['v=0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', `a=${host(VPN)}`, `a=${host('10.77.0.12')}`, `a=${host('abc.local')}`, 'a=mid:0', ''].join('\r\n');
    assert.equal(sdpOnVpn(sdp, VPN), ['v=0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', `a=${host(VPN)}`, 'a=mid:0', ''].join('\r\n'));
  });
});

describe('selectedPair', () => {
  const report = (local: string, remote: string): StatsEntry[] => [
    { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP1' },
    { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', nominated: true, state: 'succeeded' },
    { id: 'L1', type: 'local-candidate', address: local, protocol: 'udp' },
    { id: 'R1', type: 'remote-candidate', address: remote, protocol: 'udp' },
    { id: 'L2', type: 'local-candidate', address: '10.77.0.12', protocol: 'udp' },
  ];

  it('finds the transport’s selected pair and checks both ends are the VPN addresses', () => {
    const pair = selectedPair(report('10.99.0.2', '10.99.0.1'));
    assert.deepEqual(pair, { local: '10.99.0.2', localPort: 0, remote: '10.99.0.1', protocol: 'udp' });
    assert.ok(pair !== undefined && pairOnVpn(pair, '10.99.0.2', '10.99.0.1'));
    const off = selectedPair(report('10.77.0.12', '10.99.0.1'));
    assert.ok(off !== undefined && !pairOnVpn(off, '10.99.0.2', '10.99.0.1'));
  });

  it('accepts a hidden local end only on a UDP port this window announced on its VPN address', () => {
    const hidden: StatsEntry[] = [
      { id: 'T01', type: 'transport', selectedCandidatePairId: 'CP1' },
      { id: 'CP1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1' },
      { id: 'L1', type: 'local-candidate', address: '', port: 37613, protocol: 'udp', candidateType: 'host' },
      { id: 'R1', type: 'remote-candidate', address: '10.99.0.1', port: 41000, protocol: 'udp' },
    ];
    const pair = selectedPair(hidden);
    assert.deepEqual(pair, { local: '', localPort: 37613, remote: '10.99.0.1', protocol: 'udp' });
    assert.ok(pair !== undefined);
    assert.equal(pairOnVpn(pair, '10.99.0.2', '10.99.0.1', new Set([37613])), true);
    assert.equal(pairOnVpn(pair, '10.99.0.2', '10.99.0.1', new Set([40000])), false);
    assert.equal(pairOnVpn(pair, '10.99.0.2', '10.99.0.1'), false);
    assert.equal(pairOnVpn({ ...pair, remote: '' }, '10.99.0.2', '10.99.0.1', new Set([37613])), false);
    assert.equal(pairOnVpn({ ...pair, remote: '192.0.2.7' }, '10.99.0.2', '10.99.0.1', new Set([37613])), false);
    assert.equal(pairOnVpn({ ...pair, protocol: 'tcp' }, '10.99.0.2', '10.99.0.1', new Set([37613])), false);
  });

  it('is undefined before a pair is chosen', () => {
    assert.equal(selectedPair([{ id: 'T01', type: 'transport' }]), undefined);
    assert.equal(selectedPair([]), undefined);
  });
});
