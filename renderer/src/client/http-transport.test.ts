import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientError } from './errors.js';
import { backoffDelay, httpTransport } from './http-transport.js';

type FetchArgs = Parameters<typeof fetch>;

function reply(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'application/json' } });
}

function streamOf(chunks: readonly string[], keepOpen = false): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      if (!keepOpen) controller.close();
    },
  });
  return new Response(body, { status: 200 });
}

describe('httpTransport calls (MANAGEMENT.md §3)', () => {
  it('posts a JSON-RPC 2.0 request to /v1 with same-origin credentials and returns the result', async () => {
    const seen: FetchArgs[] = [];
    const transport = httpTransport({
      fetch: (...args: FetchArgs) => {
        seen.push(args);
        return Promise.resolve(reply(200, '{"jsonrpc":"2.0","id":"1","result":{"state":"registered"}}'));
      },
    });
    assert.deepEqual(await transport.call('kith.status', null), { state: 'registered' });
    const [url, init] = seen[0] ?? [];
    assert.equal(url, '/v1');
    assert.equal(init?.method, 'POST');
    assert.equal(init?.credentials, 'same-origin');
    assert.deepEqual(JSON.parse(init?.body as string), { jsonrpc: '2.0', id: '1', method: 'kith.status', params: null });
  });

  it('turns 401 into "The management password is needed"', async () => {
    const transport = httpTransport({ fetch: () => Promise.resolve(new Response('unauthorised\n', { status: 401 })) });
    await assert.rejects(transport.call('kith.connect', null), (error: unknown) => error instanceof ClientError && error.kind === 'auth' && error.message === 'The management password is needed');
  });

  it('tells its owner about a 401, from a call or from the event stream, so the page can sign in', async () => {
    let told = 0;
    const refusing = httpTransport({ fetch: () => Promise.resolve(new Response('unauthorised\n', { status: 401 })), onUnauthorised: () => void told++, setTimer: () => undefined });
    await assert.rejects(refusing.call('kith.status', null));
    assert.equal(told, 1);
    const stop = refusing.listen(['kith.state'], () => undefined, () => undefined);
    for (let turn = 0; turn < 100 && told < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    stop();
    assert.equal(told, 2);
  });

  it('turns a failed fetch into "Kith\'s engine is not running"', async () => {
    const transport = httpTransport({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await assert.rejects(transport.call('kith.status', null), (error: unknown) => error instanceof ClientError && error.kind === 'offline' && error.message === "Kith's engine is not running");
  });

  it('reports JSON-RPC errors and plain-text 404s with their code', async () => {
    const jsonError = httpTransport({ fetch: () => Promise.resolve(reply(400, '{"jsonrpc":"2.0","id":"1","error":{"code":400,"message":"expecting array"}}')) });
    await assert.rejects(jsonError.call('kith.ping', ['x']), (error: unknown) => error instanceof ClientError && error.code === 400 && error.message === 'expecting array');
    const unknown = httpTransport({ fetch: () => Promise.resolve(new Response('Unknown method\n', { status: 404 })) });
    await assert.rejects(unknown.call('kith.log', null), (error: unknown) => error instanceof ClientError && error.code === 404 && error.kind === 'refused');
  });
});

describe('httpTransport events (MANAGEMENT.md §7)', () => {
  it('reads the debug stream, keeps the wanted topics, and reconnects after the stream ends', async () => {
    const urls: string[] = [];
    let opened = 0;
    const timers: (() => void)[] = [];
    const transport = httpTransport({
      fetch: (input: FetchArgs[0]) => {
        urls.push(input as string);
        opened++;
        return Promise.resolve(
          opened === 1
            ? streamOf(['\x1e"replacing"\n\x1e{"event":"kith.state","state":"connecting","previous":"stopped"}\n\x1e{"event":"peer","action":"p2p_add"}\n\x1e{"event":"kith.pa', 'th","mac":"a","path":"direct"}\n'])
            : streamOf(['\x1e{"event":"kith.peer","action":"removed","mac":"a","reason":"purge"}\n'], true),
        );
      },
      setTimer: (run) => timers.push(run),
      clearTimer: () => undefined,
    });
    const events: [string, unknown][] = [];
    const links: string[] = [];
    const stop = transport.listen(['kith.state', 'kith.path', 'kith.peer'], (topic, payload) => events.push([topic, payload]), (link) => links.push(link));
    await waitFor(() => timers.length === 1);
    assert.deepEqual(links, ['up', 'down']);
    assert.deepEqual(
      events.map(([topic]) => topic),
      ['kith.state', 'kith.path'],
    );
    timers.shift()?.();
    await waitFor(() => events.length === 3);
    assert.deepEqual(links, ['up', 'down', 'up']);
    assert.deepEqual(urls, ['/events/debug', '/events/debug']);
    stop();
  });

  it('backs off by doubling up to a cap', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(n, 500, 10_000)), [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check(), 'condition not reached');
}
