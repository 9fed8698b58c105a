// Issue 5, UI 5: Alice creates an invite in her window; Bob, whose desktop starts on a fresh
// profiles directory (so it makes its first network, profile kith-home, encrypted and hosted by a
// supernode of its own),
// pastes it into "Invite to join" and presses Join. His desktop writes Alice's network as a second
// profile, switches to it, and lists Alice as a peer — all through the UI each engine serves.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openScreen, peerRows, shot, statusLine, uiSkipReason, UiWorld } from './harness.js';
import type { Desktop } from './harness.js';

const skip = uiSkipReason();
const COMMUNITY = 'ui-invite';

test.describe('UI: invite', () => {
  test.skip(skip !== undefined, skip);
  let world: UiWorld;
  let alice: Desktop;
  let bob: Desktop;

  test.beforeAll(async () => {
    world = UiWorld.create();
    const sn = await world.supernode();
    const [hostA, hostB] = [await world.topology.publicHost('a'), await world.topology.publicHost('b')];
    alice = await world.desktop('alice', hostA, { profiles: [{ name: 'home', community: COMMUNITY, supernodes: [sn], description: 'alice', key: 'invite-secret', tap: 'kitha' }] });
    bob = await world.desktop('bob', hostB, { profiles: [] });
  });

  test.afterEach(async () => {
    await world?.captureFailure(test.info());
  });

  test.afterAll(async () => {
    await world?.destroy();
  });

  test("an invite created in Alice's window lets Bob join her network", async () => {
    const alicePage = await world.openUi(alice);
    await expect(statusLine(alicePage)).toHaveText(/Connected/, { timeout: 30_000 });
    await openScreen(alicePage, 'Invite');
    await alicePage.getByRole('button', { name: 'Create invite' }).click();
    const linkBox = alicePage.getByRole('textbox', { name: 'Invite link' });
    await expect(linkBox).toHaveValue(/^kith:\/\/join\?/);
    await expect(linkBox).not.toBeEditable();
    await expect(alicePage.getByRole('img', { name: /QR code/ })).toBeVisible();
    const link = await linkBox.inputValue();
    expect(new URL(link).searchParams.get('c')).toBe(COMMUNITY);
    await shot(alicePage, 'invite-created');

    const bobPage = await world.openUi(bob);
    await openScreen(bobPage, 'Connect');
    // His first network: a random readable name, never an unencrypted one.
    const first = readFileSync(join(bob.profilesDir, 'kith-home.conf'), 'utf8');
    expect(first).toMatch(/^cipher = ChaCha20$/m);
    expect(first).toMatch(/^header_encryption = true$/m);
    const firstCommunity = /^name = ([a-z]+-[a-z]+-\d\d)$/m.exec(first)?.[1] ?? 'missing';
    await expect(bobPage.getByRole('definition').filter({ hasText: firstCommunity })).toHaveCount(1, { timeout: 20_000 });
    await openScreen(bobPage, 'Invite');
    await bobPage.getByRole('textbox', { name: 'Invite to join' }).fill(link);
    // Before Join, what joining does: the network, the address this computer will use, the encryption.
    const confirmation = bobPage.getByLabel('What joining this network does');
    await expect(confirmation).toContainText(COMMUNITY);
    await expect(confirmation).toContainText('one the supernode assigns');
    await expect(confirmation).toContainText('AES, with the key in the link.');
    await bobPage.getByRole('button', { name: 'Join', exact: true }).click();
    // After Join the window says where joining stands, in words, until it is in.
    await expect(bobPage.getByRole('status', { name: 'Joining' })).toHaveText(/^Connected/, { timeout: 30_000 });
    await shot(bobPage, 'invite-joined');

    // "Connected" counts only once the window shows Alice's network (it was on his own before).
    await openScreen(bobPage, 'Connect');
    await expect(bobPage.getByRole('definition').filter({ hasText: COMMUNITY })).toHaveCount(1, { timeout: 20_000 });
    await expect(statusLine(bobPage)).toHaveText(/Connected/, { timeout: 30_000 });
    await expect(bobPage.getByLabel('Your address')).toHaveText(/^10\.\d+\.\d+\.\d+$/);
    await shot(bobPage, 'invite-connected');

    // Alice's network is now one of Bob's profiles on disk, key included, beside his first one.
    const files = readdirSync(bob.profilesDir).filter((name) => name.endsWith('.conf')).sort();
    expect(files).toHaveLength(2);
    expect(files).toContain('kith-home.conf');
    const joined = files.find((name) => name !== 'kith-home.conf') ?? '';
    const ini = readFileSync(join(bob.profilesDir, joined), 'utf8');
    expect(ini).toMatch(new RegExp(`^name = ${COMMUNITY}$`, 'm'));
    expect(ini).toMatch(/^key = invite-secret$/m);
    expect(statSync(join(bob.profilesDir, joined)).mode & 0o777).toBe(0o600);

    await openScreen(bobPage, 'Peers');
    const aliceRow = peerRows(bobPage).filter({ hasText: 'alice' });
    await expect(aliceRow).toHaveCount(1, { timeout: 30_000 });
    await shot(bobPage, 'invite-peer-alice');
  });
});
