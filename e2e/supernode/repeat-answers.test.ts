// A real Kith supernode answers an edge's repeated REGISTER_SUPER from its UDP socket
// (native/register-answers.ts): exactly one ACK per request, the registration still recorded, and
// no answer from the socket once the supernode's verdict would differ — the edge left, the
// community was taken out of the file, or the request is sealed (it never repeats).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MessageType } from '../../engine/protocol/index.js';
import type { Mac } from '../../engine/protocol/index.js';
import { udpBatchSupported } from '../../native/udp.js';
import type { Supernode } from '../../supernode/supernode.js';
import { startSupernode, testConfig } from '../../supernode/testing/start.js';
import { mac, registerSuper, simpleId } from './messages.js';
import { headerEncryptionFor, SimPeer } from './sim-peer.js';

const skip = udpBatchSupported() ? false : 'the socket answers only where the addon has its batched UDP socket (Linux)';
/** Long enough for a second ACK, if one were sent, to arrive on loopback. */
const QUIET_MS = 150;

describe('repeated registrations answered by the supernode socket', { skip }, () => {
  let supernode: Supernode;
  let port: number;
  let dir: string;
  let file: string;
  const peers: SimPeer[] = [];
  const writeList = (lines: readonly string[]): void => writeFileSync(file, [...lines, ''].join('\n'));
  const answered = (): number => supernode.packetStats().registerSuperAnswered;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kith-repeat-'));
    file = join(dir, 'communities.list');
    writeList(['repeat', 'sealed']);
    ({ supernode, port } = await startSupernode(testConfig((config) => (config.supernode.community_file = file))));
  });
  after(async () => {
    for (const peer of peers) await peer.close();
    await supernode.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Each edge from its own loopback address, as from its own host (the supernode limits new edges per address).
  let hosts = 0;
  async function edge(sealed = false): Promise<SimPeer> {
    const peer = await SimPeer.open(sealed ? headerEncryptionFor('sealed') : undefined, 0, `127.0.94.${++hosts}`);
    peers.push(peer);
    return peer;
  }

  /** The REGISTER_SUPER of an edge that already has its address (PROTOCOL.md §8.2: 0.0.0.0 would be taken for another edge). */
  const request = (community: string, edgeMac: Mac, cookie: number, description = 'laptop'): ReturnType<typeof registerSuper> =>
    registerSuper(community, edgeMac, { cookie, description, auth: simpleId(edgeMac[5]!), devAddr: { address: `10.94.0.${edgeMac[5]!}`, prefix: 24 } });

  /** Registers with cookie; checks that exactly one ACK, with that cookie, answers it. */
  async function register(peer: SimPeer, community: string, edgeMac: Mac, cookie: number, description = 'laptop'): Promise<void> {
    await peer.send(request(community, edgeMac, cookie, description), port);
    const ack = await peer.nextOfType(MessageType.RegisterSuperAck);
    assert.equal(ack.cookie, cookie);
    await sleep(QUIET_MS);
    assert.equal(peer.pending(), 0, 'one answer per request');
  }

  it('a repeat gets one ACK, from the socket, and the supernode still records the registration', async () => {
    const peer = await edge();
    const edgeMac = mac('02:5e:00:00:00:01');
    const before = answered();
    await register(peer, 'repeat', edgeMac, 1);
    assert.equal(answered(), before, 'the first one is answered by the supernode');
    const acks = supernode.packetStats().registerSuperAcks;
    await register(peer, 'repeat', edgeMac, 2);
    await register(peer, 'repeat', edgeMac, 3);
    assert.equal(answered(), before + 2);
    assert.equal(supernode.packetStats().registerSuperAcks, acks + 2, 'counted as ACKs all the same');
    assert.ok(supernode.edges().some((row) => row.mac === '02:5e:00:00:00:01'));
    // Another description is another request: the supernode answers it.
    await register(peer, 'repeat', edgeMac, 4, 'desktop');
    assert.equal(answered(), before + 2);
  });

  it('after the edge left, its old request is answered by the supernode again', async () => {
    const peer = await edge();
    const edgeMac = mac('02:5e:00:00:00:02');
    await register(peer, 'repeat', edgeMac, 1);
    await register(peer, 'repeat', edgeMac, 2);
    const before = answered();
    const { communityField } = registerSuper('repeat', edgeMac);
    await peer.send({ type: MessageType.UnregisterSuper, ttl: 2, fromSupernode: false, communityField, auth: simpleId(edgeMac[5]!), srcMac: edgeMac }, port);
    for (let i = 0; i < 50 && supernode.edges().some((row) => row.mac === '02:5e:00:00:00:02'); i++) await sleep(10);
    await register(peer, 'repeat', edgeMac, 3);
    assert.equal(answered(), before, 'a new registration, answered by the supernode');
  });

  it('once the community is out of the file, a repeat gets no answer at all', async () => {
    const peer = await edge();
    const edgeMac = mac('02:5e:00:00:00:03');
    await register(peer, 'repeat', edgeMac, 1);
    await register(peer, 'repeat', edgeMac, 2);
    const before = answered();
    writeList(['sealed']);
    assert.equal(supernode.reloadCommunities(), 0);
    await peer.send(request('repeat', edgeMac, 3), port);
    await sleep(QUIET_MS);
    assert.equal(peer.pending(), 0, 'silence towards a community the supernode does not serve');
    assert.equal(answered(), before);
    writeList(['repeat', 'sealed']);
    assert.equal(supernode.reloadCommunities(), 0);
  });

  it('a sealed registration never repeats, so the supernode answers each one', async () => {
    const peer = await edge(true);
    const edgeMac = mac('02:5e:00:00:00:04');
    const before = answered();
    for (let cookie = 1; cookie <= 3; cookie++) await register(peer, 'sealed', edgeMac, cookie);
    assert.equal(answered(), before);
  });
});
