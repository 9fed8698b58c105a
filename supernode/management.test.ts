import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultConfig } from '../engine/config/load.js';
import { createManagementClient, type ManagementClient } from '../engine/mgmt/index.js';
import { readVectorText } from '../engine/testing/vectors.js';
import { SupernodeEvents } from './events.js';
import { createSupernodeManagement, type ManagedSupernode, type SupernodeApi, type SupernodeEventPayloads, type SupernodeManagement } from './management.js';
import { DROP_REASONS } from './stats.js';
import type { PacketStatsView } from './views.js';

const PASSWORD = 'n3n';

/** The JSON n3nctl printed after `### test: <command>` in n3n's expected output. */
function expectedJson(command: string): unknown {
  const block = readVectorText('n3n-expected', 'test_integration_supernode.sh.expected')
    .split('### test: ')
    .find((part) => part.startsWith(`${command}\n`));
  assert.ok(block !== undefined, command);
  return JSON.parse(block.slice(command.length + 1).split('\n\n')[0] ?? '') as unknown;
}

function zeroStats(): PacketStatsView {
  const drops = Object.fromEntries(DROP_REASONS.map((reason) => [reason, 0])) as PacketStatsView['drops'];
  return { received: 0, accepted: 0, forwarded: 0, broadcast: 0, registerSuperAcks: 0, registerSuperAnswered: 0, registerSuperNaks: 0, sendErrors: 0, drops, totalDrops: 0 };
}

/** A supernode with one edge and one federation peer, in the shapes supernode.ts produces. */
function fakeSupernode(): ManagedSupernode & { stats: PacketStatsView; reloads: number } {
  return {
    mac: '02:00:00:00:70:01',
    version: '3.4.5',
    verbose: 2,
    events: new SupernodeEvents(),
    stats: zeroStats(),
    reloads: 0,
    communities() {
      return [
        { community: 'test', isFederation: false, purgeable: false, subnet: '10.200.175.0/24', headerEncryption: 'none', users: 0, edges: 1 },
        { community: 'home', isFederation: false, purgeable: true, subnet: '', headerEncryption: 'unknown', users: 0, edges: 0 },
        { community: '-/-', isFederation: true, purgeable: false, subnet: '', headerEncryption: 'enabled', users: 0, edges: 0 },
      ];
    },
    edges() {
      return [
        {
          mode: 'sn',
          community: 'test',
          mac: '02:00:00:77:00:0a',
          sockaddr: '127.0.0.1:7701',
          tcp: false,
          preferredSockaddr: undefined,
          devAddr: { address: '10.200.175.73', prefix: 24 },
          desc: 'edge1',
          purgeable: true,
          timeAlloc: 1795638228,
          lastSeen: 1795638249,
        },
      ];
    },
    federationMembers() {
      return [{ mode: 'sn', community: '-/-', mac: '02:00:00:00:70:02', sockaddr: '127.0.0.1:7002', purgeable: false, timeAlloc: 1795638222, lastSeen: 1795638254 }];
    },
    associations() {
      return [
        { mac: '02:00:00:77:00:0b', community: 'test', dest: '[::ffff:127.0.0.1]:7655', lastSeen: 1795638249 },
        { mac: '02:00:00:77:00:0c', community: '-/-', dest: '192.0.2.7:7654', lastSeen: 1795638250 },
      ];
    },
    packetStats() {
      return this.stats;
    },
    timestamps() {
      return { startTime: 1795638222, lastSnFwd: 1795638265, lastSnReg: 1795638254 };
    },
    reloadCommunities() {
      this.reloads++;
      return -2;
    },
  };
}

function fetchText(socketPath: string, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ socketPath, path }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('end', () => resolve(text));
    }).once('error', reject);
  });
}

