// The daemons' Debian package on this machine, end to end: `npm run dist:deb` builds it, dpkg -i
// installs it (postinst makes the kith user and gives kith-tap cap_net_admin), the installed
// programs run a supernode (as kith, from the packaged /etc/kith/supernode.conf) and two edges in
// network namespaces, one of them as kith with its TAP made by the installed kith-tap, and they ping
// over the VPN with zstd compression (the packaged zstd-napi) and ChaCha20 (the packaged WebAssembly
// kernels). dpkg -r then removes every program, library and unit, dpkg -P the conffile and the user.
//
// dpkg and the user database see a private copy of /etc (each such command runs in its own mount
// namespace with the copy over /etc): a daemon started as root drops to the `kith` user whenever the
// system has one (engine/cli/privileges.ts), so a real one, even for seconds, would change every
// other Kith daemon started on this machine meanwhile. Programs, libraries, units and dpkg's
// database are the real ones. Needs root, dpkg-deb and a nodejs package that meets the dependency;
// otherwise skipped with the reason. Whatever fails, the package is purged and the namespaces go.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertAlive, call, daemonPid, edgeArgs, FAST, observe, pingBothWays, REPO, RunDir, SETTLE_MS, startCommand, SUPERNODE_PORT, VPN_A, VPN_B, waitFor, waitForRegistered } from '../netns/kith.js';
import { netnsSkipReason, Topology } from '../netns/topology.js';

const PACKAGE = 'kith-daemons';
const PROGRAMS = ['/usr/bin/kith-supernode', '/usr/bin/kith-edge', '/usr/bin/kithctl', '/usr/bin/kith-tap'];
const UNITS = ['kith-supernode.service', 'kith-supernode@.service', 'kith-edge@.service'].map((unit) => `/lib/systemd/system/${unit}`);
const LIBRARY = '/usr/lib/kith';
/** postinst marks the account it makes with this comment; purge removes only such an account. */
const USER_COMMENT = 'Kith daemons';

interface Outcome {
  readonly status: number | null;
  readonly stdout: string;
  /** Everything it said, for failure messages. */
  readonly out: string;
}

function sh(command: string, args: readonly string[], timeoutMs = 60_000): Outcome {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs, cwd: REPO });
  return { status: run.status, stdout: run.stdout ?? '', out: `${run.stdout ?? ''}${run.stderr ?? ''}${run.error === undefined ? '' : run.error.message}` };
}

/** The command with `etc` mounted over /etc, in a mount namespace of its own. */
function withEtc(etc: string, command: string, args: readonly string[], timeoutMs = 60_000): Outcome {
  return sh('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', 'mount --bind "$0" /etc && exec "$@"', etc, command, ...args], timeoutMs);
}

/** dpkg's two-letter state ("ii", "rc"), or '' when dpkg does not know the package. */
const packageState = (): string => sh('dpkg-query', ['-W', '-f=${db:Status-Abbrev}', PACKAGE]).stdout.trim();
const account = (etc: string): string[] | undefined => {
  const entry = withEtc(etc, 'getent', ['passwd', 'kith']);
  return entry.status === 0 ? entry.stdout.trim().split(':') : undefined;
};

function skipReason(): string | undefined {
  const netns = netnsSkipReason();
  if (netns !== undefined) return netns;
  if (sh('dpkg-deb', ['--version']).status !== 0) return 'dpkg-deb is missing (not a Debian system)';
  if (sh('unshare', ['--version']).status !== 0) return 'unshare (util-linux) is missing';
  const node = sh('dpkg-query', ['-W', '-f=${Version}', 'nodejs']).stdout.trim();
  if (node === '') return 'Node.js is not installed as the Debian package nodejs, which the package depends on';
  if (sh('dpkg', ['--compare-versions', node, 'ge', '20.19']).status !== 0) return `the nodejs package is ${node}; the package needs >= 20.19`;
  // Never touch what this test did not make.
  if (packageState() !== '') return `${PACKAGE} is installed here already`;
  for (const path of [...PROGRAMS, ...UNITS, LIBRARY]) if (existsSync(path)) return `${path} exists already`;
  return undefined;
}

