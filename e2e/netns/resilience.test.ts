// Scenario 3: the supernode is killed and restarted; the edges re-register and traffic resumes.
// The recovery time is reported, not asserted (no timing assertions).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { call, edgeSkipReason, observe, pingBothWays, pingUntil, RunDir, SETTLE_MS, startPair, startSupernode, SUPERNODE_PORT, VPN_B, waitFor, waitForSupernodeEdges } from './kith.js';
import type { EdgePair } from './kith.js';
import { netnsSkipReason, Topology } from './topology.js';
import type { Host } from './topology.js';

const skip = netnsSkipReason() ?? edgeSkipReason();

describe('netns: supernode restart', { skip }, () => {
  let topology: Topology;
  let runDir: RunDir;
  let snHost: Host;
  let pair: EdgePair;

  before(async () => {
    topology = Topology.create();
    runDir = new RunDir(topology);
    snHost = await topology.publicHost('sn');
    const sn = startSupernode(topology, runDir, snHost, 'sn');
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    const a = await topology.natHost('a', 'home', { ispHops: true });
    const b = await topology.natHost('b', 'home', { ispHops: true });
    pair = await startPair(topology, runDir, a.host, b.host, { community: 'restart', supernodes: [`${snHost.address}:${SUPERNODE_PORT}`] });
    await pingBothWays(topology, pair);
    // SIGKILL: no UNREGISTER, no goodbye — as in a crash.
    sn.child.kill('SIGKILL');
    await topology.stop(sn.child);
  });

  after(async () => {
    await topology?.destroy();
    runDir?.remove();
  });

  it('edges re-register with the restarted supernode and traffic resumes', async () => {
    const restartedAt = Date.now();
    const sn = startSupernode(topology, runDir, snHost, 'sn');
    const edges = await waitForSupernodeEdges(sn, 2, 60_000);
    const registeredAfter = (Date.now() - restartedAt) / 1000;
    assert.equal(edges.length, 2);
    await pingUntil(topology, pair.hostA.ns, VPN_B, 30_000);
    const rtt = await pingBothWays(topology, pair);
    observe(`restart: both edges re-registered ${registeredAfter.toFixed(1)} s after the supernode restarted (process start included); ping resumed ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after; rtt ${rtt.ab ?? '-'} / ${rtt.ba ?? '-'} ms`);
  });
});
