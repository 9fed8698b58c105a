// The desktop host end to end in one process: a real supernode, the edge session on a memory port,
// the management server on loopback TCP with the web UI, called over HTTP and in-process.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMemoryFramePort } from '../engine/edge/io/frame-port.js';
import { basicAuthorization } from '../engine/mgmt/index.js';
import { ok } from '../shared/result.js';
import type { NetworkSettings, SettingsSetResult, SettingsView } from '../engine/profiles/api.js';
import { startDesktopHost, type DesktopHost } from './host.js';
import { ProfileStore } from '../engine/profiles/profile-store.js';
import { defaultSettings } from '../shared/config/settings-form.js';
import { waitFor } from '../engine/testing/wait-for.js';
import { startSupernode, type RunningSupernode } from '../supernode/testing/start.js';

describe('desktop host', () => {
  let dir: string;
  let sn: RunningSupernode;
  let host: DesktopHost;
  let auth: string;
  const key = 'sesame-0123456789';
  /** A supernode elsewhere (TEST-NET-2) for invites, which may not name this computer; nothing is ever sent there. */
  const elsewhere = '198.51.100.7';

  const rpc = async (method: string, params: unknown = null, authorised = true): Promise<{ status: number; body: { result?: unknown; error?: { message: string } } }> => {
    const response = await fetch(`${host.url ?? ''}v1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(authorised ? { Authorization: auth } : {}) },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    const text = await response.text();
    return { status: response.status, body: response.headers.get('content-type') === 'application/json' ? (JSON.parse(text) as { result?: unknown }) : {} };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kith-host-'));
    sn = await startSupernode();
    const store = new ProfileStore(join(dir, 'profiles'));
    const home: NetworkSettings = { ...defaultSettings(), community: 'home', key, cipher: 'AES', supernodes: [`127.0.0.1:${sn.port}`], description: 'desk' };
    assert.ok((await store.save('home', home)).ok);
    const ui = join(dir, 'ui');
    await mkdir(ui);
    await writeFile(join(ui, 'index.html'), '<!doctype html><title>Kith</title>');
    let macs = 0;
    const started = await startDesktopHost({
      version: '0.0.0',
      profilesDir: store.dir,
      listen: { port: 0, webUiDir: ui },
      openPort: (name) => Promise.resolve(ok(Object.assign(createMemoryFramePort(Uint8Array.from([2, 0, 0, 0x55, 0, ++macs])), { name }))),
      edgeOptions: { localDiscovery: false, drop: (direction, remote) => direction === 'out' && remote.address === elsewhere },
      logSink: () => undefined,
    });
    assert.ok(started.ok, started.ok ? '' : started.detail);
    host = started.value;
    auth = basicAuthorization((await readFile(host.passwordFile, 'utf8')).trim());
    await waitFor(() => host.session.status().state === 'registered', 'the edge to register');
  });

  after(async () => {
    await host?.close();
    await sn.supernode.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the UI on 127.0.0.1 and signs a browser in with its one-time link, never with Basic credentials', async () => {
    const url = host.url ?? '';
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(url);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Kith<\/title>/);
    assert.equal((await fetch(`${url}login`)).status, 200);
    const origin = url.replace(/\/$/, '');
    const browser = { Origin: origin, 'Sec-Fetch-Site': 'same-origin', 'Content-Type': 'application/json' };
    const settingsGet = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'kith.settings.get', params: null });
    // A browser's cached Basic credentials are no way in, and its 401 does not ask for them.
    const basic = await fetch(`${url}v1`, { method: 'POST', headers: { ...browser, Authorization: auth }, body: settingsGet });
    assert.equal(basic.status, 401);
    assert.doesNotMatch(basic.headers.get('www-authenticate') ?? '', /^Basic/);

    const link = host.loginLink() ?? '';
    assert.match(link, new RegExp(`^${url}login#[A-Za-z0-9_-]{43}$`));
    const token = link.slice(link.indexOf('#') + 1);
    const signIn = await fetch(`${url}login`, { method: 'POST', headers: browser, body: JSON.stringify({ token }) });
    assert.equal(signIn.status, 200);
    const cookie = signIn.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^kith_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    const again = await fetch(`${url}login`, { method: 'POST', headers: browser, body: JSON.stringify({ token }) });
    assert.equal(again.status, 401, 'the link works once');

    const session = cookie.split(';')[0] ?? '';
    const view = await fetch(`${url}v1`, { method: 'POST', headers: { ...browser, Cookie: session }, body: settingsGet });
    assert.equal(view.status, 200);
    assert.equal(((await view.json()) as { result: SettingsView }).result.settings.key, key);
  });

  it('starts a kith.stats subscription with the figures and lists the topic', async () => {
    const events: object[] = [];
    const subscribed = host.subscribe('kith.stats', (event) => events.push(event));
    assert.ok(subscribed.ok);
    subscribed.value();
    const [first] = events as { event: string; time: number; peers: unknown[]; supernodes: { selected: boolean }[] }[];
    assert.equal(first?.event, 'kith.stats');
    assert.ok(Number.isInteger(first.time));
    assert.deepEqual(first.peers, []);
    assert.equal(first.supernodes.filter((supernode) => supernode.selected).length, 1);
    const topics = (await rpc('help.events')).body.result as { topic: string }[];
    assert.ok(topics.some(({ topic }) => topic === 'kith.stats'));
  });

  it("keeps n3n's read-only methods open and the kith.* settings behind the password", async () => {
    assert.equal((await rpc('get_edges', null, false)).status, 200);
    assert.equal((await rpc('kith.status', null, false)).status, 200);
    for (const method of ['kith.settings.get', 'kith.settings.set', 'kith.profiles', 'kith.invite.create', 'kith.log', 'kith.ping']) {
      assert.equal((await rpc(method, null, false)).status, 401, method);
    }
    const view = (await rpc('kith.settings.get')).body.result as SettingsView;
    assert.equal(view.profile, 'home');
    assert.equal(view.settings.key, key);
    assert.equal(view.file, join(dir, 'profiles', 'home.conf'));
  });

  it('refuses bad settings per field and leaves the file alone', async () => {
    const before = await readFile(join(dir, 'profiles', 'home.conf'), 'utf8');
    const answer = await rpc('kith.settings.set', [{ community: 'x'.repeat(20), supernodes: ['no port here:'] }]);
    const result = answer.body.result as SettingsSetResult;
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.errors.map((error) => error.option), ['community.name', 'community.supernode']);
    assert.equal(await readFile(join(dir, 'profiles', 'home.conf'), 'utf8'), before);
    assert.equal((await rpc('kith.settings.set', [{ community: 7 }])).status, 400);
    assert.equal((await rpc('kith.settings.set', [{ colour: 'red' }])).status, 400);
  });

  it('saves valid settings to the 0600 profile, restarts the edge and tells subscribers', async () => {
    const events: object[] = [];
    const subscribed = host.subscribe('kith.settings', (event) => events.push(event));
    assert.ok(subscribed.ok);
    const answer = await host.call('kith.settings.set', [{ description: 'desk2', compression: 'lzo' }]);
    assert.ok(answer.ok);
    assert.equal((answer.result as SettingsSetResult).ok, true);
    const file = join(dir, 'profiles', 'home.conf');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.match(await readFile(file, 'utf8'), /description = desk2\n/);
    assert.deepEqual(events, [{ event: 'kith.settings', profile: 'home', community: 'home' }]);
    subscribed.value();
    await waitFor(() => host.session.status().state === 'registered' && host.session.status().description === 'desk2', 'the restarted edge');
  });

  it('creates an invite, imports one as a new active profile and switches back', async () => {
    const invite = await host.call('kith.invite.create');
    assert.ok(invite.ok);
    const link = (invite.result as { link: string }).link;
    assert.match(link, /^kith:\/\/join\?/);
    // This network's supernode runs on this computer: an invite to it would point the joiner at their own.
    const local = await host.call('kith.invite.import', [link.replace('c=home', 'c=office')]);
    assert.deepEqual(local, { ok: true, result: { ok: false, message: `The invite points at a supernode on this computer itself (127.0.0.1:${sn.port}); an invite must name a supernode elsewhere.` } });
    const other = link.replace('c=home', 'c=office').replace(/sn=[^&]*/, `sn=${elsewhere}%3A7654`);
    // What the window shows before Join; nothing changes yet.
    assert.deepEqual(await host.call('kith.invite.describe', [other]), {
      ok: true,
      result: { ok: true, summary: { community: 'office', supernodes: `${elsewhere}:7654`, address: 'one the supernode assigns', encryption: 'AES, with the key in the link.' } },
    });
    assert.equal(host.session.settings.communityName, 'home');
    const imported = await host.call('kith.invite.import', [other]);
    assert.deepEqual(imported, { ok: true, result: { ok: true, profile: 'office' } });
    assert.equal(host.session.settings.communityName, 'office');
    assert.deepEqual(await host.call('kith.profiles'), {
      ok: true,
      result: [
        { name: 'home', community: 'home', active: false, hosted: true },
        { name: 'office', community: 'office', active: true, hosted: false },
      ],
    });
    assert.deepEqual(await host.call('kith.invite.import', ['kith://nonsense']), { ok: true, result: { ok: false, message: 'This is not a Kith invite link (it should start with kith://join?).' } });
    const selected = await host.call('kith.profiles.select', ['home']);
    assert.ok(selected.ok);
    assert.equal(host.session.settings.communityName, 'home');
    assert.deepEqual(await host.call('kith.profiles.select', ['nowhere']), { ok: false, code: 404, message: 'There is no profile named "nowhere".' });
  });

  it('keeps a log without the key, and pings only peers', async () => {
    const log = await host.call('kith.log');
    assert.ok(log.ok);
    const lines = log.result as { text: string }[];
    assert.ok(lines.some((line) => line.text.includes('switched to profile home')));
    assert.ok(!JSON.stringify(lines).includes(key));
    const ping = await host.call('kith.ping', ['10.1.2.3']);
    assert.deepEqual(ping, { ok: false, code: 400, message: '10.1.2.3 is not the VPN address of a known peer' });
    assert.equal((await host.call('kith.ping', ['not an address'])).ok, false);
  });

  it('adds, renames and deletes networks; the active one is left for another first, the last one stays', async () => {
    const names = (reply: Awaited<ReturnType<DesktopHost['call']>>): string[] => {
      assert.ok(reply.ok, reply.ok ? '' : reply.message);
      return (reply.result as { name: string; active: boolean }[]).map(({ name, active }) => (active ? `${name}*` : name));
    };
    const added = await host.call('kith.profiles.create', ['garden']);
    assert.deepEqual(names(added), ['garden', 'home*', 'office']);
    const garden = new ProfileStore(join(dir, 'profiles')).load('garden');
    assert.ok(garden.ok);
    assert.equal(garden.value.community.cipher, 'ChaCha20');
    assert.equal(garden.value.connection.description, 'desk2');
    assert.equal((await stat(join(dir, 'profiles', 'garden.conf'))).mode & 0o777, 0o600);
    assert.deepEqual(await host.call('kith.profiles.create', ['garden']), { ok: false, code: 409, message: 'There is already a network named "garden".' });
    assert.equal((await host.call('kith.profiles.create', ['../garden'])).ok, false);

    assert.deepEqual(names(await host.call('kith.profiles.rename', ['garden', 'shed'])), ['home*', 'office', 'shed']);
    assert.deepEqual(await host.call('kith.profiles.rename', ['nowhere', 'x']), { ok: false, code: 404, message: 'There is no network named "nowhere".' });
    // Renaming the active network keeps it active and running under the new name.
    assert.deepEqual(names(await host.call('kith.profiles.rename', ['home', 'house'])), ['house*', 'office', 'shed']);
    assert.equal(((await host.call('kith.settings.get')) as { result: SettingsView }).result.profile, 'house');
    assert.equal(host.session.settings.communityName, 'home');

    assert.deepEqual(names(await host.call('kith.profiles.delete', ['shed'])), ['house*', 'office']);
    assert.deepEqual(names(await host.call('kith.profiles.delete', ['house'])), ['office*']);
    assert.equal(host.session.settings.communityName, 'office');
    assert.deepEqual(await host.call('kith.profiles.delete', ['office']), {
      ok: false,
      code: 409,
      message: 'This is the only network on this computer: add or join another one before leaving it.',
    });
  });
});
