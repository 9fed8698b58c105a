import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { commonOptions } from './command-line.js';
import { runDaemonCli, type DaemonCli, type Output } from './daemon-cli.js';

function capture(): Output & { stdout: string; stderr: string } {
  const o = { stdout: '', stderr: '', out: (t: string) => void (o.stdout += t), err: (t: string) => void (o.stderr += t) };
  return o;
}

const configDir = mkdtempSync(join(tmpdir(), 'kith-cli-'));
writeFileSync(join(configDir, 'home.conf'), '[logging]\nverbose=1\n[supernode]\nfederation=homefed\n');
writeFileSync(join(configDir, 'broken.conf'), '[supernode]\nauto_ip_min=banana\n');

let started: { session: string; verbose: number; federation: string | undefined } | undefined;
const cli: DaemonCli = {
  program: 'kith-test',
  role: 'supernode',
  defaultSession: 'supernode',
  about: 'usage: kith-test start [session]\n',
  options: commonOptions,
  env: {},
  configDir,
  commands: {
    start: {
      summary: '[sessionname] - starts the session',
      run: ({ args, loadSession, output }) => {
        const loaded = loadSession(args[0]);
        if (!loaded.ok) {
          output.err(`${loaded.detail ?? ''}\n`);
          return 1;
        }
        const { config } = loaded.value;
        started = { session: loaded.value.session, verbose: config.logging.verbose, federation: config.supernode.federation };
        return 0;
      },
    },
  },
};

describe('daemon command line', () => {
  after(() => rmSync(configDir, { recursive: true, force: true }));

  it('starts a session with file, then command-line settings in order', async () => {
    assert.equal(await runDaemonCli(cli, ['start', 'home', '-v', '-Osupernode.federation=clifed', '-v'], capture()), 0);
    assert.deepEqual(started, { session: 'home', verbose: 3, federation: 'clifed' });
  });

  it('uses defaults when the session has no file', async () => {
    assert.equal(await runDaemonCli(cli, ['start'], capture()), 0);
    assert.deepEqual(started, { session: 'supernode', verbose: 2, federation: undefined });
  });

  it('fails with one line naming the file, option and what is allowed', async () => {
    const o = capture();
    assert.equal(await runDaemonCli(cli, ['start', 'broken'], o), 1);
    assert.equal(o.stderr, `${join(configDir, 'broken.conf')}:2: supernode.auto_ip_min: invalid value "banana"; allowed: an IPv4 address with optional /prefix, e.g. 10.0.0.1/24\n`);
  });

  it('answers help, version, unknown and incomplete commands like n3n', async () => {
    const help = capture();
    assert.equal(await runDaemonCli(cli, ['-h'], help), 0);
    assert.equal(help.stdout, 'usage: kith-test start [session]\n');
    const version = capture();
    assert.equal(await runDaemonCli(cli, ['-V'], version), 0);
    assert.match(version.stdout, /^kith-test \d+\.\d+\.\d+/);
    const unknown = capture();
    assert.equal(await runDaemonCli(cli, ['frobnicate'], unknown), 1);
    assert.equal(unknown.stderr, "Unknown subcmd: 'frobnicate'\n");
    const partial = capture();
    assert.equal(await runDaemonCli(cli, ['help'], partial), 1);
    assert.equal(partial.stderr, 'kith-test help: add one of: about, commands, config, options, version\n');
    const none = capture();
    assert.equal(await runDaemonCli(cli, [], none), 1);
    assert.match(none.stderr, /^usage: kith-test \[options\.\.\.\] <command> \[command args\]\n\n {2}kith-test start \[sessionname\]/);
    const options = capture();
    assert.equal(await runDaemonCli(cli, ['help', 'options'], options), 0);
    assert.match(options.stdout, / -O +<section>.<option>=<value> {2}Set any config/);
  });

  it('dumps the default and the loaded configuration', async () => {
    const dump = capture();
    assert.equal(await runDaemonCli(cli, ['debug', 'config', 'load_dump', 'home'], dump), 0);
    assert.match(dump.stdout, /federation=homefed/);
    const config = capture();
    assert.equal(await runDaemonCli(cli, ['help', 'config'], config), 0);
    assert.match(config.stdout, /# New edges one community may gain per minute/);
    assert.doesNotMatch(config.stdout, /# Payload cipher/, 'a supernode reads no community.cipher');
  });
});
