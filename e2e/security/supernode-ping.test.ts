// PING reflection (issue 9, item 18): a PONG is about twice the size of a PING, so a flood of PINGs
// in someone else's name must not come back at them; a registered edge's PINGs are all answered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeMessage, MessageType } from '../../engine/protocol/index.js';
import { ManualClock } from '../../engine/clock.js';
import { mac, ping, registerSuper, simpleId } from '../supernode/messages.js';
import { SimPeer } from '../supernode/sim-peer.js';
import { startSupernode, testConfig } from '../supernode/start.js';

const PINGS = 200;
const SETTLE_MS = 500;

describe('security: PING reflection', () => {
  it('answers a stranger a few PINGs, less than it sent; a registered edge every PING', async () => {
    // A manual clock: the stranger's allowance does not refill while the test runs.
    const { supernode, port } = await startSupernode(testConfig(), { clock: new ManualClock() });
    const stranger = await SimPeer.open(undefined, 0, '127.0.0.2');
    const edge = await SimPeer.open();
    try {
      let sent = 0;
      for (let i = 0; i < PINGS; i++) {
        const message = ping(`anyname${i % 7}`, mac('02:18:00:00:00:01'));
        sent += encodeMessage(message).length;
        await stranger.send(message, port);
      }
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      let returned = 0;
      while (stranger.pending() > 0) returned += (await stranger.nextRaw()).bytes.length;
      assert.ok(returned > 0, 'a probing edge still gets its first answers');
      assert.ok(returned < sent / 4, `${returned} bytes answered for ${sent} bytes of PINGs`);

      const edgeMac = mac('02:18:00:00:00:02');
      await edge.send(registerSuper('pinged', edgeMac, { auth: simpleId(1), devAddr: { address: '10.18.0.1', prefix: 24 } }), port);
      await edge.nextOfType(MessageType.RegisterSuperAck);
      for (let i = 0; i < 50; i++) {
        await edge.send(ping('pinged', edgeMac), port);
        await edge.nextOfType(MessageType.PeerInfo);
      }
      assert.ok(supernode.packetStats().drops['rate-limited'] >= PINGS - 10);
    } finally {
      await stranger.close();
      await edge.close();
      await supernode.close();
    }
  });
});
