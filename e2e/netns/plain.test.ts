// Scenario 1: two edges on a plain underlay (no NAT) — ping over the VPN both ways, and both edges
// report the other as a direct peer with a measured RTT.
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { describePeer, edgeStatus, observe, ping, pingBothWays, RunDir, SETTLE_MS, startPair, startSupernode, SUPERNODE_PORT, VPN_B, waitFor, call, waitForPeerPath } from './kith.js';
import type { KithProcess } from './kith.js';
import type { EdgePair } from './kith.js';
import { netnsSkipReason, Topology } from './topology.js';

const skip = netnsSkipReason();

describe('netns: two edges on a plain underlay', { skip }, () => {
  let topology: Topology;
  let runDir: RunDir;
  let pair: EdgePair;
  let sn: KithProcess;

  before(async () => {
    topology = Topology.create();
    runDir = new RunDir(topology);
    const snHost = await topology.publicHost('sn');
    sn = startSupernode(topology, runDir, snHost, 'sn');
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

  it('carries the direct traffic in the native express lane (Linux), and the engine counts it', async () => {
    const figures = async (edge: KithProcess): Promise<{ lane: { framesOut: number; framesIn: number }; p2p: { tx: number; rx: number } }> => {
      const status = (await edgeStatus(edge)) as { express?: { framesOut: number; framesIn: number } } | undefined;
      const rows = (await call(edge, 'get_packetstats')) as { type: string; tx_pkt: number; rx_pkt?: number }[] | undefined;
      const p2p = rows?.find((row) => row.type === 'p2p');
      assert.ok(status?.express !== undefined, 'the express lane runs on this Linux edge');
      return { lane: status.express, p2p: { tx: p2p?.tx_pkt ?? 0, rx: p2p?.rx_pkt ?? 0 } };
    };
    await Promise.all([waitForPeerPath(pair.a, 'direct', SETTLE_MS), waitForPeerPath(pair.b, 'direct', SETTLE_MS)]);
    const [a0, b0] = await Promise.all([figures(pair.a), figures(pair.b)]);
    const pings = 10;
    const result = await ping(topology, pair.hostA.ns, VPN_B, pings);
    assert.ok(result.ok, result.output);
    // The engine adds what the lane carried once per tick (200 ms).
    await new Promise((resolve) => setTimeout(resolve, 600));
    const [a1, b1] = await Promise.all([figures(pair.a), figures(pair.b)]);
    // a sent the requests and took the replies, b the other way round, in the lane (a frame may
    // still go through the engine while a peer's entry is renewed on a tick).
    const most = pings / 2;
    assert.ok(a1.lane.framesOut - a0.lane.framesOut >= most && a1.lane.framesIn - a0.lane.framesIn >= most, JSON.stringify({ a0, a1 }));
    assert.ok(b1.lane.framesOut - b0.lane.framesOut >= most && b1.lane.framesIn - b0.lane.framesIn >= most, JSON.stringify({ b0, b1 }));
    // ... and get_packetstats counts them as direct (p2p) packets, as it did before the lane.
    assert.ok(a1.p2p.tx - a0.p2p.tx >= pings && a1.p2p.rx - a0.p2p.rx >= pings, JSON.stringify({ a0, a1 }));
    const [peerOfA] = await Promise.all([waitForPeerPath(pair.a, 'direct', SETTLE_MS)]);
    observe(`plain: ${/\d+% packet loss/.exec(result.output)?.[0] ?? ""}; lane deltas a ${a1.lane.framesOut - a0.lane.framesOut}/${a1.lane.framesIn - a0.lane.framesIn} b ${b1.lane.framesOut - b0.lane.framesOut}/${b1.lane.framesIn - b0.lane.framesIn}; the express lane carried a ${a1.lane.framesOut} out / ${a1.lane.framesIn} in, b ${b1.lane.framesOut} / ${b1.lane.framesIn}; a still sees ${describePeer(peerOfA)}`);
  });

  it("the supernode answers the edges' repeated registrations from its socket (native/register-answers.ts)", async () => {
    // Edges re-register every 3 s here (FAST); from the second registration on the request repeats.
    const fromSocket = await waitFor('a registration answered from the supernode socket', async () => {
      const page = await metricsPage(sn);
      const value = Number(/event="sn_reg_from_socket"} (\d+)/.exec(page)?.[1] ?? 0);
      return value > 0 ? { value, all: Number(/event="sn_reg"} (\d+)/.exec(page)?.[1] ?? 0) } : undefined;
    }, SETTLE_MS);
    observe(`plain: the supernode answered ${fromSocket.value} of ${fromSocket.all} registrations from its socket`);
  });
});

/** The management server's metrics page, over its unix socket. */
function metricsPage(proc: KithProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get({ socketPath: proc.socketPath, path: '/metrics', timeout: 2_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    request.on('timeout', () => request.destroy(new Error('metrics: no answer')));
    request.on('error', reject);
  });
}
