// Issue 9 item 5: reflection through the edge. An attacker who knows only a community's name sends
// PACKETs and REGISTERs with made-up MACs and a spoofed source address (the victim's) — through the
// supernode, which relays them with that address inserted, and straight to the edges. Before the fix
// one 130-byte broadcast made an edge spray ~2,000 probes (183 kB) at random ports of the victim.
// DESIGN.md (Trust boundaries): nothing learned from an unauthenticated datagram makes a daemon send
// more bytes than it received, to anyone. Asserted as a bound per edge: what it sends to the victim
// (an iptables counter in its namespace) against what the attack delivered to it, both counted as
// whole IP packets, over a window that covers the punch retries and the first port-spray round.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TransformId } from '../../engine/crypto/transform.js';
import { BROADCAST_MAC } from '../../engine/protocol/index.js';
import type { Mac } from '../../engine/protocol/index.js';
import { mac, packet, register } from '../supernode/messages.js';
import { edgePeers, edgeStatus, observe, SETTLE_MS, stopNetwork, SUPERNODE_PORT, waitFor } from '../netns/kith.js';
import type { KithProcess } from '../netns/kith.js';
import { netnsSkipReason } from '../netns/topology.js';
import type { Host } from '../netns/topology.js';
import { bytesSentTo, countSentTo, edgeAddress, IPV4_UDP_OVERHEAD, RELAY_SOCKET_BYTES, sendDatagrams, spoofSource, startScene, wireBytes } from './attack.js';
import type { Datagram, Scene } from './attack.js';

const skip = netnsSkipReason();
const COMMUNITY = 'reflect';
/** Made-up MACs, one per spoofed broadcast (the 20-packet figure). */
const FAKE_PEERS = 20;
/** The PACKET payload that makes a 130-byte datagram, as in the issue. */
const PAYLOAD_BYTES = 92;
/**
 * How long the edges are watched after the attack arrived: past the punch retries (hole-punch.ts,
 * 15.25 s) and the first port-spray round (port-spray.ts EASY_START_MS + SPRAY_DURATION_MS = 10 s).
 */
const WATCH_MS = 20_000;

const fakeMac = (i: number): Mac => mac(`02:ee:00:00:00:${i.toString(16).padStart(2, '0')}`);

interface EdgeTarget {
  readonly proc: KithProcess;
  readonly host: Host;
  readonly mac: Mac;
  readonly port: number;
}

async function target(proc: KithProcess, host: Host): Promise<EdgeTarget> {
  return { proc, host, ...(await edgeAddress(proc)) };
}

describe('security: edges reflect nothing learned from spoofed datagrams', { skip, concurrency: false }, () => {
  let scene: Scene;
  let victim: Host;

  before(async () => {
    // Edges straight on the internet: their public port is their local one, the port spray's
    // "easy" side, which probes random ports of a peer's address from its main socket.
    scene = await startScene(COMMUNITY, 'reflect-test-key');
    victim = await scene.net.topology.publicHost('victim');
  });

  after(() => stopNetwork(scene?.net));

  it('spoofed relayed and direct PACKETs and REGISTERs: no edge sends the victim more than the attack delivered to it', async () => {
    const { net, pair, attacker } = scene;
    const { topology, runDir } = net;
    const edges = [await target(pair.a, pair.hostA), await target(pair.b, pair.hostB)];
    for (const edge of edges) await countSentTo(topology, edge.host.ns, victim.address);
    await spoofSource(topology, attacker.ns, victim.address);

    const sn = { to: net.snHost.address, port: SUPERNODE_PORT };
    const datagrams: Datagram[] = [];
    /** What reached each edge: relayed datagrams carry the inserted socket. */
    const delivered = new Map<EdgeTarget, number>(edges.map((edge) => [edge, 0]));
    const deliver = (to: readonly EdgeTarget[], datagram: Datagram, relayed: boolean): void => {
      datagrams.push(datagram);
      for (const edge of to) delivered.set(edge, (delivered.get(edge) ?? 0) + wireBytes(datagram) + (relayed ? RELAY_SOCKET_BYTES : 0));
    };
    const broadcast = (i: number): Datagram['message'] => ({ ...packet(COMMUNITY, fakeMac(i), BROADCAST_MAC, randomBytes(PAYLOAD_BYTES)), transform: TransformId.Aes });
    for (let i = 0; i < FAKE_PEERS; i++) {
      // The attack: a broadcast through the supernode, which relays it to every edge.
      deliver(edges, { ...sn, message: broadcast(i) }, true);
      // A second made-up peer also "answers" with a REGISTER relayed by the supernode (what makes an
      // edge punch at full TTL); a third speaks to the edges' sockets directly.
      deliver(edges, { ...sn, message: broadcast(FAKE_PEERS + i) }, true);
      for (const edge of edges) {
        deliver([edge], { ...sn, message: register(COMMUNITY, fakeMac(FAKE_PEERS + i), edge.mac, 'spoof') }, true);
        deliver([edge], { to: edge.host.address, port: edge.port, message: broadcast(2 * FAKE_PEERS + i) }, false);
        deliver([edge], { to: edge.host.address, port: edge.port, message: register(COMMUNITY, fakeMac(2 * FAKE_PEERS + i), edge.mac, 'spoof') }, false);
      }
    }
    const sent = await sendDatagrams(topology, runDir, attacker, 'spoofer', datagrams);
    assert.equal(sent.count, datagrams.length);

    // The attack arrived: each edge lists made-up peers.
    for (const edge of edges) {
      await waitFor(`${edge.proc.session} to see the spoofed peers`, async () => ((await edgePeers(edge.proc))?.some((peer) => peer.mac.startsWith('02:ee:')) === true ? true : undefined), SETTLE_MS);
    }
    await new Promise((resolve) => setTimeout(resolve, WATCH_MS));

    const attackBytes = sent.bytes + sent.count * IPV4_UDP_OVERHEAD;
    for (const edge of edges) {
      const toVictim = await bytesSentTo(topology, edge.host.ns, victim.address);
      const received = delivered.get(edge) ?? 0;
      const status = await edgeStatus(edge.proc);
      observe(`${edge.proc.session}: received ${received} B of the attack (attacker sent ${attackBytes} B in ${sent.count} datagrams), sent the victim ${toVictim.bytes} B in ${toVictim.packets} datagrams (×${(toVictim.bytes / received).toFixed(2)}); state ${status?.state ?? '-'}`);
      assert.ok(toVictim.bytes <= received, `${edge.proc.session} sent the victim ${toVictim.bytes} B for ${received} B received`);
    }
  });
});
