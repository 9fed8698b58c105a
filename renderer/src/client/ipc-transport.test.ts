import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KithBridge } from './bridge.js';
import { createClient } from './client.js';
import { ClientError } from './errors.js';
import { ipcTransport } from './ipc-transport.js';

function fakeBridge(reply: Awaited<ReturnType<KithBridge['call']>> | Error): KithBridge & { calls: [string, unknown][]; emit(topic: string, payload: unknown): void } {
  const listeners = new Map<string, (payload: unknown) => void>();
  const calls: [string, unknown][] = [];
  return {
    calls,
    call: (method, params) => {
      calls.push([method, params]);
      return reply instanceof Error ? Promise.reject(reply) : Promise.resolve(reply);
    },
    subscribe: (topic, listener) => {
      listeners.set(topic, listener);
      return () => listeners.delete(topic);
    },
    emit: (topic, payload) => listeners.get(topic)?.(payload),
    app: { copyText: () => Promise.resolve(), openExternal: () => Promise.resolve(), startAtLogin: () => Promise.resolve(false), setStartAtLogin: () => Promise.resolve() },
    help: { pointer: () => Promise.resolve(), onPointer: () => () => undefined, onAskForHelp: () => () => undefined },
  };
}

describe('ipcTransport (window.kith)', () => {
  it('calls through the bridge with the params array, null for none', async () => {
    const bridge = fakeBridge({ ok: true, result: { ok: true, profile: 'home' } });
    const client = createClient(ipcTransport(bridge));
    assert.equal(client.transport, 'ipc');
    assert.deepEqual(await client.call('kith.invite.import', ['kith://join?x']), { ok: true, profile: 'home' });
    await client.call('kith.status');
    assert.deepEqual(bridge.calls, [
      ['kith.invite.import', ['kith://join?x']],
      ['kith.status', null],
    ]);
  });

  it('maps error codes: 401 needs the password, 503 and a broken bridge mean no engine', async () => {
    await assert.rejects(createClient(ipcTransport(fakeBridge({ ok: false, code: 401, message: 'unauthorised' }))).call('kith.connect'), (e: unknown) => e instanceof ClientError && e.message === 'The management password is needed');
    await assert.rejects(createClient(ipcTransport(fakeBridge({ ok: false, code: 503, message: 'x' }))).call('kith.status'), (e: unknown) => e instanceof ClientError && e.kind === 'offline');
    await assert.rejects(createClient(ipcTransport(fakeBridge(new Error('gone')))).call('kith.status'), (e: unknown) => e instanceof ClientError && e.message === "Kith's engine is not running");
  });

  it('delivers events by topic and reports the link up', async () => {
    const bridge = fakeBridge({ ok: true, result: null });
    const events: unknown[] = [];
    const links: string[] = [];
    const stop = createClient(ipcTransport(bridge)).listen(['kith.state'], (event) => events.push(event), (link) => links.push(link));
    await Promise.resolve();
    bridge.emit('kith.state', { state: 'registered', previous: 'connecting' });
    assert.deepEqual(events, [{ topic: 'kith.state', payload: { state: 'registered', previous: 'connecting' } }]);
    assert.deepEqual(links, ['up']);
    stop();
    bridge.emit('kith.state', { state: 'stopped', previous: 'registered' });
    assert.equal(events.length, 1);
  });
});
