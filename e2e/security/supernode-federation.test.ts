// Federation takeover (issue 9, item 2 and F17) against a real supernode over UDP: without
// supernode.federation nobody joins with n3n's default name; with a name, a member learns no edge
// token it could register with, a member's NAK only removes an edge that member holds, and a
// clear-text "relayed" registration from a non-member moves nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bytesEqual } from '../../engine/protocol/codec.js';
import { AuthScheme, DEFAULT_TTL, macToString, MessageType } from '../../engine/protocol/index.js';
import type { Mac, RegisterSuperMessage, RegisterSuperNakMessage } from '../../engine/protocol/index.js';
import type { Supernode } from '../../supernode/supernode.js';
import { mac, registerSuper, simpleId } from '../supernode/messages.js';
import { headerEncryptionFor, SimPeer } from '../supernode/sim-peer.js';
import { LOOPBACK } from '../../engine/testing/loopback.js';
import { startSupernode, testConfig } from '../../supernode/testing/start.js';

const QUIET_MS = 600;
const FEDERATION = 'kithsecfed';

/** A supernode's own registration with the federation (PROTOCOL.md §9.8.2). */
function memberRegistration(federationName: string, memberMac: Mac): RegisterSuperMessage {
  return { ...registerSuper(`*${federationName}`, memberMac, { auth: simpleId(0x77) }), fromSupernode: true };
}

/** Waits QUIET_MS and returns what arrived of one type (nothing else is expected). */
async function collect(peer: SimPeer, type: MessageType): Promise<unknown[]> {
  const found: unknown[] = [];
  const deadline = Date.now() + QUIET_MS;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return found;
    try {
      const message = await peer.next(left);
      if (message.type === type) found.push(message);
    } catch {
      return found;
    }
  }
}

function edgeAt(supernode: Supernode, edgeMac: Mac): string | undefined {
  return supernode.edges().find((edge) => edge.mac === macToString(edgeMac))?.sockaddr;
}

describe('security: federation without supernode.federation', () => {
  it("accepts no member under n3n's default name and forwards no registration", async () => {
    const { supernode, port } = await startSupernode();
    const stranger = await SimPeer.open(headerEncryptionFor('*Federation'));
    const edge = await SimPeer.open();
    try {
      await stranger.send(memberRegistration('Federation', mac('02:5e:00:00:00:01')), port);
      assert.deepEqual(await collect(stranger, MessageType.RegisterSuperAck), [], 'no ACK for the default federation name');
      assert.deepEqual(supernode.federationMembers(), [], 'the stranger is no member');

      await edge.send(registerSuper('fedless', mac('02:5e:00:00:00:02'), { auth: simpleId(1), devAddr: { address: '10.61.0.1', prefix: 24 } }), port);
      await edge.nextOfType(MessageType.RegisterSuperAck);
      assert.equal(stranger.pending(), 0, 'nothing forwarded to the stranger');
    } finally {
      await stranger.close();
      await edge.close();
      await supernode.close();
    }
  });
});

