// Scenarios 5 and 6: a wrong key on one edge (no traffic, no crash, the error in its status), and
// header encryption with AES and LZO, and user/password login — each over real TAPs and UDP.
// The keys and passwords here are test values; they are passed on the command line, never logged.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { encodeAsciiKey } from '../../engine/crypto/ascii-key.js';
import { edgePrivateKey, publicKeyOf } from '../../engine/crypto/user-password.js';
import { assertAlive, call, describePeer, edgePeers, edgeStatus, observe, ping, pingBothWays, RunDir, SETTLE_MS, startPair, startSupernode, SUPERNODE_PORT, VPN_A, VPN_B, waitFor } from './kith.js';
import type { EdgeRowView, KithProcess } from './kith.js';
import { netnsSkipReason, Topology } from './topology.js';
import type { Host } from './topology.js';

const skip = netnsSkipReason();

function publicKey(user: string, password: string): string {
  const key = publicKeyOf(edgePrivateKey(user, password));
  if (!key.ok) throw new Error('key derivation failed');
  return encodeAsciiKey(key.value);
}

describe('netns: keys, header encryption and user/password', { skip, concurrency: false }, () => {
  let topology: Topology;
  let runDir: RunDir;
  let sn: KithProcess;
  let snAddress: string;
  const hosts: Host[] = [];

  before(async () => {
    topology = Topology.create();
    runDir = new RunDir(topology);
    const communities = runDir.file('communities.list');
    writeFileSync(communities, `wrongkey\nhenc\nupw\n* kitha ${publicKey('kitha', 'kitha-test-pw')}\n* kithb ${publicKey('kithb', 'kithb-test-pw')}\n`);
    const snHost = await topology.publicHost('sn');
    snAddress = `${snHost.address}:${SUPERNODE_PORT}`;
    sn = startSupernode(topology, runDir, snHost, 'sn', [`-Osupernode.community_file=${communities}`]);
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    // One pair of hosts per test: each test's edges are stopped before the next starts.
    for (const role of ['a1', 'b1', 'a2', 'b2', 'a3', 'b3']) hosts.push(await topology.publicHost(role));
  });

  after(async () => {
    await topology?.destroy();
    runDir?.remove();
  });

  it('5: a wrong key on one edge: no traffic, no crash, the error in its status', async () => {
    // The supernode, not the edges, says both registered: an edge that has already received its peer's
    // undecryptable frames says 'error' instead of 'registered', which is what this test wants to see.
    const bothAtSupernode = async (): Promise<unknown> =>
      waitFor('both edges at the supernode', async () => {
        const rows = (await call(sn, 'get_edges')) as EdgeRowView[] | undefined;
        return (rows?.filter((row) => row.community === 'wrongkey').length ?? 0) >= 2 ? true : undefined;
      }, SETTLE_MS);
    const pair = await startPair(topology, runDir, hosts[0]!, hosts[1]!, { community: 'wrongkey', supernodes: [snAddress], key: 'right-test-key', extra: ['-Ocommunity.cipher=AES'] }, { key: 'wrong-test-key' }, bothAtSupernode);
    const ab = await ping(topology, pair.hostA.ns, VPN_B, 5);
    const ba = await ping(topology, pair.hostB.ns, VPN_A, 5);
    assert.equal(ab.ok, false, 'no reply across mismatched keys');
    assert.equal(ba.ok, false, 'no reply across mismatched keys');
    const status = await waitFor(
      'an edge to report the key problem',
      async () => {
        const [sa, sb] = [await edgeStatus(pair.a), await edgeStatus(pair.b)];
        return [sa, sb].find((s) => s?.state === 'error' && s.reason !== undefined);
      },
      SETTLE_MS,
    );
    assertAlive(pair.a);
    assertAlive(pair.b);
    observe(`wrong key: pings failed both ways; status ${status.state}: ${status.reason ?? ''}`);
    await Promise.all([topology.stop(pair.a.child), topology.stop(pair.b.child)]);
  });

  it('6a: header encryption + AES + LZO', async () => {
    const pair = await startPair(topology, runDir, hosts[2]!, hosts[3]!, {
      community: 'henc',
      supernodes: [snAddress],
      key: 'henc-test-key',
      extra: ['-Ocommunity.cipher=AES', '-Ocommunity.compression=lzo', '-Ocommunity.header_encryption=true'],
    });
    const rtt = await pingBothWays(topology, pair);
    observe(`header encryption + AES + LZO: ping ${rtt.ab ?? '-'} / ${rtt.ba ?? '-'} ms; a sees ${describePeer((await edgePeers(pair.a))?.[0])}`);
    await Promise.all([topology.stop(pair.a.child), topology.stop(pair.b.child)]);
  });

  it('6b: user/password login (ChaCha20)', async () => {
    const pair = await startPair(
      topology,
      runDir,
      hosts[4]!,
      hosts[5]!,
      { community: 'upw', supernodes: [snAddress], key: 'upw-test-key', extra: ['-Ocommunity.cipher=ChaCha20', '-Oauth.password=kitha-test-pw'] },
      { extra: ['-Oconnection.register_interval=3', '-Oconnection.description=kithb', '-Ocommunity.cipher=ChaCha20', '-Oauth.password=kithb-test-pw'] },
    );
    const rtt = await pingBothWays(topology, pair);
    observe(`user/password: ping ${rtt.ab ?? '-'} / ${rtt.ba ?? '-'} ms; a sees ${describePeer((await edgePeers(pair.a))?.[0])}`);
    await Promise.all([topology.stop(pair.a.child), topology.stop(pair.b.child)]);
  });
});
