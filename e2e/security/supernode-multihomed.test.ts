// A supernode with two addresses on one interface answers from the address it was asked at (issue
// 9 item 19): a NAT router or firewall in front of an edge drops answers from another address. A
// real kith-supernode process in a network namespace; a client namespace PINGs each address.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startNetwork, stopNetwork, SUPERNODE_PORT } from '../netns/kith.js';
import type { Network } from '../netns/kith.js';
import { INTERNET_LEN, INTERNET_PREFIX, netnsSkipReason } from '../netns/topology.js';
import type { Host } from '../netns/topology.js';

const skip = netnsSkipReason();
const SECOND_ADDRESS = `${INTERNET_PREFIX}.200`;
/** PROTOCOL.md §4.8: a captured PING (QUERY_PEER with a null target) in community "test". */
const PING_HEX = '0302000b74657374000000000000000000000000000000000000000000010000000000000000';

/** Node code run in the client namespace: one PING to each address, prints where each answer came from. */
const CLIENT = `
const dgram = require('node:dgram');
const [port, ...targets] = process.argv.slice(1);
const socket = dgram.createSocket('udp4');
const from = {};
socket.on('message', (_bytes, remote) => { from[remote.address] = (from[remote.address] ?? 0) + 1; });
socket.bind(0, () => {
  for (const target of targets) socket.send(Buffer.from('${PING_HEX}', 'hex'), Number(port), target);
  setTimeout(() => { console.log(JSON.stringify(from)); socket.close(); }, 1500);
});
`;

describe('security: a supernode with two addresses', { skip }, () => {
  let network: Network;
  let client: Host;

  before(async () => {
    network = await startNetwork();
    // Added while the supernode runs: it answers from addresses it did not know at start too.
    await network.topology.exec(network.snHost.ns, 'ip', ['addr', 'add', `${SECOND_ADDRESS}/${INTERNET_LEN}`, 'dev', 'eth0']);
    client = await network.topology.publicHost('c');
  });

  after(() => stopNetwork(network));

  it('answers each PING from the address it was sent to', async () => {
    const { topology, snHost, sn } = network;
    for (const target of [snHost.address, SECOND_ADDRESS]) {
      const output = await topology.exec(client.ns, process.execPath, ['-e', CLIENT, String(SUPERNODE_PORT), target]);
      assert.deepEqual(JSON.parse(output.trim()), { [target]: 1 }, `PING to ${target}: answers from ${output.trim()} (supernode log: ${sn.output()})`);
    }
  });
});
