// Hostile input and churn: 100,000 malformed datagrams over real UDP (random bytes, truncated and
// oversized datagrams, bit-flipped and cut real requests) must be dropped and counted while the
// supernode keeps serving; edges expire after 60 s on the supernode's clock and the tables stay
// bounded however many edges come and go.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { macToString, MessageType } from '../../engine/protocol/index.js';
import { untrustedBytes } from '../../engine/testing/fuzz.js';
import { fromHex, readVectorJson } from '../../engine/testing/vectors.js';
import { ManualClock } from '../../engine/clock.js';
import { mac, packet, ping, registerSuper, simpleId } from './messages.js';
import { SimPeer } from './sim-peer.js';
import { startSupernode, testConfig } from './start.js';

const GARBAGE_DATAGRAMS = 100_000;
// Small enough that a batch always fits the supernode's socket buffer; the control PING after each
// batch is answered only once the whole batch was read.
const BATCH = 100;
const OVERSIZED = 2049;

function seedRequests(): Uint8Array[] {
  const packets = readVectorJson<{ packets: { src: string; hex: string }[] }>('wire', 'sn-test-packets.json').packets;
  const scenarios = readVectorJson<{ vectors: { direction: string; hex: string }[] }>('wire', 'sn-scenarios.json').vectors;
  return [...packets.filter((p) => p.src === '127.0.0.1:7000' && p.hex.length > 4).map((p) => p.hex), ...scenarios.filter((v) => v.direction === 'edge->sn').map((v) => v.hex)].map(fromHex);
}

describe('abuse', () => {
  it('drops and counts 100,000 malformed datagrams and keeps serving', { timeout: 180_000 }, async () => {
    const { supernode, port } = await startSupernode();
    // The attacker's garbage spends its own address's budgets (sender-limits.ts), so the control
    // peer and the normal edges sit at other loopback addresses, as other hosts would.
    const attacker = await SimPeer.open();
    const [control, a, b] = [await SimPeer.open(undefined, 0, '127.0.0.4'), await SimPeer.open(undefined, 0, '127.0.0.3'), await SimPeer.open(undefined, 0, '127.0.0.3')];
    try {
      // A registered edge's PINGs are answered however often it asks; a stranger's are rate-limited.
      await control.send(registerSuper('control', mac('02:cc:00:00:00:01'), { auth: simpleId(9), devAddr: { address: '10.9.8.1', prefix: 24 } }), port);
      await control.nextOfType(MessageType.RegisterSuperAck);
      const garbage = untrustedBytes(seedRequests(), 2100);
      let sent = 0;
      for (let batch = 0; sent < GARBAGE_DATAGRAMS; batch++) {
        const datagrams = fc.sample(garbage, { numRuns: BATCH, seed: batch });
        // One oversized datagram per batch, to exercise that bound too.
        datagrams[batch % BATCH] = new Uint8Array(OVERSIZED + batch);
        for (const datagram of datagrams) await attacker.sendRaw(datagram, port);
        sent += datagrams.length;
        await control.send(ping('control', mac('02:cc:00:00:00:01')), port);
        await control.nextOfType(MessageType.PeerInfo);
      }
      const stats = supernode.packetStats();
      const controlMessages = 1 + sent / BATCH;
      assert.equal(stats.received, sent + controlMessages, 'every datagram reached the supernode');
      assert.equal(stats.totalDrops + stats.accepted, stats.received, 'each datagram was either dropped or acted on');
      assert.ok(stats.totalDrops > sent / 2, `most garbage dropped (${stats.totalDrops})`);
      assert.ok(stats.drops.oversized >= sent / BATCH);
      assert.ok(stats.drops['too-short'] > 0 && stats.drops.undecodable > 0);

      // A normal edge still registers and gets a PACKET relayed.
      const [macA, macB] = [mac('02:ab:00:00:00:01'), mac('02:ab:00:00:00:02')];
      await a.send(registerSuper('after', macA, { auth: simpleId(1), devAddr: { address: '10.9.9.1', prefix: 24 } }), port);
      await b.send(registerSuper('after', macB, { auth: simpleId(2), devAddr: { address: '10.9.9.2', prefix: 24 } }), port);
      await a.nextOfType(MessageType.RegisterSuperAck);
      await b.nextOfType(MessageType.RegisterSuperAck);
      await a.send(packet('after', macA, macB, Uint8Array.from([1])), port);
      assert.equal(macToString((await b.nextOfType(MessageType.Packet)).srcMac), macToString(macA));
    } finally {
      for (const peer of [attacker, control, a, b]) await peer.close();
      await supernode.close();
    }
  });
});

describe('purging', () => {
  it('expires edges 60 s after their last registration and removes emptied communities', async () => {
    const clock = new ManualClock();
    const { supernode, port } = await startSupernode(testConfig(), { clock });
    const edge = await SimPeer.open();
    try {
      const removed: string[] = [];
      supernode.events.on('edge-removed', (event) => removed.push(`${event.mac} ${event.reason}`));
      await edge.send(registerSuper('purge', mac('02:dd:00:00:00:01'), { auth: simpleId(1), devAddr: { address: '10.8.0.1', prefix: 24 } }), port);
      await edge.nextOfType(MessageType.RegisterSuperAck);
      clock.advance(59_000);
      supernode.runTimers();
      assert.equal(supernode.edges().length, 1, 'not yet expired');
      // The purge runs every 30 s (§9.7), so the edge goes at the first run after 60 s.
      clock.advance(30_000);
      supernode.runTimers();
      assert.equal(supernode.edges().length, 0);
      assert.deepEqual(removed, ['02:dd:00:00:00:01 purged']);
      assert.deepEqual(supernode.communities().map((c) => c.community), ['-/-'], 'purgeable community removed');
    } finally {
      await edge.close();
      await supernode.close();
    }
  });

  it('keeps tables bounded while edges churn', async () => {
    const clock = new ManualClock();
    // One sender registers everything here: its per-address budgets are lifted, the table bounds are tested.
    const senderLimits = { edgesPerAddress: 0, registrationsPerAddress: 0, registrationsPerCommunity: 0, communitiesPerAddress: 0 };
    const { supernode, port } = await startSupernode(testConfig(), { clock, limits: { maxEdges: 300, maxCommunities: 50, ...senderLimits } });
    const edge = await SimPeer.open();
    let evicted = 0;
    supernode.events.on('edge-removed', (event) => (evicted += event.reason === 'evicted' ? 1 : 0));
    try {
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < 400; i++) {
          const edgeMac = mac(`02:ee:00:${round.toString(16).padStart(2, '0')}:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`);
          await edge.send(registerSuper(`churn${i % 60}`, edgeMac, { auth: simpleId(1), devAddr: { address: `10.7.${round}.${i % 250}`, prefix: 24 } }), port);
        }
        await edge.send(ping('churn0', mac('02:ee:ff:ff:ff:ff')), port);
        await edge.nextOfType(MessageType.PeerInfo, 10_000);
        assert.ok(supernode.edges().length <= 300, 'edge bound');
        assert.ok(supernode.communities().length <= 51, 'community bound');
        clock.advance(61_000);
        supernode.runTimers();
        assert.equal(supernode.edges().length, 0, `round ${round}: everything expired`);
      }
      // The bounds were reached: new edges refused, or communities that never carried traffic evicted.
      assert.ok(supernode.packetStats().drops['table-full'] > 0 || evicted > 0);
    } finally {
      await edge.close();
      await supernode.close();
    }
  });
});
