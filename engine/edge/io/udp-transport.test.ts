// transportBind: with node:dgram an unset bind becomes IPv4-only with IPv4 supernodes, because only an
// IPv4 dgram socket lets hole punching limit the IP TTL of its IPv4 datagrams (found in the netns NAT
// tests: the opener left a dual-stack socket with TTL 64 and reached the peer's router). The batched
// socket limits the TTL per datagram in either family and stays dual-stack.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { transportBind } from './udp-transport.js';
import type { Socket } from '../../protocol/index.js';

const v4: Socket = { family: 'IPv4', address: '192.0.2.1', port: 7654 };
const v6: Socket = { family: 'IPv6', address: '2001:db8::1', port: 7654 };

describe('transportBind', () => {
  it('node:dgram: binds IPv4 only when every supernode is IPv4 and no address is configured', () => {
    assert.deepEqual(transportBind(undefined, [v4, v4], false), { address: '0.0.0.0', port: 0 });
    assert.deepEqual(transportBind({ address: '::', port: 5000 }, [v4], false), { address: '0.0.0.0', port: 5000 });
  });
  it('the batched socket stays dual-stack with IPv4 supernodes (IPv6 peers and discovery stay reachable)', () => {
    assert.equal(transportBind(undefined, [v4, v4], true), undefined);
    assert.deepEqual(transportBind({ address: '::', port: 5000 }, [v4], true), { address: '::', port: 5000 });
  });
  it('stays dual-stack with an IPv6 or unresolved supernode, or none', () => {
    for (const batched of [false, true]) {
      assert.equal(transportBind(undefined, [v4, v6], batched), undefined);
      assert.equal(transportBind(undefined, [v4, undefined], batched), undefined);
      assert.equal(transportBind(undefined, [], batched), undefined);
    }
  });
  it('keeps a configured address', () => {
    assert.deepEqual(transportBind({ address: '::1', port: 0 }, [v4], false), { address: '::1', port: 0 });
    assert.deepEqual(transportBind({ address: '10.0.0.1', port: 1 }, [v6], true), { address: '10.0.0.1', port: 1 });
  });
});
