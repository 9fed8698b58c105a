// The edge's global IPv6 address (advertised beside an IPv4 registration) and when it is advertised.
import assert from 'node:assert/strict';
import type { NetworkInterfaceInfo } from 'node:os';
import { describe, it } from 'node:test';
import type { Socket } from '../../protocol/index.js';
import { advertisedSocket } from '../control/supernode-registration.js';
import type { EdgeContext } from '../context.js';
import { globalIpv6Address } from './global-ipv6.js';

const entry = (address: string, family: 'IPv4' | 'IPv6', internal = false): NetworkInterfaceInfo =>
  ({ address, family, internal, netmask: '', mac: '00:00:00:00:00:00', cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) }) as NetworkInterfaceInfo;

describe('globalIpv6Address', () => {
  it('takes the first global-scope IPv6 address, past loopback, link-local, unique local and documentation ones', () => {
    const interfaces = {
      lo: [entry('127.0.0.1', 'IPv4', true), entry('::1', 'IPv6', true)],
      eth0: [entry('192.168.1.2', 'IPv4'), entry('fe80::1', 'IPv6'), entry('fd00::2', 'IPv6'), entry('2001:db8::3', 'IPv6'), entry('2a0b:7a00:1::2', 'IPv6')],
    };
    assert.equal(globalIpv6Address(interfaces), '2a0b:7a00:1::2');
    assert.equal(globalIpv6Address({ eth0: [entry('fe80::1', 'IPv6'), entry('10.0.0.2', 'IPv4')] }), undefined);
  });
});

describe('advertisedSocket', () => {
  const v4: Socket = { family: 'IPv4', address: '192.0.2.1', port: 7654 };
  const v6: Socket = { family: 'IPv6', address: '2001:db8::1', port: 7654 };
  const ctx = (current: Socket, reachesIpv6: boolean, extra: Partial<Pick<EdgeContext, 'mappedSocket'>> & { advertiseAddress?: string } = {}) =>
    ({
      mappedSocket: extra.mappedSocket,
      transport: { localPort: 40000, reachesIpv6 },
      settings: { advertiseAddress: extra.advertiseAddress },
      current: { socket: current },
    }) as unknown as Pick<EdgeContext, 'mappedSocket' | 'transport' | 'settings' | 'current'>;
  const global = (): string => '2a0b:7a00:1::2';

  it('registered over IPv4 from a dual-stack socket: the global IPv6 address with the edge\'s port', () => {
    assert.deepEqual(advertisedSocket(ctx(v4, true), global), { family: 'IPv6', address: '2a0b:7a00:1::2', port: 40000 });
  });
  it('nothing over IPv6 (the supernode sees that address already), from an IPv4-only socket, or without a global address', () => {
    assert.equal(advertisedSocket(ctx(v6, true), global), undefined);
    assert.equal(advertisedSocket(ctx(v4, false), global), undefined);
    assert.equal(advertisedSocket(ctx(v4, true), () => undefined), undefined);
  });
  it('a mapped port or a configured address comes first', () => {
    const mapped: Socket = { family: 'IPv4', address: '198.51.100.7', port: 5000 };
    assert.deepEqual(advertisedSocket(ctx(v4, true, { mappedSocket: mapped }), global), mapped);
    assert.deepEqual(advertisedSocket(ctx(v4, true, { advertiseAddress: '10.0.0.2' }), global), { family: 'IPv4', address: '10.0.0.2', port: 40000 });
  });
});
