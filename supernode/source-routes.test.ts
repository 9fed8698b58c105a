import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CACHED_SOURCES, SourceRoutes } from './source-routes.js';

/** One datagram's source in the batched socket's layout: 16 bytes, IPv4 in the first 4. */
function source(...bytes: number[]): Uint8Array {
  const addrs = new Uint8Array(16);
  addrs.set(bytes);
  return addrs;
}

const mapped = (a: number, b: number, c: number, d: number): Uint8Array => source(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d);

describe('SourceRoutes', () => {
  it('gives a known IPv4 source the same route, with its socket', () => {
    const routes = new SourceRoutes();
    const first = routes.route(source(192, 0, 2, 7), 0, 4, 5000, undefined);
    assert.deepEqual(first, { kind: 'udp', socket: { family: 'IPv4', address: '192.0.2.7', port: 5000 }, local: undefined });
    assert.equal(routes.route(source(192, 0, 2, 7), 0, 4, 5000, undefined), first);
    assert.notEqual(routes.route(source(192, 0, 2, 7), 0, 4, 5001, undefined), first);
    assert.notEqual(routes.route(source(192, 0, 2, 8), 0, 4, 5000, undefined), first);
  });

  it('tells routes apart by the local address spoken to, and shares its bytes between sources', () => {
    const routes = new SourceRoutes();
    const locals = new Uint8Array(32);
    locals.set(mapped(198, 51, 100, 1), 0);
    locals.set(mapped(198, 51, 100, 2), 16);
    const addrs = new Uint8Array(32);
    addrs.set(source(192, 0, 2, 7), 0);
    addrs.set(source(192, 0, 2, 7), 16);
    const toFirst = routes.route(addrs, 0, 4, 5000, locals);
    const toSecond = routes.route(addrs, 16, 4, 5000, locals);
    assert.notEqual(toFirst, toSecond);
    assert.deepEqual(toFirst.kind === 'udp' ? toFirst.local : undefined, mapped(198, 51, 100, 1));
    assert.deepEqual(toSecond.kind === 'udp' ? toSecond.local : undefined, mapped(198, 51, 100, 2));
    // The same source back at the first address: a route to that address again, not the second.
    const again = routes.route(addrs, 0, 4, 5000, locals);
    assert.deepEqual(again.kind === 'udp' ? again.local : undefined, mapped(198, 51, 100, 1));
    const other = routes.route(source(192, 0, 2, 9), 0, 4, 6000, locals);
    assert.equal(other.kind === 'udp' ? other.local : undefined, again.kind === 'udp' ? again.local : undefined);
    // All-zero local bytes: the kernel did not say, so no local address.
    const unknown = routes.route(source(192, 0, 2, 7), 0, 4, 7000, new Uint8Array(16));
    assert.equal(unknown.kind === 'udp' ? unknown.local : 'tcp', undefined);
  });

  it('reads IPv6 sources whole, one Socket per address and port', () => {
    const routes = new SourceRoutes();
    const route = routes.route(source(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), 0, 6, 7654, undefined);
    assert.deepEqual(route.socket, { family: 'IPv6', address: '2001:db8::1', port: 7654 });
    const again = routes.route(source(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), 0, 6, 7654, undefined);
    assert.equal(again.socket, route.socket);
    const otherPort = routes.route(source(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), 0, 6, 7655, undefined);
    assert.notEqual(otherPort.socket, route.socket);
    assert.equal(routes.size, 2);
  });

  it('remembers a bounded number of sources, however many send', () => {
    const routes = new SourceRoutes();
    const addrs = new Uint8Array(16);
    const count = MAX_CACHED_SOURCES + 1_000;
    let last;
    for (let i = 0; i < count; i++) {
      addrs[0] = 10;
      addrs[1] = (i >>> 16) & 0xff;
      addrs[2] = (i >>> 8) & 0xff;
      addrs[3] = i & 0xff;
      last = routes.route(addrs, 0, 4, 4000, undefined);
      assert.ok(routes.size <= MAX_CACHED_SOURCES);
    }
    assert.equal(last?.socket.address, `10.${(count - 1) >>> 16}.${((count - 1) >>> 8) & 0xff}.${(count - 1) & 0xff}`);
  });
});
