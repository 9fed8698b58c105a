// Simulated edges against a real Kith supernode (PROTOCOL.md §9): the hand-built scenarios of
// sn-scenarios.json replayed and compared, then registration with address assignment, lookups,
// relays, broadcasts, header encryption, user/password, refused communities and TTL 0.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthScheme, macToString, MessageType, NULL_MAC } from '../../engine/protocol/index.js';
import { readVectorJson } from '../../engine/testing/vectors.js';
import { encodeAsciiKey } from '../../engine/crypto/ascii-key.js';
import { dynamicHeaderKeys } from '../../engine/crypto/header-encryption.js';
import { randomBytes } from '../../engine/crypto/random.js';
import { edgeAuthToken, tokenCipher, unwrapDynamicKey, verifyAuthTrailer } from '../../engine/crypto/user-password.js';
import type { Supernode } from '../../supernode/supernode.js';
import { mac, packet, ping, queryPeer, register, registerSuper, simpleId, userKey } from './messages.js';
import { headerEncryptionFor, SimPeer } from './sim-peer.js';
import { startSupernode, SUPERNODE_MAC, testConfig } from '../../supernode/testing/start.js';
import { portOf, replay } from './vector-replay.js';
import type { CapturedVector } from './vector-replay.js';

/** Every peer PINGs; its next datagram must be the PONG, so nothing else was pending for it. */
async function assertNothingElsePending(peers: readonly SimPeer[], community: string, port: number): Promise<void> {
  for (const peer of peers) {
    await peer.send(ping(community, mac('02:99:00:00:00:99')), port);
    const reply = await peer.next();
    assert.equal(reply.type, MessageType.PeerInfo);
    assert.ok(reply.type === MessageType.PeerInfo && macToString(reply.srcMac) === macToString(SUPERNODE_MAC), 'PONG, not a left-over reply');
  }
}

describe('sn-scenarios.json replayed against kith-supernode', () => {
  it('answers every captured request as n3n-supernode did', async () => {
    const { vectors } = readVectorJson<{ vectors: CapturedVector[] }>('wire', 'sn-scenarios.json');
    const { supernode, port } = await startSupernode();
    const peers = new Map<number, SimPeer>();
    try {
      for (const vector of vectors) {
        for (const address of [vector.src, vector.dst]) {
          if (address.startsWith('127.0.0.1:') && portOf(address) !== 7001 && !peers.has(portOf(address))) peers.set(portOf(address), await SimPeer.open());
        }
      }
      const ports = new Map([...peers].map(([captured, peer]) => [captured, peer.port]));
      const compared = await replay(
        vectors,
        (address) => (address === '127.0.0.1:7001' ? port : undefined),
        (address) => peers.get(portOf(address))!,
        ports,
        // S13 travels over IPv6, which this loopback-IPv4 supernode does not listen on.
        (vector) => vector.src.startsWith('['),
      );
      assert.equal(compared, vectors.filter((v) => v.direction === 'sn->edge' && !v.src.startsWith('[')).length);
      await assertNothingElsePending([...peers.values()], 'vwcomm', port);
      const stats = supernode.packetStats();
      assert.equal(stats.drops['ttl-zero'], 1, 'S16');
      assert.equal(stats.registerSuperNaks, 3, 'S2, S10 (vwcomm), S17');
    } finally {
      for (const peer of peers.values()) await peer.close();
      await supernode.close();
    }
  });
});

