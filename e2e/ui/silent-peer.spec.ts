// Issue 11 item 5: a peer that stops answering (its computer froze, slept or lost its network) is
// not left green. Two desktops on a plain underlay find a direct path; then bob's process is
// frozen, and alice's Peers screen greys him out as "Not answering" with how long ago he was last
// seen, within the silence a direct path is allowed (engine/edge/peer-liveness.ts) plus one push of
// kith.stats; the tray, built from the same engine answers, says the same.
import { expect, test } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { KithStatus, PeerView, ProfileSummary } from '../../engine/profiles/api.js';
import { STATS_INTERVAL_MS } from '../../engine/edge/stats-topic.js';
import { trayMenu } from '../../electron/tray-state.js';
import { openScreen, peerRows, rpc, shot, statusLine, uiSkipReason, UiWorld } from './harness.js';
import type { Desktop } from './harness.js';

const skip = uiSkipReason();
/** n3n's default register_interval (20 s): a direct peer may be silent for half of it. */
const DIRECT_SILENCE_ALLOWED_MS = 10_000;

test.describe.serial('UI: a peer that stops answering', () => {
  test.skip(skip !== undefined, skip);
  let world: UiWorld;
  let alice: Desktop;
  let bob: Desktop;
  let alicePage: Page;
  let frozen = false;

  test.beforeAll(async () => {
    world = UiWorld.create();
    const sn = await world.supernode();
    const [hostA, hostB] = [await world.topology.publicHost('a'), await world.topology.publicHost('b')];
    [alice, bob] = await Promise.all([
      world.desktop('alice', hostA, { profiles: [{ name: 'home', community: 'ui-silent', supernodes: [sn], description: 'alice', tap: 'kitha' }] }),
      world.desktop('bob', hostB, { profiles: [{ name: 'home', community: 'ui-silent', supernodes: [sn], description: 'bob', tap: 'kithb' }] }),
    ]);
  });

  test.afterEach(async () => {
    await world?.captureFailure(test.info());
  });

  test.afterAll(async () => {
    // A frozen process cannot be stopped cleanly: let it run again first.
    if (frozen) bob.proc.child.kill('SIGCONT');
    await world?.destroy();
  });

  test('a frozen peer turns grey, "Not answering", in the window and in the tray', async () => {
    alicePage = await world.openUi(alice);
    await expect(statusLine(alicePage)).toHaveText(/Connected/, { timeout: 30_000 });
    let bobAddress = '';
    const address = async (): Promise<string> => (bobAddress = ((await rpc(world, bob, 'kith.status')) as KithStatus | undefined)?.address?.split('/')[0] ?? '');
    await expect.poll(address, { timeout: 30_000 }).toMatch(/^10\./);
    await world.pingUntil(alice.host.ns, bobAddress);
    await openScreen(alicePage, 'Peers');
    const row = peerRows(alicePage).filter({ hasText: 'bob' });
    await expect(row.getByText(/^Direct/)).toBeVisible({ timeout: 30_000 });
    await expect(row).not.toHaveClass(/silent/);

    frozen = bob.proc.child.kill('SIGSTOP');
    expect(frozen).toBe(true);
    const bound = DIRECT_SILENCE_ALLOWED_MS + 2 * STATS_INTERVAL_MS + 5_000;
    await expect(row.getByText('Not answering', { exact: true })).toBeVisible({ timeout: bound });
    await expect(row).toHaveClass(/silent/);
    await expect(row.getByRole('cell').filter({ hasText: /^\d+ s ago$/ })).toHaveCount(1);
    await expect(row).toContainText(/Not answering · last seen \d+ s ago/);
    await expect(row.getByText(/^Direct/)).toHaveCount(0);
    await shot(alicePage, 'peers-not-answering');

    // The tray is computed from the same answers: it agrees, and does not count him as online.
    const [status, peers, profiles] = await Promise.all([rpc(world, alice, 'kith.status'), rpc(world, alice, 'kith.peers'), rpc(world, alice, 'kith.profiles')]);
    const menu = trayMenu({ engine: 'running', status: status as KithStatus, peers: peers as PeerView[], profiles: profiles as ProfileSummary[], startAtLogin: false });
    const peerMenu = menu.find((item) => item.type === 'submenu' && item.label.startsWith('Peers'));
    const labels = peerMenu?.type === 'submenu' ? peerMenu.items.map((item) => (item.type === 'separator' ? '' : item.label)) : [];
    expect(labels).toEqual([expect.stringMatching(/^bob — not answering — last seen \d+ s ago$/)]);
    expect(menu[0]?.type === 'normal' ? menu[0].label : '').toBe('Connected to ui-silent · 0 peers');
  });
});
