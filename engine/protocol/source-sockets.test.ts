import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceSockets } from './source-sockets.js';

const slot = (...bytes: number[]): Uint8Array => {
  const addrs = new Uint8Array(32);
  addrs.set(bytes, 16);
  return addrs;
};

describe('SourceSockets', () => {
  it('gives one Socket per source address and port, IPv4 from the first 4 bytes, IPv6 from all 16', () => {
    const sockets = new SourceSockets(16);
    const v4 = sockets.of(4, slot(192, 0, 2, 200), 16, 7654);
    assert.deepEqual(v4, { family: 'IPv4', address: '192.0.2.200', port: 7654 });
    assert.equal(sockets.of(4, slot(192, 0, 2, 200), 16, 7654), v4);
    assert.notEqual(sockets.of(4, slot(192, 0, 2, 200), 16, 7655), v4);
    const v6 = sockets.of(6, slot(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34), 16, 1968);
    assert.deepEqual(v6, { family: 'IPv6', address: 'fe80::1234', port: 1968 });
    assert.equal(sockets.of(6, slot(0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34), 16, 1968), v6);
    assert.deepEqual(sockets.of(6, slot(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1), 16, 5), { family: 'IPv4', address: '10.0.0.1', port: 5 });
    assert.equal(sockets.size, 4);
  });

  it('remembers at most its limit per family, however many sources send', () => {
    const sockets = new SourceSockets(100);
    const addrs = new Uint8Array(16);
    for (let i = 0; i < 1_000; i++) {
      addrs[0] = 0x20;
      addrs[14] = i >>> 8;
      addrs[15] = i & 0xff;
      sockets.of(6, addrs, 0, 4000);
      addrs[3] = i & 0xff;
      sockets.of(4, addrs, 0, i);
      assert.ok(sockets.size <= 200);
    }
  });
});
