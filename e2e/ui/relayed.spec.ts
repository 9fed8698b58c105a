// Issue 5, UI 3: both desktops behind symmetric NAT routers (MASQUERADE --random, as
// e2e/netns/nat.test.ts 2d) cannot reach each other directly; traffic still flows through the
// supernode, and the Peers screen says so with a "Relayed" badge.
import { expect, test } from '@playwright/test';
import { openScreen, peerRows, shot, statusLine, uiSkipReason, UiWorld } from './harness.js';
import type { Desktop } from './harness.js';

const skip = uiSkipReason();

test.describe('UI: peers behind symmetric NAT', () => {
  test.skip(skip !== undefined, skip);
  let world: UiWorld;
  let alice: Desktop;
  let bob: Desktop;

  test.beforeAll(async () => {
    world = UiWorld.create();
    const sn = await world.supernode();
    // ISP hops between the routers, as on the real Internet (see nat.test.ts).
    const a = await world.topology.natHost('a', 'symmetric', { ispHops: true });
    const b = await world.topology.natHost('b', 'symmetric', { ispHops: true });
    [alice, bob] = await Promise.all([
      world.desktop('alice', a.host, { profiles: [{ name: 'home', community: 'ui-relay', supernodes: [sn], description: 'alice', tap: 'kitha', address: '10.99.0.1/24' }] }),
      world.desktop('bob', b.host, { profiles: [{ name: 'home', community: 'ui-relay', supernodes: [sn], description: 'bob', tap: 'kithb', address: '10.99.0.2/24' }] }),
    ]);
  });

  test.afterEach(async () => {
    await world?.captureFailure(test.info());
  });

  test.afterAll(async () => {
    await world?.destroy();
  });

  test('the peer appears as Relayed', async () => {
    const page = await world.openUi(alice);
    await expect(statusLine(page)).toHaveText(/Connected/, { timeout: 30_000 });
    await world.pingUntil(alice.host.ns, '10.99.0.2');
    await world.pingUntil(bob.host.ns, '10.99.0.1');

    await openScreen(page, 'Peers');
    const row = peerRows(page).filter({ hasText: 'bob' });
    await expect(row).toHaveCount(1, { timeout: 30_000 });
    await expect(row.getByText(/^Relayed/)).toBeVisible({ timeout: 30_000 });
    await expect(row.getByText(/^Direct/)).toHaveCount(0);
    // The relayed round trip (QUERY_PEER → PEER_INFO) and the traffic arrive with the next refresh.
    await expect(row.getByRole('cell').filter({ hasText: /^\d+(\.\d)? ms$/ })).toHaveCount(1, { timeout: 30_000 });
    await expect(row.getByRole('cell').filter({ hasText: /↓ in [1-9]/ })).toHaveCount(1, { timeout: 30_000 });
    await shot(page, 'peers-relayed');
  });
});
