// The edge's wire behaviour against a scripted supernode socket, compared with the captured n3n
// session (edge-trace-plain.json seq 0–7 and the UNREGISTER_SUPER at shutdown): bootstrap request
// with the null MAC, registration with the assigned address, two gratuitous ARP PACKETs, and
// UNREGISTER_SUPER with the same simple-id token.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { decodeMessage, encodeMessage, isNullMac, MessageType, NO_AUTH } from '../../engine/protocol/index.js';
import type { DecodedMessage } from '../../engine/protocol/index.js';
import { fromHex, readVectorJson } from '../../engine/testing/vectors.js';
import { edgeConfig, SUPERNODE_ADDRESS, startEdge, waitFor } from './harness.js';
import type { TestEdge } from './harness.js';

const SN_MAC = Uint8Array.from([2, 0, 0, 0, 0x0c, 1]);

describe('edge wire behaviour', () => {
  it('bootstraps, registers, announces itself and unregisters like n3n', async () => {
    const trace = readVectorJson<{ packets: { seq: number; hex: string }[] }>('wire', 'edge-trace-plain.json').packets;
    const captured = (seq: number): DecodedMessage => {
      const decoded = decodeMessage(fromHex(trace.find((p) => p.seq === seq)!.hex));
      assert.ok(decoded.ok);
      return decoded.value;
    };
    const received: { message: DecodedMessage; length: number }[] = [];
    const sn = createSocket('udp4');
    await new Promise<void>((resolve) => sn.bind(0, SUPERNODE_ADDRESS, () => resolve()));
    sn.on('message', (bytes, info) => {
      const decoded = decodeMessage(Uint8Array.from(bytes));
      if (!decoded.ok) return;
      received.push({ message: decoded.value, length: bytes.length });
      const m = decoded.value;
      if (m.type !== MessageType.RegisterSuper) return;
      const ack = encodeMessage({
        ttl: 2,
        fromSupernode: true,
        communityField: m.communityField,
        type: MessageType.RegisterSuperAck,
        cookie: m.cookie,
        srcMac: SN_MAC,
        devAddr: isNullMac(m.edgeMac) ? { address: '10.220.61.148', prefix: 24 } : { address: '0.0.0.0', prefix: 0 },
        lifetime: 15,
        socket: { family: 'IPv4', address: info.address, port: info.port },
        auth: NO_AUTH,
        supernodes: [],
        keyTime: 0,
      });
      sn.send(ack, info.port, info.address);
    });
    let edge: TestEdge | undefined;
    try {
      const port = sn.address().port;
      edge = await startEdge(edgeConfig('vwplain', port, '127.0.0.2', (c) => (c.connection.description = 'plain1')), '02:77:00:00:00:01');
      await waitFor(() => received.filter((r) => r.message.type === MessageType.Packet).length === 2, 'two gratuitous ARPs');
      const [bootstrap, register, arp1, arp2] = received;
      assert.ok(bootstrap?.message.type === MessageType.RegisterSuper && register?.message.type === MessageType.RegisterSuper);
      const expectedBootstrap = captured(0);
      const expectedRegister = captured(2);
      assert.ok(expectedBootstrap.type === MessageType.RegisterSuper && expectedRegister.type === MessageType.RegisterSuper);
      assert.equal(bootstrap.length, 79);
      assert.deepEqual(bootstrap.message.edgeMac, expectedBootstrap.edgeMac);
      assert.deepEqual(bootstrap.message.devAddr, expectedBootstrap.devAddr);
      assert.equal(bootstrap.message.description, 'plain1');
      assert.equal(bootstrap.message.auth.scheme, 1);
      assert.equal(bootstrap.message.auth.token.length, 16);
      assert.equal(bootstrap.message.ttl, 2);
      assert.deepEqual(register.message.edgeMac, expectedRegister.edgeMac);
      assert.deepEqual(register.message.devAddr, expectedRegister.devAddr);
      assert.deepEqual(register.message.auth.token, bootstrap.message.auth.token, 'one token per process (§7.2)');
      assert.notEqual(register.message.cookie, bootstrap.message.cookie, 'fresh cookie per REGISTER_SUPER');
      for (const [arp, seq] of [[arp1, 6], [arp2, 7]] as const) {
        assert.equal(arp?.length, 80);
        assert.deepEqual(arp?.message, captured(seq));
      }
      await edge.edge.stop();
      edge = undefined;
      await waitFor(() => received.some((r) => r.message.type === MessageType.UnregisterSuper), 'UNREGISTER_SUPER');
      const unregister = received.find((r) => r.message.type === MessageType.UnregisterSuper)!;
      assert.equal(unregister.length, 50);
      assert.ok(unregister.message.type === MessageType.UnregisterSuper);
      assert.deepEqual(unregister.message.auth.token, bootstrap.message.auth.token);
    } finally {
      await edge?.edge.stop();
      await new Promise<void>((resolve) => sn.close(() => resolve()));
    }
  });
});
