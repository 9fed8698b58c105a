// Scenario 4: two federated supernodes, one edge registered at each: they reach each other.
import { after, before, describe, it } from 'node:test';
import { call, describePeer, edgePeers, observe, pingBothWays, RunDir, SETTLE_MS, startPair, startSupernode, SUPERNODE_PORT, waitFor } from './kith.js';
import type { EdgePair } from './kith.js';
import { netnsSkipReason, Topology } from './topology.js';

const skip = netnsSkipReason();

describe('netns: two federated supernodes', { skip }, () => {
  let topology: Topology;
  let runDir: RunDir;
  let pair: EdgePair;

  before(async () => {
    topology = Topology.create();
    runDir = new RunDir(topology);
    const [sn1Host, sn2Host] = [await topology.publicHost('sn1'), await topology.publicHost('sn2')];
    const sn1 = startSupernode(topology, runDir, sn1Host, 'sn1', ['-Osupernode.federation=kithnetns']);
    const sn2 = startSupernode(topology, runDir, sn2Host, 'sn2', ['-Osupernode.federation=kithnetns', `-Osupernode.peer=${sn1Host.address}:${SUPERNODE_PORT}`]);
    await waitFor('both supernodes', async () => ((await call(sn1, 'get_info')) !== undefined && (await call(sn2, 'get_info')) !== undefined ? true : undefined), SETTLE_MS);
    const a = await topology.natHost('a', 'home', { ispHops: true });
    const b = await topology.natHost('b', 'home', { ispHops: true });
    pair = await startPair(
      topology,
      runDir,
      a.host,
      b.host,
      { community: 'fed', supernodes: [`${sn1Host.address}:${SUPERNODE_PORT}`] },
      { supernodes: [`${sn2Host.address}:${SUPERNODE_PORT}`] },
    );
  });

  after(async () => {
    await topology?.destroy();
    runDir?.remove();
  });

  it('edges at different supernodes ping each other', async () => {
    const rtt = await pingBothWays(topology, pair);
    const [ofA, ofB] = await Promise.all([edgePeers(pair.a), edgePeers(pair.b)]);
    observe(`federation: ping ${rtt.ab ?? '-'} / ${rtt.ba ?? '-'} ms; a sees ${describePeer(ofA?.[0])}; b sees ${describePeer(ofB?.[0])}`);
  });
});
