// Issue 14's carrier-grade NAT home in the window: the home router's WAN is in 100.64.0.0/10 behind
// the provider's NAT (nothing can be mapped in over IPv4) while the home has native IPv6 and the
// router (Debian's miniupnpd) opens pinholes. The Invite screen offers the IPv6 way, says IPv4
// cannot reach this computer and what homes without IPv6 need, and shows the public IPv6 address;
// the invite it makes names the supernode by that address.
import { expect, test } from '@playwright/test';
import { behindCarrierNat, homeRouter, homeRouterToolsMissing, publicInternet, type HomeRouter } from '../netns/home-router.js';
import { openScreen, shot, statusLine, uiSkipReason, UiWorld } from './harness.js';
import type { Desktop } from './harness.js';

const skip = uiSkipReason() ?? homeRouterToolsMissing();
/** Registration and the router's answers on a shared 2-core machine. */
const ANSWER_MS = 60_000;

test.describe('UI: a home behind carrier-grade NAT with IPv6', () => {
  test.skip(skip !== undefined, skip);
  let world: UiWorld;
  let router: HomeRouter;
  let helper: Desktop;

  test.beforeAll(async () => {
    world = UiWorld.create();
    const internet = await publicInternet(world.topology);
    router = await homeRouter(world.topology, internet, 'helper', { upnp: true, natpmp: true, wan: 'cgnat' });
    await behindCarrierNat(world.topology, internet, router);
    helper = await world.desktop('helper', router.host, { profiles: [] });
  });

  test.afterEach(async () => {
    await world?.captureFailure(test.info());
  });

  test.afterAll(async () => {
    await world?.destroy();
  });

  test('the Invite screen offers IPv6, says IPv4 cannot reach this computer, and the invite names the IPv6 address', async () => {
    const page = await world.openUi(helper);
    await expect(statusLine(page)).toHaveText(/Connected/, { timeout: ANSWER_MS });
    await openScreen(page, 'Invite');
    const reach = page.getByRole('status', { name: 'Where this network can be reached from' });
    await expect(reach).toContainText(/From anywhere with IPv6: your router lets IPv6 in \((PCP|UPnP)\) to port \d+ of this computer\. IPv4 cannot reach it \(.+\)\./, { timeout: ANSWER_MS });
    await expect(reach).toContainText('What you can do: For homes without IPv6: ask your provider for a public IPv4 address');
    await expect(reach).toContainText(`Public IPv6 address [${router.host.address6}]:`);
    await expect(reach).not.toContainText('Public address 100.64.');
    await shot(page, 'invite-ipv6-only');
    await page.getByRole('button', { name: 'Create invite' }).click();
    const linkBox = page.getByRole('textbox', { name: 'Invite link' });
    await expect(linkBox).toHaveValue(/^kith:\/\/join\?/);
    const supernodes = new URL(await linkBox.inputValue()).searchParams.getAll('sn');
    expect(supernodes[0]).toMatch(new RegExp(`^\\[${router.host.address6}\\]:\\d+$`));
  });
});
