// The management server's TCP listener against what a browser on the same machine can be made to
// send (DESIGN.md "Trust boundaries"), and n3n's clients, which must keep working.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { basicAuthorization } from './auth.js';
import { exchange, parseResponses, PASSWORD, startServer, unixTarget, type ParsedResponse, type RunningServer, type Target } from './test-support.js';

async function one(target: Target, bytes: string): Promise<ParsedResponse> {
  const responses = parseResponses(await exchange(target, bytes));
  assert.ok(responses?.length === 1, 'one well-formed response');
  return responses[0] as ParsedResponse;
}

const header = (response: ParsedResponse, name: string): string | undefined => response.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];

function request(method: string, path: string, headers: Record<string, string>, body = ''): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}${body === '' && method === 'GET' ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`}\r\n${body}`;
}

const setVerbose = (level: number): string => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'set_verbose', params: [level] });

describe('management TCP listener and browsers', () => {
  let running: RunningServer;
  let root: string;
  let host: string;
  let browser: Record<string, string>;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'kith-ui-'));
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Kith</title>');
    await writeFile(join(root, 'assets', 'app.js'), 'void 0;');
    running = await startServer({ webUiDir: root });
    host = `127.0.0.1:${running.tcp.port}`;
    browser = { Host: host, Origin: `http://${host}`, 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/json' };
  });
  after(async () => {
    await running.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('answers only to its own address as Host: a rebound name gets 421, pages and API alike', async () => {
    for (const path of ['/', '/help', '/events/test', '/assets/app.js']) {
      const reply = await one(running.tcp, request('GET', path, { Host: `attacker.test:${running.tcp.port}` }));
      assert.equal(reply.status, 421, path);
    }
    const rebound = await one(running.tcp, request('POST', '/v1', { Host: 'attacker.test', 'Content-Type': 'application/json' }, '{"method":"get_edges","id":1}'));
    assert.equal(rebound.status, 421);
    assert.equal((await one(running.tcp, request('GET', '/status', { Host: `localhost:${running.tcp.port}` }))).status, 200);
    assert.equal((await one(unixTarget(running), request('GET', '/status', { Host: 'specedge1' }))).status, 200, "the unix socket keeps n3n's rules");
  });

  it("refuses another origin's requests and any POST that is not JSON, before reading the body", async () => {
    const crossSite = await one(running.tcp, request('POST', '/v1', { ...browser, Origin: 'http://attacker.test', 'Sec-Fetch-Site': 'cross-site', Authorization: basicAuthorization(PASSWORD) }, setVerbose(5)));
    assert.equal(crossSite.status, 403);
    const sameSite = await one(running.tcp, request('POST', '/v1', { ...browser, Origin: 'http://127.0.0.1:8080', 'Sec-Fetch-Site': 'same-site' }, setVerbose(5)));
    assert.equal(sameSite.status, 403, 'another port of 127.0.0.1 is another origin');
    // The reported attack: a form with enctype=text/plain, the browser adding cached Basic credentials.
    const form = await one(running.tcp, request('POST', '/v1', { Host: host, 'Content-Type': 'text/plain', Authorization: basicAuthorization(PASSWORD) }, setVerbose(5)));
    assert.equal(form.status, 415);
    assert.equal(running.state.verbosity, 2);
  });

  it("never authorises a browser by Basic credentials, nor asks it for them; n3nctl's Basic keeps working", async () => {
    const cached = await one(running.tcp, request('POST', '/v1', { ...browser, Authorization: basicAuthorization(PASSWORD) }, setVerbose(3)));
    assert.equal(cached.status, 401);
    assert.doesNotMatch(header(cached, 'WWW-Authenticate') ?? '', /^Basic/);
    const n3nctl = await one(running.tcp, request('POST', '/v1', { Host: host, 'Content-Type': 'application/json', Authorization: basicAuthorization(PASSWORD) }, setVerbose(3)));
    assert.equal(n3nctl.status, 200);
    const munin = await one(running.tcp, request('POST', '/v1', {}, '{"method":"get_verbose","id":0}'));
    assert.equal(munin.body.toString(), '{"jsonrpc":"2.0","id":"0","result":3}');
  });

  it('serves the UI to anyone who names the host, with a policy against framing and sniffing', async () => {
    for (const path of ['/', '/login', '/assets/app.js']) {
      const reply = await one(running.tcp, request('GET', path, { Host: host, 'Sec-Fetch-Site': 'cross-site' }));
      assert.equal(reply.status, 200, path);
      assert.equal(header(reply, 'Content-Security-Policy'), "frame-ancestors 'none'");
      assert.equal(header(reply, 'X-Content-Type-Options'), 'nosniff');
    }
  });

  it('signs a browser in once per login token, and the session cookie authorises its calls', async () => {
    const token = running.server.issueLoginToken();
    const login = await one(running.tcp, request('POST', '/login', browser, JSON.stringify({ token })));
    assert.equal(login.status, 200);
    const cookie = (header(login, 'Set-Cookie') ?? '').split(';')[0] ?? '';
    assert.match(cookie, /^kith_session=/);
    const reused = await one(running.tcp, request('POST', '/login', browser, JSON.stringify({ token })));
    assert.equal(reused.status, 401);
    assert.equal((await one(running.tcp, request('POST', '/v1', { ...browser, Cookie: cookie }, setVerbose(4)))).status, 200);
    assert.equal(running.state.verbosity, 4);
    const stream = parseResponses(await exchange(running.tcp, request('GET', '/events/test', { Host: host, 'Sec-Fetch-Site': 'same-origin' })));
    assert.equal(stream?.[0]?.status, 401, 'no stream without a session');
    const otherOrigin = await one(running.tcp, request('POST', '/v1', { ...browser, Cookie: cookie, Origin: 'http://attacker.test', 'Sec-Fetch-Site': 'cross-site' }, setVerbose(1)));
    assert.equal(otherOrigin.status, 403);
    assert.equal((await one(unixTarget(running), request('POST', '/login', { 'Content-Type': 'application/json' }, JSON.stringify({ token })))).status, 404);
  });

  it('throttles wrong passwords per client with 429 and Retry-After, and logs them without the password', async () => {
    const strict = await startServer({ access: { throttle: { freeFailures: 2, firstDelayMs: 60_000 } } });
    try {
      const tcpHost = `127.0.0.1:${strict.tcp.port}`;
      const guesses = ['guess-1', 'guess-2', 'guess-3'];
      const statuses: number[] = [];
      for (const guess of [...guesses, PASSWORD]) {
        const reply = await one(strict.tcp, request('POST', '/v1', { Host: tcpHost, 'Content-Type': 'application/json', Authorization: basicAuthorization(guess) }, setVerbose(2)));
        statuses.push(reply.status);
        if (reply.status === 429) assert.equal(header(reply, 'Retry-After'), '60');
      }
      assert.deepEqual(statuses, [401, 401, 401, 429], 'even the right password waits once the client is throttled');
      const unix = await one(unixTarget(strict), request('POST', '/v1', { Host: 'x', Authorization: basicAuthorization(PASSWORD) }, setVerbose(2)));
      assert.equal(unix.status, 200, 'another client is not held back');
      const failures = strict.logs.filter((line) => line.includes('wrong'));
      assert.equal(failures.length, 3);
      assert.match(failures[0] ?? '', /wrong Basic credentials from tcp:127\.0\.0\.1/);
      for (const line of strict.logs) for (const secret of [...guesses, PASSWORD]) assert.ok(!line.includes(secret), line);
    } finally {
      await strict.stop();
    }
  });
});
