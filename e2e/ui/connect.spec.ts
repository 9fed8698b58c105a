// Issue 5, UI 1: the desktop joins its network at start; after Disconnect, the Connect button joins
// it again and the window shows the address the supernode assigned — the same address the TAP in
// its namespace carries.
import { expect, test } from '@playwright/test';
import { openScreen, shot, statusLine, uiSkipReason, UiWorld } from './harness.js';
import type { Desktop } from './harness.js';

const skip = uiSkipReason();

test.describe('UI: connect', () => {
  test.skip(skip !== undefined, skip);
  let world: UiWorld;
  let alice: Desktop;

  test.beforeAll(async () => {
    world = UiWorld.create();
    const sn = await world.supernode();
    const host = await world.topology.publicHost('a');
    alice = await world.desktop('alice', host, {
      profiles: [{ name: 'home', community: 'ui-connect', supernodes: [sn], description: 'alice', tap: 'kitha' }],

    });
  });

  test.afterEach(async () => {
    await world?.captureFailure(test.info());
  });

  test.afterAll(async () => {
    await world?.destroy();
  });

  test('Connect joins the network and shows the assigned address', async () => {
    const page = await world.openUi(alice);
    await openScreen(page, 'Connect');
    // The desktop connects at start; leave first, so Connect is what brings the address.
    await expect(statusLine(page)).toHaveText(/Connected/, { timeout: 30_000 });
    await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await expect(statusLine(page)).toHaveText(/Disconnected/);
    await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeEnabled();
    await shot(page, 'connect-disconnected');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();

    await expect(statusLine(page)).toHaveText(/Connected/, { timeout: 30_000 });
    await expect(page.getByRole('button', { name: 'Disconnect', exact: true })).toBeEnabled();
    // supernode.auto_ip_min/max: 10.128.0.0/24 … 10.255.255.0/24.
    const address = page.getByLabel('Your address');
    await expect(address).toHaveText(/^10\.\d+\.\d+\.\d+$/);
    const shown = (await address.textContent()) ?? '';
    const onTap = await world.topology.exec(alice.host.ns, 'ip', ['-4', '-o', 'addr', 'show', 'dev', 'kitha']);
    expect(onTap).toContain(`inet ${shown}/`);
    await shot(page, 'connect-connected');
  });
});
