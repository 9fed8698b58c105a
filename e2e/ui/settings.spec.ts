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
    await expect(page.getByLabel("This computer's name", { exact: true })).toHaveValue('alice');
    await expect(page.getByLabel('Network name', { exact: true })).toHaveValue('ui-settings');
    await expect(page.getByLabel('Meeting points', { exact: true })).toHaveValue(world.supernodeAddress);
    await expect(page.getByRole('radio', { name: 'Automatic' })).toBeChecked();
    await expect(page.getByLabel('Fixed address', { exact: true })).toBeDisabled();
  });

  test("fields are in plain words, with n3n's option name below; no encryption is warned about", async () => {
    const name = page.getByLabel('Network name', { exact: true });
    await expect(name).toHaveAccessibleDescription(/community\.name/);
    await expect(page.getByText('connection.description', { exact: true })).toBeVisible();
    const encryption = page.getByLabel('Encryption', { exact: true });
    await expect(encryption).toHaveValue('null');
    await expect(encryption).toHaveAccessibleDescription(/will not be encrypted/);
    await expect(page.getByText(/^Traffic in this network will not be encrypted/)).toBeVisible();
    await page.getByLabel('Network key', { exact: true }).fill('a key');
    await encryption.selectOption({ label: 'ChaCha20' });
    await expect(page.getByText(/will not be encrypted/)).toHaveCount(0);
    await encryption.selectOption({ label: 'None (not encrypted)' });
    await page.getByLabel('Network key', { exact: true }).fill('');
  });

  test('a community name over 19 bytes is refused at the field; the file is unchanged', async () => {
    const before = fileState(file);
    const community = page.getByLabel('Network name', { exact: true });
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
    const supernodes = page.getByLabel('Meeting points', { exact: true });
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
    const description = page.getByLabel("This computer's name", { exact: true });
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
