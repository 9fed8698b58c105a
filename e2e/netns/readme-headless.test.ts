// The README's "Running an edge headless" commands, taken from the README's own text and run in a
// network namespace, so the examples stay true. Lines with `sudo` run as root, the others as an
// unprivileged user (nobody), each through bash with kith-edge, kith-supernode and kithctl standing
// for the programs in this tree. What differs from a real machine, and only that:
//   - /etc/kith is a temporary directory (KITH_CONFIG_DIR), and so are the run directory
//     (KITH_RUN_DIR) and the user's home;
//   - sn.example.org is the namespace's own supernode (its /etc/hosts);
//   - the kith-tap that the `setcap` line names is a copy, so this tree's build keeps no capability;
//   - `start` commands get `-d`, so each returns once its edge is registered and its TAP has its
//     address, instead of running in the foreground;
//   - n3nctl (n3n's own client) is not installed here and is left out.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from './kith.js';
import { netnsSkipReason, Topology, type ExecResult } from './topology.js';

const NOBODY = { uid: 65534, gid: 65534 };
const TSX_LOADER = join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const LINE_TIMEOUT_MS = 60_000;

/** The shell commands of one README section's ```sh blocks, comments taken off. */
export function readmeCommands(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`the README has no section "${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((block) =>
    (block[1] ?? '')
      .split('\n')
      .map((line) => line.replace(/\s+#\s.*$/, '').trim())
      .filter((line) => line !== ''),
  );
}

const PRELUDE = [
  'set -eo pipefail',
  `kith-edge() { node --import ${TSX_LOADER} ${join(REPO, 'engine', 'cli', 'edge-main.ts')} "$@"; }`,
  `kith-supernode() { node --import ${TSX_LOADER} ${join(REPO, 'supernode', 'main.ts')} "$@"; }`,
  `kithctl() { node --import ${TSX_LOADER} ${join(REPO, 'engine', 'cli', 'kithctl.ts')} "$@"; }`,
  'sudo() { "$@"; }',
].join('\n');

describe('netns: the README’s headless edge examples run as written', { skip: netnsSkipReason() }, () => {
  let topology: Topology;
  let ns = '';
  let dir = '';
  let tunMode: number | undefined;
  const daemons = new Set<number>();

  before(async () => {
    topology = Topology.create();
    ns = await topology.namespace('readme');
    mkdirSync(`/etc/netns/${ns}`, { recursive: true });
    writeFileSync(`/etc/netns/${ns}/hosts`, '127.0.0.1 localhost sn.example.org\n::1 localhost\n');
    dir = mkdtempSync(join(tmpdir(), 'kith-readme-'));
    chmodSync(dir, 0o755);
    for (const sub of ['etc-kith', 'run', 'home', 'bin']) mkdirSync(join(dir, sub), { mode: 0o755 });
    chownSync(join(dir, 'home'), NOBODY.uid, NOBODY.gid);
    copyFileSync(join(REPO, 'native', 'build', 'kith-tap'), join(dir, 'bin', 'kith-tap'));
    chmodSync(join(dir, 'bin', 'kith-tap'), 0o755);
    // Debian's /dev/net/tun is 0666; some images tighten it. Restored in after().
    tunMode = statSync('/dev/net/tun').mode & 0o777;
    chmodSync('/dev/net/tun', 0o666);
  });

  after(async () => {
    for (const pid of daemons) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // Gone already.
      }
    }
    // The edges unregister and remove their TAPs; the namespace goes after them.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    for (const pid of daemons) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone.
      }
    }
    await topology?.destroy();
    if (ns !== '') rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
    if (tunMode !== undefined) chmodSync('/dev/net/tun', tunMode);
  });

  /** One README line, as root when it starts with sudo, else as the user. */
  async function runLine(line: string): Promise<ExecResult> {
    const command = line
      .replaceAll('/etc/kith', join(dir, 'etc-kith'))
      .replaceAll('native/build/kith-tap', join(dir, 'bin', 'kith-tap'))
      .replace(/^((?:sudo )?kith-(?:edge|supernode) start\b.*)$/, '$1 -d');
    const asRoot = line.startsWith('sudo ');
    const env = [`KITH_CONFIG_DIR=${join(dir, 'etc-kith')}`, `KITH_RUN_DIR=${join(dir, 'run')}`, `HOME=${join(dir, 'home')}`, `KITH_TAP_HELPER=${join(dir, 'bin', 'kith-tap')}`, 'JOURNAL_STREAM='];
    const shell = ['env', ...env, 'bash', '-c', `${PRELUDE}\n${command}`];
    const user = ['setpriv', `--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', '--inh-caps=-all'];
    const result = await topology.tryExec(ns, asRoot ? shell[0]! : user[0]!, [...(asRoot ? shell.slice(1) : [...user.slice(1), ...shell])], LINE_TIMEOUT_MS);
    for (const match of result.stderr.matchAll(/running in the background as process (\d+)/g)) daemons.add(Number(match[1]));
    return result;
  }

  it('every command succeeds, with no warning but running as root, and kithctl finds the sessions', async () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const lines = readmeCommands(readme, 'Running an edge headless').filter((line) => !line.startsWith('n3nctl '));
    assert.ok(lines.length >= 10, `found the examples: ${lines.join('\n')}`);

    // The supernode the examples name as sn.example.org (see "Running a supernode").
    const sn = await runLine('sudo kith-supernode start');
    assert.equal(sn.code, 0, sn.stderr);
    // The user's edge keeps its management socket under the run directory, in a folder of its own.
    mkdirSync(join(dir, 'run', 'kithhome'));
    chownSync(join(dir, 'run', 'kithhome'), NOBODY.uid, NOBODY.gid);

    const outputs: string[] = [];
    for (const line of lines) {
      const result = await runLine(line);
      assert.equal(result.code, 0, `${line}\n${result.stderr}`);
      // Root's edges may run on as root (daemon.userid drops it); nothing else deserves a warning.
      assert.doesNotMatch(result.stderr.replace(/^.*WARNING: running as root: set daemon\.userid.*$/gm, ''), /WARNING|ERROR/, line);
      outputs.push(result.stdout);
    }
    const statusOf = (session: string): string => outputs[lines.findIndex((line) => new RegExp(`kithctl -s ${session} status$`).test(line))] ?? '';
    assert.match(statusOf('family'), /^state: +registered$/m);
    assert.match(statusOf('family'), /^tap: +family$/m);
    assert.match(statusOf('kithhome'), /^state: +registered$/m);
  });
});
