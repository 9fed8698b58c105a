// Supernode names resolve IPv4 first, as n3n main prefers A over AAAA (PROTOCOL.md §8.2).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipv4First, resolveHost } from './resolve-host.js';
import type { Socket } from './protocol/index.js';

const v4: Socket = { family: 'IPv4', address: '192.0.2.1', port: 7654 };
const v4b: Socket = { family: 'IPv4', address: '192.0.2.2', port: 7654 };
const v6: Socket = { family: 'IPv6', address: '2001:db8::1', port: 7654 };

describe('resolveHost', () => {
  it('orders IPv4 before IPv6 and keeps the order within a family', () => {
    assert.deepEqual(ipv4First([v6, v4, v4b]), [v4, v4b, v6]);
    assert.deepEqual(ipv4First([v6]), [v6]);
  });
  it('resolves localhost through the system resolver, IPv4 first', async () => {
    const found = await resolveHost('localhost', 7654, 0);
    assert.ok(found.ok);
    assert.deepEqual(found.value[0], { family: 'IPv4', address: '127.0.0.1', port: 7654 });
  });
  it('says why a name does not resolve', async () => {
    const found = await resolveHost('no-such-host.invalid', 7654, 0);
    assert.ok(!found.ok && found.error === 'unresolved' && found.detail !== undefined);
  });
});
