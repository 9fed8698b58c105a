// Issue 14, edges over IPv6. An IPv6-only Internet with two homes whose routers forward IPv6 but let
// in only what belongs to a connection the home started (home-router.ts, the stateful forward
// chain): the two edges go direct over IPv6 by punching, and the supernode on the Internet side
// lists both at their IPv6 sockets. A dual-stack variant: a dual-stack home whose edge registers
// over IPv4 and an IPv6-only home, through one dual-stack supernode that sees both families, go
// direct over IPv6. And two edges on one dual-stack LAN keep their direct IPv6 path.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { homeRouter, internetHost, publicInternet } from './home-router.js';
import type { HomeRouter, PublicInternet } from './home-router.js';
import { call, describePeer, edgePeers, observe, pingBothWays, RunDir, SETTLE_MS, startPair, startSupernode, SUPERNODE_PORT, waitFor, waitForPeerPath } from './kith.js';
import type { EdgePair, KithProcess, PeerRowView } from './kith.js';
import { netnsSkipReason, Topology } from './topology.js';

const skip = netnsSkipReason();
/** Registration, PEER_INFO and the punch retries (hole-punch.ts) on a shared 2-core machine. */
const DIRECT_MS = 45_000;
/** Seconds the LAN path is watched: several registration rounds at FAST's 3 s. */
const LAN_SAMPLES = 15;

interface SupernodeEdgeRow {
  readonly desc?: string;
  readonly sockaddr?: string;
}

const SN_NAME = 'sn.kith.test';

const isIpv6Socket = (text: string | undefined): boolean => text !== undefined && /^\[[0-9a-f:]+\]:\d+$/.test(text);

/** Waits until the supernode lists both edges, by description, and returns their rows. */
async function supernodeRows(sn: KithProcess): Promise<Map<string, SupernodeEdgeRow>> {
  return waitFor(
    'the supernode to list kitha and kithb',
    async () => {
      const rows = (await call(sn, 'get_edges')) as SupernodeEdgeRow[] | undefined;
      const byDesc = new Map((rows ?? []).map((row) => [row.desc ?? '', row] as const));
      return byDesc.has('kitha') && byDesc.has('kithb') ? byDesc : undefined;
    },
    SETTLE_MS,
  );
}

/**
 * The edge's log, in order: the IPv6 address answered the first round's race and then the edge was
 * registered, with no round given up on the silent IPv4 address before (no "not answering").
 */
function assertRacedToIpv6(log: string, ipv6Socket: string): void {
  const lines = log.split('\n');
  const raced = lines.findIndex((line) => line.includes(`answered first at ${ipv6Socket}`));
  const registered = lines.findIndex((line) => line.includes('registered with supernode'));
  const silent = lines.findIndex((line) => /not answering|does not answer/.test(line));
  assert.ok(raced >= 0 && registered > raced, `the IPv6 address did not win the first race:\n${log}`);
  assert.ok(silent === -1 || silent > registered, `the IPv4 address was waited out before IPv6:\n${log}`);
}

/** The direct peer an edge reports, with the family it says the path uses. */
function directPeer(proc: KithProcess): Promise<PeerRowView> {
  return waitForPeerPath(proc, 'direct', DIRECT_MS);
}