describe('security: federation with a name, against a hostile member', () => {
  let supernode: Supernode;
  let port: number;
  let member: SimPeer;
  const memberMac = mac('02:5e:00:00:01:01');
  const peers: SimPeer[] = [];
  const open = async (): Promise<SimPeer> => {
    const peer = await SimPeer.open();
    peers.push(peer);
    return peer;
  };

  before(async () => {
    ({ supernode, port } = await startSupernode(testConfig((config) => (config.supernode.federation = FEDERATION))));
    member = await SimPeer.open(headerEncryptionFor(`*${FEDERATION}`));
    await member.send(memberRegistration(FEDERATION, memberMac), port);
    await member.nextOfType(MessageType.RegisterSuperAck);
  });
  after(async () => {
    for (const peer of [member, ...peers]) await peer.close();
    await supernode.close();
  });

  it('announces registrations without the edge token, so the member cannot register as the edge', async () => {
    const edge = await open();
    const edgeMac = mac('02:5e:00:00:02:01');
    const token = simpleId(0x42);
    await edge.send(registerSuper('fedtake', edgeMac, { auth: token, devAddr: { address: '10.62.0.1', prefix: 24 } }), port);
    await edge.nextOfType(MessageType.RegisterSuperAck);
    const announced = await member.nextOfType(MessageType.RegisterSuper);
    assert.equal(macToString(announced.edgeMac), macToString(edgeMac));
    assert.equal(announced.auth.scheme, AuthScheme.SimpleId, 'n3n members still see a simple-id registration');
    assert.ok(!bytesEqual(announced.auth.token, token.token), 'the token itself is not handed out');

    // The member registers the edge's MAC from its own address with what it was given.
    const thief = await open();
    await thief.send(registerSuper('fedtake', edgeMac, { auth: announced.auth, devAddr: { address: '10.62.0.1', prefix: 24 } }), port);
    const answer = await thief.next();
    assert.equal(answer.type, MessageType.RegisterSuperNak, 'refused');
    assert.equal(edgeAt(supernode, edgeMac), `${LOOPBACK}:${edge.port}`, 'the edge stays where it registered');
  });

  it("ignores a member's NAK for an edge that member does not hold", async () => {
    const edge = await open();
    const edgeMac = mac('02:5e:00:00:02:02');
    await edge.send(registerSuper('fednak', edgeMac, { cookie: 0x5151, auth: simpleId(0x43), devAddr: { address: '10.63.0.1', prefix: 24 } }), port);
    await edge.nextOfType(MessageType.RegisterSuperAck);
    const nak: RegisterSuperNakMessage = {
      type: MessageType.RegisterSuperNak,
      ttl: DEFAULT_TTL,
      fromSupernode: true,
      communityField: registerSuper('fednak', edgeMac).communityField,
      cookie: 0x5151,
      srcMac: edgeMac,
      auth: { scheme: AuthScheme.None, token: new Uint8Array(0) },
    };
    await member.sendClear(nak, port);
    await member.send(memberRegistration(FEDERATION, memberMac), port);
    await member.nextOfType(MessageType.RegisterSuperAck);
    assert.equal(edgeAt(supernode, edgeMac), `${LOOPBACK}:${edge.port}`, 'the edge is still registered');
    assert.equal(edge.pending(), 0, 'and was told nothing');
  });

  it('still lets the member that holds a MAC refuse a second edge with that MAC (n2n §9.3.8)', async () => {
    const edgeMac = mac('02:5e:00:00:02:03');
    // The member announces the MAC as registered there...
    const announcement = { ...registerSuper('fedclash', edgeMac, { auth: simpleId(0x50), devAddr: { address: '10.64.0.1', prefix: 24 } }), fromSupernode: true, socket: { family: 'IPv4' as const, address: '192.0.2.7', port: 4000 } };
    await member.sendClear(announcement, port);
    // ...then another edge registers the same MAC here, is announced to the member, and the member says no.
    const edge = await open();
    await edge.send(registerSuper('fedclash', edgeMac, { cookie: 0x6161, auth: simpleId(0x51), devAddr: { address: '10.64.0.2', prefix: 24 } }), port);
    await edge.nextOfType(MessageType.RegisterSuperAck);
    const forwarded = await member.nextOfType(MessageType.RegisterSuper);
    await member.sendClear({ type: MessageType.RegisterSuperNak, ttl: DEFAULT_TTL, fromSupernode: true, communityField: forwarded.communityField, cookie: forwarded.cookie, srcMac: edgeMac, auth: { scheme: AuthScheme.None, token: new Uint8Array(0) } }, port);
    const relayed = await edge.nextOfType(MessageType.RegisterSuperNak);
    assert.equal(relayed.cookie, 0x6161);
    assert.equal(edgeAt(supernode, edgeMac), undefined, 'the second edge is removed');
  });
});

describe('security: relayed registrations from non-members (F17)', () => {
  it('a clear-text REGISTER_SUPER with FROM_SUPERNODE and a socket from a stranger maps and moves nothing', async () => {
    const { supernode, port } = await startSupernode(testConfig((config) => (config.supernode.federation = FEDERATION)));
    const edge = await SimPeer.open();
    const stranger = await SimPeer.open();
    try {
      const edgeMac = mac('02:5e:00:00:03:01');
      await edge.send(registerSuper('f17', edgeMac, { auth: simpleId(0x61), devAddr: { address: '10.65.0.1', prefix: 24 } }), port);
      await edge.nextOfType(MessageType.RegisterSuperAck);
      const relayed = (target: Mac, token: number): RegisterSuperMessage => ({
        ...registerSuper('f17', target, { auth: simpleId(token), devAddr: { address: '10.65.0.9', prefix: 24 } }),
        fromSupernode: true,
        socket: { family: 'IPv4', address: '192.0.2.9', port: 5000 },
      });
      // A MAC registered nowhere here: n3n would map it to the stranger.
      await stranger.send(relayed(mac('02:5e:00:00:03:02'), 0x62), port);
      // The registered edge's MAC.
      await stranger.send(relayed(edgeMac, 0x63), port);
      assert.equal(stranger.pending() + (await collect(stranger, MessageType.RegisterSuperNak)).length, 0, 'no answer to a stranger');
      assert.deepEqual(supernode.associations(), [], 'no MAC mapping to the stranger');
      assert.equal(edgeAt(supernode, edgeMac), `${LOOPBACK}:${edge.port}`, 'the edge is still registered here');
      assert.equal(supernode.packetStats().drops['from-unknown-supernode'], 2);
    } finally {
      await edge.close();
      await stranger.close();
      await supernode.close();
    }
  });
});
