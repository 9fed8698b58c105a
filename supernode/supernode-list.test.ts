import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { macToString } from '../engine/protocol/index.js';
import type { Socket } from '../engine/protocol/index.js';
import { TimeStampVerifier } from '../engine/crypto/timestamp.js';
import type { FederationMember } from './federation.js';
import { advertisedSupernodes, MAX_ADVERTISED_SUPERNODES } from './supernode-list.js';

const NOW = 1_000_000;
const socket = (port: number): Socket => ({ family: 'IPv4', address: '127.0.0.1', port });

function member(port: number, lastSeenMs: number, mac?: number): FederationMember {
  return {
    configured: undefined,
    socket: socket(port),
    mac: mac === undefined ? undefined : Uint8Array.from([2, 0, 0, 0, 0, mac]),
    createdMs: 0,
    lastSeenMs,
    lastCookie: undefined,
    stamp: new TimeStampVerifier().newRecord(),
  };
}

describe('advertisedSupernodes (PROTOCOL.md §9.3.1 step 8)', () => {
  it('lists members seen within 60 s, except the requester and unresolved ones', () => {
    const unresolved = { ...member(1, NOW), socket: undefined };
    const members = [member(7101, NOW - 1000, 1), member(7102, NOW - 60_000, 2), member(7103, NOW, 3), unresolved, member(7104, NOW - 59_999)];
    const entries = advertisedSupernodes(members, socket(7103), NOW, () => 0);
    assert.deepEqual(
      entries.map((e) => [e.socket.port, macToString(e.mac)]),
      [
        [7101, '02:00:00:00:00:01'],
        [7104, '00:00:00:00:00:00'],
      ],
    );
  });

  it('caps the list at 44 and starts at a random member when it has to cut', () => {
    const members = Array.from({ length: 50 }, (_, i) => member(8000 + i, NOW));
    const entries = advertisedSupernodes(members, socket(1), NOW, (n) => n - 3);
    assert.equal(entries.length, MAX_ADVERTISED_SUPERNODES);
    assert.deepEqual(entries.slice(0, 4).map((e) => e.socket.port), [8047, 8048, 8049, 8000]);
  });
});
