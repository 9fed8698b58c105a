// An edge whose home router maps its UDP port advertises the mapped socket in REGISTER_SUPER, where
// n3n carries the preferred (LAN) socket (PROTOCOL.md §8.8.2): the supernode passes it on in
// PEER_INFO and the other edge tries it, so two edges behind NATs get a direct path.
import { describe, it } from 'node:test';
import { edgeConfig, exchange, startEdge, startSupernode, stopAll, waitFor } from './harness.js';
import type { RunningSupernode, TestEdge } from './harness.js';

/** A router's public side (TEST-NET-3): nothing is ever sent there, the filter drops it. */
const MAPPED = { family: 'IPv4', address: '203.0.113.9', port: 40001 } as const;
const dropMapped = { drop: (direction: 'in' | 'out', remote: { address: string }) => direction === 'out' && remote.address === MAPPED.address };

describe('edge loopback: the mapped socket', () => {
  it('reaches the supernode and the other edge, and is withdrawn again', async () => {
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    let b: TestEdge | undefined;
    const fast = (c: { connection: { register_interval: number } }): void => void (c.connection.register_interval = 1);
    try {
      sn = await startSupernode();
      a = await startEdge(edgeConfig('mapped', sn.port, '127.0.0.2', fast), '02:78:00:00:00:01', dropMapped);
      await waitFor(() => a!.edge.status().state === 'registered', 'A registered');
      // Mapped after registering, as the desktop does: the next REGISTER_SUPER carries it.
      a.edge.advertiseMapped(MAPPED);
      const advertised = `${MAPPED.address}:${MAPPED.port}`;
      const atSupernode = (): string | undefined => sn!.supernode.edges().find((edge) => edge.mac === '02:78:00:00:00:01')?.preferredSockaddr;
      await waitFor(() => atSupernode() === advertised, 'the supernode to hold the mapped socket', 10_000);
      b = await startEdge(edgeConfig('mapped', sn.port, '127.0.0.3', fast), '02:78:00:00:00:02', dropMapped);
      await waitFor(() => b!.edge.status().state === 'registered', 'B registered');
      // B learns it from the PEER_INFO it asks for when A's first frames reach it through the supernode.
      await exchange(a, b, 'mapped');
      await waitFor(() => b!.edge.peers().some((peer) => peer.mac === '02:78:00:00:00:01' && peer.advertisedSocket === advertised), 'B to know the mapped socket', 15_000);
      a.edge.advertiseMapped(undefined);
      await waitFor(() => atSupernode() === undefined, 'the supernode to drop the mapped socket', 10_000);
    } finally {
      await stopAll([a, b], sn);
    }
  });
});
