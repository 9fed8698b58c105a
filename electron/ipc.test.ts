import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type IpcHandlers, type IpcSender, registerIpc, TopicForwarder } from './ipc.js';
import { INVOKE_CHANNELS, isAllowedExternalUrl } from './ipc-schema.js';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  return {
    handlers,
    ipcMain: {
      handle: (channel: string, handler: Handler) => void handlers.set(channel, handler),
      removeHandler: (channel: string) => void handlers.delete(channel),
    } as unknown as Parameters<typeof registerIpc>[0]['ipcMain'],
  };
}

function fakeSender(id = 1) {
  const sent: unknown[] = [];
  const onDestroyed: (() => void)[] = [];
  const sender = {
    id,
    send: (channel: string, message: unknown) => void sent.push([channel, message]),
    isDestroyed: () => false,
    once: (event: string, listener: () => void) => {
      if (event === 'destroyed') onDestroyed.push(listener);
      return sender;
    },
  } as unknown as IpcSender;
  return { sender, sent, destroy: () => onDestroyed.forEach((listener) => listener()) };
}

const APP = 'file:///opt/Kith/dist/renderer/index.html';

function setup() {
  const calls: unknown[][] = [];
  const handlers: IpcHandlers = {
    'kith:call': (_sender, method, params) => {
      calls.push([method, params]);
      return { ok: true, result: method };
    },
    'kith:subscribe': () => true,
    'kith:unsubscribe': () => undefined,
    'app:copy-text': () => undefined,
    'app:open-external': () => undefined,
    'app:start-at-login': () => false,
    'app:set-start-at-login': () => undefined,
    'help:pointer': (_sender, mark) => {
      calls.push(['help:pointer', mark]);
    },
  };
  const { ipcMain, handlers: registered } = fakeIpcMain();
  const remove = registerIpc({ ipcMain, handlers, isTrustedUrl: (url) => url.startsWith(APP) });
  const invoke = (channel: string, url: string | undefined, ...args: unknown[]) => {
    const handler = registered.get(channel);
    assert.ok(handler, channel);
    return handler({ sender: fakeSender().sender, senderFrame: url === undefined ? null : { url } }, ...args);
  };
  return { calls, invoke, registered, remove };
}

describe('registerIpc', () => {
  it('handles every channel of the schema, and removes them again', () => {
    const { registered, remove } = setup();
    assert.deepEqual([...registered.keys()].sort(), [...INVOKE_CHANNELS].sort());
    remove();
    assert.equal(registered.size, 0);
  });

  it('passes calls from the app page through', () => {
    const { invoke, calls } = setup();
    assert.deepEqual(invoke('kith:call', `${APP}#/peers`, 'kith.status', {}), { ok: true, result: 'kith.status' });
    assert.deepEqual(calls, [['kith.status', {}]]);
  });

  it('refuses calls from any other frame, or a frame already gone', () => {
    const { invoke, calls } = setup();
    assert.throws(() => invoke('kith:call', 'https://evil.example/', 'kith.connect', {}), /refused a call from outside the app/);
    assert.throws(() => invoke('kith:call', 'file:///tmp/evil.html', 'kith.connect', {}), /refused/);
    assert.throws(() => invoke('kith:call', undefined, 'kith.connect', {}), /refused/);
    assert.deepEqual(calls, []);
  });

  it('refuses malformed arguments before a handler runs', () => {
    const { invoke, calls } = setup();
    assert.throws(() => invoke('kith:call', APP, 42, {}), /malformed/);
    assert.throws(() => invoke('kith:call', APP, ''), /malformed/);
    assert.throws(() => invoke('kith:subscribe', APP, 'Not A Topic!'), /malformed/);
    assert.throws(() => invoke('app:set-start-at-login', APP, 'yes'), /malformed/);
    assert.throws(() => invoke('app:copy-text', APP, 'x'.repeat(70_000)), /malformed/);
    assert.deepEqual(calls, []);
  });

  it('passes only a pointer mark of two numbers from 0 to 1, or null, to the overlay', () => {
    const { invoke, calls } = setup();
    for (const bad of [{ x: 2, y: 0 }, { x: Number.NaN, y: 0 }, { x: 0.5 }, { x: 0.5, y: 0.5, z: 1 }, [0.5, 0.5], '0.5,0.5', { x: '0.5', y: 0.5 }]) {
      assert.throws(() => invoke('help:pointer', APP, bad), /malformed/, JSON.stringify(bad));
    }
    invoke('help:pointer', APP, { x: 0.25, y: 1 });
    invoke('help:pointer', APP, null);
    assert.deepEqual(calls, [
      ['help:pointer', { x: 0.25, y: 1 }],
      ['help:pointer', null],
    ]);
  });
});

describe('TopicForwarder', () => {
  it('forwards each subscribed topic to its window until unsubscribed or destroyed', () => {
    const listeners = new Map<string, (payload: unknown) => void>();
    const forwarder = new TopicForwarder((topic, listener) => {
      listeners.set(topic, listener);
      return () => listeners.delete(topic);
    });
    const window = fakeSender(7);
    assert.equal(forwarder.add(window.sender, 'kith.peer'), true);
    assert.equal(forwarder.add(window.sender, 'kith.peer'), true);
    assert.equal(forwarder.add(window.sender, 'kith.state'), true);
    assert.equal(forwarder.count(), 2);
    listeners.get('kith.peer')?.({ action: 'added' });
    assert.deepEqual(window.sent, [['kith:event', { topic: 'kith.peer', payload: { action: 'added' } }]]);
    forwarder.remove(window.sender, 'kith.peer');
    assert.equal(listeners.has('kith.peer'), false);
    window.destroy();
    assert.equal(forwarder.count(), 0);
    assert.equal(listeners.size, 0);
  });

  it('answers false for a topic the engine refuses', () => {
    const forwarder = new TopicForwarder(() => {
      throw new Error('unknown topic');
    });
    assert.equal(forwarder.add(fakeSender().sender, 'nope'), false);
  });
});

describe('isAllowedExternalUrl', () => {
  it('opens only https, ssh, vnc and rdp links', () => {
    assert.ok(isAllowedExternalUrl('https://example.com/'));
    assert.ok(isAllowedExternalUrl('ssh://10.0.0.2'));
    assert.ok(!isAllowedExternalUrl('file:///etc/passwd'));
    assert.ok(!isAllowedExternalUrl('javascript:alert(1)'));
    assert.ok(!isAllowedExternalUrl('http://example.com/'));
    assert.ok(!isAllowedExternalUrl('not a url'));
  });
});
