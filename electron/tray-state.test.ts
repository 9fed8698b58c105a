import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HelpSession } from '../engine/help/api.js';
import { peer, snapshot, status } from './test-snapshots.js';
import { menuLabel, MENU_PEER_LIMIT, slowestPeer, TOOLTIP_MAX, TRAY_ICON_STATES, trayIconFile, trayIconState, type TrayMenuItem, trayMenu, trayTooltip } from './tray-state.js';

const labels = (items: readonly TrayMenuItem[]): string[] => items.map((item) => (item.type === 'separator' ? '---' : item.label));
const find = (items: readonly TrayMenuItem[], label: string): TrayMenuItem | undefined => items.find((item) => item.type !== 'separator' && item.label.startsWith(label));

describe('trayIconState', () => {
  it('maps every engine state to one of the six icons', () => {
    assert.equal(trayIconState(snapshot({ engine: 'starting' })), 'connecting');
    assert.equal(trayIconState(snapshot({ engine: 'failed', error: 'no TAP' })), 'error');
    assert.equal(trayIconState(snapshot({ status: status('stopped') })), 'disconnected');
    assert.equal(trayIconState(snapshot({ status: status('connecting') })), 'connecting');
    assert.equal(trayIconState(snapshot({ status: status('no-supernode') })), 'no-supernode');
    assert.equal(trayIconState(snapshot({ status: status('error', { reason: 'x' }) })), 'error');
    assert.equal(trayIconState(snapshot({ status: status('registered') })), 'connected');
  });

  it('shows connected-relayed when any peer is relayed, connected when all are direct', () => {
    const direct = peer('02:00:00:00:00:02', { path: 'direct' });
    const relayed = peer('02:00:00:00:00:03', { path: 'relayed', via: '198.51.100.1:7777' });
    assert.equal(trayIconState(snapshot({ status: status('registered'), peers: [direct] })), 'connected');
    assert.equal(trayIconState(snapshot({ status: status('registered'), peers: [direct, relayed] })), 'connected-relayed');
  });
});

describe('trayTooltip', () => {
  it('names the network, the peer count and the slowest path', () => {
    const tip = trayTooltip(
      snapshot({
        status: status('registered', { community: 'family' }),
        peers: [peer('02:00:00:00:00:02', { description: 'nas', rttMs: 3.25 }), peer('02:00:00:00:00:03', { description: 'phone', rttMs: 84.4, path: 'relayed' })],
      }),
    );
    assert.equal(tip, 'Kith — Connected to family · 2 peers\nSlowest: phone, relayed, 84 ms');
  });

  it('stays within the Windows limit', () => {
    const tip = trayTooltip(snapshot({ status: status('registered', { community: 'x'.repeat(300) }) }));
    assert.ok(tip.length <= TOOLTIP_MAX);
    assert.ok(tip.endsWith('…'));
  });

  it('explains an engine that failed to start', () => {
    assert.equal(trayTooltip(snapshot({ engine: 'failed', error: 'kith-tap is not installed' })), 'Kith — Error: kith-tap is not installed');
  });
});

describe('slowestPeer', () => {
  it('prefers an unmeasured peer, then the highest RTT', () => {
    const a = peer('a', { rttMs: 5 });
    const b = peer('b', { rttMs: 50 });
    const c = peer('c');
    assert.equal(slowestPeer([a, b]), b);
    assert.equal(slowestPeer([a, c, b]), c);
    assert.equal(slowestPeer([]), undefined);
  });
});

