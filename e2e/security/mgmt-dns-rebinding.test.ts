// Issue 9 item 4, DNS rebinding: a page at attacker.test whose name was rebound to 127.0.0.1 sends
// its requests with `Host: attacker.test:<port>`; with any Host accepted it read kith.status,
// get_edges and, with n3n's default password, the key. Against a real kith-supernode with a
// management TCP port: such requests get nothing, and the port does not take n3n's default
// password (a random one, 0600 beside the socket, is named in the log); the unix socket keeps n3n's.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { basicAuthorization, httpRequest, rawHttp, rpcBody, startSupernodeDaemon, type Daemon } from './daemons.js';

const N3N_DEFAULT = 'n3n';

describe('DNS rebinding against kith-supernode (management.port, default password)', () => {
  let sn: Daemon;
  let tcp: { host: string; port: number };
  before(async () => {
    sn = await startSupernodeDaemon({ tcp: true });
    tcp = sn.tcp ?? { host: '', port: 0 };
  });
  after(() => sn?.stop());

  it('answers no request whose Host names another site, however it is addressed', async () => {
    const rebound = `attacker.test:${tcp.port}`;
    for (const request of [
      httpRequest('POST', '/v1', { Host: rebound, 'Content-Type': 'application/json' }, rpcBody('get_edges')),
      httpRequest('POST', '/v1', { Host: rebound, 'Content-Type': 'application/json', Authorization: basicAuthorization(N3N_DEFAULT) }, rpcBody('get_communities')),
      httpRequest('GET', '/metrics', { Host: rebound }),
      httpRequest('GET', '/events/debug', { Host: rebound, Authorization: basicAuthorization(N3N_DEFAULT) }),
    ]) {
      const reply = await rawHttp(tcp, request);
      assert.equal(reply?.status, 421, request.split('\r\n')[0]);
      assert.doesNotMatch(reply.body.toString(), /jsonrpc|kith_|n3n_/);
    }
    const own = await rawHttp(tcp, httpRequest('POST', '/v1', { Host: `127.0.0.1:${tcp.port}`, 'Content-Type': 'application/json' }, rpcBody('get_edges')));
    assert.equal(own?.status, 200, 'its own address still works');
  });

  it("does not take n3n's default password on TCP: a random one, 0600 beside the socket, named in one log line", async () => {
    const setVerbose = (password: string): string =>
      httpRequest('POST', '/v1', { Host: `127.0.0.1:${tcp.port}`, 'Content-Type': 'application/json', Authorization: basicAuthorization(password) }, rpcBody('set_verbose', [3]));
    assert.equal((await rawHttp(tcp, setVerbose(N3N_DEFAULT)))?.status, 401);
    const file = join(dirname(sn.socketPath), 'mgmt-password');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const password = readFileSync(file, 'utf8').trim();
    assert.match(password, /^[A-Za-z0-9_-]{24}$/);
    const lines = sn.output().split('\n').filter((line) => line.includes(file));
    assert.equal(lines.length, 1, sn.output());
    assert.ok(!sn.output().includes(password), 'the password itself is never logged');
    assert.equal((await rawHttp(tcp, setVerbose(password)))?.status, 200);
    assert.equal(await sn.call('set_verbose', [2], N3N_DEFAULT), 2, "the unix socket keeps n3n's default");
  });
});
