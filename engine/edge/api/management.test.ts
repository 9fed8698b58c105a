// kith-edge's management table against n3n's captured shapes (MANAGEMENT.md §6) and the checks of
// n3n's edge integration tests (N3N-TESTS.md §3, §4), with a real supernode and edges in-process.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { edgeConfig, startEdge, startSupernode, waitFor, type RunningSupernode, type TestEdge } from '../../../e2e/edge-loopback/harness.js';
import { createManagementClient, type ManagementClient } from '../../mgmt/index.js';
import { Logger } from '../../log.js';
import { readVectorText } from '../../testing/vectors.js';
import { createEdgeManagement, type EdgeApi, type EdgeManagement } from './management.js';

/** The JSON n3nctl printed after `### test: <command>` in n3n's expected output. */
function expectedJson(file: string, command: string): unknown {
  const block = readVectorText('n3n-expected', file)
    .split('### test: ')
    .find((part) => part.startsWith(`${command}\n`));
  assert.ok(block !== undefined, command);
  return JSON.parse(block.slice(command.length + 1).split('\n\n')[0] ?? '') as unknown;
}

const without = (row: object, ...keys: string[]): Record<string, unknown> => Object.fromEntries(Object.entries(row).filter(([key]) => !keys.includes(key)));

describe('edge management', () => {
  let dir: string;
  let sn: RunningSupernode;
  let first: TestEdge;
  let second: TestEdge;
  let management: EdgeManagement;
  let client: ManagementClient<EdgeApi, never>;
  let stops = 0;
  const logger = new Logger(2, { write: () => undefined });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kith-edge-mgmt-'));
    sn = await startSupernode();
    first = await startEdge(edgeConfig('test', sn.port, '127.0.0.11'), '02:00:00:77:00:00');
    await waitFor(() => first.edge.status().state === 'registered' && first.edge.counters().transop.tx === 2, 'the first edge to register');
    const config = edgeConfig('test', sn.port, '127.0.0.11');
    management = createEdgeManagement({ edge: first.edge, session: 'ci_edge1', config, logger, version: '0.1.0', tapName: 'ci_edge1', requestStop: () => stops++, log: () => undefined });
    const socketPath = join(dir, 'mgmt');
    const listening = await management.server.listenUnix(socketPath);
    assert.ok(listening.ok);
    client = createManagementClient<EdgeApi, never>({ socketPath });
  });

  after(async () => {
    await management.close();
    await first.edge.stop();
    await second?.edge.stop();
    await sn.supernode.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the gratuitous ARPs of a lone edge in the first five get_packetstats rows (N3N-TESTS.md §3)', async () => {
    const stats = await client.call('get_packetstats');
    assert.ok(stats.ok);
    assert.equal(stats.value.length, 10);
    assert.deepEqual(stats.value.slice(0, 5), expectedJson('test_integration_edge.sh.expected', './scripts/n3nctl -s ci_edge1 get_packetstats'));
    assert.deepEqual(
      stats.value.slice(6).map((row) => row.type),
      ['sn_fwd', 'sn_broadcast', 'sn_reg', 'sn_errors'],
    );
  });

  it('lists no peers and the community, like n3n', async () => {
    assert.deepEqual(await client.call('get_edges'), { ok: true, value: [] });
    assert.deepEqual(await client.call('get_communities'), { ok: true, value: expectedJson('test_integration_edge.sh.expected', './scripts/n3nctl -s ci_edge1 get_communities') });
    assert.deepEqual(await client.call('get_mac'), { ok: true, value: [] });
  });

  it('gives get_supernodes rows with n3n members (N3N-TESTS.md §4)', async () => {
    const rows = await client.call('get_supernodes');
    assert.ok(rows.ok);
    const [expected] = expectedJson('test_integration_edge_tcp.sh.expected', './scripts/n3nctl -s ci_edge1 get_supernodes --raw') as object[];
    assert.ok(expected !== undefined);
    assert.equal(rows.value.length, 1);
    const row = rows.value[0]!;
    assert.deepEqual(Object.keys(row).sort(), Object.keys(expected).sort());
    assert.deepEqual(without(row, 'macaddr', 'sockaddr', 'last_seen'), without(expected, 'macaddr', 'sockaddr', 'last_seen'));
    assert.equal(row.sockaddr, `127.0.0.1:${sn.port}`);
    assert.equal(row.macaddr, '02:00:00:00:00:01');
  });

  it('answers get_info and get_timestamps in seconds', async () => {
    const info = await client.call('get_info');
    assert.ok(info.ok);
    assert.deepEqual(without(info.value, 'builddate', 'ip4addr'), { version: '0.1.0', is_edge: 1, is_supernode: 0, macaddr: '02:00:00:77:00:00', sockaddr: '0.0.0.0:0' });
    assert.match(info.value.ip4addr, /^10\.\d+\.\d+\.\d+$/);
    const times = await client.call('get_timestamps');
    assert.ok(times.ok);
    assert.deepEqual(Object.keys(times.value), ['last_register_req', 'last_rx_p2p', 'last_rx_super', 'last_sweep', 'last_sn_fwd', 'last_sn_reg', 'start_time']);
    assert.equal(times.value.start_time, Math.floor(first.edge.timestamps().startTime / 1000));
  });

  it('asks for the password to change the level or stop, as n3nctl expects', async () => {
    assert.deepEqual(await client.call('get_verbose'), { ok: true, value: 2 });
    assert.equal((await client.call('set_verbose', ['1'])).ok, false);
    assert.deepEqual(await client.call('set_verbose', ['1'], { password: 'n3n' }), { ok: true, value: 1 });
    assert.equal(logger.level, 1);
    assert.deepEqual(await client.call('reload_communities', undefined, { password: 'n3n' }), { ok: true, value: -1 });
    assert.deepEqual(await client.call('stop', undefined, { password: 'n3n' }), { ok: true, value: 0 });
    assert.equal(stops, 1);
  });

  it('shows a second edge as a peer in get_edges and kith.peers', async () => {
    second = await startEdge(edgeConfig('test', sn.port, '127.0.0.12'), '02:00:00:77:00:01');
    await waitFor(() => second.edge.status().state === 'registered', 'the second edge to register');
    // A frame to the second edge's MAC makes the first edge look it up (pSp) and punch (p2p).
    await waitFor(() => {
      first.port.inject(Uint8Array.from([...second.mac, ...first.mac, 0x08, 0x06, ...new Uint8Array(46)]));
      return first.edge.peers().length > 0;
    }, 'the first edge to learn about the second');
    const rows = await client.call('get_edges');
    assert.ok(rows.ok);
    const [row] = rows.value;
    assert.ok(row !== undefined);
    assert.ok(row.mode === 'pSp' || row.mode === 'p2p');
    assert.deepEqual(Object.keys(row), ['mode', 'community', 'ip4addr', 'purgeable', 'local', 'macaddr', 'sockaddr', 'prefered_sockaddr', 'desc', 'version', 'timeout', 'uptime', 'time_alloc', 'last_p2p', 'last_sent_query', 'last_seen']);
    assert.equal(row.macaddr, '02:00:00:77:00:01');
    assert.equal(row.timeout, 20);
    const peers = await client.call('kith.peers');
    assert.ok(peers.ok);
    assert.equal(peers.value[0]?.mac, '02:00:00:77:00:01');
    assert.ok(peers.value[0]?.path === 'direct' || peers.value[0]?.path === 'relayed');
  });

  it('summarises the edge in kith.status and kith.supernodes', async () => {
    const status = await client.call('kith.status');
    assert.ok(status.ok);
    assert.equal(status.value.state, 'registered');
    assert.equal(status.value.community, 'test');
    assert.equal(status.value.tap, 'ci_edge1');
    assert.equal(status.value.supernode, `127.0.0.1:${sn.port}`);
    const supernodes = await client.call('kith.supernodes');
    assert.ok(supernodes.ok);
    assert.equal(supernodes.value[0]?.selected, true);
  });

  it('refuses the community name under header encryption (MANAGEMENT.md §6.3)', async () => {
    const config = edgeConfig('secret', sn.port, '127.0.0.13', (c) => (c.community.header_encryption = 'true'));
    const hidden = await startEdge(config, '02:00:00:77:00:02');
    const hiddenManagement = createEdgeManagement({ edge: hidden.edge, session: 'x', config, logger, version: '0', requestStop: () => undefined, log: () => undefined });
    const socketPath = join(dir, 'hidden');
    assert.ok((await hiddenManagement.server.listenUnix(socketPath)).ok);
    try {
      const answer = await createManagementClient<EdgeApi, never>({ socketPath }).call('get_communities');
      assert.deepEqual(answer.ok ? answer.value : answer.error, 'rpc-error');
    } finally {
      await hiddenManagement.close();
      await hidden.edge.stop();
    }
  });

  it('makes the disconnect and connect calls need the password', async () => {
    assert.equal((await client.call('kith.disconnect')).ok, false);
    assert.deepEqual(await client.call('kith.disconnect', undefined, { password: 'n3n' }), { ok: true, value: 'stopped' });
    assert.equal((await client.call('kith.connect', undefined, { password: 'n3n' })).ok, true);
  });
});
