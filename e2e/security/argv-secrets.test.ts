// Issue 9 item 10: `-k <key>` and `-O management.password=` stayed readable by every local user in
// /proc/<pid>/cmdline and ps. Real daemons, in the foreground and with --daemon: their command line
// no longer holds the secret (the daemon still uses it), and secrets can come from files that only
// their owner may read (-K, KITH_KEY_FILE, management.password_file, kithctl --password-file).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { daemonPid, observe, SUPERNODE_MAIN } from '../netns/kith.js';
import { netnsSkipReason } from '../netns/topology.js';
import { edgeWorld, REPO, runToEnd as run, startSupernodeDaemon, waitFor, type EdgeWorld } from './daemons.js';

const KITHCTL = join(REPO, 'engine', 'cli', 'kithctl.ts');

/** What every local user sees of a process: /proc/<pid>/cmdline and ps. */
function visibleCommandLine(pid: number): string {
  const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ');
  const ps = execFileSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' });
  return `${cmdline}\n${ps}`;
}

function assertHidden(pid: number, secrets: readonly string[]): void {
  const visible = visibleCommandLine(pid);
  for (const secret of secrets) assert.ok(!visible.includes(secret), `${secret} is visible: ${visible}`);
  assert.match(visible, /\*\*\*/);
  observe(`pid ${pid} shows: ${visible.split('\n')[1]?.trim() ?? ''}`);
}

describe('secrets on the command line of kith-supernode', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kith-argv-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('masks -O management.password=… in /proc/<pid>/cmdline and ps, and still uses it', async () => {
    const secret = 'argv-secret-f00d';
    const sn = await startSupernodeDaemon({ args: ['-O', `management.password=${secret}`, `-Ocommunity.key=${secret}-2`] });
    try {
      assertHidden(sn.child.pid ?? 0, [secret]);
      assert.equal(await sn.call('set_verbose', [3], secret), 3);
    } finally {
      await sn.stop();
    }
  });

  it('never shows the secret in the --daemon copy either', async () => {
    const secret = 'argv-daemon-secret-beef';
    const runDir = join(scratch, 'run');
    const started = await run([SUPERNODE_MAIN, 'start', 'bg', '-d', '-Oconnection.bind=127.0.0.1:0', `-Omanagement.password=${secret}`], { KITH_RUN_DIR: runDir, KITH_CONFIG_DIR: scratch });
    const pid = Number(/running in the background as process (\d+)/.exec(started.output)?.[1]);
    assert.ok(started.code === 0 && Number.isInteger(pid), started.output);
    try {
      assertHidden(pid, [secret]);
    } finally {
      process.kill(pid, 'SIGTERM');
      await waitFor('the background supernode to stop', () => (existsSync(`/proc/${pid}`) ? undefined : true), 10_000);
    }
  });

  it('reads management.password_file when only its owner may read it, and refuses it otherwise', async () => {
    const file = join(scratch, 'mgmt.pw');
    writeFileSync(file, 'password-from-file\n', { mode: 0o644 });
    const refused = await run([SUPERNODE_MAIN, 'start', 'pwfile', '-Oconnection.bind=127.0.0.1:0', `-Omanagement.password_file=${file}`], { KITH_RUN_DIR: join(scratch, 'run2'), KITH_CONFIG_DIR: scratch });
    assert.equal(refused.code, 1);
    assert.match(refused.output, new RegExp(`management\\.password_file ${file}: group or others may read it \\(mode 0644\\).*chmod 600`));
    execFileSync('chmod', ['600', file]);
    const sn = await startSupernodeDaemon({ args: [`-Omanagement.password_file=${file}`] });
    try {
      const kithctl = await run([KITHCTL, '--socket', sn.socketPath, '--password-file', file, 'verbose', '4'], {});
      assert.equal(kithctl.output.trim(), '4', kithctl.output);
      assert.ok(!visibleCommandLine(sn.child.pid ?? 0).includes('password-from-file'));
    } finally {
      await sn.stop();
    }
  });
});

describe('secrets on the command line of kith-edge', { skip: netnsSkipReason() }, () => {
  let world: EdgeWorld;
  const scratch = mkdtempSync(join(tmpdir(), 'kith-argv-edge-'));
  before(async () => {
    world = await edgeWorld();
  });
  after(async () => {
    await world?.destroy();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('masks -k <key> of a running edge, which still uses the key', async () => {
    const key = 'argv-edge-key-c0ffee';
    const edge = await world.edge('kithargv', { community: 'argv', address: '10.99.0.1/24', key, extra: ['-Ocommunity.cipher=AES'] });
    const pid = daemonPid(edge) ?? 0;
    assertHidden(pid, [key]);
    const view = (await edge.call('kith.settings.get', null, 'n3n')) as { settings: { key: string } } | undefined;
    assert.equal(view?.settings.key, key);
  });

  it('takes the key from -K <file> (owner-only) and refuses a file others may read', async () => {
    const file = join(scratch, 'community.key');
    writeFileSync(file, 'key-from-file-1234\n', { mode: 0o600 });
    const edge = await world.edge('kithkfile', { community: 'kfile', address: '10.99.0.2/24', extra: ['-K', file, '-Ocommunity.cipher=AES'] });
    const view = (await edge.call('kith.settings.get', null, 'n3n')) as { settings: { key: string } } | undefined;
    assert.equal(view?.settings.key, 'key-from-file-1234');
    const readable = join(scratch, 'readable.key');
    writeFileSync(readable, 'key-others-can-read\n', { mode: 0o640 });
    const refused = await run([join(REPO, 'engine', 'cli', 'edge-main.ts'), 'start', 'kithkbad', '-c', 'x', '-l', world.supernode, '-K', readable], { KITH_CONFIG_DIR: scratch, KITH_RUN_DIR: join(scratch, 'run') });
    assert.equal(refused.code, 1);
    assert.match(refused.output, /community\.key_file .*readable\.key: group or others may read it \(mode 0640\)/);
  });
});
