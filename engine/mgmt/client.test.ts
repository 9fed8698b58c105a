import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Result } from '../../shared/result.js';
import { createManagementClient } from './client.js';
import type { ServedMethods } from './http-server.js';
import { eventually, PASSWORD, startServer, type FakeEvents, type FakeMethods, type RunningServer } from './test-support.js';

function isDelivered(sent: Result<number, string>): boolean {
  return sent.ok && sent.value === 1;
}

describe('management client', () => {
  let running: RunningServer;
  before(async () => {
    running = await startServer();
  });
  after(() => running.stop());

  for (const transport of ['unix', 'tcp'] as const) {
    it(`calls typed methods over ${transport}`, async () => {
      const client = createManagementClient<ServedMethods<FakeMethods>, FakeEvents>(
        transport === 'unix' ? { socketPath: running.socketPath } : running.tcp,
      );
      const verbose = await client.call('get_verbose');
      assert.deepEqual(verbose, { ok: true, value: 2 });
      const page = await client.call('get_edges', { limit: 2, offset: 1 });
      assert.equal(page.ok ? page.value.length : -1, 2);
      const help = await client.call('help');
      assert.equal(help.ok ? help.value[0]?.method : '', 'get_communities');
      assert.deepEqual(await client.call('set_verbose', [3]), { ok: false, error: 'unauthorised' });
      assert.deepEqual(await client.call('set_verbose', [3], { password: PASSWORD }), { ok: true, value: 3 });
      assert.deepEqual(await client.call('set_verbose', ['2'], { password: PASSWORD }), { ok: true, value: 2 });
      const forbidden = await client.call('get_communities');
      assert.deepEqual(forbidden, { ok: false, error: 'rpc-error', detail: '403 Forbidden' });
      assert.equal((await client.call('nope' as 'stop')).ok, false);
    });
  }

  it('reports an absent daemon as connect-failed', async () => {
    const client = createManagementClient<ServedMethods<FakeMethods>>({ socketPath: `${running.dir}/absent` });
    const result = await client.call('get_verbose');
    assert.equal(result.ok ? undefined : result.error, 'connect-failed');
  });

  it('subscribes to a topic and receives typed events until closed', async () => {
    const client = createManagementClient<ServedMethods<FakeMethods>, FakeEvents>({ socketPath: running.socketPath });
    const events: FakeEvents['peer'][] = [];
    assert.deepEqual(await client.subscribe('peer', () => undefined).ended, { ok: false, error: 'unauthorised', detail: '401' });
    const subscription = client.subscribe('peer', (event) => events.push(event), { password: PASSWORD });
    const purge = { action: 'purge', macaddr: '', age: 3, sockaddr: '0.0.0.0:0' } as const;
    assert.ok(await eventually(() => isDelivered(running.server.publish('peer', purge))));
    assert.ok(await eventually(() => events.length >= 1));
    assert.deepEqual(events[0], { event: 'peer', action: 'purge', macaddr: '', age: 3, sockaddr: '0.0.0.0:0' });
    subscription.close();
    assert.deepEqual(await subscription.ended, { ok: true, value: undefined });
    const unknown = client.subscribe('nope' as 'peer', () => undefined, { password: PASSWORD });
    assert.deepEqual(await unknown.ended, { ok: false, error: 'unknown-topic', detail: '404' });
  });
});
