import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { basicAuthorization } from './auth.js';
import { successBody } from './jsonrpc.js';
import { defineMethod } from './method-table.js';
import {
  edgeRow,
  eventually,
  exchange,
  fakeMethods,
  openSocket,
  parseResponses,
  PASSWORD,
  postV1,
  startServer,
  unixTarget,
  type ParsedResponse,
  type RunningServer,
  type Target,
} from './test-support.js';

async function one(target: Target, bytes: string): Promise<ParsedResponse> {
  const responses = parseResponses(await exchange(target, bytes));
  assert.ok(responses !== undefined, 'well-formed response');
  assert.equal(responses.length, 1);
  return responses[0] as ParsedResponse;
}

function curlPost(body: string, auth?: string): string {
  const authorization = auth === undefined ? '' : `Authorization: Basic ${Buffer.from(auth).toString('base64')}\r\n`;
  return (
    `POST /v1 HTTP/1.1\r\nHost: x\r\n${authorization}User-Agent: curl/7.88.1\r\nAccept: */*\r\n` +
    `Content-Length: ${body.length}\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n${body}`
  );
}

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

describe('management HTTP server: MANAGEMENT.md Appendix A, byte-exact', () => {
  let running: RunningServer;
  before(async () => {
    running = await startServer();
  });
  after(() => running.stop());

  it('answers stop without a password with 401 unauth and WWW-Authenticate', async () => {
    const reply = await exchange(unixTarget(running), curlPost('{"jsonrpc":"2.0","method":"stop","id":3}'));
    assert.equal(
      reply.toString('latin1'),
      'HTTP/1.1 401 unauth\r\nContent-Type: text/plain\r\nWWW-Authenticate: Basic realm="n3n"\r\nContent-Length: 13\r\n\r\nunauthorised\n',
    );
    assert.equal(running.state.stops, 0);
  });

  it('answers stop with -u unused:n3n', async () => {
    const reply = await exchange(unixTarget(running), curlPost('{"jsonrpc":"2.0","method":"stop","id":4}', 'unused:n3n'));
    assert.equal(
      reply.toString('latin1'),
      'HTTP/1.1 200 result\r\nContent-Type: application/json\r\nContent-Length: 37\r\n\r\n{"jsonrpc":"2.0","id":"4","result":0}',
    );
  });

  it("answers n3nctl's captured unix-socket request", async () => {
    const request =
      'POST /v1 HTTP/1.1\r\nHost: specfake\r\nAccept-Encoding: identity\r\nContent-Length: 64\r\nContent-Type: application/json\r\n' +
      'Authorization: Basic dW51c2VkOm4zbg==\r\n\r\n{"jsonrpc": "2.0", "id": 1, "method": "get_mac", "params": null}';
    const reply = await exchange(unixTarget(running), request);
    assert.equal(
      reply.toString('latin1'),
      'HTTP/1.1 200 result\r\nContent-Type: application/json\r\nContent-Length: 38\r\n\r\n{"jsonrpc":"2.0","id":"1","result":[]}',
    );
  });

  it("answers n3nctl's captured TCP request with Connection: close", async () => {
    const body = '{"jsonrpc": "2.0", "id": 1, "method": "set_verbose", "params": ["2"]}';
    // Captured against port 18080; n3nctl names the port it connects to.
    const request =
      `POST /v1 HTTP/1.1\r\nAccept-Encoding: identity\r\nContent-Length: 69\r\nHost: 127.0.0.1:${running.tcp.port}\r\nUser-Agent: Python-urllib/3.11\r\n` +
      `Content-Type: application/json\r\nAuthorization: Basic dW51c2VkOm4zbg==\r\nConnection: close\r\n\r\n${body}`;
    const reply = await one(running.tcp, request);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.toString(), '{"jsonrpc":"2.0","id":"1","result":2}');
  });

  const table: [string, string, number, string, string][] = [
    ['no body', 'POST /v1 HTTP/1.1\r\nHost: x\r\n\r\n', 404, 'text/plain', 'Error: parsing json\n'],
    ['body hello', postV1('hello'), 404, 'text/plain', 'Error: parsing json\n'],
    ['no method', postV1('{"jsonrpc":"2.0","id":1}'), 404, 'text/plain', 'Error: parsing json\n'],
    ['a batch', postV1('[{"jsonrpc":"2.0","method":"get_verbose","id":1}]'), 404, 'text/plain', 'Error: parsing json\n'],
    ['unknown method', postV1('{"jsonrpc":"2.0","method":"nope","id":1}'), 404, 'text/plain', 'Unknown method\n'],
    ['a string id', postV1('{"jsonrpc":"2.0","method":"get_verbose","id":"abc"}'), 200, 'application/json', '{"jsonrpc":"2.0","id":"abc","result":2}'],
    ['spaced JSON', postV1('{ "jsonrpc" : "2.0" , "method" : "get_verbose" , "id" : 11 }'), 200, 'application/json', '{"jsonrpc":"2.0","id":"11","result":2}'],
    ['POST /v1/', 'POST /v1/ HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}', 404, 'text/plain', 'unknown endpoint\n'],
    ['POST /v1?x', 'POST /v1?x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}', 404, 'text/plain', 'unknown endpoint\n'],
    ['GET /v1', get('/v1'), 404, 'text/plain', 'unknown endpoint\n'],
    ['OPTIONS /help', 'OPTIONS /help HTTP/1.1\r\n\r\n', 404, 'text/plain', 'unknown endpoint\n'],
    ['GET /events/bogus', get('/events/bogus'), 404, 'text/plain', 'unknown topic\n'],
    ['GET /debug/slots (disabled)', get('/debug/slots'), 403, 'text/plain', 'enable_debug_pages is false\n'],
    ['GET / without a web UI', get('/'), 404, 'text/plain', 'unknown endpoint\n'],
    ['GET /status', get('/status'), 200, 'text/plain', 'ok\n'],
  ];
  for (const [name, request, status, type, body] of table) {
    it(`${name} → ${status}`, async () => {
      const reply = await one(unixTarget(running), request);
      assert.equal(reply.status, status);
      assert.equal(reply.word, status === 401 ? 'unauth' : 'result');
      assert.deepEqual(reply.headers[0], ['Content-Type', type]);
      assert.equal(reply.body.toString(), body);
    });
  }

  const auth: [string, string | undefined, string, number, string][] = [
    ['wrong password', 'u:wrong', '[3]', 401, 'unauthorised\n'],
    ['no user', ':n3n', '[3]', 200, '3'],
    ['number param', 'u:n3n', '[3]', 200, '3'],
    ['string param, any user', 'anyuser:n3n', '["2"]', 200, '2'],
    ['hex string param', 'u:n3n', '["0x4"]', 200, '4'],
    ['a space after [', 'u:n3n', '[ 3]', 200, '3'],
    ['no params (n3n crashed)', 'u:n3n', 'null', 400, '{"jsonrpc":"2.0","id":"9","error":{"code":400,"message":"missing param"}}'],
    ['params not an array (n3n crashed)', 'u:n3n', '{"a":1}', 400, '{"jsonrpc":"2.0","id":"9","error":{"code":400,"message":"expecting array"}}'],
  ];
  for (const [name, credentials, params, status, expected] of auth) {
    it(`set_verbose, ${name} → ${status}`, async () => {
      const header = credentials === undefined ? '' : `Authorization: Basic ${Buffer.from(credentials).toString('base64')}\r\n`;
      const reply = await one(unixTarget(running), postV1(`{"jsonrpc":"2.0","method":"set_verbose","id":9,"params":${params}}`, header));
      assert.equal(reply.status, status);
      const body = reply.body.toString();
      assert.equal(status === 200 ? JSON.stringify((JSON.parse(body) as { result: unknown }).result) : body, expected);
    });
  }

  it('accepts the header name in lower case and the password after the first colon only', async () => {
    const lower = await one(unixTarget(running), postV1('{"method":"stop","id":1}', `authorization: ${basicAuthorization(PASSWORD)}\r\n`));
    assert.equal(lower.status, 200);
    const extra = await one(unixTarget(running), postV1('{"method":"stop","id":1}', `Authorization: ${basicAuthorization(`${PASSWORD}:extra`)}\r\n`));
    assert.equal(extra.status, 401);
  });

  it('serves /help exactly as captured when a web UI is configured (§2.3)', async () => {
    const ui = await startServer({ webUiDir: running.dir });
    try {
      const reply = await exchange(unixTarget(ui), get('/help'));
      assert.equal(
        reply.toString('latin1'),
        'HTTP/1.1 200 result\r\nContent-Type: text/plain\r\nContent-Length: 275\r\n\r\n' +
          'endpoint, desc\nPOST /v1 , JsonRPC\nGET / , Human interface\nGET /debug/slots , Internal slots dump\n' +
          'GET /events/, Subscribe to events\nGET /help , Describe available endpoints\nGET /metrics , Fetch metrics data\n' +
          'GET /script.js , javascript helpers\nGET /status , Quick health check\n',
      );
    } finally {
      await ui.stop();
    }
  });

  it("lists the methods in n3n's order through help (§6.1)", async () => {
    const reply = await one(unixTarget(running), postV1('{"jsonrpc":"2.0","method":"help","id":1}'));
    const rows = (JSON.parse(reply.body.toString()) as { result: { method: string; desc: string }[] }).result;
    assert.deepEqual(
      rows.map((row) => row.method),
      ['get_communities', 'get_edges', 'get_info', 'get_mac', 'get_packetstats', 'get_supernodes', 'get_timestamps', 'get_verbose',
        'help', 'help.events', 'post.test', 'reload_communities', 'set_verbose', 'stop'],
    );
    assert.deepEqual(rows[8], { method: 'help', desc: 'Show JsonRPC methods' });
  });
});