/** Removes whatever of the package a failed run left, so the rest of the suite finds the machine as it was. */
function purge(etc: string): void {
  if (packageState() !== '') withEtc(etc, 'dpkg', ['--purge', PACKAGE], 120_000);
  for (const path of [...PROGRAMS, ...UNITS, LIBRARY, '/usr/share/doc/kith-daemons']) rmSync(path, { recursive: true, force: true });
}

describe('the daemons’ Debian package', { skip: skipReason() ?? false, timeout: 600_000 }, () => {
  it('installs, runs a supernode and two edges that ping over the VPN, and removes and purges cleanly', async () => {
    const work = mkdtempSync(join(tmpdir(), 'kith-deb-'));
    // The kith user reads the packaged supernode.conf in the copy of /etc below.
    chmodSync(work, 0o755);
    const etc = join(work, 'etc');
    const tunMode = statSync('/dev/net/tun').mode & 0o777;
    let topology: Topology | undefined;
    let runDir: RunDir | undefined;
    try {
      const copied = sh('cp', ['-a', '/etc', etc]);
      assert.equal(copied.status, 0, copied.out);
      // The copy starts as a machine without Kith, whatever this one has: the package's files under
      // /etc land in it, and the test reads them there.
      rmSync(join(etc, 'kith'), { recursive: true, force: true });
      if (account(etc) !== undefined) assert.equal(withEtc(etc, 'userdel', ['kith']).status, 0);
      const conffile = join(etc, 'kith', 'supernode.conf');

      const out = join(work, 'out');
      const built = sh('npm', ['run', '--silent', 'dist:deb', '--', out], 300_000);
      assert.equal(built.status, 0, `npm run dist:deb:\n${built.out}`);
      const [deb] = readdirSync(out).filter((name) => name.endsWith('.deb'));
      assert.ok(deb !== undefined, `no .deb in ${out}:\n${built.out}`);
      const debPath = join(out, deb);
      const files = sh('dpkg-deb', ['--contents', debPath]).stdout;
      for (const path of [...PROGRAMS, ...UNITS, '/etc/kith/supernode.conf', `${LIBRARY}/native/build/Release/kith_tap.node`, `${LIBRARY}/node_modules/zstd-napi/build/Release/binding.node`]) {
        assert.ok(files.includes(` .${path}\n`), `${path} in the package`);
      }
      assert.doesNotMatch(files, /\.map\n|\.test\.js\n|node_modules\/node-addon-api|\/dist\/(e2e|bench|electron)\//, 'only what the daemons run');

      const installed = withEtc(etc, 'dpkg', ['-i', debPath], 120_000);
      assert.equal(installed.status, 0, `dpkg -i:\n${installed.out}`);
      const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
      const reported = sh('/usr/bin/kith-supernode', ['-V']);
      assert.equal(reported.status, 0, reported.out);
      assert.ok(reported.out.includes(version), `kith-supernode -V: ${reported.out}`);
      assert.match(sh('getcap', ['/usr/bin/kith-tap']).out, /cap_net_admin=ep/);
      assert.equal(statSync('/usr/bin/kith-tap').mode & 0o7000, 0, 'kith-tap is never setuid');
      assert.ok(existsSync(conffile), 'the conffile is installed');
      const user = account(etc);
      assert.ok(user !== undefined && user[4] === USER_COMMENT, 'postinst made the kith user');
      const kith = { uid: Number(user[2]), gid: Number(user[3]) };
      observe(`${deb}: ${Math.round(statSync(debPath).size / 1024)} KiB; installed ${sh('dpkg-query', ['-W', '-f=${Installed-Size}', PACKAGE]).stdout} KiB`);

      // Debian ships /dev/net/tun as 0666; the unprivileged edge needs that (restored below).
      chmodSync('/dev/net/tun', 0o666);
      topology = Topology.create();
      runDir = new RunDir(topology);
      // A daemon's management socket directory must be its user's (engine/mgmt/listeners.ts).
      for (const session of ['supernode', 'kitha']) {
        mkdirSync(join(runDir.root, 'run', session), { recursive: true });
        chownSync(join(runDir.root, 'run', session), kith.uid, kith.gid);
      }
      const snHost = await topology.publicHost('sn');
      // Session "supernode" as its unit runs it: the packaged supernode.conf, as kith.
      const sn = startCommand(topology, runDir, snHost, 'supernode', '/usr/bin/kith-supernode', ['start'], { env: { KITH_CONFIG_DIR: join(etc, 'kith') }, asUser: kith });
      await waitFor(
        'the installed supernode',
        () => {
          assertAlive(sn);
          return call(sn, 'get_info');
        },
        SETTLE_MS,
      );
      const [hostA, hostB] = [await topology.publicHost('a'), await topology.publicHost('b')];
      const spec = { community: 'debtest', key: 'packaged secret', supernodes: [`${snHost.address}:${SUPERNODE_PORT}`] };
      const settings = [...FAST, '-Ocommunity.cipher=ChaCha20', '-Ocommunity.compression=zstd'];
      // kitha as kith: the installed code finds /usr/bin/kith-tap on PATH to make its TAP.
      const a = startCommand(topology, runDir, hostA, 'kitha', '/usr/bin/kith-edge', edgeArgs('kitha', { ...spec, address: `${VPN_A}/24`, extra: settings }), { asUser: kith });
      const b = startCommand(topology, runDir, hostB, 'kithb', '/usr/bin/kith-edge', edgeArgs('kithb', { ...spec, address: `${VPN_B}/24`, extra: settings }));
      await Promise.all([waitForRegistered(a, SETTLE_MS), waitForRegistered(b, SETTLE_MS)]);
      const rtt = await pingBothWays(topology, { a, b, hostA, hostB });
      const owner = (await topology.exec(hostA.ns, 'cat', ['/sys/class/net/kitha/owner'])).trim();
      assert.equal(owner, String(kith.uid), 'kith-tap made the TAP for the kith user');
      const pid = daemonPid(a);
      assert.ok(pid !== undefined && readFileSync(`/proc/${pid}/status`, 'utf8').includes(`\nUid:\t${kith.uid}\t`), 'edge a runs as kith');
      // The packaged native code is what carried the traffic (zstd-napi is loaded on first use).
      const maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
      for (const addon of [`${LIBRARY}/native/build/Release/kith_tap.node`, `${LIBRARY}/node_modules/zstd-napi/build/Release/binding.node`]) assert.ok(maps.includes(addon), `edge a loaded ${addon}`);
      const status = sh('/usr/bin/kithctl', ['--socket', a.socketPath, 'status']);
      assert.equal(status.status, 0, `kithctl status:\n${status.out}`);
      assert.ok(status.out.includes(VPN_A), `kithctl status shows the edge's address:\n${status.out}`);
      observe(`installed package: ping a→b ${rtt.ab ?? '-'} ms, b→a ${rtt.ba ?? '-'} ms (ChaCha20, zstd; edge a as kith through /usr/bin/kith-tap)`);
      await topology.destroy();
      topology = undefined;

      const removed = withEtc(etc, 'dpkg', ['-r', PACKAGE], 120_000);
      assert.equal(removed.status, 0, `dpkg -r:\n${removed.out}`);
      for (const path of [...PROGRAMS, ...UNITS, LIBRARY, '/usr/share/doc/kith-daemons']) assert.equal(existsSync(path), false, `${path} removed`);
      // Debian keeps conffiles and the package's user until purge.
      assert.equal(packageState(), 'rc');
      assert.ok(existsSync(conffile), 'the conffile stays until purge');

      const purged = withEtc(etc, 'dpkg', ['-P', PACKAGE], 120_000);
      assert.equal(purged.status, 0, `dpkg -P:\n${purged.out}`);
      assert.equal(packageState(), '', 'dpkg no longer knows the package');
      assert.equal(existsSync(join(etc, 'kith')), false, '/etc/kith purged');
      assert.equal(account(etc), undefined, 'the kith user is gone');
      assert.notEqual(withEtc(etc, 'getent', ['group', 'kith']).status, 0, 'the kith group is gone');
    } finally {
      await topology?.destroy();
      runDir?.remove();
      chmodSync('/dev/net/tun', tunMode);
      purge(etc);
      rmSync(work, { recursive: true, force: true });
    }
  });
});