describe('supernode management methods (MANAGEMENT.md §6)', () => {
  let dir: string;
  let socketPath: string;
  let supernode: ReturnType<typeof fakeSupernode>;
  let management: SupernodeManagement;
  let client: ManagementClient<SupernodeApi, SupernodeEventPayloads>;
  let stopRequests = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kith-sn-mgmt-'));
    socketPath = join(dir, 'sn', 'mgmt');
    supernode = fakeSupernode();
    management = createSupernodeManagement({ supernode, session: 'sn', config: defaultConfig('supernode'), requestStop: () => stopRequests++, log: () => undefined });
    const listening = await management.server.listenUnix(socketPath);
    assert.ok(listening.ok);
    client = createManagementClient<SupernodeApi, SupernodeEventPayloads>({ socketPath });
  });
  after(async () => {
    await management.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("lists n3n's 14 methods in n3n's order", async () => {
    const help = await client.call('help');
    assert.ok(help.ok);
    assert.deepEqual(
      help.value.map((row) => row.method),
      ['get_communities', 'get_edges', 'get_info', 'get_mac', 'get_packetstats', 'get_supernodes', 'get_timestamps', 'get_verbose', 'help', 'help.events', 'post.test', 'reload_communities', 'set_verbose', 'stop'],
    );
  });

  it('get_communities: name or -/-, purgeable, is_federation, subnet; paginated', async () => {
    const all = await client.call('get_communities');
    assert.ok(all.ok);
    assert.deepEqual(all.value, [
      { community: 'test', purgeable: 0, is_federation: 0, ip4addr: '10.200.175.0/24' },
      { community: 'home', purgeable: 1, is_federation: 0, ip4addr: '' },
      { community: '-/-', purgeable: 0, is_federation: 1, ip4addr: '' },
    ]);
    assert.deepEqual(Object.keys(all.value[0] ?? {}), ['community', 'purgeable', 'is_federation', 'ip4addr']);
    assert.deepEqual(expectedJson('./scripts/n3nctl -s ci_sn1 get_communities'), [all.value[2]]);
    // n3nctl's auto-pagination: pages of `limit` until a short one.
    const first = await client.call('get_communities', { limit: 2, offset: 0 });
    const second = await client.call('get_communities', { limit: 2, offset: 2 });
    assert.deepEqual([first.ok && first.value.length, second.ok && second.value.map((row) => row.community)], [2, ['-/-']]);
    const beyond = await client.call('get_communities', { offset: 9 });
    assert.deepEqual(beyond, { ok: true, value: [] });
  });

  it('get_edges: registered edges, then federation members as mode sn / community -/-', async () => {
    const edges = await client.call('get_edges');
    assert.ok(edges.ok);
    assert.deepEqual(edges.value[0], {
      mode: 'sn',
      community: 'test',
      ip4addr: '10.200.175.73/24',
      purgeable: 1,
      local: 0,
      macaddr: '02:00:00:77:00:0A',
      sockaddr: '127.0.0.1:7701',
      prefered_sockaddr: '0.0.0.0:0',
      desc: 'edge1',
      version: '',
      timeout: 0,
      uptime: 0,
      time_alloc: 1795638228,
      last_p2p: 0,
      last_sent_query: 0,
      last_seen: 1795638249,
    });
    const member = edges.value[1];
    assert.deepEqual(Object.keys(member ?? {}), Object.keys(edges.value[0] ?? {}));
    // n3n's test drops the time_alloc and last_seen lines before comparing.
    const compared = Object.fromEntries(Object.entries(member ?? {}).filter(([key]) => key !== 'time_alloc' && key !== 'last_seen'));
    assert.deepEqual(expectedJson('./scripts/n3nctl -s ci_sn1 get_edges --raw'), [compared]);
    const page = await client.call('get_edges', { limit: 1, offset: 1 });
    assert.deepEqual(page.ok && page.value.map((row) => row.community), ['-/-']);
  });

  it('get_info, get_mac, get_supernodes, get_timestamps: the supernode variants', async () => {
    const info = await client.call('get_info');
    assert.ok(info.ok);
    assert.deepEqual({ ...info.value, builddate: '' }, { version: '3.4.5', builddate: '', is_edge: 0, is_supernode: 1, macaddr: '', ip4addr: '0.0.0.0', sockaddr: '0.0.0.0:0' });
    assert.deepEqual(await client.call('get_mac', { limit: 5 }), {
      ok: true,
      value: [
        { _type: 'assoc', mac: '02:00:00:77:00:0B', community: 'test', dest: '::ffff:127.0.0.1', last_seen: 1795638249 },
        { _type: 'assoc', mac: '02:00:00:77:00:0C', community: '-/-', dest: '192.0.2.7', last_seen: 1795638250 },
      ],
    });
    assert.deepEqual(await client.call('get_supernodes'), { ok: true, value: [] });
    const times = await client.call('get_timestamps');
    assert.ok(times.ok);
    assert.deepEqual(Object.entries(times.value), [
      ['last_register_req', 0],
      ['last_rx_p2p', 0],
      ['last_rx_super', 0],
      ['last_sweep', 0],
      ['last_sn_fwd', 1795638265],
      ['last_sn_reg', 1795638254],
      ['start_time', 1795638222],
    ]);
  });

  it("get_packetstats: n3n's ten rows, with the engine's counters in the sn_* rows", async () => {
    const fresh = await client.call('get_packetstats');
    assert.ok(fresh.ok);
    assert.deepEqual(fresh.value, expectedJson('./scripts/n3nctl -s ci_sn1 get_packetstats'));
    supernode.stats = { ...zeroStats(), forwarded: 4, broadcast: 3, registerSuperAcks: 2, registerSuperNaks: 1, sendErrors: 5 };
    const counted = await client.call('get_packetstats');
    assert.deepEqual(counted.ok && counted.value.slice(6), [
      { type: 'sn_fwd', tx_pkt: 4 },
      { type: 'sn_broadcast', tx_pkt: 3 },
      { type: 'sn_reg', tx_pkt: 2, nak: 1 },
      { type: 'sn_errors', tx_pkt: 5 },
    ]);
  });

  it('set_verbose, stop and reload_communities need the password; get_verbose does not', async () => {
    assert.deepEqual(await client.call('set_verbose', ['1']), { ok: false, error: 'unauthorised' });
    assert.deepEqual(await client.call('stop'), { ok: false, error: 'unauthorised' });
    assert.deepEqual(await client.call('reload_communities', null, { password: 'wrong' }), { ok: false, error: 'unauthorised' });
    assert.equal(stopRequests, 0);
    assert.equal(supernode.reloads, 0);
    assert.deepEqual(await client.call('get_verbose'), { ok: true, value: 2 });
    assert.deepEqual(await client.call('set_verbose', ['1'], { password: PASSWORD }), { ok: true, value: 1 });
    assert.deepEqual(await client.call('set_verbose', ['0x4'], { password: PASSWORD }), { ok: true, value: 4 });
    assert.deepEqual(await client.call('set_verbose', [3], { password: PASSWORD }), { ok: true, value: 3 });
    assert.equal(supernode.verbose, 3);
    assert.deepEqual(await client.call('set_verbose', null as unknown as [number], { password: PASSWORD }), { ok: false, error: 'rpc-error', detail: '400 missing param' });
    assert.deepEqual(await client.call('set_verbose', ['loud'], { password: PASSWORD }), { ok: false, error: 'rpc-error', detail: '400 expecting a level' });
    assert.deepEqual(await client.call('reload_communities', null, { password: PASSWORD }), { ok: true, value: -2 });
    assert.deepEqual(await client.call('stop', null, { password: PASSWORD }), { ok: true, value: 0 });
    assert.equal(stopRequests, 1);
  });

  it('publishes post.test, n3n peer events and Kith edge/community events', async () => {
    const received: object[] = [];
    const subscription = client.subscribe('debug', (event) => received.push(event), { password: PASSWORD });
    const polls = async (count: number): Promise<boolean> => {
      for (let turn = 0; turn < 400 && received.length < count; turn++) await new Promise((resolve) => setTimeout(resolve, 5));
      return received.length >= count;
    };
    // The subscription is live once help.events shows it.
    for (let turn = 0; turn < 400; turn++) {
      const topics = await client.call('help.events');
      if (topics.ok && topics.value[0]?.sockaddr === 'AF(1)') break;
    }
    assert.deepEqual(await client.call('post.test', { hello: 'world' }), { ok: true, value: 'sent' });
    const edge = { community: 'test', mac: '02:00:00:77:00:0a', sockaddr: '127.0.0.1:7701', age: 7 };
    supernode.events.emit('edge-removed', { ...edge, reason: 'purged' });
    supernode.events.emit('edge-removed', { ...edge, reason: 'unregistered' });
    supernode.events.emit('community-removed', { community: 'test' });
    assert.ok(await polls(5));
    subscription.close();
    assert.deepEqual(received, [
      { event: 'test', params: { hello: 'world' } },
      { event: 'peer', action: 'purge', macaddr: '02:00:00:77:00:0A', age: 7, sockaddr: '127.0.0.1:7701' },
      { event: 'kith.edge', action: 'removed', community: 'test', macaddr: '02:00:00:77:00:0A', sockaddr: '127.0.0.1:7701', age: 7, reason: 'purged' },
      { event: 'kith.edge', action: 'removed', community: 'test', macaddr: '02:00:00:77:00:0A', sockaddr: '127.0.0.1:7701', age: 7, reason: 'unregistered' },
      { event: 'kith.community', action: 'removed', community: 'test' },
    ]);
    const topics = await client.call('help.events');
    assert.deepEqual(topics.ok && topics.value.map((row) => row.topic), ['debug', 'test', 'peer', 'kith.edge', 'kith.community']);
  });

  it('exports packet and per-reason drop counters and edge/community gauges', async () => {
    supernode.stats = { ...zeroStats(), received: 10, accepted: 7, drops: { ...zeroStats().drops, 'bad-timestamp': 2, 'too-short': 1 }, totalDrops: 3 };
    const first = await fetchText(socketPath, '/metrics');
    assert.match(first, /^kith_supernode_packets\{session="sn",direction="rx",event="received"\} 10$/m);
    assert.match(first, /^kith_supernode_drops\{session="sn",reason="bad-timestamp"\} 2$/m);
    assert.match(first, /^kith_supernode_drops\{session="sn",reason="tcp-garbage"\} 0$/m);
    assert.match(first, /^kith_supernode_edges\{session="sn"\} 1$/m);
    assert.match(first, /^kith_supernode_communities\{session="sn"\} 2$/m);
    assert.match(first, /^kith_supernode_federation_members\{session="sn"\} 1$/m);
    supernode.stats = { ...supernode.stats, received: 12 };
    assert.match(await fetchText(socketPath, '/metrics'), /^kith_supernode_packets\{session="sn",direction="rx",event="received"\} 12$/m);
  });
});