describe('management HTTP server: MANAGEMENT.md §9 items fixed rather than copied', () => {
  let running: RunningServer;
  before(async () => {
    running = await startServer();
  });
  after(() => running.stop());

  for (const [id, echoed] of [['-5', '-5'], ['1.5', '1.5'], ['true', 'true'], ['null', 'null'], ['{"a":[1]}', '{"a":[1]}'], ['"abcdefghijklmnopqrstuvwxyz"', 'abcdefghijklmnopqrstuvwxyz']]) {
    it(`echoes id ${id} whole, as a string (n3n crashed or truncated to 9 chars)`, async () => {
      const reply = await one(unixTarget(running), postV1(`{"jsonrpc":"2.0","method":"get_verbose","id":${id}}`));
      assert.equal(reply.body.toString(), successBody(echoed ?? '', '2'));
    });
  }

  it('never finds a field in the leftovers of a previous request on the same connection', async () => {
    const socket = await openSocket(unixTarget(running));
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const responses = (): ParsedResponse[] => parseResponses(Buffer.concat(received)) ?? [];
    socket.write(postV1('{"jsonrpc":"2.0","method":"get_verbose","id":"a-long-identifier","params":{"x":"yyyyyyyyyyyyyyyy"}}'));
    assert.ok(await eventually(() => responses().length === 1));
    socket.write(postV1('{"method":"get_verbose"}'));
    assert.ok(await eventually(() => responses().length === 2));
    socket.destroy();
    assert.equal(responses()[1]?.status, 404);
    assert.equal(responses()[1]?.body.toString(), 'Error: parsing json\n');
  });

  it('answers a handler error 403 as JSON-RPC and a crash as 500 without logging its message', async () => {
    const forbidden = await one(unixTarget(running), postV1('{"method":"get_communities","id":1}'));
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body.toString(), '{"jsonrpc":"2.0","id":"1","error":{"code":403,"message":"Forbidden"}}');
    const crashed = await one(unixTarget(running), postV1('{"method":"get_packetstats","id":2}'));
    assert.equal(crashed.status, 500);
    const unserialisable = await one(unixTarget(running), postV1('{"method":"get_timestamps","id":3}'));
    assert.equal(unserialisable.status, 500);
    assert.equal(unserialisable.body.toString(), '{"jsonrpc":"2.0","id":"3","error":{"code":500,"message":"internal error"}}');
    assert.ok(running.logs.length >= 2);
    for (const line of running.logs) assert.ok(!line.includes(PASSWORD), line);
  });

  it('reports the real session name in every metric sample (n3n printed "(null)")', async () => {
    running.server.metrics.counter('n3n_edge_packets', 'Packets', ['direction', 'event']).inc({ direction: 'tx', event: 'p2p' }, 5);
    const reply = await one(unixTarget(running), get('/metrics'));
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.headers[0], ['Content-Type', 'text/plain']);
    const text = reply.body.toString();
    assert.match(text, /^n3n_edge_packets\{session="specedge1",direction="tx",event="p2p"\} 5$/m);
    assert.match(text, /^kith_mgmt_connections\{session="specedge1"\} \d+$/m);
    assert.ok(!text.includes('(null)'));
  });

  it('applies a reply cap as 507 with the count of rows that fit, and n3nctl pagination collects every row', async () => {
    const cap = Buffer.byteLength(successBody('42', JSON.stringify(Array.from({ length: 16 }, (_, i) => edgeRow(i)))));
    const capped = await startServer({ replyLimitBytes: cap });
    try {
      const overflow = await exchange(unixTarget(capped), curlPost('{"jsonrpc":"2.0","method":"get_edges","id":42}'));
      assert.equal(
        overflow.toString('latin1'),
        'HTTP/1.1 507 result\r\nContent-Type: application/json\r\nContent-Length: 89\r\n\r\n' +
          '{"jsonrpc":"2.0","id":"42","error":{"code":507,"message":"overflow","data":{"count":16}}}',
      );
      // MANAGEMENT.md §5: n3nctl's loop — limit = count - 1, offset = rows so far, until a short page.
      const rows: unknown[] = [];
      for (let page = 0; page < 10; page++) {
        const reply = await one(unixTarget(capped), postV1(`{"jsonrpc": "2.0", "id": 2, "method": "get_edges", "params": {"limit":15,"offset":${rows.length}}}`));
        const result = (JSON.parse(reply.body.toString()) as { result: unknown[] }).result;
        rows.push(...result);
        if (result.length < 15) break;
      }
      assert.equal(rows.length, 34);
      const none = await startServer({ replyLimitBytes: 10 });
      try {
        const reply = await one(unixTarget(none), postV1('{"method":"get_edges","id":1}'));
        assert.equal(reply.body.toString(), '{"jsonrpc":"2.0","id":"1","error":{"code":507,"message":"overflow"}}');
      } finally {
        await none.stop();
      }
    } finally {
      await capped.stop();
    }
  });
});