describe('trayMenu', () => {
  it('has the status line, Connect, Open, Start at login and Quit when disconnected', () => {
    const menu = trayMenu(snapshot({ status: status('stopped') }));
    assert.deepEqual(labels(menu), ['Disconnected', '---', 'Connect', 'Peers (0)', '---', 'Open Kith', 'Ask for help…', 'Start at login', '---', 'Quit Kith']);
    assert.deepEqual(find(menu, 'Connect'), { type: 'normal', label: 'Connect', enabled: true, action: { kind: 'connect' } });
    assert.equal(menu[0]?.type === 'normal' && menu[0].enabled, false);
  });

  it('offers Disconnect while connected or trying, and nothing clickable before the engine runs', () => {
    assert.ok(find(trayMenu(snapshot({ status: status('registered') })), 'Disconnect'));
    assert.ok(find(trayMenu(snapshot({ status: status('no-supernode') })), 'Disconnect'));
    const starting = find(trayMenu(snapshot({ engine: 'starting' })), 'Disconnect');
    assert.equal(starting?.type === 'normal' && starting.enabled, false);
    // "Open" is there in every state.
    for (const engine of ['starting', 'running', 'failed'] as const) assert.ok(find(trayMenu(snapshot({ engine })), 'Open Kith'));
  });

  it('lists networks as radio items with the active one checked', () => {
    const menu = trayMenu(
      snapshot({
        status: status('registered'),
        profiles: [
          { name: 'home', community: 'home', active: true, hosted: false },
          { name: 'work', community: 'acme-net', active: false, hosted: false },
        ],
      }),
    );
    const networks = find(menu, 'Networks');
    assert.equal(networks?.type, 'submenu');
    assert.deepEqual(networks?.type === 'submenu' ? networks.items : undefined, [
      { type: 'radio', label: 'home', checked: true, enabled: true, action: { kind: 'use-profile', name: 'home' } },
      { type: 'radio', label: 'work (acme-net)', checked: false, enabled: true, action: { kind: 'use-profile', name: 'work' } },
    ]);
  });

  it('lists peers by name with path and RTT; clicking copies the VPN address', () => {
    const menu = trayMenu(
      snapshot({
        status: status('registered'),
        peers: [
          peer('02:00:00:00:00:03', { description: 'Zed & Co', vpnIpv4: '10.0.0.3', path: 'relayed', via: '198.51.100.1:7777', rttMs: 41.6 }),
          peer('02:00:00:00:00:02', { vpnIpv4: '10.0.0.2', rttMs: 2.54 }),
        ],
      }),
    );
    const peers = find(menu, 'Peers (2)');
    assert.deepEqual(peers?.type === 'submenu' ? peers.items : undefined, [
      { type: 'normal', label: '10.0.0.2 — direct — 2.5 ms', enabled: true, action: { kind: 'copy', text: '10.0.0.2' } },
      { type: 'normal', label: 'Zed && Co — relayed via 198.51.100.1:7777 — 42 ms', enabled: true, action: { kind: 'copy', text: '10.0.0.3' } },
    ]);
  });

  it('greys a peer that stopped answering: not counted, not the slowest, with how long it has been silent', () => {
    const now = 1_800_000_040_000;
    const silent = peer('02:00:00:00:00:03', { description: 'phone', path: 'relayed', rttMs: 84.4, answering: false, lastSeen: now - 40_000 });
    const shown = snapshot({ status: status('registered', { community: 'family' }), peers: [peer('02:00:00:00:00:02', { description: 'nas', rttMs: 3.25 }), silent] });
    assert.equal(trayIconState(shown), 'connected');
    assert.equal(trayTooltip(shown), 'Kith — Connected to family · 1 peer\nSlowest: nas, direct, 3.3 ms');
    const peers = find(trayMenu(shown, now), 'Peers (2)');
    assert.deepEqual(peers?.type === 'submenu' ? peers.items.map((item) => (item.type === 'separator' ? '' : item.label)) : undefined, [
      'nas — direct — 3.3 ms',
      'phone — not answering — last seen 40 s ago',
    ]);
  });

  it('cuts a long peer list and points to the window', () => {
    const many = Array.from({ length: MENU_PEER_LIMIT + 5 }, (_, i) => peer(`02:00:00:00:01:${i.toString(16).padStart(2, '0')}`, { description: `peer ${String(i).padStart(2, '0')}` }));
    const peers = find(trayMenu(snapshot({ status: status('registered'), peers: many })), 'Peers');
    const items = peers?.type === 'submenu' ? peers.items : [];
    assert.equal(items.length, MENU_PEER_LIMIT + 1);
    assert.deepEqual(items.at(-1), { type: 'normal', label: 'and 5 more…', enabled: true, action: { kind: 'open' } });
  });

  it('toggles start at login to the opposite of the current setting', () => {
    const on = find(trayMenu(snapshot({ startAtLogin: true })), 'Start at login');
    assert.deepEqual(on, { type: 'checkbox', label: 'Start at login', checked: true, enabled: true, action: { kind: 'set-start-at-login', on: false } });
  });
});

