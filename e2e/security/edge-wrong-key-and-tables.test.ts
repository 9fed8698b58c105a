// Issue 9 item 15: an attacker who knows only a community's name had the supernode relay three
// undecryptable PACKETs, and every edge of the community went into the red "wrong key" state; relayed
// PACKETs with made-up MACs grew an edge's peer table to thousands of entries. Now undecryptable
// PACKETs count only from an address the supernode vouched for that MAC (engine/edge/data-path/wrong-key.ts),
// and the peer table is bounded in total and per source address, evicting only peers the supernode
// has not vouched for (engine/edge/control/peer-table.ts).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TransformId } from '../../engine/crypto/transform.js';
import { MAX_PEERS, MAX_UNVOUCHED_PER_ADDRESS } from '../../engine/edge/control/peer-table.js';
import { BROADCAST_MAC, macToString } from '../../engine/protocol/index.js';
import type { Mac } from '../../engine/protocol/index.js';
import { mac, packet } from '../supernode/messages.js';
import { edgePeers, edgeStatus, observe, pingBothWays, SETTLE_MS, stopNetwork, SUPERNODE_PORT, waitFor } from '../netns/kith.js';
import type { KithProcess } from '../netns/kith.js';
import { INTERNET_LEN, INTERNET_PREFIX, netnsSkipReason } from '../netns/topology.js';
import { addAliases, edgeAddress, sendDatagrams, startScene } from './attack.js';
import type { Datagram, Scene } from './attack.js';

const skip = netnsSkipReason();
const COMMUNITY = 'tables';
/**
 * After the last spoofed PACKET is seen, the edges get this long for what it may still set off (a
 * QUERY_PEER to the supernode and its answer) before their state is read.
 */
const SETTLE_AFTER_ATTACK_MS = 2_000;
/** Made-up MACs from the attacker's own address (the issue saw 2,537 entries). */
const FROM_ONE_ADDRESS = 1_500;
/** Source addresses on the attacker's interface, enough to fill the table to MAX_PEERS with made-up MACs. */
const ALIASES = Array.from({ length: 155 }, (_, i) => `${INTERNET_PREFIX}.${100 + i}`);

/** A made-up MAC from a 24-bit number. */
function fakeMac(n: number): Mac {
  return mac(`02:ef:00:${((n >> 16) & 0xff).toString(16).padStart(2, '0')}:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`);
}

async function macOf(proc: KithProcess): Promise<Mac> {
  return (await edgeAddress(proc)).mac;
}

/** An undecryptable PACKET (random bytes where the AES payload belongs), broadcast from srcMac. */
function garbage(srcMac: Mac): Datagram['message'] {
  return { ...packet(COMMUNITY, srcMac, BROADCAST_MAC, randomBytes(64)), transform: TransformId.Aes };
}

describe('security: spoofed PACKETs neither fake a wrong key nor fill the peer table', { skip, concurrency: false }, () => {
  let scene: Scene;

  before(async () => {
    scene = await startScene(COMMUNITY, 'tables-test-key');
    // Real traffic first: each edge knows the other as a vouched, direct peer.
    await pingBothWays(scene.net.topology, scene.pair);
  });

  after(() => stopNetwork(scene?.net));

  async function waitForPeer(proc: KithProcess, wanted: Mac): Promise<void> {
    const text = macToString(wanted);
    await waitFor(`${proc.session} to list ${text}`, async () => ((await edgePeers(proc))?.some((peer) => peer.mac === text) === true ? true : undefined), SETTLE_MS);
  }

  it('undecryptable PACKETs relayed from made-up and from real MACs leave the edges out of the wrong-key state', async () => {
    const { net, pair, attacker } = scene;
    const [macA, macB] = [await macOf(pair.a), await macOf(pair.b)];
    const sn = { to: net.snHost.address, port: SUPERNODE_PORT };
    const datagrams: Datagram[] = [];
    for (let i = 0; i < 10; i++) {
      // Made-up senders, and the real edges' MACs from the attacker's address.
      datagrams.push({ ...sn, message: garbage(fakeMac(i)) });
      datagrams.push({ ...sn, message: garbage(macA) });
      datagrams.push({ ...sn, message: garbage(macB) });
    }
    const last = fakeMac(0xffff);
    datagrams.push({ ...sn, message: garbage(last) });
    await sendDatagrams(net.topology, net.runDir, attacker, 'garbage', datagrams);
    await Promise.all([waitForPeer(pair.a, last), waitForPeer(pair.b, last)]);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_AFTER_ATTACK_MS));
    for (const proc of [pair.a, pair.b]) {
      const status = await edgeStatus(proc);
      observe(`${proc.session} after ${datagrams.length} undecryptable relayed PACKETs: ${status?.state ?? '-'}${status?.reason === undefined ? '' : ` (${status.reason})`}`);
      assert.equal(status?.state, 'registered', `${proc.session}: ${status?.reason ?? ''}`);
    }
  });

  it('relayed made-up MACs from one and from many addresses stay within the table bounds; the real peer stays', async () => {
    const { net, pair, attacker } = scene;
    const { topology, runDir } = net;
    await addAliases(topology, attacker.ns, ALIASES, INTERNET_LEN);
    const sn = { to: net.snHost.address, port: SUPERNODE_PORT };
    const datagrams: Datagram[] = [];
    let n = 0x10000;
    for (let i = 0; i < FROM_ONE_ADDRESS; i++) datagrams.push({ ...sn, message: garbage(fakeMac(n++)) });
    for (let round = 0; round < MAX_UNVOUCHED_PER_ADDRESS; round++) for (const from of ALIASES) datagrams.push({ ...sn, from, message: garbage(fakeMac(n++)) });
    const last = fakeMac(n - 1);
    await sendDatagrams(topology, runDir, attacker, 'flood', datagrams);
    await Promise.all([waitForPeer(pair.a, last), waitForPeer(pair.b, last)]);

    const [macA, macB] = [await macOf(pair.a), await macOf(pair.b)];
    for (const [proc, other] of [
      [pair.a, macB],
      [pair.b, macA],
    ] as const) {
      const peers = (await edgePeers(proc)) ?? [];
      const perAddress = new Map<string, number>();
      for (const peer of peers) {
        if (!peer.mac.startsWith('02:ef:')) continue;
        const address = peer.socket?.slice(0, peer.socket.lastIndexOf(':')) ?? '-';
        perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
      }
      const otherText = macToString(other);
      const real = peers.find((peer) => peer.mac === otherText);
      observe(`${proc.session} after ${datagrams.length} relayed made-up MACs from ${ALIASES.length + 1} addresses: ${peers.length} peers, at most ${Math.max(...perAddress.values())} per address; the real peer ${real?.path ?? 'gone'}`);
      assert.ok(peers.length <= MAX_PEERS, `${peers.length} peer records`);
      assert.ok([...perAddress.values()].every((count) => count <= MAX_UNVOUCHED_PER_ADDRESS), 'per-address bound');
      assert.equal(real?.path, 'direct', 'the real peer is still there, on its direct path');
      assert.equal((await edgeStatus(proc))?.state, 'registered');
    }
    await pingBothWays(topology, pair);
  });
});
