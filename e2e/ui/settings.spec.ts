// Issue 5, UI 6: the Network settings form writes the profile's INI file (mode 0600, the key is
// in it); values the schema refuses get a message at their field and leave the file untouched.
import { statSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import { fileState, openScreen, shot, uiSkipReason, UiWorld } from './harness.js';
import type { Desktop } from './harness.js';

const skip = uiSkipReason();

test.describe.serial('UI: network settings', () => {
  test.skip(skip !== undefined, skip);
  let world: UiWorld;
  let alice: Desktop;
  let page: Page;
  let file: string;

  test.beforeAll(async () => {
    world = UiWorld.create();
    const sn = await world.supernode();
    const host = await world.topology.publicHost('a');
    alice = await world.desktop('alice', host, { profiles: [{ name: 'home', community: 'ui-settings', supernodes: [sn], description: 'alice', tap: 'kitha' }] });
    file = alice.profileFile('home');
  });

  test.afterEach(async () => {
    await world?.captureFailure(test.info());
  });

  test.afterAll(async () => {
    await world?.destroy();
  });

  test('the form shows the profile as it is on disk', async () => {
    page = await world.openUi(alice);
    await openScreen(page, 'Network settings');
    await expect(page.getByLabel('Description', { exact: true })).toHaveValue('alice');
    await expect(page.getByLabel('Community', { exact: true })).toHaveValue('ui-settings');
    await expect(page.getByLabel('Supernodes', { exact: true })).toHaveValue(world.supernodeAddress);
    await expect(page.getByRole('radio', { name: 'Automatic' })).toBeChecked();
    await expect(page.getByLabel('Static address', { exact: true })).toBeDisabled();
  });

  test('a community name over 19 bytes is refused at the field; the file is unchanged', async () => {
    const before = fileState(file);
    const community = page.getByLabel('Community', { exact: true });
    await community.fill('a-community-name-too-long');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText(/^Not saved/)).toBeVisible();
    await expect(community).toHaveAttribute('aria-invalid', 'true');
    await expect(community).toHaveAccessibleDescription(/19/);
    await shot(page, 'settings-invalid-community');
    expect(fileState(file)).toEqual(before);
    await community.fill('ui-settings');
  });

  test('a supernode without a valid port is refused at the field; the file is unchanged', async () => {
    const before = fileState(file);
    const supernodes = page.getByLabel('Supernodes', { exact: true });
    await supernodes.fill(`${world.supernodeAddress}\n10.77.0.99:99999`);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText(/^Not saved/)).toBeVisible();
    await expect(supernodes).toHaveAttribute('aria-invalid', 'true');
    await expect(supernodes).toHaveAccessibleDescription(/10\.77\.0\.99:99999/);
    await shot(page, 'settings-invalid-supernode');
    expect(fileState(file)).toEqual(before);
    await supernodes.fill(world.supernodeAddress);
  });

  test('a saved Description lands in the profile file, mode 0600', async () => {
    const description = page.getByLabel('Description', { exact: true });
    await description.fill('alice-laptop');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => fileState(file).text, { timeout: 10_000 }).toMatch(/^description = alice-laptop$/m);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The rest of the profile is kept as it was.
    expect(fileState(file).text).toMatch(/^name = ui-settings$/m);
    expect(fileState(file).text).toMatch(/^register_interval = 3$/m);
    await expect(page.getByText('Saved. The new settings are in use.')).toBeVisible();
    await expect(description).toHaveValue('alice-laptop');
    await shot(page, 'settings-saved');
  });
});
