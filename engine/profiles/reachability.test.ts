// The Invite screen's reachability line from the router's answers for the hosted supernode: IPv4
// mapping and IPv6 pinhole together, IPv6 alone behind carrier-grade NAT, a public supernode for
// IPv4-only homes, and still asking.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MapFailureReason, MapResult, PinholeResult } from '../portmap/types.js';
import { describeReachability } from './reachability.js';
import type { HostedState } from './reachability.js';

const MAPPED: MapResult = { ok: true, value: { id: 1, method: 'upnp-igd2', transport: 'udp', internalAddress: '10.79.1.2', internalPort: 7654, externalAddress: '192.0.3.1', externalPort: 7654, lifetimeSeconds: 7200 } };
const PINHOLE: PinholeResult = { ok: true, value: { id: 2, method: 'pcp', transport: 'udp', address: '2a0b:7a00:1::2', port: 7654, lifetimeSeconds: 7200 } };
const failed = (error: MapFailureReason, externalAddress?: string): MapResult & PinholeResult => ({ ok: false, error, detail: 'test', ...(externalAddress === undefined ? {} : { externalAddress }) });

const state = (mapping: MapResult | undefined, pinhole: PinholeResult | undefined, publicSupernodes: string[] = []): HostedState => ({ port: 7654, mapping, pinhole, lanAddress: '10.79.1.2', publicSupernodes, edgeMapped: undefined });

describe('reachability words', () => {
  it('IPv4 forwarded and IPv6 let in: from anywhere, both addresses for the invite', () => {
    const report = describeReachability(state(MAPPED, PINHOLE));
    assert.equal(report.scope, 'anywhere');
    assert.equal(report.message, 'From anywhere: your router forwards port 7654 (UPnP) and lets IPv6 in (PCP) to this computer.');
    assert.equal(report.publicAddress, '192.0.3.1:7654');
    assert.equal(report.publicAddress6, '[2a0b:7a00:1::2]:7654');
    assert.equal(report.method6, 'pcp');
    assert.equal(report.lanAddress, '10.79.1.2:7654');
  });

  it('IPv4 forwarded, no IPv6: the IPv4 sentence alone, and why IPv6 is not open', () => {
    const report = describeReachability(state(MAPPED, failed('not-global')));
    assert.equal(report.message, 'From anywhere: your router forwards port 7654 (UPnP) to this computer.');
    assert.equal(report.publicAddress6, undefined);
    assert.equal(report.problem6, 'not-global');
  });

  it('carrier-grade NAT with IPv6 let in: from anywhere with IPv6, IPv4 cannot reach it, and what IPv4-only homes need', () => {
    const report = describeReachability(state(failed('cgnat'), PINHOLE));
    assert.equal(report.scope, 'ipv6');
    assert.equal(report.message, 'From anywhere with IPv6: your router lets IPv6 in (PCP) to port 7654 of this computer. IPv4 cannot reach it (carrier-grade NAT).');
    assert.equal(report.advice, 'For homes without IPv6: ask your provider for a public IPv4 address, or add a public supernode in Settings.');
    assert.equal(report.problem, 'cgnat');
    assert.equal(report.publicAddress, undefined);
    assert.equal(report.publicAddress6, '[2a0b:7a00:1::2]:7654');
  });

  it('names each IPv4 failure in the IPv6 sentence', () => {
    const reasons: [MapFailureReason, string][] = [
      ['double-nat', 'your router has no public IPv4 address'],
      ['refused', 'your router refused to forward a port'],
      ['no-gateway', 'Kith cannot find your IPv4 router'],
      ['no-mapping-protocol', 'your router does not allow port mapping'],
    ];
    for (const [reason, words] of reasons) assert.ok(describeReachability(state(failed(reason), PINHOLE)).message.endsWith(`IPv4 cannot reach it (${words}).`), reason);
  });

  it('a router that says it has no public IPv4 address: named so, with both likely causes; one that reports a private address: double NAT', () => {
    const none = describeReachability(state(failed('double-nat'), PINHOLE));
    assert.equal(none.message, 'From anywhere with IPv6: your router lets IPv6 in (PCP) to port 7654 of this computer. IPv4 cannot reach it (your router has no public IPv4 address).');
    assert.equal(none.advice, 'For homes without IPv6: ask your provider for a public IPv4 address, put the router in front in bridge mode, or add a public supernode in Settings.');
    assert.match(describeReachability(state(failed('double-nat'), failed('no-mapping-protocol'))).message, /^Only from this home: your router has no public IPv4 address \(your provider shares one among many customers, or another router sits in front of it\)/);
    const behind = describeReachability(state(failed('double-nat', '192.168.1.2'), PINHOLE));
    assert.match(behind.message, /IPv4 cannot reach it \(double NAT\)\.$/);
    assert.equal(behind.advice, 'For homes without IPv6: put the first router in bridge mode, or add a public supernode in Settings.');
  });

  it('IPv6 let in and a public supernode: from anywhere with IPv6, IPv4-only homes through the supernode', () => {
    const report = describeReachability(state(failed('cgnat'), PINHOLE, ['sn.example.net:7654']));
    assert.equal(report.scope, 'anywhere');
    assert.equal(report.message, 'From anywhere with IPv6; from IPv4-only homes through the public supernode sn.example.net:7654.');
  });

  it('neither family: only from this home, as before', () => {
    const report = describeReachability(state(failed('cgnat'), failed('no-mapping-protocol')));
    assert.equal(report.scope, 'this-home');
    assert.match(report.message, /^Only from this home: your Internet provider shares one public address/);
    assert.equal(report.problem6, 'no-mapping-protocol');
  });

  it('still checking while either answer is missing and nothing else reaches it', () => {
    assert.equal(describeReachability(state(undefined, PINHOLE)).scope, 'checking');
    assert.equal(describeReachability(state(failed('cgnat'), undefined)).scope, 'checking');
  });
});
