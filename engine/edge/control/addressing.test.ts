// The TAP address in auto mode comes from the supernode, which may be hostile: offers the TAP
// address rules refuse are reported (once) and never applied.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IpSubnet } from '../../protocol/index.js';
import { Addressing } from './addressing.js';

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
