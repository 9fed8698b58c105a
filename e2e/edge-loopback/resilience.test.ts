// Supernode restart (edges re-register, traffic resumes) and TCP mode to the supernode.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { edgeConfig, exchange, SUPERNODE_ADDRESS, startEdge, startSupernode, stopAll, waitFor } from './harness.js';
import type { RunningSupernode, TestEdge } from './harness.js';

const MAC_A = '02:79:00:00:00:01';
const MAC_B = '02:79:00:00:00:02';
const bothRegistered = (a: TestEdge, b: TestEdge): boolean => a.edge.status().state === 'registered' && b.edge.status().state === 'registered';
/** Only the supernode is reachable, so every frame must go through it. */
const supernodeOnly = (_direction: 'in' | 'out', remote: { address: string }): boolean => remote.address !== SUPERNODE_ADDRESS;

describe('edge loopback: resilience and TCP', () => {
  it('re-registers after a supernode restart and traffic resumes', async () => {
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    let b: TestEdge | undefined;
    try {
      sn = await startSupernode();
      const port = sn.port;
      // register_interval 1 s: fast retries every 100 ms keep the test short.
      const quick = (bind: string) => edgeConfig('restart', port, bind, (c) => (c.connection.register_interval = 1));
      a = await startEdge(quick('127.0.0.2'), MAC_A, { drop: supernodeOnly });
      b = await startEdge(quick('127.0.0.3'), MAC_B, { drop: supernodeOnly });
      await waitFor(() => bothRegistered(a!, b!), 'both registered');
      await exchange(a, b, 'before restart');

      await sn.supernode.close();
      sn = undefined;
      await waitFor(() => a!.edge.status().state === 'no-supernode', 'supernode loss noticed');
      sn = await startSupernode(undefined, port);
      await waitFor(() => bothRegistered(a!, b!) && sn!.supernode.edges().length === 2, 're-registered at the new supernode');
      await exchange(a, b, 'after restart');
    } finally {
      await stopAll([a, b], sn);
    }
  });

  it('talks to the supernode over TCP', async () => {
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    let b: TestEdge | undefined;
    try {
      sn = await startSupernode();
      const tcp = (bind: string) => edgeConfig('tcp', sn!.port, bind, (c) => (c.connection.connect_tcp = true));
      a = await startEdge(tcp('127.0.0.2'), MAC_A);
      b = await startEdge(tcp('127.0.0.3'), MAC_B);
      await waitFor(() => bothRegistered(a!, b!), 'both registered');
      assert.ok(sn.supernode.edges().every((edge) => edge.tcp), 'the supernode sees TCP edges');
      await exchange(a, b, 'over tcp');
      assert.equal(a.edge.counters().p2p.tx, 0, 'no direct traffic in TCP mode');
      assert.ok(a.edge.peers().every((peer) => peer.path === 'relayed'));
    } finally {
      await stopAll([a, b], sn);
    }
  });
});
