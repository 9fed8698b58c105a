// Issue 14, LAN discovery over IPv6 (PROTOCOL.md §8.8.1, n3n main's ff05::6e:336e port 1968): two
// edges and a supernode on one IPv6-only segment (no IPv4 address or route anywhere, so the IPv4
// group cannot even be joined). Both register (an edge carries traffic only once registered, as
// n3n's does), then the supernode becomes unreachable; with no traffic having passed between them
// before, the edges still find each other through their multicast REGISTERs on the IPv6 group,
// ping each other over the VPN, list each other as a direct local IPv6 peer, and keep doing so for a
// while with the supernode still gone.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { call, edgePeers, edgeStatus, observe, ping, RunDir, SETTLE_MS, startPair, startSupernode, SUPERNODE_PORT, VPN_A, VPN_B, waitFor } from './kith.js';
import type { PeerRowView } from './kith.js';
import { netnsSkipReason, Topology } from './topology.js';
import type { Host } from './topology.js';

const skip = netnsSkipReason();
const PREFIX = 'fd6e:1968';
/** How long the edges keep each other with the supernode gone: a few registration intervals (kith.ts FAST: 3 s). */
const WITHOUT_SUPERNODE_MS = 15_000;

describe('netns: LAN discovery over IPv6 with no supernode reachable', { skip, concurrency: false }, () => {
  let topology: Topology | undefined;
  let runDir: RunDir | undefined;
  after(async () => {
    await topology?.destroy();
    runDir?.remove();
  });

  it('two edges on an IPv6-only segment find each other on ff05::6e:336e and stay direct while the supernode is gone', async () => {
    topology = Topology.create();
    runDir = new RunDir(topology);
    const t = topology;
    const segment = await t.namespace('seg');
    await t.exec(segment, 'ip', ['link', 'add', 'br0', 'type', 'bridge']);
    await t.exec(segment, 'ip', ['link', 'set', 'br0', 'up']);
    const hosts: Host[] = [];
    for (const [index, role] of ['sn', 'a', 'b'].entries()) {
      const ns = await t.namespace(role);
      await t.link(ns, 'eth0', undefined, segment, `p${role}`, undefined);
      await t.exec(segment, 'ip', ['link', 'set', `p${role}`, 'master', 'br0']);
      const address = `${PREFIX}::${index + 1}`;
      await t.exec(ns, 'ip', ['-6', 'addr', 'add', `${address}/64`, 'dev', 'eth0', 'nodad']);
      hosts.push({ ns, address });
    }
    const [snHost, hostA, hostB] = hosts as [Host, Host, Host];
    assert.equal((await t.exec(hostA.ns, 'ip', ['-4', 'addr', 'show', 'dev', 'eth0'])).trim(), '', 'no IPv4 on the segment');

    const sn = startSupernode(t, runDir, snHost, 'sn');
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    const pair = await startPair(t, runDir, hostA, hostB, { community: 'lan6', supernodes: [`[${snHost.address}]:${SUPERNODE_PORT}`] });
    // Neither has heard of the other through the supernode: no traffic has passed between them.
    await t.exec(snHost.ns, 'ip', ['link', 'set', 'eth0', 'down']);
    const supernodeGone = performance.now();
    assert.equal((await ping(t, hostA.ns, snHost.address, 1)).ok, false, 'the supernode is unreachable');

    // PeerView.local: the peer was found by multicast on this network (§8.8.1).
    const peerOf = async (proc: typeof pair.a): Promise<(PeerRowView & { local?: boolean }) | undefined> => (await edgePeers(proc))?.find((peer) => peer.path === 'direct' && typeof peer.rttMs === 'number');
    await waitFor('a to reach b over the VPN', async () => ((await ping(t, hostA.ns, VPN_B, 1)).ok ? true : undefined), SETTLE_MS, 200);
    const [ofA, ofB] = await Promise.all([waitFor('a to list b as direct', () => peerOf(pair.a), SETTLE_MS), waitFor('b to list a as direct', () => peerOf(pair.b), SETTLE_MS)]);
    for (const [peer, other] of [[ofA, hostB], [ofB, hostA]] as const) {
      assert.equal(peer.family, 'IPv6', JSON.stringify(peer));
      assert.equal(peer.local, true, `found by LAN discovery: ${JSON.stringify(peer)}`);
      assert.ok(peer.socket?.startsWith(`[${other.address}]:`), JSON.stringify(peer));
    }
    const foundMs = Math.round(performance.now() - supernodeGone);

    // For a while longer with the supernode still gone: both ways, every few seconds.
    const until = performance.now() + WITHOUT_SUPERNODE_MS;
    let rounds = 0;
    while (performance.now() < until) {
      const [ab, ba] = await Promise.all([ping(t, hostA.ns, VPN_B, 2), ping(t, hostB.ns, VPN_A, 2)]);
      assert.ok(ab.ok && ba.ok, `ping over the VPN without a supernode failed:\n${ab.output}\n${ba.output}\na's peers ${JSON.stringify(await edgePeers(pair.a))}\n${pair.a.output().slice(-3000)}`);
      rounds++;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    const status = await edgeStatus(pair.a);
    assert.equal((await ping(t, hostA.ns, snHost.address, 1)).ok, false, 'the supernode stayed unreachable');
    observe(`IPv6 LAN discovery: direct ${ofA.socket ?? '-'} / ${ofB.socket ?? '-'} ${foundMs} ms after the supernode went; ${rounds} ping rounds over ${WITHOUT_SUPERNODE_MS} ms; a's state ${status?.state ?? '-'}`);
  });
});