describe('simulated edges', () => {
  let supernode: Supernode;
  let port: number;
  let dir: string;
  const peers: SimPeer[] = [];
  const open = async (...args: Parameters<typeof SimPeer.open>): Promise<SimPeer> => {
    const peer = await SimPeer.open(...args);
    peers.push(peer);
    return peer;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kith-sn-'));
    const file = join(dir, 'communities.list');
    writeFileSync(file, ['secure', 'vwuser', `* user1 ${encodeAsciiKey(userKey('user1', 'pass1').pub)}`, 'vwboot', 'open[0-9a-z]*', ''].join('\n'));
    ({ supernode, port } = await startSupernode(testConfig((config) => (config.supernode.community_file = file))));
  });
  after(async () => {
    for (const peer of peers) await peer.close();
    await supernode.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('assigns n3n addresses, answers queries and relays PACKET and REGISTER with the sender socket', async () => {
    const [a, b] = [await open(), await open()];
    const [macA, macB] = [mac('02:0a:00:00:00:01'), mac('02:0a:00:00:00:02')];
    // Bootstrap (§8.2): null MAC, no address → the address n3n derives from the description (§9.6.2).
    await a.send(registerSuper('vwboot', NULL_MAC, { description: 'edgeC', auth: simpleId(1), devAddr: { address: '0.0.0.0', prefix: 24 } }), port);
    const offer = await a.nextOfType(MessageType.RegisterSuperAck);
    assert.deepEqual(offer.devAddr, { address: '10.234.255.31', prefix: 24 });
    assert.equal(supernode.edges().length, 0, 'bootstrap requests are not stored');

    await a.send(registerSuper('vwboot', macA, { description: 'a', auth: simpleId(1), devAddr: offer.devAddr }), port);
    await b.send(registerSuper('vwboot', macB, { description: 'b', auth: simpleId(2), devAddr: { address: '10.234.255.2', prefix: 24 } }), port);
    assert.deepEqual((await a.nextOfType(MessageType.RegisterSuperAck)).devAddr, { address: '0.0.0.0', prefix: 0 });
    assert.equal((await b.nextOfType(MessageType.RegisterSuperAck)).socket.port, b.port);

    await b.send(queryPeer('vwboot', macB, macA), port);
    const info = await b.nextOfType(MessageType.PeerInfo);
    assert.deepEqual([macToString(info.srcMac), macToString(info.targetMac), info.socket.port], [macToString(macB), macToString(macA), a.port]);

    const payload = Uint8Array.from([1, 2, 3, 4]);
    await b.send(packet('vwboot', macB, macA, payload), port);
    const relayed = await a.nextOfType(MessageType.Packet);
    assert.equal(relayed.ttl, 1);
    assert.equal(relayed.fromSupernode, true);
    assert.equal(relayed.socket?.port, b.port);
    assert.deepEqual(Uint8Array.from(relayed.payload), payload);

    await a.send(register('vwboot', macA, macB, 'a'), port);
    const registration = await b.nextOfType(MessageType.Register);
    assert.equal(registration.ttl, 1);
    assert.equal(registration.socket?.port, a.port);
    assert.equal(registration.description, 'a');
  });

  it('broadcasts to every other edge of the community, never back to the sender', async () => {
    const edges = [await open(), await open(), await open()];
    const macs = edges.map((_, i) => mac(`02:0b:00:00:00:0${i + 1}`));
    for (const [i, edge] of edges.entries()) {
      await edge.send(registerSuper('openbc', macs[i]!, { description: `bc${i}`, auth: simpleId(10 + i), devAddr: { address: `10.1.1.${i + 1}`, prefix: 24 } }), port);
      await edge.nextOfType(MessageType.RegisterSuperAck);
      // Like a real edge, say something after the ACK: broadcasts go only to addresses that answered.
      await edge.send(ping('openbc', macs[i]!), port);
      await edge.nextOfType(MessageType.PeerInfo);
    }
    await edges[0]!.send(packet('openbc', macs[0]!, mac('ff:ff:ff:ff:ff:ff'), Uint8Array.from([9])), port);
    for (const edge of edges.slice(1)) assert.equal((await edge.nextOfType(MessageType.Packet)).socket?.port, edges[0]!.port);
    await assertNothingElsePending(edges, 'openbc', port);
  });

  it('header-encrypted community: listed as unknown, enabled by the first encrypted packet, no downgrade', async () => {
    assert.equal(supernode.communities().find((c) => c.community === 'secure')?.headerEncryption, 'unknown');
    const [a, b] = [await open(headerEncryptionFor('secure')), await open(headerEncryptionFor('secure'))];
    const [macA, macB] = [mac('02:0c:00:00:00:01'), mac('02:0c:00:00:00:02')];
    await a.send(registerSuper('secure', macA, { description: 'a', auth: simpleId(1), devAddr: { address: '10.2.0.1', prefix: 24 } }), port);
    const ack = await a.nextOfType(MessageType.RegisterSuperAck);
    assert.equal(ack.cookie, 0x1234);
    assert.equal(supernode.communities().find((c) => c.community === 'secure')?.headerEncryption, 'enabled');
    await b.send(registerSuper('secure', macB, { description: 'b', auth: simpleId(2), devAddr: { address: '10.2.0.2', prefix: 24 } }), port);
    await b.nextOfType(MessageType.RegisterSuperAck);
    await a.send(packet('secure', macA, macB, Uint8Array.from([7, 7])), port);
    const relayed = await b.nextOfType(MessageType.Packet);
    assert.equal(relayed.socket?.port, a.port);

    const plain = await open();
    await plain.send(ping('secure', macA), port);
    await plain.send(ping('openx', macA), port);
    assert.equal((await plain.next()).communityField[4], 'x'.charCodeAt(0), 'the clear PING to "secure" was dropped');
    assert.ok(supernode.packetStats().drops['clear-header-for-encrypted-community'] >= 1);
  });

  it('user/password community: ACK token unwraps to the dynamic key; a wrong password gets a NAK', async () => {
    const { pub, secret } = userKey('user1', 'pass1');
    const cipher = tokenCipher(secret);
    const edge = await open(headerEncryptionFor('vwuser', cipher));
    const challenge = randomBytes(16);
    const edgeMac = mac('02:0d:00:00:00:01');
    await edge.send(registerSuper('vwuser', edgeMac, { description: 'user1', auth: { scheme: AuthScheme.UserPassword, token: edgeAuthToken(pub, challenge, cipher) } }), port);
    const ack = await edge.nextOfType(MessageType.RegisterSuperAck);
    assert.ok(verifyAuthTrailer(cipher, ack.wire, ack.wire.length), 'ACK trailer');
    const dk = unwrapDynamicKey(ack.auth.token, challenge, cipher, secret);
    assert.ok(dk.ok, 'answer token unwraps');
    edge.crypto!.dynamicKeys = dynamicHeaderKeys(dk.value);
    await edge.send(ping('vwuser', edgeMac), port);
    assert.equal((await edge.nextOfType(MessageType.PeerInfo)).targetMac.every((b) => b === 0), true, 'PONG under the dynamic key');

    const wrong = userKey('user1', 'wrong');
    const intruder = await open(headerEncryptionFor('vwuser', tokenCipher(wrong.secret)));
    await intruder.send(registerSuper('vwuser', mac('02:0d:00:00:00:02'), { description: 'user1', auth: { scheme: AuthScheme.UserPassword, token: edgeAuthToken(wrong.pub, challenge, tokenCipher(wrong.secret)) } }), port);
    const nak = await intruder.nextOfType(MessageType.RegisterSuperNak);
    assert.equal(macToString(nak.srcMac), '02:0d:00:00:00:02');
  });

  it('NAKs a MAC that re-registers with another token', async () => {
    const [first, second] = [await open(), await open()];
    const edgeMac = mac('02:0e:00:00:00:01');
    await first.send(registerSuper('opennak', edgeMac, { auth: simpleId(1), devAddr: { address: '10.3.0.1', prefix: 24 } }), port);
    await first.nextOfType(MessageType.RegisterSuperAck);
    await second.send(registerSuper('opennak', edgeMac, { auth: simpleId(2), devAddr: { address: '10.3.0.1', prefix: 24 } }), port);
    const nak = await second.nextOfType(MessageType.RegisterSuperNak);
    assert.equal(macToString(nak.srcMac), macToString(edgeMac));
  });

  it('stays silent towards a community that is not listed, and drops ttl 0', async () => {
    const edge = await open();
    const before = supernode.packetStats();
    await edge.send(registerSuper('forbidden', mac('02:0f:00:00:00:01'), { auth: simpleId(1) }), port);
    await edge.send(registerSuper('openttl', mac('02:0f:00:00:00:02'), { auth: simpleId(1), ttl: 0 }), port);
    await assertNothingElsePending([edge], 'openttl', port);
    const stats = supernode.packetStats();
    assert.equal(stats.drops['community-not-admitted'] - before.drops['community-not-admitted'], 1);
    assert.equal(stats.drops['ttl-zero'] - before.drops['ttl-zero'], 1);
  });
});
