// Community table exhaustion (issue 9, item 16) on an open supernode: fake communities created by
// one sender, or by many addresses, must not keep a new community out. Other loopback addresses
// (127.0.x.y) stand for other hosts. Bounded in count and in time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageType } from '../../engine/protocol/index.js';
import { mac, packet, ping, registerSuper, simpleId } from '../supernode/messages.js';
import { SimPeer } from '../supernode/sim-peer.js';
import { startSupernode, testConfig } from '../../supernode/testing/start.js';

const FAKE_COMMUNITIES = 4100;
const WAIT_MS = 3000;

const fakeMac = (i: number) => mac(`02:16:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`);

/** Registers an edge and answers like a real edge; resolves with the reply type (or undefined: silence). */
async function join(peer: SimPeer, community: string, edgeMac: Uint8Array, port: number, address: string): Promise<MessageType | undefined> {
  await peer.send(registerSuper(community, edgeMac, { auth: simpleId(3), devAddr: { address, prefix: 24 } }), port);
  try {
    return (await peer.next(WAIT_MS)).type;
  } catch {
    return undefined;
  }
}

describe('security: community table', () => {
  it('4,100 fake communities from one sender leave room for a new community', { timeout: 60_000 }, async () => {
    const { supernode, port } = await startSupernode();
    const flooder = await SimPeer.open();
    const newcomer = await SimPeer.open(undefined, 0, '127.0.0.3');
    try {
      for (let i = 0; i < FAKE_COMMUNITIES; i++) {
        await flooder.sendRaw(flooder.seal(registerSuper(`fake${i}`, fakeMac(i), { auth: simpleId(1), devAddr: { address: '10.16.0.1', prefix: 24 } })), port);
      }
      // Answered only once every registration before it was read.
      await flooder.send(ping('fake0', fakeMac(0)), port);
      await flooder.nextOfType(MessageType.PeerInfo, 10_000);
      assert.ok(supernode.communities().length <= 64, `${supernode.communities().length} communities from one sender`);
      assert.equal(await join(newcomer, 'family', mac('02:16:ff:00:00:01'), port, '10.16.1.1'), MessageType.RegisterSuperAck);
    } finally {
      await flooder.close();
      await newcomer.close();
      await supernode.close();
    }
  });

  it('communities that never carried traffic make way; one in use stays', { timeout: 60_000 }, async () => {
    const maxCommunities = 40;
    const { supernode, port } = await startSupernode(testConfig(), { limits: { maxCommunities } });
    const peers: SimPeer[] = [];
    const open = async (address: string): Promise<SimPeer> => {
      const peer = await SimPeer.open(undefined, 0, address);
      peers.push(peer);
      return peer;
    };
    try {
      // A community in use: two edges that exchange a PACKET through the supernode.
      const [a, b] = [await open('127.0.5.1'), await open('127.0.5.2')];
      const [macA, macB] = [mac('02:16:aa:00:00:01'), mac('02:16:aa:00:00:02')];
      assert.equal(await join(a, 'inuse', macA, port, '10.17.0.1'), MessageType.RegisterSuperAck);
      assert.equal(await join(b, 'inuse', macB, port, '10.17.0.2'), MessageType.RegisterSuperAck);
      await a.send(packet('inuse', macA, macB, Uint8Array.from([1])), port);
      await b.nextOfType(MessageType.Packet);

      // Each fake community from an address of its own (a spoofing sender is not held back per address).
      for (let i = 0; i < maxCommunities + 20; i++) {
        const flooder = await open(`127.0.6.${i + 1}`);
        assert.equal(await join(flooder, `fake${i}`, fakeMac(i), port, '10.18.0.1'), MessageType.RegisterSuperAck, `fake community ${i}`);
      }
      assert.ok(supernode.communities().length <= maxCommunities + 1);
      assert.ok(supernode.communities().some((row) => row.community === 'inuse'), 'the community in use is kept');
      await a.send(packet('inuse', macA, macB, Uint8Array.from([2])), port);
      await b.nextOfType(MessageType.Packet);
      const newcomer = await open('127.0.7.1');
      assert.equal(await join(newcomer, 'family', mac('02:16:ff:00:00:02'), port, '10.19.0.1'), MessageType.RegisterSuperAck);
    } finally {
      for (const peer of peers) await peer.close();
      await supernode.close();
    }
  });
});