describe('management HTTP server: connections, framing and limits', () => {
  let running: RunningServer;
  before(async () => {
    running = await startServer({ limits: { maxRequestBodyBytes: 4096, maxHeaderBytes: 2048 } });
  });
  after(() => running.stop());

  it('answers sequential keep-alive requests without a Host header (munin plugin, id 0)', async () => {
    const socket = await openSocket(running.tcp);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const count = (): number => parseResponses(Buffer.concat(received))?.length ?? 0;
    for (let i = 0; i < 3; i++) {
      const body = `{"jsonrpc":"2.0","method":"get_verbose","id":${i}}`;
      socket.write(`POST /v1 HTTP/1.1\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      assert.ok(await eventually(() => count() === i + 1));
    }
    socket.destroy();
    const ids = (parseResponses(Buffer.concat(received)) ?? []).map((r) => (JSON.parse(r.body.toString()) as { id: string }).id);
    assert.deepEqual(ids, ['0', '1', '2']);
  });

  it('answers pipelined requests in order (n3n answered only the first)', async () => {
    const requests = [0, 1, 2].map((id) => postV1(`{"method":"get_verbose","id":${id}}`)).join('') + get('/status');
    const responses = parseResponses(await exchange(unixTarget(running), requests));
    assert.ok(responses !== undefined);
    assert.deepEqual(
      responses.map((r) => r.body.toString()),
      [0, 1, 2].map((id) => successBody(String(id), '2')).concat('ok\n'),
    );
  });

  it('accepts a chunked body', async () => {
    const body = '{"method":"get_verbose","id":5}';
    const request = `POST /v1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    assert.equal((await one(unixTarget(running), request)).body.toString(), successBody('5', '2'));
  });

  it('refuses a declared huge body with 413 before reading it', async () => {
    const reply = await one(running.tcp, 'POST /v1 HTTP/1.1\r\nContent-Length: 100000000\r\n\r\n{');
    assert.equal(reply.status, 413);
  });

  it('refuses a body that grows past the limit with 413', async () => {
    const body = `{"method":"get_verbose","id":1,"pad":"${'x'.repeat(100_000)}"}`;
    const reply = await one(unixTarget(running), `POST /v1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`);
    assert.equal(reply.status, 413);
  });

  it('answers an oversized header block with 431', async () => {
    const reply = await one(unixTarget(running), `GET /status HTTP/1.1\r\nX-Pad: ${'p'.repeat(10_000)}\r\n\r\n`);
    assert.equal(reply.status, 431);
  });

  for (const [name, request] of [
    ['garbage', 'hello world\r\n\r\n'],
    ['a bad Content-Length', 'POST /v1 HTTP/1.1\r\nContent-Length: abc\r\n\r\n'],
    ['two Content-Lengths', 'POST /v1 HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}'],
    ['a truncated request', 'POST /v1 HTTP/1.1\r\nContent-Length: 50\r\n\r\n{"method"'],
    ['a NUL in the request line', 'GET /st\0atus HTTP/1.1\r\n\r\n'],
  ]) {
    it(`answers ${name} with 400`, async () => {
      const reply = await one(unixTarget(running), request ?? '');
      assert.equal(reply.status, 400);
    });
  }

  it('answers a malformed request pipelined after a valid one after the valid reply', async () => {
    const responses = parseResponses(await exchange(unixTarget(running), postV1('{"method":"get_verbose","id":1}') + 'junk\r\n\r\n'));
    assert.deepEqual(responses?.map((r) => r.status), [200, 400]);
  });

  it('closes the quietest idle connection to make room for a newcomer', async () => {
    const small = await startServer({ limits: { maxConnections: 2 } });
    try {
      const held = await Promise.all([openSocket(unixTarget(small)), openSocket(small.tcp)]);
      const closed = held.map(() => false);
      held.forEach((socket, index) => socket.once('close', () => (closed[index] = true)));
      assert.equal((await one(unixTarget(small), get('/status'))).status, 200);
      assert.ok(await eventually(() => closed.includes(true)));
      for (const socket of held) socket.destroy();
    } finally {
      await small.stop();
    }
  });

  it('answers 503 only while every connection is answering a request', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const slow = (): Promise<{ version: string }> => {
      started = true;
      return released.then(() => ({ version: '3.4.5' }));
    };
    const methods = { ...fakeMethods({ verbosity: 2, stops: 0 }), get_info: defineMethod({ description: 'slow', needsAuth: false, handler: slow }) };
    const small = await startServer({ limits: { maxConnections: 1 }, methods });
    try {
      const busy = await openSocket(unixTarget(small));
      busy.on('error', () => undefined);
      busy.write(postV1('{"method":"get_info","id":1}'));
      assert.ok(await eventually(() => started));
      assert.equal((await one(unixTarget(small), get('/status'))).status, 503);
      release();
      assert.ok(await eventually(async () => (await one(unixTarget(small), get('/status'))).status === 200));
      busy.destroy();
    } finally {
      await small.stop();
    }
  });

  it('shows connections on /debug/slots when debug pages are enabled', async () => {
    const debug = await startServer({ enableDebugPages: true });
    try {
      const reply = await one(debug.tcp, `GET /debug/slots HTTP/1.1\r\nHost: 127.0.0.1:${debug.tcp.port}\r\n\r\n`);
      assert.equal(reply.status, 200);
      assert.match(reply.body.toString(), /tcp 127\.0\.0\.1 requests=1/);
    } finally {
      await debug.stop();
    }
  });
});

describe('management HTTP server: web UI files', () => {
  const index = '<!DOCTYPE html><title>kith</title><script src="script.js"></script>\n';
  const script = 'console.log("kith");\n';
  let root: string;
  let running: RunningServer;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'kith-ui-'));
    const ui = join(root, 'ui');
    await mkdir(join(ui, 'assets'), { recursive: true });
    await writeFile(join(ui, 'index.html'), index);
    await writeFile(join(ui, 'script.js'), script);
    await writeFile(join(ui, 'assets', 'app.css'), 'body{}');
    await writeFile(join(root, 'secret.txt'), 'secret');
    await symlink(join(root, 'secret.txt'), join(ui, 'escape.txt'));
    running = await startServer({ webUiDir: ui });
  });
  after(async () => {
    await running.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('serves the files unmodified with their content types (test_integration_webui.sh)', async () => {
    const page = await one(unixTarget(running), get('/'));
    assert.deepEqual([page.status, page.headers[0]?.[1], page.body.toString()], [200, 'text/html', index]);
    const js = await one(unixTarget(running), get('/script.js'));
    assert.deepEqual([js.status, js.headers[0]?.[1], js.body.toString()], [200, 'text/javascript', script]);
    const css = await one(unixTarget(running), get('/assets/app.css?v=1'));
    assert.deepEqual([css.status, css.headers[0]?.[1], css.body.toString()], [200, 'text/css', 'body{}']);
  });

  for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/escape.txt', '/assets', '/%00', '/%zz', '/missing.js']) {
    it(`refuses ${path} with 404`, async () => {
      const reply = await one(unixTarget(running), get(path));
      assert.equal(reply.status, 404);
      assert.equal(reply.body.toString(), 'unknown endpoint\n');
    });
  }
});
