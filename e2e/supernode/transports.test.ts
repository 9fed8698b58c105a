// The supernode's transports (PROTOCOL.md §1): one dual-stack UDP socket that answers IPv6 and IPv4
// edges with sockets of their own family (never IPv4-mapped), and TCP with 2-byte length framing,
// where a registered edge gets everything through its connection and is dropped when it closes.
// Edges report distinct addresses: the supernode takes an unknown MAC with an address already
// registered for the community as that edge's new MAC (PROTOCOL.md §9.3.1 step 9).
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decodeMessage, encodeMessage, frameMessage, MessageType, TcpDeframer, TCP_MAX_FRAME_EDGE } from '../../engine/protocol/index.js';
import type { DecodedMessage, Message } from '../../engine/protocol/index.js';
import type { Supernode } from '../../supernode/supernode.js';
import { mac, packet, registerSuper, simpleId } from './messages.js';
import { SimPeer } from './sim-peer.js';
import { startSupernode, testConfig } from '../../supernode/testing/start.js';

const WAIT_MS = 3000;

/** Sends one datagram from a fresh socket of the given family and returns the decoded answer. */
async function udpExchange(family: 'udp4' | 'udp6', message: Message, port: number): Promise<{ reply: DecodedMessage; localPort: number }> {
  const socket = createSocket(family);
  const host = family === 'udp6' ? '::1' : '127.0.0.1';
  try {
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    const answer = new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer')), WAIT_MS);
      socket.once('message', (bytes) => {
        clearTimeout(timer);
        resolve(Uint8Array.from(bytes));
      });
    });
    socket.send(encodeMessage(message), port, host);
    const decoded = decodeMessage(await answer);
    assert.ok(decoded.ok);
    return { reply: decoded.value, localPort: socket.address().port };
  } finally {
    socket.close();
  }
}

/** A TCP edge connection with a deframer and a bounded wait for the next frame. */
class TcpEdge {
  private readonly deframer = new TcpDeframer(TCP_MAX_FRAME_EDGE);
  private readonly frames: Uint8Array[] = [];
  private wake: (() => void) | undefined;

  private constructor(readonly socket: TcpSocket) {
    socket.on('data', (chunk) => {
      const result = this.deframer.push(Uint8Array.from(chunk));
      assert.ok(result.ok);
      this.frames.push(...result.value);
      this.wake?.();
    });
  }

  static open(port: number): Promise<TcpEdge> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: '127.0.0.1' }, () => resolve(new TcpEdge(socket)));
      socket.once('error', reject);
    });
  }

  send(message: Message): void {
    // Split the prefix from the body: receivers must reassemble (PROTOCOL.md §1.2).
    const framed = frameMessage(encodeMessage(message));
    this.socket.write(framed.subarray(0, 1));
    this.socket.write(framed.subarray(1));
  }

  async next(): Promise<DecodedMessage> {
    const deadline = Date.now() + WAIT_MS;
    while (this.frames.length === 0) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no TCP frame');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const decoded = decodeMessage(this.frames.shift()!);
    assert.ok(decoded.ok);
    return decoded.value;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.end(resolve));
  }
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('dual-stack UDP', () => {
  let supernode: Supernode;
  let port: number;
  before(async () => {
    ({ supernode, port } = await startSupernode(testConfig((c) => (c.connection.bind = { address: '::', port: 0 }))));
  });
  after(() => supernode.close());

  it('answers an IPv6 edge with its IPv6 socket', async () => {
    const { reply, localPort } = await udpExchange('udp6', registerSuper('v6net', mac('02:00:00:00:06:01'), { auth: simpleId(1), devAddr: { address: '10.6.0.1', prefix: 24 } }), port);
    assert.equal(reply.type, MessageType.RegisterSuperAck);
    if (reply.type === MessageType.RegisterSuperAck) assert.deepEqual(reply.socket, { family: 'IPv6', address: '::1', port: localPort });
    assert.ok(supernode.edges().some((e) => e.sockaddr === `[::1]:${localPort}`));
  });

  it('answers an IPv4 edge on the same socket with an 8-byte IPv4 socket, not a mapped address', async () => {
    const { reply, localPort } = await udpExchange('udp4', registerSuper('v6net', mac('02:00:00:00:04:01'), { auth: simpleId(2), devAddr: { address: '10.6.0.2', prefix: 24 } }), port);
    assert.equal(reply.type, MessageType.RegisterSuperAck);
    if (reply.type === MessageType.RegisterSuperAck) assert.deepEqual(reply.socket, { family: 'IPv4', address: '127.0.0.1', port: localPort });
  });
});

describe('TCP edges', () => {
  let supernode: Supernode;
  let port: number;
  before(async () => {
    ({ supernode, port } = await startSupernode());
  });
  after(() => supernode.close());

  it('registers over TCP, receives relayed packets through the connection, and is dropped when it closes', async () => {
    const tcpMac = mac('02:00:00:77:00:00');
    const tcp = await TcpEdge.open(port);
    tcp.send(registerSuper('tcpnet', tcpMac, { auth: simpleId(7), description: 'ci_edge1', devAddr: { address: '10.7.0.1', prefix: 24 } }));
    const ack = await tcp.next();
    assert.equal(ack.type, MessageType.RegisterSuperAck);
    assert.equal(ack.ttl, 2);
    const row = supernode.edges().find((e) => e.community === 'tcpnet');
    assert.ok(row?.tcp);

    const udpMac = mac('02:00:00:00:0a:01');
    const udp = await SimPeer.open();
    try {
      await udp.send(registerSuper('tcpnet', udpMac, { auth: simpleId(8), devAddr: { address: '10.7.0.2', prefix: 24 } }), port);
      assert.equal((await udp.nextOfType(MessageType.RegisterSuperAck)).type, MessageType.RegisterSuperAck);
      const payload = Uint8Array.from({ length: 64 }, (_, i) => i);
      await udp.send(packet('tcpnet', udpMac, tcpMac, payload), port);
      const relayed = await tcp.next();
      assert.equal(relayed.type, MessageType.Packet);
      if (relayed.type === MessageType.Packet) {
        assert.equal(relayed.ttl, 1);
        assert.ok(relayed.fromSupernode);
        assert.deepEqual(relayed.socket, { family: 'IPv4', address: '127.0.0.1', port: udp.port });
        assert.deepEqual(relayed.payload, payload);
      }
    } finally {
      await udp.close();
    }

    await tcp.close();
    await until(() => !supernode.edges().some((e) => e.community === 'tcpnet' && e.tcp));
  });
});
