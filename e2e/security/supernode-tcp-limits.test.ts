// Supernode TCP exhaustion (issue 9, item 14): 1,030 idle connections from one host must not keep
// a TCP edge of another host out, and connections that never register are closed. 127.0.0.2 stands
// for the other host. Bounded in count and in time.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Socket as TcpSocket } from 'node:net';
import { describe, it } from 'node:test';
import { decodeMessage, encodeMessage, frameMessage, MessageType, TcpDeframer, TCP_MAX_FRAME_EDGE } from '../../engine/protocol/index.js';
import { mac, registerSuper, simpleId } from '../supernode/messages.js';
import { startSupernode, testConfig } from '../../supernode/testing/start.js';

const IDLE_CONNECTIONS = 1030;
const CONNECT_BATCH = 100;
const WAIT_MS = 5000;
const REGISTER_WITHIN_MS = 1500;

interface Client {
  readonly socket: TcpSocket;
  closed: boolean;
}

function open(port: number, localAddress: string): Promise<Client> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    const client: Client = { socket, closed: false };
    socket.on('close', () => (client.closed = true));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve(client));
    socket.once('close', () => resolve(client));
  });
}

async function until(what: string, condition: () => boolean, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The first message the supernode sends over the connection, bounded in time. */
function firstMessage(socket: TcpSocket): Promise<MessageType> {
  const deframer = new TcpDeframer(TCP_MAX_FRAME_EDGE);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer over TCP')), WAIT_MS);
    socket.on('data', (chunk) => {
      const frames = deframer.push(Uint8Array.from(chunk));
      const frame = frames.ok ? frames.value[0] : undefined;
      const decoded = frame === undefined ? undefined : decodeMessage(frame);
      if (decoded?.ok !== true) return;
      clearTimeout(timer);
      resolve(decoded.value.type);
    });
    socket.once('close', () => reject(new Error('the supernode closed the connection')));
  });
}

describe('security: supernode TCP limits', () => {
  it('1,030 idle connections from one host neither lock out another host nor stay open', { timeout: 60_000 }, async () => {
    const { supernode, port } = await startSupernode(testConfig(), { limits: { tcpRegisterWithinMs: REGISTER_WITHIN_MS } });
    const idle: Client[] = [];
    let edge: Client | undefined;
    try {
      for (let opened = 0; opened < IDLE_CONNECTIONS; opened += CONNECT_BATCH) {
        const batch = Math.min(CONNECT_BATCH, IDLE_CONNECTIONS - opened);
        idle.push(...(await Promise.all(Array.from({ length: batch }, () => open(port, '127.0.0.1')))));
      }
      // The supernode accepts (and closes) what the kernel queued as fast as its loop allows.
      const kept = (): number => idle.filter((client) => !client.closed).length;
      await until('the supernode to keep at most 16 connections of one host', () => kept() <= 16).catch(() => assert.fail(`${kept()} idle connections from one host are kept`));

      edge = await open(port, '127.0.0.2');
      assert.equal(edge.closed, false, 'the other host gets a connection');
      const answer = firstMessage(edge.socket);
      edge.socket.write(frameMessage(encodeMessage(registerSuper('tcplimit', mac('02:14:00:00:00:01'), { auth: simpleId(1), devAddr: { address: '10.14.0.1', prefix: 24 } }))));
      assert.equal(await answer, MessageType.RegisterSuperAck);

      await until('the idle connections to be closed', () => idle.every((client) => client.closed), REGISTER_WITHIN_MS + WAIT_MS);
      await new Promise((resolve) => setTimeout(resolve, REGISTER_WITHIN_MS));
      assert.equal(edge.closed, false, 'the registered edge keeps its connection');
      assert.equal(supernode.edges().filter((row) => row.tcp).length, 1);
    } finally {
      for (const client of [...idle, ...(edge === undefined ? [] : [edge])]) client.socket.destroy();
      await supernode.close();
    }
  });
});
