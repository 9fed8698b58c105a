// Broadcast fan-out amplification (issue 9, item 6) against a real supernode over UDP. The
// "victim" is 127.0.0.2: registrations sent from sockets bound there are what a spoofing attacker
// sends in its name (the supernode cannot tell them apart), and those sockets count what reaches
// the victim. Every loop is bounded in count and in time.
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import type { Socket as UdpSocket } from 'node:dgram';
import { describe, it } from 'node:test';
import { encodeMessage, MessageType } from '../../engine/protocol/index.js';
import type { Message } from '../../engine/protocol/index.js';
import { ManualClock } from '../../engine/clock.js';
import { mac, packet, ping, registerSuper, simpleId } from '../supernode/messages.js';
import { LOOPBACK, SimPeer } from '../supernode/sim-peer.js';
import { startSupernode, testConfig } from '../supernode/start.js';

const VICTIM = '127.0.0.2';
const SPOOFED_REGISTRATIONS = 500;
const BROADCASTS = 10;
const PAYLOAD = new Uint8Array(1400).fill(0xab);
/** A relayed PACKET: 38-byte header, the sender's 8-byte socket, the payload. */
const RELAYED_SIZE = 38 + 8 + PAYLOAD.length;
const SETTLE_MS = 1000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sockets bound to one address that count every byte they receive. */
class Victim {
  received = 0;
  datagrams = 0;
  readonly reached = new Set<number>();
  private constructor(readonly sockets: UdpSocket[]) {
    for (const [index, socket] of sockets.entries()) {
      socket.on('message', (bytes) => {
        this.received += bytes.length;
        this.datagrams++;
        if (bytes.length >= RELAYED_SIZE) this.reached.add(index);
      });
    }
  }

  static async open(count: number): Promise<Victim> {
    const sockets: UdpSocket[] = [];
    for (let i = 0; i < count; i++) {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, VICTIM, () => resolve());
      });
      sockets.push(socket);
    }
    return new Victim(sockets);
  }

  /** Sends from socket i (what a spoofer writes with the victim's address as source); returns the bytes sent. */
  send(i: number, message: Message, port: number): Promise<number> {
    const bytes = encodeMessage(message);
    return new Promise((resolve, reject) => this.sockets[i]!.send(bytes, port, LOOPBACK, (error) => (error ? reject(error) : resolve(bytes.length))));
  }

  async close(): Promise<void> {
    await Promise.all(this.sockets.map((socket) => new Promise<void>((resolve) => socket.close(() => resolve()))));
  }
}

const victimMac = (i: number) => mac(`02:76:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`);
const victimAddress = (i: number) => ({ address: `10.76.${(i + 1) >> 8}.${(i + 1) & 0xff}`, prefix: 16 });

/** An attacking edge that registers the way real edges do (REGISTER_SUPER, then a message). */
async function attacker(community: string, port: number): Promise<{ peer: SimPeer; sent: number }> {
  const peer = await SimPeer.open();
  const attackerMac = mac('02:76:ff:00:00:01');
  const registration = registerSuper(community, attackerMac, { auth: simpleId(0xaa), devAddr: { address: '10.76.255.1', prefix: 16 } });
  await peer.send(registration, port);
  await peer.nextOfType(MessageType.RegisterSuperAck);
  await peer.send(ping(community, attackerMac), port);
  await peer.nextOfType(MessageType.PeerInfo);
  return { peer, sent: encodeMessage(registration).length + encodeMessage(ping(community, attackerMac)).length };
}

async function broadcast(peer: SimPeer, community: string, port: number, count: number): Promise<number> {
  const message = packet(community, mac('02:76:ff:00:00:01'), mac('ff:ff:ff:ff:ff:ff'), PAYLOAD);
  for (let i = 0; i < count; i++) await peer.send(message, port);
  return count * encodeMessage(message).length;
}

interface Outcome {
  /** Bytes the attacker sent, spoofed ones included. */
  readonly sent: number;
  /** Bytes that reached the victim's address. */
  readonly received: number;
  /** The victim's ports a broadcast reached. */
  readonly reached: number;
  /** Edges registered in the victim's name. */
  readonly edgesAtVictim: number;
}

