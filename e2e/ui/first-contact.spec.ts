// Issue 12's proof in the windows: two homes on a simulated Internet (e2e/netns/home-router.ts),
// each home router behind an ISP router hop.
// The helper sits behind a router running miniupnpd, the parent behind one without port mapping;
// each runs the desktop engine in browser mode with a fresh profiles directory, so each hosts its
// own first network. The helper's Invite screen says the network can be reached from anywhere and
// makes an invite for "parent-pc"; the parent's window shows what joining does, then its progress,
// and both windows list the other as Direct with a round-trip time. Joining the same invite again
// opens the network already there. The helper removes the parent's device and the parent's window
// says it was removed. The time from pressing Join to "Direct" in the parent's window is printed.
import { readdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { homeRouter, homeRouterToolsMissing, PUBLIC_V4_PREFIX, publicInternet, type HomeRouter, type PublicInternet } from '../netns/home-router.js';
import { observe } from '../netns/kith.js';
import { openScreen, peerRows, rpc, shot, statusLine, uiSkipReason, UiWorld } from './harness.js';
import type { Desktop } from './harness.js';

const skip = uiSkipReason() ?? homeRouterToolsMissing();
/** Registration, the router's answers and punching on a shared 2-core machine. */
const CONTACT_MS = 60_000;
const DIRECT_TEXT = /Direct connection · \d+(\.\d)? ms/;

interface StatusView {
  readonly description: string;
  readonly address?: string;
}

test.describe('UI: first contact across two homes', () => {
  test.skip(skip !== undefined, skip);
  let world: UiWorld;
  let helperRouter: HomeRouter;
  let internet: PublicInternet;
  let helper: Desktop;
  let parent: Desktop;
  /** The invite the parent used, for the used-invite case. */
  let usedLink = '';

  test.beforeAll(async () => {
    world = UiWorld.create();
    internet = await publicInternet(world.topology);
    helperRouter = await homeRouter(world.topology, internet, 'helper', { upnp: true, natpmp: true, ispHop: true });
    const parentRouter = await homeRouter(world.topology, internet, 'parent', { upnp: false, natpmp: false, noDaemon: true, ispHop: true });
    helper = await world.desktop('helper', helperRouter.host, { profiles: [] });
    parent = await world.desktop('parent', parentRouter.host, { profiles: [] });
  });

  test.afterEach(async () => {
    await world?.captureFailure(test.info());
  });

  test.afterAll(async () => {
    await world?.destroy();
  });

  /** The peers table's row of `name` shows Direct and a round-trip time. */
  async function seesDirect(page: Page, name: string): Promise<void> {
    await openScreen(page, 'Peers');
    const row = peerRows(page).filter({ hasText: name });
    await expect(row).toContainText('Direct', { timeout: CONTACT_MS });
    await expect(row.getByRole('cell').nth(2)).toHaveText(/^\d+(\.\d)? ms$/, { timeout: CONTACT_MS });
  }

  test('the helper invites the parent from the Invite screen; both windows show the other as Direct; an expired invite is refused; removal is shown', async () => {
    const parentPage = await world.openUi(parent);
    // The parent's router maps nothing: its own network can be reached only at home.
    await openScreen(parentPage, 'Invite');
    await expect(parentPage.getByRole('status', { name: 'Where this network can be reached from' })).toContainText('Only from this home: your router does not allow port mapping.', {
      timeout: CONTACT_MS,
    });
    await expect(parentPage.getByRole('status', { name: 'Where this network can be reached from' })).toContainText('What you can do: Turn on UPnP or NAT-PMP in your router');

    const helperPage = await world.openUi(helper);
    await expect(statusLine(helperPage)).toHaveText(/Connected/, { timeout: CONTACT_MS });
    await openScreen(helperPage, 'Invite');
    const reach = helperPage.getByRole('status', { name: 'Where this network can be reached from' });
    await expect(reach).toContainText(/From anywhere: your router forwards port \d+ \((UPnP|NAT-PMP|PCP)\) and lets IPv6 in \((UPnP|PCP)\) to this computer\./, { timeout: CONTACT_MS });
    await expect(reach).toContainText(`Public address ${helperRouter.wanAddress}:`);
    await expect(reach).toContainText(`Public IPv6 address [${helperRouter.host.address6}]:`);
    await helperPage.getByRole('textbox', { name: 'Name of their computer (optional)' }).fill('parent-pc');
    await helperPage.getByRole('button', { name: 'Create invite' }).click();
    const linkBox = helperPage.getByRole('textbox', { name: 'Invite link' });
    await expect(linkBox).toHaveValue(/^kith:\/\/join\?/);
    await expect(helperPage.getByText(/It lets one computer, “parent-pc”, in, until/)).toBeVisible();
    await shot(helperPage, 'contact-invite');
    const link = await linkBox.inputValue();
    usedLink = link;
    const community = new URL(link).searchParams.get('c') ?? '';
    expect(new URL(link).searchParams.getAll('sn')[0]).toMatch(new RegExp(`^${helperRouter.wanAddress.replace(/\./g, '\\.')}:\\d+$`));
    const helperStatus = (await rpc(world, helper, 'kith.status')) as StatusView;

    // An expired invite is refused in plain words before Join.
    const expired = `kith://join?v=1&c=sunny-otter-42&k=${'k'.repeat(32)}&cipher=ChaCha20&comp=none&he=1&sn=192.0.3.1%3A7654&addr=auto&u=late&pw=${'p'.repeat(24)}&exp=${Math.floor(Date.now() / 1000) - 60}`;
    await parentPage.getByRole('textbox', { name: 'Invite to join' }).fill(expired);
    await expect(parentPage.getByText(/^This invite expired on .+; ask for a new one\.$/)).toBeVisible();
    await expect(parentPage.getByRole('button', { name: 'Join', exact: true })).toBeDisabled();

    await parentPage.getByRole('textbox', { name: 'Invite to join' }).fill(link);
    const confirmation = parentPage.getByLabel('What joining this network does');
    await expect(confirmation).toContainText(community);
    await expect(confirmation).toContainText('ChaCha20');
    await expect(confirmation).toContainText('parent-pc');
    await shot(parentPage, 'contact-join-confirm');
    const pressedAt = performance.now();
    await parentPage.getByRole('button', { name: 'Join', exact: true }).click();
    const progress = parentPage.getByRole('status', { name: 'Joining' });
    await expect(progress).toHaveText(/^(Reaching the computer that hosts “.+”…|Connected.*)$/);
    await expect(progress).toHaveText(/^Connected/, { timeout: CONTACT_MS });
    const joinToConnected = Math.round(performance.now() - pressedAt);
    // Peers learn of each other from traffic (n3n's way): the first packet to the helper goes
    // through its supernode and starts the punching, as opening a remote desktop would.
    await world.pingUntil(parent.host.ns, (helperStatus.address ?? '').split('/')[0] ?? '', CONTACT_MS);
    await expect(progress).toHaveText(DIRECT_TEXT, { timeout: CONTACT_MS });
    const joinToDirect = Math.round(performance.now() - pressedAt);
    observe(`UI first contact: Join pressed to "Connected" in ${joinToConnected} ms, to "Direct" (after the first ping) in ${joinToDirect} ms`);
    await expect(progress).toContainText(`Connected: ${helperStatus.description}'s computer`);
    await shot(parentPage, 'contact-joined');

    await seesDirect(parentPage, helperStatus.description);
    await seesDirect(helperPage, 'parent-pc');
    const devices = helperPage.getByRole('list', { name: 'Invited devices' });
    await expect(devices.getByRole('listitem', { name: 'parent-pc' })).toContainText('Joined');
    await shot(helperPage, 'contact-devices');

    // The same invite again opens the network already there: no second copy of it.
    const before = readdirSync(parent.profilesDir).filter((file) => file.endsWith('.conf')).sort();
    expect(before).toHaveLength(2);
    await openScreen(parentPage, 'Invite');
    await parentPage.getByRole('textbox', { name: 'Invite to join' }).fill(link);
    await parentPage.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(parentPage.getByRole('status', { name: 'Joining' })).toHaveText(/Connected/, { timeout: CONTACT_MS });
    expect(readdirSync(parent.profilesDir).filter((file) => file.endsWith('.conf')).sort()).toEqual(before);
    await openScreen(parentPage, 'Networks');
    await expect(parentPage.getByRole('list', { name: 'Networks on this computer' }).getByRole('listitem')).toHaveCount(2);
    await openScreen(parentPage, 'Connect');
    await expect(parentPage.locator('.active-network')).toContainText(community);

    // Removal: asked first, with what it does and does not do; the parent's window then says so.
    await openScreen(helperPage, 'Peers');
    await devices.getByRole('listitem', { name: 'parent-pc' }).getByRole('button', { name: 'Remove from this network' }).click();
    const question = helperPage.getByRole('alertdialog', { name: 'Remove “parent-pc” from this network?' });
    await expect(question).toContainText('it cannot register, nothing is relayed for it, and it learns of no new computers');
    await expect(question).toContainText("It still knows the network's key");
    await shot(helperPage, 'contact-remove-question');
    await question.getByRole('button', { name: 'Remove device' }).click();
    await expect(helperPage.getByRole('status').filter({ hasText: 'Removed “parent-pc” from this network.' })).toBeVisible();
    await expect(parentPage.getByRole('alert')).toContainText(`This computer was removed from “${community}” by the computer that hosts it.`, { timeout: 30_000 });
    await shot(parentPage, 'contact-removed');
  });

  test('a used invite and a host that does not answer are explained in the joining window', async () => {
    expect(usedLink).not.toBe('');
    const thirdRouter = await homeRouter(world.topology, internet, 'third', { upnp: false, natpmp: false, noDaemon: true, ispHop: true });
    const third = await world.desktop('third', thirdRouter.host, { profiles: [] });
    const page = await world.openUi(third);
    await expect(statusLine(page)).toHaveText(/Connected/, { timeout: CONTACT_MS });
    await openScreen(page, 'Invite');
    await page.getByRole('textbox', { name: 'Invite to join' }).fill(usedLink);
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Joining' })).toContainText('refused this computer: the invite was already used by another device or has expired', { timeout: CONTACT_MS });
    await shot(page, 'contact-invite-used');

    // An invite whose meeting point does not answer (nothing listens at that public address).
    const silent = new URL(usedLink);
    silent.searchParams.set('c', 'quiet-pond-11');
    silent.searchParams.delete('sn');
    silent.searchParams.append('sn', `${PUBLIC_V4_PREFIX}.250:7654`);
    for (const param of ['u', 'pw', 'exp']) silent.searchParams.delete(param);
    await page.getByRole('textbox', { name: 'Invite to join' }).fill(silent.toString());
    await expect(page.getByLabel('What joining this network does')).toContainText('quiet-pond-11');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    await expect(page.getByRole('status', { name: 'Joining' })).toHaveText(/^Not reachable yet: the computer that hosts “quiet-pond-11” does not answer\./, { timeout: CONTACT_MS });
  });
});
