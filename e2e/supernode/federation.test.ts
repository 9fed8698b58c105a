// Two federated Kith supernodes (PROTOCOL.md §9.8): they find each other, advertise each other in
// ACKs, announce edge registrations, and carry PACKETs, QUERY_PEER and PEER_INFO between edges
// registered at different supernodes. The edge side of sn-federation.json is replayed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { macToString, MessageType } from '../../engine/protocol/index.js';
import { readVectorJson } from '../../engine/testing/vectors.js';
import type { Supernode } from '../../supernode/supernode.js';
import { mac } from './messages.js';
import { SimPeer } from './sim-peer.js';
import { startSupernode, testConfig } from '../../supernode/testing/start.js';
import { portOf, replay } from './vector-replay.js';
import type { CapturedVector } from './vector-replay.js';

const POLL_MS = 10;
const POLL_ROUNDS = 300;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let round = 0; round < POLL_ROUNDS; round++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  assert.fail(`gave up waiting for ${what}`);
}

describe('federation of two kith supernodes', () => {
  const captured = readVectorJson<{ edge_side_vectors: CapturedVector[] }>('wire', 'sn-federation.json').edge_side_vectors;
  let sn1: { supernode: Supernode; port: number };
  let sn2: { supernode: Supernode; port: number };
  const edges = new Map<number, SimPeer>();

  before(async () => {
    // Both need the federation's name: without one a Kith supernode federates with no one.
    sn1 = await startSupernode(
      testConfig((config) => {
        config.supernode.macaddr = mac('02:00:00:00:01:01');
        config.supernode.federation = 'kithtestfed';
      }),
    );
    sn2 = await startSupernode(
      testConfig((config) => {
        config.supernode.macaddr = mac('02:00:00:00:01:02');
        config.supernode.federation = 'kithtestfed';
        config.supernode.peer = [{ host: '127.0.0.1', port: sn1.port }];
      }),
    );
    for (const port of [7020, 7021, 7022]) edges.set(port, await SimPeer.open());
    await until(
      () => [sn1, sn2].every(({ supernode }) => supernode.federationMembers().some((member) => member.lastSeen > 0)),
      'the supernodes to register with each other',
    );
  });
  after(async () => {
    for (const edge of edges.values()) await edge.close();
    await sn2.supernode.close();
    await sn1.supernode.close();
  });

  it('each supernode lists the other as a federation member', () => {
    assert.deepEqual(sn1.supernode.federationMembers().map((m) => [m.mac, m.sockaddr, m.purgeable]), [['02:00:00:00:01:02', `127.0.0.1:${sn2.port}`, true]]);
    assert.deepEqual(sn2.supernode.federationMembers().map((m) => [m.mac, m.sockaddr, m.purgeable]), [['02:00:00:00:01:01', `127.0.0.1:${sn1.port}`, false]]);
  });

  it('answers the captured edge requests as the n3n federation did, and relays PEER_INFO back', async () => {
    const supernodes = new Map([
      [7101, sn1.port],
      [7102, sn2.port],
    ]);
    const ports = new Map([...supernodes, ...[...edges].map(([capturedPort, edge]): [number, number] => [capturedPort, edge.port])]);
    // F6 needs a third supernode on IPv6.
    const compared = await replay(captured, (address) => supernodes.get(portOf(address)), (address) => edges.get(portOf(address))!, ports, (v) => v.name.startsWith('F6'));
    assert.equal(compared, 4, 'F1, F2, F4, F5');

    // F3: Y asked SN2 for X (registered at SN1); SN1 answers SN2, which relays it to Y (§9.3.7).
    const y = edges.get(7021)!;
    const info = await y.nextOfType(MessageType.PeerInfo);
    assert.equal(macToString(info.srcMac), '02:0f:00:00:00:02');
    assert.equal(macToString(info.targetMac), '02:0f:00:00:00:01');
    assert.equal(info.socket.port, edges.get(7020)!.port);
    assert.equal(info.ttl, 1);

    // Each supernode learned where the other's edge lives.
    assert.deepEqual(sn2.supernode.associations().map((a) => [a.mac, a.dest]), [['02:0f:00:00:00:01', `127.0.0.1:${sn1.port}`]]);
    assert.deepEqual(sn1.supernode.associations().map((a) => a.mac).sort(), ['02:0f:00:00:00:02']);
  });
});
