// macKey (allocation-free MAC map key) and readPacketHeader (the PACKET fast path) against their
// reference counterparts: macToString and decodeMessage, on the wire vectors (fuzzed in fuzz.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fastPathAgrees } from '../testing/fast-path-agreement.js';
import { wireVectorMessages } from '../testing/vectors.js';
import { macFromKey, macKey, macToString } from './index.js';

describe('macKey', () => {
  it('round-trips through macFromKey and orders like the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (mac) => {
        const key = macKey(mac);
        assert.ok(Number.isSafeInteger(key) && key >= 0 && key < 2 ** 48);
        assert.deepEqual(macFromKey(key), mac);
        assert.equal(key, parseInt(macToString(mac).replaceAll(':', ''), 16));
      }),
      { numRuns: 10_000 },
    );
  });

  it('is unique per MAC (distinct MACs, distinct keys) and reads at an offset', () => {
    const edges = [
      [0, 0, 0, 0, 0, 0],
      [0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
      [0x80, 0, 0, 0, 0, 0],
      [0, 0, 0x80, 0, 0, 0],
      [0, 0, 0, 0x80, 0, 0],
      [2, 0, 0, 0, 0, 0x22],
    ].map((bytes) => Uint8Array.from(bytes));
    assert.equal(new Set(edges.map((mac) => macKey(mac))).size, edges.length);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), fc.uint8Array({ minLength: 6, maxLength: 6 }), (a, b) => {
        assert.equal(macKey(a) === macKey(b), macToString(a) === macToString(b));
      }),
      { numRuns: 10_000 },
    );
    const frame = Uint8Array.from([9, 9, 9, 9, 9, 9, 2, 0, 0, 0, 0, 0x22, 8, 0]);
    assert.equal(macKey(frame, 6), macKey(edges[5]!));
  });
});

describe('readPacketHeader', () => {
  it('equals decodeMessage on every PACKET of the wire vectors', () => {
    const packets = wireVectorMessages().filter((buf) => fastPathAgrees(buf)).length;
    assert.ok(packets > 10, `only ${packets} PACKET vectors`);
  });
});
