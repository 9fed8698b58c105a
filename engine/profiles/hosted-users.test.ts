import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HostedUsers, INVITE_LIFETIME_SECONDS, userPublicKey } from './hosted-users.js';
import { ProfileStore } from './profile-store.js';

const NOW = 1_800_000_000;
const HOST = { name: 'desk', password: 'host-password-0123456789' };

describe('users of a network hosted here', () => {
  let dir: string;
  let store: ProfileStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kith-users-'));
    store = new ProfileStore(dir);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('makes a user per invite, valid seven days, kept 0600 without its password', async () => {
    const users = HostedUsers.load(store, 'home');
    const access = await users.invite("Mum's laptop", ['desk'], NOW);
    assert.ok(access.ok);
    assert.equal(access.value.user, 'Mum-s-laptop');
    assert.equal(access.value.expires, NOW + INVITE_LIFETIME_SECONDS);
    const second = await users.invite('desk', ['desk'], NOW);
    assert.ok(second.ok);
    assert.equal(second.value.user, 'desk-2', 'names stay unique, the host’s among them');
    const file = join(dir, 'home.users');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes(access.value.password));
    // The community file the supernode reads: n3n's format, the host and both invites.
    const community = users.communityFile('sunny-otter-42', HOST, NOW);
    const lines = community.split('\n');
    assert.equal(lines[0], 'sunny-otter-42');
    assert.deepEqual(
      lines.slice(1, -1).map((line) => /^\* (\S{1,15}) [0-9A-Za-z+-]{43}$/.exec(line)?.[1]),
      ['desk', 'Mum-s-laptop', 'desk-2'],
    );
    assert.ok(community.includes(`* Mum-s-laptop ${userPublicKey('Mum-s-laptop', access.value.password)}\n`));
  });

  it('lets the first device claim an invite, only that one after, and none once expired unused', async () => {
    const users = HostedUsers.load(store, 'home');
    assert.equal(users.claim('Mum-s-laptop', '02:00:00:00:00:01', NOW + 10), true);
    assert.equal(users.claim('Mum-s-laptop', '02:00:00:00:00:02', NOW + 20), false, 'used by another device');
    assert.equal(users.claim('Mum-s-laptop', '02:00:00:00:00:01', NOW + INVITE_LIFETIME_SECONDS * 2), true, 'the device keeps its access');
    const later = NOW + INVITE_LIFETIME_SECONDS + 1;
    assert.equal(users.claim('desk-2', '02:00:00:00:00:03', later), false, 'expired unused');
    assert.equal(users.claim('desk', '02:00:00:00:00:09', later), true, "this computer's own user");
    await users.saved();
    // The claim is on disk; the expired invite leaves the community file.
    const reloaded = HostedUsers.load(store, 'home');
    assert.deepEqual(
      reloaded.devices(later).map((device) => [device.name, device.state]),
      [
        ['Mum-s-laptop', 'joined'],
        ['desk-2', 'expired'],
      ],
    );
    assert.ok(!reloaded.communityFile('sunny-otter-42', HOST, later).includes('desk-2'));
    // The supernode's registrations say which devices are connected, and since when.
    const since = Date.UTC(2027, 0, 15, 8, 30);
    assert.deepEqual(
      reloaded.devices(later, new Map([['Mum-s-laptop', since], ['desk', since]])).map((device) => [device.name, device.registeredSince]),
      [
        ['Mum-s-laptop', '2027-01-15T08:30:00.000Z'],
        ['desk-2', undefined],
      ],
    );
  });

  it('takes a device away', async () => {
    const users = HostedUsers.load(store, 'home');
    assert.equal(await users.remove('Mum-s-laptop'), true);
    assert.equal(await users.remove('Mum-s-laptop'), false);
    assert.ok(!users.communityFile('sunny-otter-42', HOST, NOW).includes('Mum-s-laptop'));
  });

  it('reads a damaged users file as no users', async () => {
    await writeFile(join(dir, 'bad.users'), '[{"name":"../x","publicKey":"a","expires":"soon"}, 7, null]');
    assert.deepEqual(HostedUsers.load(store, 'bad').devices(NOW), []);
    await writeFile(join(dir, 'worse.users'), '{not json');
    assert.deepEqual(HostedUsers.load(store, 'worse').devices(NOW), []);
  });
});
