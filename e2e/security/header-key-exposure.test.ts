// Issue 9 item 11: with header encryption the community name is the header key, yet get_edges rows
// and kith.status returned it to anyone who could reach the management API. Two real kith-edges
// with header encryption, peers of each other: without the password their management API shows
// no community name anywhere; with it, it does. (The diagnostics report: renderer/src/model/report.test.ts.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pingUntil, waitFor } from '../netns/kith.js';
import { netnsSkipReason } from '../netns/topology.js';
import { edgeWorld, type EdgeWorld, type WorldEdge } from './daemons.js';

const COMMUNITY = 'hdrkey-secret';
const N3N_DEFAULT = 'n3n';

describe('header-encryption community name over the management API', { skip: netnsSkipReason() }, () => {
  let world: EdgeWorld;
  let a: WorldEdge;
  before(async () => {
    world = await edgeWorld([COMMUNITY]);
    const spec = { community: COMMUNITY, key: 'hdrkey-payload-key', extra: ['-Ocommunity.cipher=AES', '-Ocommunity.header_encryption=true'] };
    a = await world.edge('kithhka', { ...spec, address: '10.99.0.1/24' });
    const b = await world.edge('kithhkb', { ...spec, address: '10.99.0.2/24' });
    await pingUntil(world.topology, b.host.ns, '10.99.0.1', 20_000);
    await waitFor('a peer row at edge a', async () => (((await a.call('get_edges')) as unknown[] | undefined)?.length ?? 0) > 0 || undefined, 20_000);
  });
  after(() => world?.destroy());

  it('shows get_edges rows and kith.status without the name to callers without the password', async () => {
    const rows = (await a.call('get_edges')) as { community: string; macaddr: string }[];
    assert.ok(rows.length > 0);
    for (const row of rows) assert.equal(row.community, '', JSON.stringify(row));
    const status = (await a.call('kith.status')) as { community: string; state: string };
    assert.equal(status.state, 'registered');
    assert.equal(status.community, '');
    for (const method of ['get_edges', 'kith.status', 'kith.peers', 'kith.supernodes', 'get_info', 'get_supernodes', 'help.events']) {
      assert.ok(!JSON.stringify(await a.call(method)).includes(COMMUNITY), method);
    }
    assert.equal(await a.call('get_communities'), undefined, 'MANAGEMENT.md §6.3: 403');
  });

  it('shows the name to the holder of the management password', async () => {
    const rows = (await a.call('get_edges', null, N3N_DEFAULT)) as { community: string }[];
    assert.ok(rows.every((row) => row.community === COMMUNITY));
    const status = (await a.call('kith.status', null, N3N_DEFAULT)) as { community: string };
    assert.equal(status.community, COMMUNITY);
  });
});
