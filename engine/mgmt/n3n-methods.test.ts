import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeMethods, type MethodContext } from './method-table.js';
import { n3nMethods, type N3nDaemon } from './n3n-methods.js';

const CONTEXT: MethodContext = { transport: 'unix', remoteAddress: '', authorised: false };

function daemon<Community>(kind: 'edge' | 'supernode', communities: Community[]): N3nDaemon<Community, never, -1> & { verbosity: number; stops: number; tests: unknown[] } {
  return {
    kind,
    version: '3.4.5',
    advertiseAddr: 'auto',
    address: () => (kind === 'edge' ? { macaddr: '02:00:00:77:00:01', ip4addr: '10.200.175.73' } : { macaddr: '', ip4addr: '0.0.0.0' }),
    communities: () => communities,
    edges: () => [],
    macs: () => [],
    packetStats: () => [],
    supernodes: () => [],
    timestamps: () => ({ last_register_req: 0, last_rx_p2p: 0, last_rx_super: 0, last_sweep: 0, last_sn_fwd: 0, last_sn_reg: 0, start_time: 0 }),
    reloadCommunities: () => -1,
    verbosity: 2,
    stops: 0,
    tests: [],
    getVerbose() {
      return this.verbosity;
    },
    setVerbose(level) {
      return (this.verbosity = level);
    },
    publishTest(params) {
      this.tests.push(params);
    },
    requestStop() {
      this.stops++;
    },
  };
}

describe('n3nMethods', () => {
  const edge = n3nMethods(daemon('edge', [{ community: 'test' }]));
  const supernode = n3nMethods(daemon('supernode', ['a', 'b', 'c'].map((community) => ({ community }))));

  it('gives both daemons the same methods with the same descriptions and password rules (MANAGEMENT.md §6)', () => {
    assert.deepEqual(describeMethods(edge), describeMethods(supernode));
    assert.deepEqual(
      Object.entries(edge).map(([name, spec]) => [name, spec.needsAuth]),
      Object.entries(supernode).map(([name, spec]) => [name, spec.needsAuth]),
    );
  });

  it('says which daemon answers in get_info, with the advertised address', async () => {
    const edgeInfo = await edge.get_info.handler(null, CONTEXT);
    assert.deepEqual(edgeInfo, {
      version: '3.4.5',
      builddate: edgeInfo.builddate,
      is_edge: 1,
      is_supernode: 0,
      macaddr: '02:00:00:77:00:01',
      ip4addr: '10.200.175.73',
      sockaddr: '0.0.0.0:0',
    });
    const info = await supernode.get_info.handler(null, CONTEXT);
    assert.deepEqual([info.is_edge, info.is_supernode, info.macaddr, info.ip4addr], [0, 1, '', '0.0.0.0']);
  });

  it('pages get_communities on a supernode only (§6.3)', async () => {
    assert.equal(edge.get_communities.paginated, false);
    assert.deepEqual(await edge.get_communities.handler({ offset: 1 }, CONTEXT), [{ community: 'test' }]);
    assert.equal(supernode.get_communities.paginated, true);
    assert.deepEqual(await supernode.get_communities.handler({ offset: 1, limit: 1 }, CONTEXT), [{ community: 'b' }]);
  });
});
