import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { NetworkSettings } from './api.js';
import { defaultSettings } from '../../shared/config/settings-form.js';
import { settingsOf } from './network-settings.js';
import { defaultProfilesDir, profileNameFor, ProfileStore } from './profile-store.js';

const office: NetworkSettings = {
  ...defaultSettings(),
  community: 'office',
  key: 'correct horse',
  cipher: 'ChaCha20',
  compression: 'lzo',
  headerEncryption: true,
  supernodes: ['sn1.example.org:7654', '2001:db8::1'],
  addressMode: 'static',
  address: '10.9.8.7/16',
  description: 'laptop',
};

describe('profile store', () => {
  let dir: string;
  let store: ProfileStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kith-profiles-'));
    store = new ProfileStore(join(dir, 'profiles'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes a 0600 file that the config loader reads back as the same settings', async () => {
    const saved = await store.save('office', office);
    assert.ok(saved.ok);
    assert.equal((await stat(saved.value)).mode & 0o777, 0o600);
    const text = await readFile(saved.value, 'utf8');
    assert.match(text, /^\[community\]\nname = office\n/);
    // Each value in the schema's own text: an IPv6 supernode with its port, in brackets.
    assert.match(text, /supernode = sn1\.example\.org:7654\nsupernode = \[2001:db8::1\]:7654\n/);
    const loaded = store.load('office');
    assert.ok(loaded.ok);
    assert.deepEqual(settingsOf(loaded.value), { ...office, supernodes: ['sn1.example.org:7654', '[2001:db8::1]:7654'] });
    assert.deepEqual(await store.list(), [{ name: 'office', path: saved.value }]);
  });

  it('keeps the options the form does not own and drops the ones it clears', async () => {
    const path = join(store.dir, 'edge.conf');
    await writeFile(path, '# hand-written\n[community]\nname = old\nkey = k\ncipher = AES\n[management]\nport = 5645\n[filter]\nallow_multicast = true\n');
    const saved = await store.save('edge', { ...office, key: '', cipher: 'null', addressMode: 'auto', address: '', description: '' });
    assert.ok(saved.ok);
    const loaded = store.load('edge');
    assert.ok(loaded.ok);
    assert.equal(loaded.value.management.port, 5645);
    assert.equal(loaded.value.filter.allow_multicast, true);
    assert.equal(loaded.value.community.key, undefined);
    assert.equal(loaded.value.connection.description, undefined);
  });

  it('refuses names that are paths and values the INI dialect cannot hold', async () => {
    assert.equal((await store.save('../evil', office)).ok, false);
    assert.equal((await store.save('bad', { ...office, key: 'a#b' })).ok, false);
    assert.equal((await store.save('bad', { ...office, key: ' padded' })).ok, false);
    // The dialect has no quoting, so what it can hold is written as it is: '=', quotes, ';'.
    const saved = await store.save('quoted', { ...office, key: 'a=b;"c\'\\' });
    assert.ok(saved.ok);
    const loaded = store.load('quoted');
    assert.equal(loaded.ok ? loaded.value.community.key : undefined, 'a=b;"c\'\\');
    assert.equal(store.load('missing').ok, false);
  });

  it('remembers the active profile and finds unused names', async () => {
    assert.equal(await store.lastActive(), undefined);
    await store.rememberActive('office');
    assert.equal(await store.lastActive(), 'office');
    assert.deepEqual((await store.list()).map((profile) => profile.name), ['edge', 'office', 'quoted']);
    assert.equal(await store.unusedName('office'), 'office-2');
    assert.equal(await store.unusedName('home'), 'home');
  });

  it('renames and deletes a profile together with its companion files, never over another one', async () => {
    assert.ok((await store.save('moving', office)).ok);
    assert.ok((await store.saveCompanion('moving', 'users', '[]\n')).ok);
    // A profile whose name starts like the companions' is another profile and stays.
    assert.ok((await store.save('moving.users', office)).ok);
    assert.deepEqual(await store.rename('moving', 'office'), { ok: false, error: 'name-taken', detail: 'There is already a network named "office".' });
    assert.deepEqual(await store.rename('absent', 'new'), { ok: false, error: 'unknown-profile', detail: 'There is no network named "absent".' });
    assert.equal((await store.rename('moving', '../out')).ok, false);
    assert.ok((await store.rename('moving', 'moved')).ok);
    assert.equal(await readFile(join(store.dir, 'moved.users'), 'utf8'), '[]\n');
    assert.equal((await stat(join(store.dir, 'moved.conf'))).mode & 0o777, 0o600);
    assert.equal(existsSync(join(store.dir, 'moving.conf')), false);
    assert.ok((await store.remove('moved')).ok);
    assert.equal(existsSync(join(store.dir, 'moved.conf')), false);
    assert.equal(existsSync(join(store.dir, 'moved.users')), false);
    assert.ok(existsSync(join(store.dir, 'moving.users.conf')));
    assert.equal((await store.remove('moved')).ok, false);
    assert.ok((await store.remove('moving.users')).ok);
  });

  it('derives profile names and directories per platform', () => {
    assert.equal(profileNameFor('kith-home'), 'kith-home');
    assert.equal(profileNameFor('*** my net ***'), 'my-net-');
    assert.equal(profileNameFor('***'), 'network');
    assert.equal(defaultProfilesDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/a'), '/x/kith/profiles');
    assert.equal(defaultProfilesDir({}, 'linux', '/home/a'), '/home/a/.config/kith/profiles');
    assert.equal(defaultProfilesDir({}, 'darwin', '/Users/a'), '/Users/a/Library/Application Support/Kith/profiles');
    assert.equal(defaultProfilesDir({ APPDATA: 'C:\\AppData' }, 'win32', 'C:\\Users\\a'), join('C:\\AppData', 'Kith', 'profiles'));
    assert.equal(defaultProfilesDir({ KITH_PROFILES_DIR: '/t' }, 'linux', '/h'), '/t');
  });
});