/**
 * 500 registrations in the victim's name (each followed by a PING from the same port when
 * speakForEdges: a spoofer that answers for every fake edge), then 10 broadcasts from a real edge.
 */
async function spoofAndBroadcast(community: string, speakForEdges: boolean): Promise<Outcome> {
  const { supernode, port } = await startSupernode();
  const victim = await Victim.open(SPOOFED_REGISTRATIONS);
  const { peer, sent: setup } = await attacker(community, port);
  try {
    let sent = setup;
    for (let i = 0; i < SPOOFED_REGISTRATIONS; i++) {
      sent += await victim.send(i, registerSuper(community, victimMac(i), { auth: simpleId(1), devAddr: victimAddress(i) }), port);
      if (speakForEdges) sent += await victim.send(i, ping(community, victimMac(i)), port);
    }
    await sleep(300);
    sent += await broadcast(peer, community, port, BROADCASTS);
    await sleep(SETTLE_MS);
    const edgesAtVictim = supernode.edges().filter((edge) => edge.sockaddr.startsWith(`${VICTIM}:`)).length;
    return { sent, received: victim.received, reached: victim.reached.size, edgesAtVictim };
  } finally {
    await peer.close();
    await victim.close();
    await supernode.close();
  }
}

const ratio = ({ received, sent }: Outcome): string => `the victim received ${received} bytes for the attacker's ${sent} (${(received / sent).toFixed(1)}×)`;

describe('security: broadcast fan-out amplification', () => {
  it('500 registrations in the name of one address, then 10 broadcasts, send the victim less than the attacker sent', { timeout: 60_000 }, async () => {
    const outcome = await spoofAndBroadcast('amp', false);
    assert.ok(outcome.received < outcome.sent, ratio(outcome));
    assert.equal(outcome.reached, 0, 'no broadcast reached an address that never answered');
  });

  it('an attacker that also speaks for every spoofed edge reaches at most the per-address edge limit', { timeout: 60_000 }, async () => {
    const outcome = await spoofAndBroadcast('amp2', true);
    assert.ok(outcome.edgesAtVictim <= 32, `${outcome.edgesAtVictim} edges registered in the name of one address`);
    assert.ok(outcome.reached <= 32, `broadcasts reached ${outcome.reached} of the victim's ports`);
    assert.ok(outcome.received < 8 * outcome.sent, ratio(outcome));
  });

  it("caps the bytes one sender's broadcasts fan out to", { timeout: 60_000 }, async () => {
    // A manual clock: the sender's budget does not refill while the test runs.
    const { supernode, port } = await startSupernode(testConfig(), { clock: new ManualClock() });
    const receivers: SimPeer[] = [];
    const { peer } = await attacker('fanout', port);
    try {
      for (let i = 0; i < 20; i++) {
        const receiver = await SimPeer.open(undefined, 0, `127.0.3.${i + 1}`);
        receivers.push(receiver);
        await receiver.send(registerSuper('fanout', victimMac(i), { auth: simpleId(2), devAddr: victimAddress(i) }), port);
        await receiver.nextOfType(MessageType.RegisterSuperAck);
        await receiver.send(ping('fanout', victimMac(i)), port);
        await receiver.nextOfType(MessageType.PeerInfo);
      }
      const offered = 400;
      await broadcast(peer, 'fanout', port, offered);
      await peer.send(ping('fanout', mac('02:76:ff:00:00:01')), port);
      await peer.nextOfType(MessageType.PeerInfo, 10_000);
      const copies = supernode.packetStats().broadcast;
      const budget = 2 * 1024 * 1024 + receivers.length * RELAYED_SIZE;
      assert.ok(copies * RELAYED_SIZE <= budget, `${copies} copies of ${RELAYED_SIZE} bytes fanned out (offered ${offered * receivers.length})`);
      assert.ok(copies > 0, 'broadcasts are relayed up to the budget');
    } finally {
      await peer.close();
      for (const receiver of receivers) await receiver.close();
      await supernode.close();
    }
  });
});
