// Regression: an edge registered over TCP is listed by get_edges with its connection's peer address
// and no 'TCP/' prefix, as n3n 3.4.5 does (N3N-TESTS.md §4, n3n's test_integration_edge_tcp
// expects "sockaddr": "127.0.0.1:7700"; Kith printed "TCP/127.0.0.1:7700").
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Socket as TcpSocket } from 'node:net';
import { describe, it } from 'node:test';
import { encodeMessage, frameMessage } from '../../engine/protocol/index.js';
import { mac, registerSuper, simpleId } from './messages.js';
import { startSupernode } from '../../supernode/testing/start.js';

const WAIT_MS = 3000;

function open(port: number): Promise<TcpSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with the first chunk the supernode writes (the REGISTER_SUPER_ACK), bounded in time. */
function firstChunk(socket: TcpSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer over TCP')), WAIT_MS);
    socket.once('data', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

describe('TCP edge in the edge list', () => {
  it('shows the peer address without a TCP/ prefix and marks the row as TCP', async () => {
    const { supernode, port } = await startSupernode();
    const socket = await open(port);
    try {
      const answered = firstChunk(socket);
      socket.write(frameMessage(encodeMessage(registerSuper('test', mac('02:00:00:77:00:00'), { auth: simpleId(7), description: 'ci_edge1', devAddr: { address: '10.7.0.1', prefix: 24 } }))));
      await answered;
      const row = supernode.edges().find((edge) => edge.community === 'test');
      assert.ok(row !== undefined, 'the TCP edge is registered');
      assert.equal(row.sockaddr, `127.0.0.1:${socket.localPort}`);
      assert.equal(row.tcp, true);
    } finally {
      socket.destroy();
      await supernode.close();
    }
  });
});
