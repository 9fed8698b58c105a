// Scenario 2: each edge behind its own NAT router (topology.ts NatVariant), the supernode on the
// internet bridge. The routers' WANs hang off ISP routers on that bridge (ispHops): on the real
// Internet there are router hops between two home routers, and the edge's TTL-limited first punch
// relies on them to die before the peer's router. On a bare shared bridge the routers are adjacent
// and no IP TTL can open the own mapping without also reaching the peer's router (a TTL-1 datagram
// is dropped by the own router before NAT, and local delivery at the next one ignores the TTL), so
// 2b would stay relayed there for any edge.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { encodeAsciiKey } from '../../engine/crypto/ascii-key.js';
import { edgePrivateKey, publicKeyOf } from '../../engine/crypto/user-password.js';
import { call, describePeer, observe, pingBothWays, RunDir, SETTLE_MS, startPair, startSupernode, SUPERNODE_PORT, waitFor, waitForPeerPath, edgePeers } from './kith.js';
import type { EdgePair, EdgeSpec } from './kith.js';
import { netnsSkipReason, Topology } from './topology.js';
import type { NatVariant } from './topology.js';

const skip = netnsSkipReason();
/** Port-spray rounds start seconds after normal punching failed and repeat after a backoff (port-spray.ts ROUND_STARTS_MS). */
const DIRECT_BY_SPRAY_MS = 50_000;

/** Edge settings beyond the community: the same for both edges (spec) and b's own (specB). */
interface PairOptions {
  readonly spec?: Partial<EdgeSpec>;
  readonly specB?: Partial<EdgeSpec>;
  /** Lines of the supernode's community file (user/password communities need one). */
  readonly communities?: string;
}

function publicKey(user: string, password: string): string {
  const key = publicKeyOf(edgePrivateKey(user, password));
  if (!key.ok) throw new Error('key derivation failed');
  return encodeAsciiKey(key.value);
}

async function natPair(variantA: NatVariant, variantB: NatVariant, community: string, options: PairOptions = {}): Promise<{ topology: Topology; runDir: RunDir; pair: EdgePair }> {
  const topology = Topology.create();
  const runDir = new RunDir(topology);
  try {
    const snHost = await topology.publicHost('sn');
    const snArgs: string[] = [];
    if (options.communities !== undefined) {
      const file = runDir.file('communities.list');
      writeFileSync(file, options.communities);
      snArgs.push(`-Osupernode.community_file=${file}`);
    }
    const sn = startSupernode(topology, runDir, snHost, 'sn', snArgs);
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    const a = await topology.natHost('a', variantA, { ispHops: true });
    const b = await topology.natHost('b', variantB, { ispHops: true });
    const pair = await startPair(topology, runDir, a.host, b.host, { ...options.spec, community, supernodes: [`${snHost.address}:${SUPERNODE_PORT}`] }, options.specB);
    return { topology, runDir, pair };
  } catch (error) {
    await topology.destroy();
    runDir.remove();
    throw error;
  }
}

/** Both edges' view of each other after traffic has flowed. */
async function paths(pair: EdgePair): Promise<string> {
  const [ofA, ofB] = await Promise.all([edgePeers(pair.a), edgePeers(pair.b)]);
  return `a sees ${describePeer(ofA?.[0])}; b sees ${describePeer(ofB?.[0])}`;
}

