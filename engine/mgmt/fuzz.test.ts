// Fuzzing the request path: the pure JSON-RPC dispatcher 100,000 times, the live server (Node's
// HTTP parser plus our routing, limits and error replies) 10,000 times (KITH_FUZZ_RUNS overrides
// both). Zero crashes, every reply well formed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { FUZZ_RUNS, fuzzRuns } from '../testing/fuzz.js';
import { basicAuthorization } from './auth.js';
import { dispatchRpc } from './rpc-dispatch.js';
import { exchange, fakeMethods, parseResponses, PASSWORD, startServer, unixTarget, type RunningServer } from './test-support.js';

/** Each request over the socket costs far more than a dispatch, hence fewer runs. */
const SERVER_RUNS = fuzzRuns(10_000);
const METHODS = ['get_verbose', 'set_verbose', 'stop', 'get_edges', 'get_communities', 'post.test', 'help', 'nope', 'get_timestamps'];

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const requestObject = fc.record(
  { jsonrpc: fc.constant('2.0'), method: fc.oneof(fc.constantFrom(...METHODS), fc.string()), id: jsonValue, params: jsonValue },
  { requiredKeys: [] },
);

/** Valid-looking bodies, then damaged by truncation, byte flips or insertions. */
const body = fc.oneof(
  requestObject.map((object) => JSON.stringify(object)),
  fc.tuple(requestObject, fc.nat(), fc.string({ maxLength: 4 })).map(([object, at, junk]) => {
    const text = JSON.stringify(object);
    const cut = at % (text.length + 1);
    return text.slice(0, cut) + junk + text.slice(cut + (at % 3));
  }),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

const authorised = fc.boolean();

const STATUSES = new Set([200, 400, 401, 403, 404, 500, 507]);

describe('fuzz: JSON-RPC dispatch (pure)', () => {
  it(`answers ${FUZZ_RUNS} random and mutated bodies with well-formed replies`, async () => {
    const state = { verbosity: 2, stops: 0 };
    const table = fakeMethods(state, 40);
    await fc.assert(
      fc.asyncProperty(body, authorised, async (text, withPassword) => {
        const reply = await dispatchRpc(table, text, { transport: 'unix', remoteAddress: '', authorised: withPassword }, {
          replyLimitBytes: 4000,
          log: () => undefined,
        });
        assert.ok(STATUSES.has(reply.status), String(reply.status));
        const bodyText = reply.body.toString();
        if (reply.contentType === 'application/json') {
          const parsed = JSON.parse(bodyText) as Record<string, unknown>;
          assert.equal(typeof parsed['id'], 'string');
          assert.equal(Object.hasOwn(parsed, 'result') !== Object.hasOwn(parsed, 'error'), true);
          assert.equal(reply.status === 200, Object.hasOwn(parsed, 'result'));
        } else {
          assert.ok(['Error: parsing json\n', 'Unknown method\n', 'unauthorised\n'].includes(bodyText), bodyText);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});

const token = fc.stringMatching(/^[!-~]{0,12}$/);
const header = fc.oneof(
  fc.constantFrom('Host: x', 'Content-Type: application/json', `Authorization: ${basicAuthorization(PASSWORD)}`, 'Connection: close', 'Transfer-Encoding: chunked'),
  fc.tuple(token, fc.string({ maxLength: 30 })).map(([name, value]) => `${name}: ${value}`),
  fc.nat({ max: 200 }).map((n) => `Content-Length: ${n}`),
);
const requestLine = fc.oneof(
  fc.constantFrom('POST /v1 HTTP/1.1', 'GET /help HTTP/1.1', 'GET /events/test HTTP/1.1', 'GET /metrics HTTP/1.0', 'GET /../etc/passwd HTTP/1.1'),
  fc.tuple(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'X'), token, fc.constantFrom('HTTP/1.1', 'HTTP/1.0', 'HTTP/2', '')).map((parts) => parts.join(' ')),
);
const rawRequest = fc.oneof(
  fc.tuple(requestLine, fc.array(header, { maxLength: 5 }), body).map(([line, headers, text]) => `${line}\r\n${headers.join('\r\n')}${headers.length > 0 ? '\r\n' : ''}\r\n${text}`),
  fc.tuple(body, fc.nat()).map(([text, at]) => {
    const request = `POST /v1 HTTP/1.1\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
    const cut = at % (request.length + 1);
    return request.slice(0, cut) + request.slice(cut + 1 + (at % 5));
  }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

describe('fuzz: live server over the unix socket', () => {
  let running: RunningServer;
  before(async () => {
    running = await startServer({ limits: { maxRequestBodyBytes: 1024, maxHeaderBytes: 1024 } });
  });
  after(() => running.stop());

  it(`answers ${SERVER_RUNS} random and mutated HTTP requests with well-formed responses and stays up`, async () => {
    await fc.assert(
      fc.asyncProperty(rawRequest, async (request) => {
        // Replies to HEAD rightly carry a Content-Length but no body, which parseResponses cannot tell.
        fc.pre(!request.includes('HEAD '));
        const data = await exchange(unixTarget(running), Buffer.from(request, 'latin1'));
        const responses = parseResponses(data);
        assert.ok(responses !== undefined, JSON.stringify(data.toString('latin1')));
        for (const response of responses) assert.ok(response.status >= 200 && response.status <= 599);
      }),
      { numRuns: SERVER_RUNS },
    );
    const status = parseResponses(await exchange(unixTarget(running), 'GET /status HTTP/1.1\r\n\r\n'));
    assert.equal(status?.[0]?.status, 200);
  });
});
