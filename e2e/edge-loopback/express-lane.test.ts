// The edge's side of the express lane (engine/edge/data-path/express-lane.ts) on real edges: a
// recording lane stands where the addon's would (it carries nothing, so TypeScript still moves
// every frame) and shows what the edge tells it once a real peer is direct, that what a lane
// reports carried shows in the peer list and packet counters, and that it closes before the socket.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExpressSettings } from '../../native/express.js';
import type { TapDevice } from '../../native/tap.js';
import { Edge } from '../../engine/edge/edge.js';
import type { ExpressOpener } from '../../engine/edge/data-path/express-lane.js';
import { createMemoryFramePort } from '../../engine/edge/io/frame-port.js';
import { RecordingLane } from '../../engine/edge/testing/recording-lane.js';
import { mac } from '../../engine/testing/loopback.js';
import { testLogger } from '../../engine/testing/log.js';
import { edgeConfig, exchange, startEdge, startSupernode, stopAll, waitFor } from './harness.js';
import type { RunningSupernode, TestEdge } from './harness.js';

const MAC_A = '02:78:00:00:00:01';
const MAC_B = '02:78:00:00:00:02';
// The recording opener only passes the device on, as the real one hands it to the addon.
const TAP = { name: 'kithexpress' } as unknown as TapDevice;

const ipv4Bytes = (text: string): Uint8Array => Uint8Array.from(text.split('.').map(Number));

describe('edge loopback: express lane', () => {
  it('gets the direct peer and the address, its figures reach the peer list, and it closes before the socket', async () => {
    let sn: RunningSupernode | undefined;
    let a: TestEdge | undefined;
    let b: TestEdge | undefined;
    const lane = new RecordingLane();
    const opened: ExpressSettings[] = [];
    let socketOpenAtClose: boolean | undefined;
    const openExpress: ExpressOpener = (_tap, udp, settings) => {
      opened.push(settings);
      const close = lane.close.bind(lane);
      lane.close = () => {
        socketOpenAtClose = !udp.closed;
        close();
      };
      return lane;
    };
    try {
      sn = await startSupernode();
      const port = { ...createMemoryFramePort(mac(MAC_A)), nativeDevice: TAP };
      const edge = new Edge({ config: edgeConfig('express', sn.port, '127.0.0.2'), port, logger: testLogger(), localDiscovery: false, openExpress });
      await edge.connect();
      a = { edge, port, mac: port.mac };
      assert.equal(opened.length, 1, 'the batched socket and a native TAP: the lane opens');
      b = await startEdge(edgeConfig('express', sn.port, '127.0.0.3'), MAC_B);
      await waitFor(() => a!.edge.status().state === 'registered' && b!.edge.status().state === 'registered', 'both registered');
      await waitFor(() => lane.enabled, 'the lane enabled once registered');
      assert.deepEqual(lane.address, ipv4Bytes(a.edge.status().address!.address));

      await exchange(a, b, 'first');
      const key = b.mac.join(':');
      await waitFor(() => lane.peers.has(key), 'B in A’s lane once direct');
      const peer = lane.peers.get(key)!;
      assert.equal(peer.family, 4);
      assert.deepEqual(peer.address, Uint8Array.from([127, 0, 0, 3]));
      assert.equal(peer.port, b.edge.status().localPort);
      assert.deepEqual(peer.sender?.subarray(0, 4), ipv4Bytes(b.edge.status().address!.address));

      const macB = b.edge.status().mac;
      const before = a.edge.peer(macB)!.traffic;
      const counters = a.edge.counters();
      lane.carry(b.mac, { framesIn: 5, bytesIn: 500, datagramBytesIn: 700, framesOut: 4, bytesOut: 400, idleMs: 0 });
      await waitFor(() => a!.edge.peer(macB)!.traffic.framesIn === before.framesIn + 5, 'the lane’s frames counted at the next tick');
      const after = a.edge.peer(macB)!.traffic;
      assert.deepEqual(after, { framesIn: before.framesIn + 5, bytesIn: before.bytesIn + 500, framesOut: before.framesOut + 4, bytesOut: before.bytesOut + 400 });
      assert.equal(a.edge.counters().p2p.rx, counters.p2p.rx + 5);
      assert.equal(a.edge.counters().p2p.tx, counters.p2p.tx + 4);
      assert.equal(a.edge.peer(macB)!.path, 'direct');

      await a.edge.disconnect();
      assert.ok(lane.closed);
      assert.equal(socketOpenAtClose, true, 'out of the devices before the socket closes');
    } finally {
      await stopAll([a, b], sn);
    }
  });
});
