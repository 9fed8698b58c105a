// The TAP address in auto mode comes from the supernode, which may be hostile: offers the TAP
// address rules refuse are reported (once) and never applied.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IpSubnet } from '../../protocol/index.js';
import { Addressing, learnPeerAddresses } from './addressing.js';
import { gratuitousArp } from '../data-path/frames.js';

describe('Addressing.offerFromSupernode', () => {
  it('takes an offer inside the private ranges, n3n’s default auto-IP pool included', () => {
    const changed: IpSubnet[] = [];
    const addressing = new Addressing('auto', 24, { address: '0.0.0.0', prefix: 24 }, (a) => changed.push(a));
    addressing.offerFromSupernode({ address: '10.128.255.17', prefix: 24 });
    assert.deepEqual(addressing.address, { address: '10.128.255.17', prefix: 24 });
    assert.deepEqual(changed, [{ address: '10.128.255.17', prefix: 24 }]);
  });

  it('refuses offers that would route the host’s traffic into the VPN, saying so once per offer', () => {
    const changed: IpSubnet[] = [];
    const refused: string[] = [];
    const addressing = new Addressing('auto', 24, { address: '0.0.0.0', prefix: 24 }, (a) => changed.push(a), (reason) => refused.push(reason));
    addressing.offerFromSupernode({ address: '10.1.2.3', prefix: 24 });
    for (const offer of [
      { address: '128.0.0.1', prefix: 1 },
      { address: '128.0.0.1', prefix: 1 },
      { address: '127.0.0.2', prefix: 8 },
      { address: '8.0.0.1', prefix: 5 },
      { address: '10.0.0.1', prefix: 7 },
    ]) {
      addressing.offerFromSupernode(offer);
    }
    assert.deepEqual(addressing.address, { address: '10.1.2.3', prefix: 24 });
    assert.equal(changed.length, 1);
    assert.equal(refused.length, 4);
    assert.match(refused[0] ?? '', /^refused the address the supernode offered: 128\.0\.0\.1\/1 overlaps link-local 169\.254\.0\.0\/16; allowed: /);
    assert.match(refused[3] ?? '', /10\.0\.0\.1\/7 is not a private prefix/);
  });
});

describe('learnPeerAddresses', () => {
  const MAC = Uint8Array.from([2, 0, 0, 0, 0, 9]);
  const ipv6Frame = (source: readonly number[]): Uint8Array => {
    const frame = new Uint8Array(14 + 40);
    frame.set([0x86, 0xdd], 12);
    frame.set(source, 22);
    return frame;
  };
  const linkLocal = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
  const global = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];

  it('shows the sender addresses a peer’s frames carry, following a change, a global IPv6 address before a link-local one', () => {
    const record = { lastSender: undefined, vpnIpv4: undefined, vpnIpv6: undefined };
    learnPeerAddresses(record, gratuitousArp(MAC, Uint8Array.from([10, 0, 0, 7])));
    learnPeerAddresses(record, gratuitousArp(MAC, Uint8Array.from([10, 0, 0, 7])));
    assert.equal(record.vpnIpv4, '10.0.0.7');
    learnPeerAddresses(record, gratuitousArp(MAC, Uint8Array.from([10, 0, 0, 8])));
    assert.equal(record.vpnIpv4, '10.0.0.8');
    learnPeerAddresses(record, ipv6Frame(linkLocal));
    assert.equal(record.vpnIpv6, 'fe80::7');
    learnPeerAddresses(record, ipv6Frame(global));
    learnPeerAddresses(record, ipv6Frame(linkLocal));
    learnPeerAddresses(record, ipv6Frame(linkLocal));
    assert.equal(record.vpnIpv6, '2001:db8::7');
    assert.equal(record.vpnIpv4, '10.0.0.8');
  });
});
