// Two edges and a real supernode over loopback UDP (null cipher): bootstrap address, registration,
// gratuitous ARPs, ARP and IPv4 each way, direct path with RTT, and relayed fallback.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { edgeConfig, exchange, isGratuitousArpFrom, startEdge, startSupernode, stopAll, waitFor } from './harness.js';
import type { RunningSupernode, TestEdge } from './harness.js';
import { SUPERNODE_ADDRESS } from './harness.js';

const MAC_A = '02:77:00:00:00:01';
const MAC_B = '02:77:00:00:00:02';

describe('edge loopback: plain community', () => {
  it('assigns the n3n address for the description, registers, and sends two gratuitous ARPs', async () => {
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    let b: TestEdge | undefined;
    try {
      sn = await startSupernode();
      a = await startEdge(edgeConfig('test', sn.port, '127.0.0.2', (c) => (c.connection.description = 'ci_edge1')), MAC_A);
      await waitFor(() => a!.edge.status().state === 'registered', 'edge A registered');
      // N3N-TESTS.md §4: community "test", description "ci_edge1" → 10.200.175.139/24.
      assert.deepEqual(a.edge.status().address, { address: '10.200.175.139', prefix: 24 });
      b = await startEdge(edgeConfig('test', sn.port, '127.0.0.3', (c) => (c.connection.description = 'ci_edge2')), MAC_B);
      await waitFor(() => a!.port.written.filter((f) => isGratuitousArpFrom(f, b!.mac)).length === 2, 'two gratuitous ARPs from B at A');
      // N3N-TESTS.md §3: the two ARPs count as transop, super and super_broadcast tx.
      const counters = b.edge.counters();
      assert.equal(counters.transop.tx, 2);
      assert.equal(counters.super.tx, 2);
      assert.equal(counters.superBroadcast.tx, 2);
      assert.equal(counters.p2p.tx, 0);
      const supernodes = a.edge.supernodes();
      assert.equal(supernodes.length, 1);
      assert.equal(supernodes[0]?.selected, true);
      assert.equal(supernodes[0]?.mac, '02:00:00:00:00:01');
      assert.equal(supernodes[0]?.socket, `${SUPERNODE_ADDRESS}:${sn.port}`);
      // Measured from the REGISTER_SUPER that the ACK answered, before any PING sweep.
      assert.equal(typeof supernodes[0]?.rttMs, 'number');
    } finally {
      await stopAll([a, b], sn);
    }
  });

  it('delivers ARP and IPv4 both ways and moves the peers to a direct path with an RTT', async () => {
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    let b: TestEdge | undefined;
    try {
      sn = await startSupernode();
      a = await startEdge(edgeConfig('p2p', sn.port, '127.0.0.2'), MAC_A);
      b = await startEdge(edgeConfig('p2p', sn.port, '127.0.0.3'), MAC_B);
      await waitFor(() => a!.edge.status().state === 'registered' && b!.edge.status().state === 'registered', 'both registered');
      await exchange(a, b, 'first');
      const directPeer = (edge: TestEdge, other: TestEdge): boolean =>
        edge.edge.peers().some((peer) => peer.mac === other.edge.status().mac && peer.path === 'direct' && peer.rttMs !== undefined);
      await waitFor(() => directPeer(a!, b!) && directPeer(b!, a!), 'direct paths with RTT on both sides');
      const p2pBefore = a.edge.counters().p2p.tx;
      await exchange(a, b, 'second');
      assert.ok(a.edge.counters().p2p.tx > p2pBefore, 'frames now go directly');
      const peerAtA = a.edge.peers().find((peer) => peer.mac === b!.edge.status().mac);
      assert.equal(peerAtA?.socket, `127.0.0.3:${b.edge.status().localPort}`);
      assert.equal(peerAtA?.vpnIpv4, b.edge.status().address?.address);
      assert.ok((peerAtA?.traffic.framesIn ?? 0) >= 4);
    } finally {
      await stopAll([a, b], sn);
    }
  });

  it('falls back to a relayed path when direct packets are blocked', async () => {
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    let b: TestEdge | undefined;
    try {
      sn = await startSupernode();
      const supernodeOnly = (_direction: 'in' | 'out', remote: { address: string }): boolean => remote.address !== SUPERNODE_ADDRESS;
      a = await startEdge(edgeConfig('relay', sn.port, '127.0.0.2'), MAC_A, { drop: supernodeOnly });
      b = await startEdge(edgeConfig('relay', sn.port, '127.0.0.3'), MAC_B, { drop: supernodeOnly });
      await waitFor(() => a!.edge.status().state === 'registered' && b!.edge.status().state === 'registered', 'both registered');
      await exchange(a, b, 'relayed');
      const peerAtA = a.edge.peers().find((peer) => peer.mac === b!.edge.status().mac);
      assert.equal(peerAtA?.path, 'relayed');
      assert.equal(peerAtA?.via, `${SUPERNODE_ADDRESS}:${sn.port}`);
      assert.equal(a.edge.counters().p2p.tx, 0);
      assert.ok(a.edge.counters().super.rx >= 2);
    } finally {
      await stopAll([a, b], sn);
    }
  });
});
