// Issue 12 item 6: networks as people expect them, in the window of a real engine. Dana adds a
// network (encrypted, hosted on her computer), renames it, switches to it only after saying yes,
// sees the Connect screen name it, and deletes the one she left; the files follow.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openScreen, shot, statusLine, uiSkipReason, UiWorld } from './harness.js';
import type { Desktop } from './harness.js';

const skip = uiSkipReason();

test.describe('UI: networks', () => {
  test.skip(skip !== undefined, skip);
  let world: UiWorld;
  let dana: Desktop;

  test.beforeAll(async () => {
    world = UiWorld.create();
    const sn = await world.supernode();
    const host = await world.topology.publicHost('d');
    dana = await world.desktop('dana', host, { profiles: [{ name: 'home', community: 'ui-networks', supernodes: [sn], description: 'dana', key: 'networks-secret', tap: 'kithd' }] });
  });

  test.afterEach(async () => {
    await world?.captureFailure(test.info());
  });

  test.afterAll(async () => {
    await world?.destroy();
  });

  test('add, rename, switch after asking, and delete a network', async () => {
    const page = await world.openUi(dana);
    await expect(statusLine(page)).toHaveText(/Connected/, { timeout: 30_000 });
    await expect(page.locator('.active-network')).toHaveText('Network: home · community ui-networks');

    await openScreen(page, 'Networks');
    await page.getByRole('textbox', { name: 'Name of the new network' }).fill('garden');
    await page.getByRole('button', { name: 'Add network' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Added “garden”' })).toBeVisible();
    const garden = page.getByRole('listitem', { name: 'garden' });
    await expect(garden).toContainText('Hosted on this computer');
    const ini = readFileSync(dana.profileFile('garden'), 'utf8');
    expect(ini).toMatch(/^cipher = ChaCha20$/m);
    expect(ini).toMatch(/^header_encryption = true$/m);
    expect(statSync(dana.profileFile('garden')).mode & 0o777).toBe(0o600);
    // A name that is taken is refused in words.
    await page.getByRole('textbox', { name: 'Name of the new network' }).fill('home');
    await page.getByRole('button', { name: 'Add network' }).click();
    await expect(page.getByRole('alert')).toHaveText('There is already a network named "home".');

    await garden.getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('textbox', { name: 'New name for garden' }).fill('shed');
    await page.getByRole('button', { name: 'Save name' }).click();
    const shed = page.getByRole('listitem', { name: 'shed' });
    await expect(shed).toBeVisible();
    expect(existsSync(dana.profileFile('garden'))).toBe(false);
    expect(existsSync(dana.profileFile('shed'))).toBe(true);

    // Switching the live network asks first; Cancel leaves everything as it was.
    await shed.getByRole('button', { name: 'Switch to this network' }).click();
    const question = page.getByRole('alertdialog', { name: 'Switch to “shed”?' });
    await expect(question).toContainText('This computer leaves “home” now');
    await shot(page, 'networks-switch-question');
    await question.getByRole('button', { name: 'Cancel' }).click();
    await expect(question).toHaveCount(0);
    await expect(page.getByRole('listitem', { name: 'home' })).toContainText('Active');
    await shed.getByRole('button', { name: 'Switch to this network' }).click();
    await page.getByRole('alertdialog', { name: 'Switch to “shed”?' }).getByRole('button', { name: 'Switch network' }).click();
    await expect(shed).toContainText('Active', { timeout: 20_000 });

    // The Connect screen names the network now in use.
    await openScreen(page, 'Connect');
    await expect(page.locator('.active-network')).toContainText('Network: shed · community');
    await expect(statusLine(page)).toHaveText(/Connected/, { timeout: 30_000 });

    await openScreen(page, 'Networks');
    const home = page.getByRole('listitem', { name: 'home' });
    await home.getByRole('button', { name: 'Leave' }).click();
    const leave = page.getByRole('alertdialog', { name: 'Leave “home”?' });
    await expect(leave).toContainText('joining it again needs a new invite');
    await shot(page, 'networks-leave-question');
    await leave.getByRole('button', { name: 'Leave network' }).click();
    await expect(home).toHaveCount(0);
    expect(existsSync(dana.profileFile('home'))).toBe(false);
    await shot(page, 'networks-list');
  });
});
