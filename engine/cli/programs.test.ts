// The three programs as a newcomer first meets them: help, version and usage, run for real.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { kithVersion } from '../version.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const PROGRAMS = {
  'kith-edge': join(REPO, 'engine', 'cli', 'edge-main.ts'),
  'kith-supernode': join(REPO, 'supernode', 'main.ts'),
  kithctl: join(REPO, 'engine', 'cli', 'kithctl.ts'),
} as const;
type Program = keyof typeof PROGRAMS;

/** Runs a program to its end (killed after 30 s), with no config directory or session of the caller's. */
function runProgram(program: Program, args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, KITH_CONFIG_DIR: '/nonexistent-kith-config', KITH_RUN_DIR: '/nonexistent-kith-run' };
  const result = spawnSync(process.execPath, ['--import', 'tsx', PROGRAMS[program], ...args], { cwd: REPO, env, encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('help, version and usage of the programs', () => {
  it('kithctl --help prints the usage on stdout and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = runProgram('kithctl', [flag]);
      assert.equal(code, 0, stderr);
      assert.match(stdout, /^usage: kithctl /);
      assert.equal(stderr, '');
    }
  });

  it('all three programs print their version with -V and --version', () => {
    for (const program of Object.keys(PROGRAMS) as Program[]) {
      for (const flag of ['-V', '--version']) {
        const { code, stdout, stderr } = runProgram(program, [flag]);
        assert.equal(code, 0, `${program} ${flag}: ${stderr}`);
        assert.equal(stdout, `${program} ${kithVersion()} (Kith; speaks the n3n/n2n 3.x protocol)\n`);
      }
    }
  });

  it('kith-edge with no arguments prints a short plain usage', () => {
    const { code, stdout, stderr } = runProgram('kith-edge', []);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /^usage: kith-edge \[options\.\.\.\] <command> \[command args\]\n/);
    assert.match(stderr, /\n {2}kith-edge start \[sessionname\]/);
    assert.doesNotMatch(stderr, /->|Try -h/);
    assert.ok(stderr.split('\n').length <= 12, stderr);
  });

  it('kith-edge help options lists every option in aligned columns', () => {
    const { code, stdout } = runProgram('kith-edge', ['help', 'options']);
    assert.equal(code, 0);
    const lines = stdout.trimEnd().split('\n');
    for (const short of ['O', 'V', 'h', 'v', 'd', 'a', 'c', 'K', 'k', 'l', 'r']) {
      assert.ok(lines.some((line) => line.startsWith(` -${short} `)), `-${short} is listed`);
    }
    // Each column starts at the same place on every line.
    const header = lines[0] ?? '';
    for (const title of ['long', 'argument', 'what it does']) {
      const column = header.indexOf(title);
      for (const line of lines.slice(1)) assert.match(line.slice(column - 2, column), /^ {2}$/, `"${line}" keeps the ${title} column`);
    }
  });

  it('help config shows each daemon its own options, and the real default management password', () => {
    const supernode = runProgram('kith-supernode', ['help', 'config']);
    const edge = runProgram('kith-edge', ['help', 'config']);
    assert.equal(supernode.code, 0);
    assert.equal(edge.code, 0);
    for (const edgeOnly of [/^\[tuntap\]$/m, /^\[community\]$/m, /^\[filter\]$/m, /^\[auth\]$/m, /^allow_p2p=/m, /^header_encryption=/m, /^register_interval=/m]) {
      assert.doesNotMatch(supernode.stdout, edgeOnly);
      assert.match(edge.stdout, edgeOnly);
    }
    assert.match(supernode.stdout, /^\[supernode\]$/m);
    assert.doesNotMatch(edge.stdout, /^\[supernode\]$/m);
    for (const both of [/^bind=\[::\]:7654$/m, /^\[management\]$/m]) assert.match(supernode.stdout, both);
    for (const shown of [supernode.stdout, edge.stdout]) assert.match(shown, /^#password=n3n$/m);
  });
});
