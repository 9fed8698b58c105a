// Issue 9, items 8 and 23 (Medium, Low): addresses from outside. A hostile supernode's auto-IP offer,
// a static address given on the command line or in an invite, and an invite's supernode must not
// let anyone route this host's traffic into the VPN (128.0.0.1/1 installed a /1 route) or take its
// LAN (192.168.50.x/24 beside the LAN's own route), nor point the edge at this computer itself.
// Real daemons in namespaces: a supernode whose community file hands out such subnets, root edges
// in auto mode on kith TAPs (configured by kith-tap), and edges given such -a addresses.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { decodeInvite, encodeInvite } from '../../engine/profiles/invite-link.js';
import { call, EDGE_MAIN, RunDir, startProgram, startSupernode, SUPERNODE_PORT, waitFor, type KithProcess } from '../netns/kith.js';
import { Topology, type Host } from '../netns/topology.js';
import { kithTapSkipReason } from './kith-tap-host.js';

const skip = kithTapSkipReason();
const SETTLE_MS = 20_000;
const DESTINATIONS = ['8.8.8.8', '128.0.0.1', '200.1.2.3', '192.168.50.7', '10.77.0.99'];

describe('security: addresses from outside cannot take the host’s traffic (issue 9, items 8 and 23)', { skip }, () => {
  let topology: Topology;
  let runDir: RunDir;
  let host: Host;
  let sn = '';
  const edges: KithProcess[] = [];

  const routing = async (): Promise<string> => {
    const gets = await Promise.all(DESTINATIONS.map((d) => topology.tryExec(host.ns, 'ip', ['-4', '-o', 'route', 'get', d])));
    return gets.map((g) => g.stdout.replace(/\s+uid \d+.*$/s, '')).join('\n');
  };
  const edge = (session: string, args: string[]): KithProcess => {
    const proc = startProgram(topology, runDir, host, session, {
      main: EDGE_MAIN,
      args: ['start', session, '-l', sn, `-Otuntap.name=${session}`, '-Oconnection.register_interval=3', `-Oconnection.description=${session}`, ...args],
    });
    edges.push(proc);
    return proc;
  };

  before(async () => {
    topology = Topology.create();
    runDir = new RunDir(topology);
    const snHost = await topology.publicHost('sn');
    // The supernode hands its communities these subnets: half the Internet, and the edge's LAN.
    writeFileSync(runDir.file('communities.list'), 'wide 128.0.0.0/1\nlan 192.168.50.0/24\n');
    const supernode = startSupernode(topology, runDir, snHost, 'sn', [`-Osupernode.community_file=${runDir.file('communities.list')}`]);
    await waitFor('the supernode', () => call(supernode, 'get_info'), SETTLE_MS);
    sn = `${snHost.address}:${SUPERNODE_PORT}`;
    host = await topology.publicHost('a');
    await topology.exec(host.ns, 'ip', ['route', 'add', 'default', 'via', '10.77.0.1']);
    await topology.exec(host.ns, 'ip', ['link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'lan1']);
    await topology.exec(host.ns, 'ip', ['address', 'add', '192.168.50.1/24', 'dev', 'lan0']);
    for (const link of ['lan0', 'lan1']) await topology.exec(host.ns, 'ip', ['link', 'set', link, 'up']);
  });

  after(async () => {
    await topology?.destroy();
    runDir?.remove();
  });

  it('an auto-IP offer of a /1 (half the Internet) is refused: no address, no route, a warning', async () => {
    const before = await routing();
    const wide = edge('kithwide', ['-c', 'wide']);
    await waitFor('the refusal', () => (/refused the address the supernode offered: \d+\.\d+\.\d+\.\d+\/1 overlaps link-local 169\.254\.0\.0\/16; allowed: inside 10\.0\.0\.0\/8/.test(wide.output()) ? true : undefined), SETTLE_MS);
    assert.doesNotMatch(await topology.exec(host.ns, 'ip', ['-4', 'address', 'show', 'dev', 'kithwide']), /inet /);
    assert.equal(await routing(), before);
  });

  it('an auto-IP offer inside the LAN is refused by kith-tap: the LAN stays on its interface', async () => {
    const before = await routing();
    const lan = edge('kithlan', ['-c', 'lan']);
    await waitFor('the refusal', () => (/cannot set 192\.168\.50\.\d+\/24 on TAP kithlan: [^\n]*overlaps the route to 192\.168\.50\.0\/24 via lan0/.test(lan.output()) ? true : undefined), SETTLE_MS);
    assert.doesNotMatch(await topology.exec(host.ns, 'ip', ['-4', 'address', 'show', 'dev', 'kithlan']), /inet /);
    assert.equal(await routing(), before);
  });

  it('a static address that would take traffic stops the edge at start, naming tuntap.address', async () => {
    for (const [address, says] of [
      ['128.0.0.1/1', 'overlaps link-local 169.254.0.0/16'],
      ['127.0.0.2/8', 'overlaps loopback 127.0.0.0/8'],
      ['10.0.0.1/0', 'overlaps this-network 0.0.0.0/8'],
      ['8.0.0.1/5', 'is not a private prefix'],
    ] as const) {
      const session = `kithst${edges.length}`;
      const proc = edge(session, ['-c', 'wide', '-a', address]);
      const code = await waitFor(`${address} to be refused`, () => proc.child.exitCode ?? undefined, SETTLE_MS, 100);
      assert.equal(code, 1, proc.output());
      assert.ok(proc.output().includes(`tuntap.address: ${address} ${says}`), proc.output());
      assert.equal((await topology.tryExec(host.ns, 'ip', ['link', 'show', session])).code, 1, `no TAP ${session} was made`);
    }
  });

  it('invites cannot bring such an address, nor point the edge at this computer', () => {
    const invite = { community: 'wide', key: '', cipher: 'null', compression: 'none', headerEncryption: false, supernodes: [sn], addressMode: 'auto', address: '' } as const;
    for (const address of ['128.0.0.1/1', '127.0.0.2/8', '10.0.0.1/0', '192.168.0.1/15']) {
      const decoded = decodeInvite(encodeInvite({ ...invite, addressMode: 'static', address }));
      assert.ok(!decoded.ok && /^The invite's address cannot be used/.test(decoded.detail ?? ''), address);
    }
    for (const local of ['127.0.0.1:7654', '127.0.0.1:5644', '[::1]:7654', 'localhost:7654', '127.1:7654']) {
      const decoded = decodeInvite(encodeInvite({ ...invite, supernodes: [local] }));
      assert.ok(!decoded.ok && /supernode on this computer itself/.test(decoded.detail ?? ''), local);
    }
    assert.ok(decodeInvite(encodeInvite(invite)).ok);
  });
});
