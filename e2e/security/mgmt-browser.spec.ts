// Issue 9 items 3 and 4 with a real browser: Chromium in the desktop's namespace, signed in to
// Kith (a session cookie) and holding the management password as cached Basic credentials, opens
// an attacker's pages. A form on another origin (a page on another port of 127.0.0.1, whose
// requests are same-site and carry SameSite cookies, and one on attacker.test) posts
// kith.settings.set and set_verbose as text/plain; a page at attacker.test, whose name is then
// rebound to 127.0.0.1, fetches kith.settings.get from "its own" origin. Nothing changes and
// nothing is read. The attacker's documents are served by Playwright's router, as the attacker's
// own server would before the rebinding; every other request goes to the real network.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { BrowserContext } from '@playwright/test';
import { MGMT_PORT, rpc, uiSkipReason, UiWorld } from '../ui/harness.js';
import type { Desktop } from '../ui/harness.js';

const skip = uiSkipReason();
const KEY = 'browser-attack-key-0123';
const EVIL_SUPERNODE = '203.0.113.9:7654';

/** A page that posts `json` to the desktop's /v1 as a text/plain form as soon as it loads. */
function formPage(json: string): string {
  // text/plain sends name=value: the name carries the JSON, the value closes a dummy member.
  const name = `${json.slice(0, -1)},"pad":"`;
  return `<!doctype html><body><form id="f" method="post" enctype="text/plain" action="http://127.0.0.1:${MGMT_PORT}/v1">
<input name='${name}' value='"}'></form><script>document.getElementById('f').submit()</script></body>`;
}

const REBOUND_PAGE = `<!doctype html><body><pre id="out">waiting</pre><script>
fetch('/v1', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'kith.settings.get', params: null }) })
  .then(async (r) => (document.getElementById('out').textContent = r.status + ' ' + (await r.text())))
  .catch((e) => (document.getElementById('out').textContent = 'failed ' + e));
</script></body>`;

test.describe.serial('security: the management API against a real browser', () => {
  test.skip(skip !== undefined, skip);
  let world: UiWorld;
  let alice: Desktop;
  let context: BrowserContext;
  let profileBefore: string;
  const consoleErrors: string[] = [];

  test.beforeAll(async () => {
    world = UiWorld.create();
    const sn = await world.supernode();
    const host = await world.topology.publicHost('a');
    alice = await world.desktop('alice', host, { profiles: [{ name: 'home', community: 'sec-browser', supernodes: [sn], description: 'alice', key: KEY, tap: 'kitha' }] });
    profileBefore = readFileSync(alice.profileFile('home'), 'utf8');
    context = await world.browserIn(alice, {
      // attacker.test resolves to 127.0.0.1 (the rebinding); Chromium's own local-network checks
      // are off, so what is tested is Kith's defence, as a browser without them would meet it.
      args: ['--host-resolver-rules=MAP attacker.test 127.0.0.1', '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessRespectPreflightResults'],
      // The management password, cached by the browser and sent along (what a Basic prompt once left).
      httpCredentials: { username: 'kith', password: alice.password, send: 'always' },
    });
    // And signed in to Kith, as the user is: a session cookie for 127.0.0.1.
    const page = await context.newPage();
    page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));
    await page.goto(alice.loginLink);
    await page.waitForURL(alice.url);
    await expect(page.getByRole('status').first()).toContainText(/Connect/);
    await page.close();
  });

  test('the signed-in UI runs under its strict page policy without a violation', () => {
    expect(consoleErrors.filter((text) => /Content Security Policy/i.test(text))).toEqual([]);
  });

  test.afterEach(async () => {
    await world?.captureFailure(test.info());
  });

  test.afterAll(async () => {
    await world?.destroy();
  });

  for (const origin of ['http://127.0.0.1:8099', 'http://attacker.test:8099']) {
    test(`a text/plain form from ${origin} changes nothing`, async () => {
      const page = await context.newPage();
      await page.route(`${origin}/settings.html`, (route) => route.fulfill({ contentType: 'text/html', body: formPage(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'kith.settings.set', params: [{ supernodes: [EVIL_SUPERNODE] }] })) }));
      await page.route(`${origin}/verbose.html`, (route) => route.fulfill({ contentType: 'text/html', body: formPage(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'set_verbose', params: [4] })) }));
      for (const path of ['settings.html', 'verbose.html']) {
        const answered = page.waitForResponse((response) => response.url() === `http://127.0.0.1:${MGMT_PORT}/v1`);
        await page.goto(`${origin}/${path}`);
        const response = await answered;
        expect(response.status(), path).toBeGreaterThanOrEqual(400);
        expect(response.status(), path).toBeLessThan(500);
      }
      await page.close();
      expect(await rpc(world, alice, 'get_verbose')).toBe(2);
      const view = (await rpc(world, alice, 'kith.settings.get')) as { settings: { supernodes: string[] } } | undefined;
      expect(view?.settings.supernodes).toEqual([world.supernodeAddress]);
      expect(readFileSync(alice.profileFile('home'), 'utf8')).toBe(profileBefore);
    });
  }

  test('a page at a name rebound to 127.0.0.1 reads neither the settings nor the key', async () => {
    const page = await context.newPage();
    const attackerPage = `http://attacker.test:${MGMT_PORT}/`;
    await page.route(attackerPage, (route) => route.fulfill({ contentType: 'text/html', body: REBOUND_PAGE }));
    await page.goto(attackerPage);
    const out = page.locator('#out');
    await expect(out).not.toHaveText('waiting');
    const text = (await out.textContent()) ?? '';
    expect(text).toMatch(/^421 /);
    expect(text).not.toContain(KEY);
    // Without the router, the rebound name reaches Kith directly: the page itself is refused too.
    await page.unroute(attackerPage);
    const direct = await page.goto(attackerPage);
    expect(direct?.status()).toBe(421);
    await page.close();
  });
});
