// Issue 9 item 3, CSRF: a page on another origin made the browser POST a `<form enctype=text/plain>`
// to http://127.0.0.1:<port>/v1, with the Basic credentials the browser had cached, and changed
// kith.settings.set (the profile's supernode) and set_verbose. Here the same requests, byte for
// byte what the browser sends, against a real kith-supernode and a real kith-edge: refused, and
// nothing changes. (e2e/security/mgmt-browser.spec.ts makes a real Chromium send them.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { netnsSkipReason } from '../netns/topology.js';
import { basicAuthorization, edgeWorld, httpRequest, rawHttp, rawHttpIn, rpcBody, startSupernodeDaemon, type Daemon, type EdgeWorld, type WorldEdge } from './daemons.js';

/** Set explicitly, so the browser's cached credentials are right whatever the default. */
const PASSWORD = 'csrf-test-password';
const MGMT_PORT = 5644;

/**
 * What Chromium sends for `<form method=post enctype=text/plain action=…>` with one field named
 * `{"jsonrpc":"2.0",…,"pad":"` and the value `"}`: name=value as the body, which parses as JSON.
 */
function formPost(host: string, json: string, extra: Readonly<Record<string, string>> = {}): string {
  const body = `${json.slice(0, -1)},"pad":"="}`;
  return httpRequest(
    'POST',
    '/v1',
    { Host: host, Origin: 'http://attacker.test', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Content-Type': 'text/plain', Authorization: basicAuthorization(PASSWORD), ...extra },
    body,
  );
}

describe('CSRF against kith-supernode (management.port)', () => {
  let sn: Daemon;
  let host: string;
  before(async () => {
    sn = await startSupernodeDaemon({ tcp: true, args: [`-Omanagement.password=${PASSWORD}`] });
    host = `127.0.0.1:${sn.tcp?.port ?? 0}`;
  });
  after(() => sn?.stop());

  it('refuses a cross-site text/plain form carrying cached Basic credentials: set_verbose stays', async () => {
    const target = sn.tcp ?? { host: '', port: 0 };
    const refused = await rawHttp(target, formPost(host, rpcBody('set_verbose', [4])));
    assert.ok(refused !== undefined && refused.status >= 400 && refused.status < 500, String(refused?.status));
    // A JSON request from that page (fetch can only send one after a preflight we never answer).
    const json = await rawHttp(target, formPost(host, rpcBody('set_verbose', [4]), { 'Content-Type': 'application/json' }));
    assert.equal(json?.status, 403);
    // A page on another port of 127.0.0.1 is same-site, so SameSite cookies go along: still refused.
    const sameSite = await rawHttp(target, formPost(host, rpcBody('set_verbose', [4]), { Origin: 'http://127.0.0.1:8080', 'Sec-Fetch-Site': 'same-site', 'Content-Type': 'application/json' }));
    assert.equal(sameSite?.status, 403);
    assert.equal(await sn.call('get_verbose'), 2);
    // The same change from a client that is not a browser (n3nctl, kithctl) goes through.
    const n3nctl = await rawHttp(target, httpRequest('POST', '/v1', { Host: host, 'Content-Type': 'application/json', Authorization: basicAuthorization(PASSWORD) }, rpcBody('set_verbose', ['3'])));
    assert.equal(n3nctl?.status, 200);
    assert.equal(await sn.call('get_verbose'), 3);
  });
});

describe('CSRF against kith-edge (management.port, the desktop methods)', { skip: netnsSkipReason() }, () => {
  let world: EdgeWorld;
  let edge: WorldEdge;
  before(async () => {
    world = await edgeWorld();
    edge = await world.edge('kithcsrf', {
      community: 'csrf',
      address: '10.99.0.1/24',
      key: 'csrf-community-key',
      extra: [`-Omanagement.port=${MGMT_PORT}`, `-Omanagement.password=${PASSWORD}`],
    });
  });
  after(() => world?.destroy());

  it("refuses the form that rewrote the profile's supernode; the settings stay", async () => {
    const before = (await edge.call('kith.settings.get', null, PASSWORD)) as { settings: { supernodes: string[] } } | undefined;
    assert.deepEqual(before?.settings.supernodes, [world.supernode]);
    const attack = rpcBody('kith.settings.set', [{ supernodes: ['203.0.113.9:7654'] }]);
    const reply = await rawHttpIn(world.topology, edge.host.ns, MGMT_PORT, formPost(`127.0.0.1:${MGMT_PORT}`, attack));
    assert.ok(reply !== undefined && reply.status >= 400 && reply.status < 500, String(reply?.status));
    const verbose = await rawHttpIn(world.topology, edge.host.ns, MGMT_PORT, formPost(`127.0.0.1:${MGMT_PORT}`, rpcBody('set_verbose', [4])));
    assert.ok(verbose !== undefined && verbose.status >= 400, String(verbose?.status));
    const after = (await edge.call('kith.settings.get', null, PASSWORD)) as { settings: { supernodes: string[] } } | undefined;
    assert.deepEqual(after?.settings.supernodes, [world.supernode]);
    assert.equal(await edge.call('get_verbose'), 2);
  });

  it('gives a rebound page (Host: attacker.test) neither the status nor, with the password, the key', async () => {
    for (const [method, auth] of [
      ['kith.status', {}],
      ['kith.settings.get', { Authorization: basicAuthorization(PASSWORD) }],
    ] as const) {
      const request = httpRequest('POST', '/v1', { Host: `attacker.test:${MGMT_PORT}`, 'Content-Type': 'application/json', ...auth }, rpcBody(method));
      const reply = await rawHttpIn(world.topology, edge.host.ns, MGMT_PORT, request);
      assert.equal(reply?.status, 421, method);
      assert.ok(!(reply?.body.toString() ?? '').includes('csrf-community-key'));
    }
  });
});
