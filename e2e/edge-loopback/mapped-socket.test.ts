// An edge whose home router maps its UDP port advertises the mapped socket in REGISTER_SUPER, where
// n3n carries the preferred (LAN) socket (PROTOCOL.md §8.8.2), at once when the mapping comes after
// registering; the supernode keeps it for PEER_INFO (e2e/netns/first-contact.test.ts shows peers
// using it across two homes).
import { describe, it } from 'node:test';
import { edgeConfig, startEdge, startSupernode, stopAll, waitFor } from './harness.js';
import type { RunningSupernode, TestEdge } from './harness.js';

/** A router's public side (TEST-NET-3): nothing is ever sent there, the filter drops it. */
const MAPPED = { family: 'IPv4', address: '203.0.113.9', port: 40001 } as const;
const dropMapped = { drop: (direction: 'in' | 'out', remote: { address: string }) => direction === 'out' && remote.address === MAPPED.address };

describe('edge loopback: the mapped socket', () => {
  it('reaches the supernode at once and is withdrawn again', async () => {
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    try {
      sn = await startSupernode();
      a = await startEdge(edgeConfig('mapped', sn.port, '127.0.0.2'), '02:78:00:00:00:01', dropMapped);
      await waitFor(() => a!.edge.status().state === 'registered', 'A registered');
      // Mapped after registering: the edge registers again at once to say so.
      a.edge.advertiseMapped(MAPPED);
      const advertised = `${MAPPED.address}:${MAPPED.port}`;
      const atSupernode = (): string | undefined => sn!.supernode.edges().find((edge) => edge.mac === '02:78:00:00:00:01')?.preferredSockaddr;
      // Well before the next refresh (register_interval 20 s): the edge re-registers when its mapping changes.
      await waitFor(() => atSupernode() === advertised, 'the supernode to hold the mapped socket', 5_000);
      a.edge.advertiseMapped(undefined);
      await waitFor(() => atSupernode() === undefined, 'the supernode to drop the mapped socket', 5_000);
    } finally {
      await stopAll([a], sn);
    }
  });
});
