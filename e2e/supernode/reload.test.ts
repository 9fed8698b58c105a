// reload_communities against a real Kith supernode with simulated edges (PROTOCOL.md §9.5, §9.9,
// issue 12 item 5): a user taken out of the community file loses its registration and is refused
// from then on, while every edge still allowed keeps its record, with no gap and nothing to redo.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthScheme, macToString, MessageType } from '../../engine/protocol/index.js';
import type { Mac } from '../../engine/protocol/index.js';
import { encodeAsciiKey } from '../../engine/crypto/ascii-key.js';
import { dynamicHeaderKeys } from '../../engine/crypto/header-encryption.js';
import { randomBytes } from '../../engine/crypto/random.js';
import { edgeAuthToken, tokenCipher, unwrapDynamicKey } from '../../engine/crypto/user-password.js';
import type { Supernode } from '../../supernode/supernode.js';
import { startSupernode, testConfig } from '../../supernode/testing/start.js';
import { mac, ping, registerSuper, simpleId, userKey } from './messages.js';
import { headerEncryptionFor, SimPeer } from './sim-peer.js';

describe('reload_communities keeps the edges still allowed', () => {
  let supernode: Supernode;
  let port: number;
  let dir: string;
  let file: string;
  const peers: SimPeer[] = [];

  const userLine = (user: string): string => `* ${user} ${encodeAsciiKey(userKey(user, `${user}-password`).pub)}`;
  const writeList = (lines: readonly string[]): void => writeFileSync(file, [...lines, ''].join('\n'));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kith-reload-'));
    file = join(dir, 'communities.list');
    writeList(['family', userLine('alice'), userLine('bob'), 'plain', 'gone', 'open[a-z]*']);
    ({ supernode, port } = await startSupernode(testConfig((config) => (config.supernode.community_file = file))));
  });
  after(async () => {
    for (const peer of peers) await peer.close();
    await supernode.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A user/password edge of `family` registered as `user`, its dynamic key installed. */
  async function loggedIn(user: string, edgeMac: Mac, address: string): Promise<{ peer: SimPeer; register(): Promise<void> }> {
    const { pub, secret } = userKey(user, `${user}-password`);
    const cipher = tokenCipher(secret);
    const peer = await SimPeer.open(headerEncryptionFor('family', cipher));
    peers.push(peer);
    const send = async (): Promise<Uint8Array> => {
      const challenge = randomBytes(16);
      const auth = { scheme: AuthScheme.UserPassword, token: edgeAuthToken(pub, challenge, cipher) };
      await peer.send(registerSuper('family', edgeMac, { description: user, auth, devAddr: { address, prefix: 24 } }), port);
      return challenge;
    };
    const register = async (): Promise<void> => {
      const challenge = await send();
      const ack = await peer.nextOfType(MessageType.RegisterSuperAck);
      const dk = unwrapDynamicKey(ack.auth.token, challenge, cipher, secret);
      assert.ok(dk.ok, `${user}'s ACK carries a dynamic key`);
      peer.crypto!.dynamicKeys = dynamicHeaderKeys(dk.value);
    };
    await register();
    return { peer, register };
  }

  async function plainEdge(community: string, edgeMac: Mac, address: string): Promise<SimPeer> {
    const peer = await SimPeer.open();
    peers.push(peer);
    await peer.send(registerSuper(community, edgeMac, { auth: simpleId(edgeMac[5]!), devAddr: { address, prefix: 24 } }), port);
    await peer.nextOfType(MessageType.RegisterSuperAck);
    return peer;
  }

  it("removing a user drops only that user's edge; the others stay registered, their records untouched", async () => {
    const [aliceMac, bobMac, carolMac, daveMac, erinMac] = ['02:1a:00:00:00:01', '02:1a:00:00:00:02', '02:1a:00:00:00:03', '02:1a:00:00:00:04', '02:1a:00:00:00:05'].map(mac);
    const alice = await loggedIn('alice', aliceMac!, '10.9.0.1');
    const bob = await loggedIn('bob', bobMac!, '10.9.0.2');
    await plainEdge('plain', carolMac!, '10.9.1.3');
    await plainEdge('gone', daveMac!, '10.9.2.4');
    await plainEdge('openx', erinMac!, '10.9.3.5');
    const recordsBefore = new Map(supernode.edges().map((edge) => [edge.mac, edge]));
    assert.equal(recordsBefore.size, 5);

    const removed: string[] = [];
    const registered: string[] = [];
    supernode.events.on('edge-removed', (event) => removed.push(event.mac));
    supernode.events.on('edge-registered', (event) => registered.push(event.mac));
    writeList(['family', userLine('alice'), 'plain', 'open[a-z]*']);
    assert.equal(supernode.reloadCommunities(), 0);

    // Only bob (his user left) and dave (his community left) lost their registrations; the others'
    // records are the very ones from before, with nothing sent since.
    assert.deepEqual(removed.sort(), [bobMac, daveMac].map((m) => macToString(m!)).sort());
    const after = supernode.edges();
    assert.deepEqual(after.map((edge) => edge.mac).sort(), [aliceMac, carolMac, erinMac].map((m) => macToString(m!)).sort());
    for (const edge of after) assert.deepEqual(edge, recordsBefore.get(edge.mac), `${edge.mac}'s record`);
    assert.equal(supernode.communities().find((community) => community.community === 'family')?.users, 1);
    assert.deepEqual([...supernode.userRegistrations('family').keys()], ['alice'], 'the users with a registered device');

    // Bob is refused from now on.
    const bobChallenge = randomBytes(16);
    const bobKey = userKey('bob', 'bob-password');
    const bobAuth = { scheme: AuthScheme.UserPassword, token: edgeAuthToken(bobKey.pub, bobChallenge, tokenCipher(bobKey.secret)) };
    await bob.peer.send(registerSuper('family', bobMac!, { description: 'bob', auth: bobAuth, devAddr: { address: '10.9.0.2', prefix: 24 } }), port);
    assert.equal(macToString((await bob.peer.nextOfType(MessageType.RegisterSuperNak)).srcMac), macToString(bobMac!));
    assert.ok(!supernode.edges().some((edge) => edge.mac === macToString(bobMac!)));

    // Alice is told of the new key time under the old key (§9.9); her answer refreshes her record.
    await alice.peer.nextOfType(MessageType.ReRegisterSuper);
    await alice.register();
    await alice.peer.send(ping('family', aliceMac!), port);
    await alice.peer.nextOfType(MessageType.PeerInfo);
    assert.deepEqual(registered, [], 'no edge registered anew');
    assert.equal(supernode.edges().find((edge) => edge.mac === macToString(aliceMac!))?.timeAlloc, recordsBefore.get(macToString(aliceMac!))?.timeAlloc);
  });
});