describe('netns: edges behind NAT routers', { skip, concurrency: false }, () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  async function scenario(variantA: NatVariant, variantB: NatVariant, community: string, options?: PairOptions): Promise<{ topology: Topology; pair: EdgePair }> {
    const built = await natPair(variantA, variantB, community, options);
    cleanups.push(async () => {
      await built.topology.destroy();
      built.runDir.remove();
    });
    return built;
  }

  it('2a: home routers (INPUT on the WAN only ESTABLISHED,RELATED) → direct both ways', async () => {
    const { topology, pair } = await scenario('home', 'home', 'nat-a');
    const rtt = await pingBothWays(topology, pair);
    const [ofA, ofB] = await Promise.all([waitForPeerPath(pair.a, 'direct', SETTLE_MS), waitForPeerPath(pair.b, 'direct', SETTLE_MS)]);
    assert.equal(typeof ofA.rttMs, 'number');
    assert.equal(typeof ofB.rttMs, 'number');
    observe(`2a home/home: ping ${rtt.ab ?? '-'} / ${rtt.ba ?? '-'} ms; ${await paths(pair)}`);
  });

  it('2b: NAT routers without an input firewall → direct both ways', async () => {
    const { topology, pair } = await scenario('open-input', 'open-input', 'nat-b');
    const rtt = await pingBothWays(topology, pair);
    const [ofA, ofB] = await Promise.all([waitForPeerPath(pair.a, 'direct', SETTLE_MS), waitForPeerPath(pair.b, 'direct', SETTLE_MS)]);
    assert.equal(typeof ofA.rttMs, 'number');
    assert.equal(typeof ofB.rttMs, 'number');
    observe(`2b open/open: ping ${rtt.ab ?? '-'} / ${rtt.ba ?? '-'} ms; ${await paths(pair)}`);
  });

  describe('2c: one symmetric router (MASQUERADE --random), the other a home router', () => {
    let built: { topology: Topology; pair: EdgePair } | undefined;
    it('traffic flows both ways', async () => {
      built = await scenario('symmetric', 'home', 'nat-c');
      const rtt = await pingBothWays(built.topology, built.pair);
      observe(`2c symmetric/home: ping ${rtt.ab ?? '-'} / ${rtt.ba ?? '-'} ms; ${await paths(built.pair)}`);
    });
    // Linux conntrack filters by the remote address AND port. The symmetric side's punches leave
    // from a fresh random port per destination, which the home router — open only towards the port
    // the supernode saw — drops; the home side's punches go to that supernode-facing port, whose
    // entry on the symmetric router only admits the supernode. Normal punching (n3n's too) thus
    // never gets a direct datagram through; Kith's port spray does (engine/edge/control/port-spray.ts): the
    // symmetric side opens extra sockets with TTL-limited openers, the home side probes random ports
    // of its router until one hits, and both then use that socket pair.
    it('both edges report the peer as direct (port spray)', async () => {
      assert.ok(built !== undefined);
      const started = Date.now();
      await Promise.all([waitForPeerPath(built.pair.a, 'direct', DIRECT_BY_SPRAY_MS), waitForPeerPath(built.pair.b, 'direct', DIRECT_BY_SPRAY_MS)]);
      const rtt = await pingBothWays(built.topology, built.pair);
      observe(`2c symmetric/home: direct after ${Date.now() - started} ms; ping ${rtt.ab ?? '-'} / ${rtt.ba ?? '-'} ms; ${await paths(built.pair)}`);
    });
  });

  // The extra socket's datagrams take the edge's normal receive path: header encryption with the
  // dynamic keys of a user/password community works through it like through the main socket.
  it('2c with user/password (header encryption, dynamic keys) → direct both ways', async () => {
    const cipher = '-Ocommunity.cipher=ChaCha20';
    const { topology, pair } = await scenario('symmetric', 'home', 'nat-upw', {
      communities: `nat-upw\n* kitha ${publicKey('kitha', 'kitha-test-pw')}\n* kithb ${publicKey('kithb', 'kithb-test-pw')}\n`,
      spec: { key: 'upw-test-key', extra: [cipher, '-Oauth.password=kitha-test-pw'] },
      specB: { extra: ['-Oconnection.register_interval=3', '-Oconnection.description=kithb', cipher, '-Oauth.password=kithb-test-pw'] },
    });
    await pingBothWays(topology, pair);
    const started = Date.now();
    await Promise.all([waitForPeerPath(pair.a, 'direct', DIRECT_BY_SPRAY_MS), waitForPeerPath(pair.b, 'direct', DIRECT_BY_SPRAY_MS)]);
    const rtt = await pingBothWays(topology, pair);
    observe(`2c user/password: direct after ${Date.now() - started} ms; ping ${rtt.ab ?? '-'} / ${rtt.ba ?? '-'} ms; ${await paths(pair)}`);
  });

  it('2d: both routers symmetric → traffic flows, both report relayed via the supernode', async () => {
    const { topology, pair } = await scenario('symmetric', 'symmetric', 'nat-d');
    const rtt = await pingBothWays(topology, pair);
    const [ofA, ofB] = await Promise.all([waitForPeerPath(pair.a, 'relayed', SETTLE_MS), waitForPeerPath(pair.b, 'relayed', SETTLE_MS)]);
    assert.ok(ofA.via !== undefined && ofB.via !== undefined, 'a relayed peer names the supernode it goes through');
    const peersA = await edgePeers(pair.a);
    assert.ok(peersA?.every((peer) => peer.path === 'relayed'));
    observe(`2d symmetric/symmetric: ping ${rtt.ab ?? '-'} / ${rtt.ba ?? '-'} ms; ${await paths(pair)}`);
  });
});
