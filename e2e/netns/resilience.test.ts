// Scenario 3: the supernode is killed and restarted; the edges re-register and traffic resumes.
// The recovery time is reported, not asserted (no timing assertions). Also: a supernode name that
// resolves only after the edge started.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { call, edgeStatus, FAST, observe, pingBothWays, pingUntil, RunDir, SETTLE_MS, startEdge, startPair, startSupernode, SUPERNODE_PORT, VPN_A, VPN_B, waitFor, waitForRegistered, waitForSupernodeEdges } from './kith.js';
import type { EdgePair } from './kith.js';
import { netnsSkipReason, Topology } from './topology.js';
import type { Host } from './topology.js';

const skip = netnsSkipReason();

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

// PROTOCOL.md §8.2: supernode names are resolved again later. An edge started before its
// supernode's name resolves (a laptop at login, before the network is up) joins once it does.
// `ip netns exec` shows /etc/netns/<ns>/hosts as the namespace's /etc/hosts.
describe('netns: a supernode name that resolves only after the edge started', { skip }, () => {
  const NAME = 'sn.kith-e2e.test';
  let topology: Topology;
  let runDir: RunDir;
  let hostsDir = '';

  before(() => {
    topology = Topology.create();
    runDir = new RunDir(topology);
  });

  after(async () => {
    await topology?.destroy();
    runDir?.remove();
    if (hostsDir !== '') rmSync(hostsDir, { recursive: true, force: true });
  });

  it('registers once the name resolves', async () => {
    const snHost = await topology.publicHost('sn');
    const sn = startSupernode(topology, runDir, snHost, 'sn');
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    const host = await topology.publicHost('a');
    hostsDir = join('/etc/netns', host.ns);
    mkdirSync(hostsDir, { recursive: true });
    const hosts = join(hostsDir, 'hosts');
    writeFileSync(hosts, '127.0.0.1 localhost\n');
    const edge = startEdge(topology, runDir, host, 'kithdns', { community: 'dns', address: `${VPN_A}/24`, supernodes: [`${NAME}:${SUPERNODE_PORT}`], extra: FAST });
    await waitFor('the edge to answer', () => edgeStatus(edge), SETTLE_MS);
    // The edge has looked the name up and found nothing: it has no address to register with yet.
    await waitFor(`a failed lookup of ${NAME}`, () => (edge.output().includes(`cannot resolve supernode ${NAME}`) ? true : undefined), SETTLE_MS);
    assert.notEqual((await edgeStatus(edge))?.state, 'registered', 'no address for the supernode yet');

    // The same file (the bind mount keeps the inode): the name now resolves.
    writeFileSync(hosts, `127.0.0.1 localhost\n${snHost.address} ${NAME}\n`);
    const resolvedAt = Date.now();
    await waitForRegistered(edge, 30_000);
    observe(`dns: registered ${((Date.now() - resolvedAt) / 1000).toFixed(1)} s after ${NAME} began to resolve`);
  });
});
