// What the root-only TAP tests (tap.test.ts, tap-agent.test.ts) share: where kith-tap and the
// fixtures are, the unprivileged user they act as, and running a command to completion.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export const kithTap = fileURLToPath(new URL('../build/kith-tap', import.meta.url));
export const fixture = (name: string): string => fileURLToPath(new URL(name, import.meta.url));
export const NOBODY = 65534;
export const asNobody = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--'];
export const isRoot = process.getuid?.() === 0;
export const haveIp = spawnSync('ip', ['-V']).status === 0;

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[]): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, cwd: repo });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function must(cmd: string, args: string[]): string {
  const r = run(cmd, args);
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Builds a copy of kith-tap at `out` that reads its allow-list from `allowFile` instead of /etc/kith. */
export function buildKithTapReading(allowFile: string, out: string): void {
  must('make', ['-s', '-C', join(repo, 'native', 'kith-tap'), `OUT=${out}`, `ALLOW_FILE=${allowFile}`]);
}

/**
 * Two network namespaces with per-run names (kith-<prefix>-<id>-a/-b), made before the calling
 * suite's tests and deleted after them (which takes everything inside along).
 */
export function namespacePair(prefix: string): { readonly a: string; readonly b: string } {
  const id = randomBytes(4).toString('hex');
  const pair = { a: `kith-${prefix}-${id}-a`, b: `kith-${prefix}-${id}-b` };
  before(() => {
    must('ip', ['netns', 'add', pair.a]);
    must('ip', ['netns', 'add', pair.b]);
  });
  after(() => {
    run('ip', ['netns', 'del', pair.a]);
    run('ip', ['netns', 'del', pair.b]);
  });
  return pair;
}