describe('netns: edges over IPv6', { skip, concurrency: false }, () => {
  let topology: Topology | undefined;
  let runDir: RunDir | undefined;
  after(async () => {
    await topology?.destroy();
    runDir?.remove();
  });

  async function world(): Promise<{ topology: Topology; runDir: RunDir; internet: PublicInternet }> {
    await topology?.destroy();
    runDir?.remove();
    topology = Topology.create();
    runDir = new RunDir(topology);
    return { topology, runDir, internet: await publicInternet(topology) };
  }

  const home = (t: Topology, internet: PublicInternet, role: string, ipv4: boolean): Promise<HomeRouter> =>
    homeRouter(t, internet, role, { upnp: false, natpmp: false, noDaemon: true, ipv4 });

  async function bothWays(t: Topology, pair: EdgePair): Promise<string> {
    const rtt = await pingBothWays(t, pair);
    const [ofA, ofB] = await Promise.all([edgePeers(pair.a), edgePeers(pair.b)]);
    return `ping ${rtt.ab ?? '-'} / ${rtt.ba ?? '-'} ms; a sees ${describePeer(ofA?.[0])}; b sees ${describePeer(ofB?.[0])}`;
  }

  it('IPv6-only Internet, stateful home firewalls: a name with A and AAAA registers over IPv6; direct over IPv6 by punching; the supernode sees both', async () => {
    const w = await world();
    const snHost = await internetHost(w.topology, w.internet, 'sn', { ipv4: false });
    const sn = startSupernode(w.topology, w.runDir, snHost, 'sn');
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    const [homeA, homeB] = [await home(w.topology, w.internet, 'a', false), await home(w.topology, w.internet, 'b', false)];
    // The routers drop what the homes did not ask for: the far end cannot reach either host.
    const unsolicited = await w.topology.tryExec(w.internet.far.ns, 'ping', ['-6', '-n', '-c', '1', '-W', '1', homeA.host.address6]);
    assert.notEqual(unsolicited.code, 0, 'the home router lets unsolicited IPv6 in');

    // b knows the supernode by a name with an A and an AAAA record: the IPv4 one is tried first (as n3n
    // main does) and cannot answer in an IPv6-only home, so the IPv6 one joins the round after the
    // stagger (address-race.ts) and its ACK picks it.
    w.topology.hostsFile(homeB.host.ns, [`192.0.3.250 ${SN_NAME}`, `${snHost.address6} ${SN_NAME}`]);
    const pair = await startPair(
      w.topology,
      w.runDir,
      homeA.host,
      homeB.host,
      { community: 'v6only', supernodes: [`[${snHost.address6}]:${SUPERNODE_PORT}`] },
      // b's rounds at the default pace: FAST's 0.3 s retries give a supernode busy with the rest of
      // the suite under a second to answer before b gives the name up as silent.
      { supernodes: [`${SN_NAME}:${SUPERNODE_PORT}`], extra: ['-Oconnection.description=kithb'] },
    );
    assertRacedToIpv6(pair.b.output(), `[${snHost.address6}]:${SUPERNODE_PORT}`);
    const rows = await supernodeRows(sn);
    assert.ok(isIpv6Socket(rows.get('kitha')?.sockaddr) && isIpv6Socket(rows.get('kithb')?.sockaddr), `supernode rows: ${JSON.stringify([...rows.values()])}`);
    assert.ok(rows.get('kitha')?.sockaddr?.startsWith(`[${homeA.host.address6}]:`));
    const paths = await bothWays(w.topology, pair);
    const [ofA, ofB] = await Promise.all([directPeer(pair.a), directPeer(pair.b)]);
    assert.equal(ofA.family, 'IPv6');
    assert.equal(ofB.family, 'IPv6');
    assert.ok(ofA.socket?.startsWith(`[${homeB.host.address6}]:`), `a reaches b at ${ofA.socket ?? '-'}`);
    assert.ok(ofB.socket?.startsWith(`[${homeA.host.address6}]:`), `b reaches a at ${ofB.socket ?? '-'}`);
    observe(`IPv6-only: ${paths}; supernode lists ${rows.get('kitha')?.sockaddr ?? '-'} and ${rows.get('kithb')?.sockaddr ?? '-'}`);
  });

  it('dual-stack supernode: one edge registers over IPv4, the other over IPv6; the supernode sees both families; direct over IPv6', async () => {
    const w = await world();
    const snHost = await internetHost(w.topology, w.internet, 'sn');
    const sn = startSupernode(w.topology, w.runDir, snHost, 'sn');
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    const [homeA, homeB] = [await home(w.topology, w.internet, 'a', true), await home(w.topology, w.internet, 'b', false)];
    const pair = await startPair(
      w.topology,
      w.runDir,
      homeA.host,
      homeB.host,
      { community: 'dual', supernodes: [`${snHost.address4 ?? ''}:${SUPERNODE_PORT}`] },
      { supernodes: [`[${snHost.address6}]:${SUPERNODE_PORT}`] },
    );
    const rows = await supernodeRows(sn);
    // a's IPv4 leaves through its router's masquerading: the supernode sees the router's WAN address.
    assert.ok(rows.get('kitha')?.sockaddr?.startsWith(`${homeA.wanAddress}:`), `supernode rows: ${JSON.stringify([...rows.values()])}`);
    assert.ok(rows.get('kithb')?.sockaddr?.startsWith(`[${homeB.host.address6}]:`), `supernode rows: ${JSON.stringify([...rows.values()])}`);
    const paths = await bothWays(w.topology, pair);
    // a advertises its global IPv6 socket beside its IPv4 registration: both punch a direct IPv6 path.
    const [ofA, ofB] = await Promise.all([directPeer(pair.a), directPeer(pair.b)]);
    assert.equal(ofA.family, 'IPv6');
    assert.equal(ofB.family, 'IPv6');
    assert.ok(ofB.socket?.startsWith(`[${homeA.host.address6}]:`), `b reaches a at ${ofB.socket ?? '-'}`);
    observe(`dual-stack: ${paths}; supernode lists ${rows.get('kitha')?.sockaddr ?? '-'} and ${rows.get('kithb')?.sockaddr ?? '-'}`);
  });

  // Both edges announce themselves on both discovery groups (§8.8.1) at every registration; the
  // direct IPv6 path must not follow each IPv4 announcement (peer-table.ts keepsIpv6Path).
  it('one dual-stack LAN with discovery: the direct path settles on IPv6 and stays there', async () => {
    const w = await world();
    const snHost = await internetHost(w.topology, w.internet, 'sn');
    const [a, b] = [await internetHost(w.topology, w.internet, 'a'), await internetHost(w.topology, w.internet, 'b')];
    // An IPv4 route, so that the IPv4 discovery group can be joined as well.
    for (const host of [a, b]) await w.topology.exec(host.ns, 'ip', ['route', 'add', 'default', 'via', w.internet.far.address]);
    const sn = startSupernode(w.topology, w.runDir, snHost, 'sn');
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    const pair = await startPair(w.topology, w.runDir, a, b, { community: 'lan', supernodes: [`${snHost.address4 ?? ''}:${SUPERNODE_PORT}`] });
    await pingBothWays(w.topology, pair);
    await waitFor('a direct IPv6 path', async () => ((await edgePeers(pair.a))?.[0]?.family === 'IPv6' && (await edgePeers(pair.a))?.[0]?.path === 'direct' ? true : undefined), DIRECT_MS, 250);
    const seen = new Set<string>();
    // Several registration rounds (FAST: every 3 s), each with announcements in both families.
    for (let i = 0; i < LAN_SAMPLES; i++) {
      const peer = (await edgePeers(pair.a))?.[0];
      seen.add(`${peer?.path ?? '-'} ${peer?.family ?? '-'} ${peer?.socket ?? '-'}`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const [only, ...others] = [...seen];
    assert.ok(others.length === 0 && only?.startsWith(`direct IPv6 [${b.address6}]:`) === true, `the path stayed on one IPv6 socket: ${[...seen].join(', ')}`);
    observe(`dual-stack LAN: a's path over ${LAN_SAMPLES} s: ${[...seen].join(', ')}`);
  });
});