describe('trayIconFile', () => {
  it('uses template images on macOS and colour images elsewhere', () => {
    assert.equal(trayIconFile('connected', 'darwin'), 'tray/connectedTemplate.png');
    assert.equal(trayIconFile('error', 'win32'), 'tray/error-16.png');
    assert.equal(trayIconFile('no-supernode', 'linux'), 'tray/no-supernode-24.png');
    assert.equal(TRAY_ICON_STATES.length, 7);
  });
});

describe('menuLabel', () => {
  it('doubles ampersands so they are not read as mnemonics', () => {
    assert.equal(menuLabel('R&D && more'), 'R&&D &&&& more');
  });
});

describe('the help session in the tray', () => {
  const help = (role: HelpSession['role'], phase: HelpSession['phase']): HelpSession => ({
    id: 'f'.repeat(32),
    role,
    phase,
    peer: { mac: '02:00:00:00:00:02', name: 'Sam & co', vpnIpv4: '10.99.0.2' },
    self: { mac: '02:00:00:00:00:01', name: 'laptop', vpnIpv4: '10.99.0.1' },
    startedAt: 0,
  });
  const connected = { status: status('registered') };

  it('has a state of its own while this screen is shared, with a way to stop', () => {
    const sharing = snapshot({ ...connected, help: help('helped', 'sharing') });
    assert.equal(trayIconState(sharing), 'sharing');
    assert.equal(trayIconFile('sharing', 'linux'), 'tray/sharing-24.png');
    const menu = trayMenu(sharing);
    assert.equal(menu[0]?.type !== 'separator' && menu[0]?.label, 'Sharing screen with Sam && co');
    assert.deepEqual(find(menu, 'Stop sharing'), { type: 'normal', label: 'Stop sharing', enabled: true, action: { kind: 'stop-help', sessionId: 'f'.repeat(32) } });
    assert.match(trayTooltip(sharing), /^Kith — Sharing screen with Sam & co/);
    assert.equal(trayIconState(snapshot({ ...connected, help: help('helped', 'connecting') })), 'sharing');
  });

  it('lets the helper stop seeing the screen, without the sharing state', () => {
    const seeing = snapshot({ ...connected, help: help('helper', 'sharing') });
    assert.equal(trayIconState(seeing), 'connected');
    assert.ok(find(trayMenu(seeing), "Stop seeing Sam && co's screen"));
  });

  it('points to the window while the prompt waits, and offers "Ask for help…" when connected', () => {
    const prompting = trayMenu(snapshot({ ...connected, help: help('helped', 'prompting') }));
    assert.deepEqual(find(prompting, 'Sam && co wants to see your screen'), { type: 'normal', label: 'Sam && co wants to see your screen…', enabled: true, action: { kind: 'open' } });
    assert.deepEqual(find(trayMenu(snapshot(connected)), 'Ask for help'), { type: 'normal', label: 'Ask for help…', enabled: true, action: { kind: 'ask-for-help' } });
    assert.equal(find(trayMenu(snapshot({ status: status('stopped') })), 'Ask for help')?.type === 'normal' && (find(trayMenu(snapshot({ status: status('stopped') })), 'Ask for help') as { enabled: boolean }).enabled, false);
    assert.equal(trayIconState(snapshot({ ...connected, help: help('helped', 'ended') })), 'connected');
  });
});
