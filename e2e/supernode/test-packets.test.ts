// n3n's test_integration_packets (N3N-TESTS.md §6) against a real Kith supernode: every request of
// sn-test-packets.json is sent from a generator socket, every reply is compared byte for byte with
// the captured reply and with n3n's expected output (PEER_INFO load/uptime/version stabilised as
// n3n's generator does; the generator's port replaces n3n's fixed 7000).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Socket as NetSocket } from 'node:net';
import { decodeMessage, encodeMessage, MessageType, TCP_MAX_FRAME_EDGE, TcpDeframer } from '../../engine/protocol/index.js';
import { fromHex, parseHexdumps, readVectorJson, readVectorText, toHex } from '../../engine/testing/vectors.js';
import type { Supernode } from '../../supernode/supernode.js';
import { SimPeer } from './sim-peer.js';
import { LOOPBACK } from '../../engine/testing/loopback.js';
import { startSupernode } from '../../supernode/testing/start.js';
import { ipv4SocketHex } from './vector-replay.js';

interface CapturedPacket {
  seq: number;
  transport: 'udp' | 'tcp';
  src: string;
  hex: string;
  description: string;
}

const GENERATOR = '127.0.0.1:7000';
const N3N_GENERATOR_PORT = 7000;
const captured = readVectorJson<{ packets: CapturedPacket[] }>('wire', 'sn-test-packets.json').packets;
const expectedDumps = parseHexdumps(readVectorText('n3n-expected', 'test_integration_packets.sh.expected'));
const expectedRequests = expectedDumps.filter((d) => d.label === 'test:').map((d) => toHex(d.bytes));
const expectedReplies = expectedDumps.filter((d) => d.label === 'recv:').map((d) => toHex(d.bytes));

/** n3n's test_packets replaces PEER_INFO's volatile fields before printing (N3N-TESTS.md §6). */
function stabilised(reply: Uint8Array): Uint8Array {
  const decoded = decodeMessage(reply);
  assert.ok(decoded.ok, 'reply decodes');
  if (decoded.value.type !== MessageType.PeerInfo) return reply;
  return encodeMessage({ ...decoded.value, load: 0xffffffff, uptime: 0xffffffff, version: '_stabilised_' });
}

/** Captured hex with n3n's generator port replaced by ours. */
function withPort(hex: string, port: number): string {
  return hex.split(ipv4SocketHex(N3N_GENERATOR_PORT)).join(ipv4SocketHex(port));
}

describe('n3n test_integration_packets against kith-supernode', () => {
  let supernode: Supernode;
  let port: number;
  let generator: SimPeer;

  before(async () => {
    ({ supernode, port } = await startSupernode());
    generator = await SimPeer.open();
  });
  after(async () => {
    await generator.close();
    await supernode.close();
  });

  const udpRequests = captured.filter((p) => p.transport === 'udp' && p.src === GENERATOR);
  const repliesAfter = (seq: number): CapturedPacket | undefined => captured.find((p) => p.seq === seq + 1 && p.src !== GENERATOR);

  it('uses the same requests as n3n expected output', () => {
    const tcpBody = captured.find((p) => p.transport === 'tcp' && p.hex.length > 4)!;
    assert.deepEqual([...udpRequests, tcpBody].map((p) => p.hex), expectedRequests);
  });

  it('answers each UDP request as n3n-supernode does', async () => {
    let replyIndex = 0;
    for (const request of udpRequests) {
      await generator.sendRaw(fromHex(request.hex), port);
      const capturedReply = repliesAfter(request.seq);
      if (request.description.startsWith('UNREGISTER_SUPER')) {
        assert.equal(capturedReply, undefined);
        // No reply comes; a PING sent after it is answered only once the supernode got this far.
        await generator.sendRaw(fromHex(udpRequests[0]!.hex), port);
        assert.equal((await generator.next()).type, MessageType.PeerInfo);
        assert.deepEqual(supernode.edges(), [], 'edge removed by UNREGISTER_SUPER');
        continue;
      }
      assert.ok(capturedReply, `capture has a reply to seq ${request.seq}`);
      const { bytes, from } = await generator.nextRaw();
      assert.equal(from.port, port);
      const actual = toHex(stabilised(bytes));
      assert.equal(actual, toHex(stabilised(fromHex(withPort(capturedReply.hex, generator.port)))), request.description);
      assert.equal(actual, withPort(expectedReplies[replyIndex++]!, generator.port), `expected file: ${request.description}`);

      if (request.description.startsWith('REGISTER_SUPER')) {
        // n3nctl get_edges after step 2: ip4addr "" because the edge requested no address.
        const edges = supernode.edges();
        assert.equal(edges.length, 1);
        const [edge] = edges;
        assert.equal(edge?.community, 'test');
        assert.equal(edge?.desc, 'packetgenerator');
        assert.equal(edge?.devAddr, undefined);
        assert.equal(edge?.mac, '00:00:00:00:00:03');
        assert.equal(edge?.mode, 'sn');
        assert.equal(edge?.sockaddr, `${LOOPBACK}:${generator.port}`);
        assert.equal(edge?.preferredSockaddr, undefined);
        assert.equal(edge?.purgeable, true);
      }
    }
    assert.equal(generator.pending(), 0);
    assert.equal(replyIndex, expectedReplies.length - 1);
  });

  it('answers a PING over TCP with the same PEER_INFO, framed', async () => {
    const frames = captured.filter((p) => p.transport === 'tcp');
    const client = await new Promise<NetSocket>((resolve, reject) => {
      const socket = connect({ host: LOOPBACK, port, localAddress: LOOPBACK, localPort: generator.port }, () => resolve(socket));
      socket.once('error', reject);
    });
    try {
      const replies: Uint8Array[] = [];
      const deframer = new TcpDeframer(TCP_MAX_FRAME_EDGE);
      const reply = new Promise<void>((resolve) => {
        client.on('data', (chunk: Buffer) => {
          const result = deframer.push(chunk);
          if (result.ok) replies.push(...result.value.map((frame) => Uint8Array.from(frame)));
          if (replies.length > 0) resolve();
        });
      });
      // The generator writes the length prefix and the body as separate segments.
      for (const frame of frames.filter((p) => p.src === GENERATOR)) client.write(fromHex(frame.hex));
      await reply;
      const capturedReply = frames.find((p) => p.src !== GENERATOR)!;
      assert.equal(replies.length, 1);
      const actual = toHex(stabilised(replies[0]!));
      assert.equal(actual, toHex(stabilised(fromHex(withPort(capturedReply.hex.slice(4), generator.port)))));
      assert.equal(actual, withPort(expectedReplies.at(-1)!, generator.port));
    } finally {
      client.destroy();
    }
  });
});
