// Scenario 1: two edges on a plain underlay (no NAT) — ping over the VPN both ways, and both edges
// report the other as a direct peer with a measured RTT.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { describePeer, observe, pingBothWays, RunDir, SETTLE_MS, startPair, startSupernode, SUPERNODE_PORT, waitFor, call, waitForPeerPath } from './kith.js';
import type { EdgePair } from './kith.js';
import { netnsSkipReason, Topology } from './topology.js';

const skip = netnsSkipReason();

describe('netns: two edges on a plain underlay', { skip }, () => {
  let topology: Topology;
  let runDir: RunDir;
  let pair: EdgePair;

  before(async () => {
    topology = Topology.create();
    runDir = new RunDir(topology);
    const snHost = await topology.publicHost('sn');
    const sn = startSupernode(topology, runDir, snHost, 'sn');
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    const [hostA, hostB] = [await topology.publicHost('a'), await topology.publicHost('b')];
    pair = await startPair(topology, runDir, hostA, hostB, { community: 'plain', supernodes: [`${snHost.address}:${SUPERNODE_PORT}`] });
  });

  after(async () => {
    await topology?.destroy();
    runDir?.remove();
  });

  it('pings over the VPN both ways and both report the peer as direct with an RTT', async () => {
    const rtt = await pingBothWays(topology, pair);
    const [peerOfA, peerOfB] = await Promise.all([waitForPeerPath(pair.a, 'direct', SETTLE_MS), waitForPeerPath(pair.b, 'direct', SETTLE_MS)]);
    assert.equal(typeof peerOfA.rttMs, 'number');
    assert.equal(typeof peerOfB.rttMs, 'number');
    observe(`plain: ping a→b ${rtt.ab ?? '-'} ms, b→a ${rtt.ba ?? '-'} ms; a sees ${describePeer(peerOfA)}; b sees ${describePeer(peerOfB)}`);
  });
});
