import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import { acceptedHosts, fromBrowser, hostAccepted, jsonBody, sameOrigin } from './browser-guard.js';

describe('browser guard: Host (DNS rebinding)', () => {
  it('accepts the listener as addressed, or localhost, on its port only', () => {
    const v4 = acceptedHosts({ address: '127.0.0.1', port: 5644 });
    const v6 = acceptedHosts({ address: '::1', port: 5644 });
    for (const host of ['127.0.0.1:5644', 'localhost:5644', 'LOCALHOST:5644', undefined]) assert.ok(hostAccepted(host, v4), String(host));
    for (const host of ['[::1]:5644', 'localhost:5644']) assert.ok(hostAccepted(host, v6), host);
    for (const host of ['attacker.test:5644', 'attacker.test', '127.0.0.1', '127.0.0.1:80', '127.0.0.2:5644', '[::1]:5644', '127.0.0.1:5644.attacker.test', '']) {
      assert.ok(!hostAccepted(host, v4), host);
    }
    assert.ok(!hostAccepted('127.0.0.1:5644', v6));
    const port80 = acceptedHosts({ address: '127.0.0.1', port: 80 });
    assert.ok(hostAccepted('127.0.0.1', port80) && hostAccepted('localhost:80', port80));
  });
});

describe('browser guard: origin and body type (CSRF)', () => {
  const headers = (extra: IncomingHttpHeaders): IncomingHttpHeaders => ({ host: '127.0.0.1:5644', ...extra });

  it('tells browsers by Origin or Sec-Fetch-Site; Node fetch, curl and n3nctl send neither', () => {
    assert.ok(fromBrowser(headers({ origin: 'http://x' })));
    assert.ok(fromBrowser(headers({ 'sec-fetch-site': 'same-origin' })));
    assert.ok(!fromBrowser(headers({ 'sec-fetch-mode': 'cors', 'user-agent': 'node' })));
    assert.ok(!fromBrowser(headers({ 'user-agent': 'Python-urllib/3.11' })));
  });

  it('lets only the same origin through', () => {
    assert.ok(sameOrigin(headers({}), 'POST'));
    assert.ok(sameOrigin(headers({ origin: 'http://127.0.0.1:5644', 'sec-fetch-site': 'same-origin' }), 'POST'));
    assert.ok(sameOrigin(headers({ 'sec-fetch-site': 'none' }), 'GET'));
    for (const extra of [
      { origin: 'http://attacker.test' },
      { origin: 'null' },
      { origin: 'http://127.0.0.1:8080' },
      { origin: 'https://127.0.0.1:5644' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'none' },
    ]) {
      assert.ok(!sameOrigin(headers(extra), 'POST'), JSON.stringify(extra));
    }
    assert.ok(!sameOrigin({ origin: 'http://127.0.0.1:5644' }, 'POST'), 'no Host to compare with');
  });

  it('takes JSON bodies only; no type at all only from clients that are not browsers', () => {
    assert.ok(jsonBody({ 'content-type': 'application/json' }));
    assert.ok(jsonBody({ 'content-type': 'Application/JSON; charset=utf-8' }));
    assert.ok(jsonBody({}), "n3n's munin plugin");
    for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp']) {
      assert.ok(!jsonBody({ 'content-type': type }), type);
    }
    assert.ok(!jsonBody({ origin: 'http://127.0.0.1:5644' }));
  });
});
