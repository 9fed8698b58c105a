// scripts/setup.sh's npm step, run on a copy of the script and lockfile with `npm` replaced by a
// recorder on PATH (the step's decision is the subject, not npm): npm ci on a first run and after the
// lockfile changed, then only the incremental native build while node_modules matches.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SETUP = path.join(ROOT, 'scripts', 'setup.sh');

/** setup.sh installs missing Debian packages first; here they must all be there already. */
function skipReason(): string | undefined {
  const list = /^packages=\(([^)]*)\)/m.exec(readFileSync(SETUP, 'utf8'))?.[1]?.split(/\s+/).filter(Boolean) ?? [];
  if (list.length === 0) return 'setup.sh names no packages= list';
  const query = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\\n', ...list], { encoding: 'utf8' });
  if (query.error !== undefined) return 'not a Debian system (no dpkg-query)';
  const installed = new Set(query.stdout.split('\n').filter((line) => line.endsWith(' install ok installed')).map((line) => line.split(' ')[0]));
  const missing = list.filter((name) => !installed.has(name));
  return missing.length > 0 ? `setup.sh would install Debian packages first (${missing.join(' ')})` : undefined;
}

describe('scripts/setup.sh', { skip: skipReason() ?? false }, () => {
  it('runs npm ci only when node_modules was not installed from this lockfile', () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'kith-setup-'));
    try {
      mkdirSync(path.join(copy, 'scripts'));
      copyFileSync(SETUP, path.join(copy, 'scripts', 'setup.sh'));
      copyFileSync(path.join(ROOT, 'package-lock.json'), path.join(copy, 'package-lock.json'));
      const bin = path.join(copy, 'bin');
      const calls = path.join(copy, 'npm-calls');
      mkdirSync(bin);
      // npm ci leaves a node_modules folder behind; the recorder does the same.
      writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\necho "$*" >>'${calls}'\n[ "$1" = ci ] && mkdir -p node_modules\nexit 0\n`);
      chmodSync(path.join(bin, 'npm'), 0o755);
      const setup = (): string[] => {
        rmSync(calls, { force: true });
        const run = spawnSync('bash', [path.join(copy, 'scripts', 'setup.sh')], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` }, timeout: 60_000 });
        assert.equal(run.status, 0, `setup.sh failed:\n${run.stdout}${run.stderr}`);
        return existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : [];
      };

      assert.deepEqual(setup(), ['ci --no-audit --no-fund --loglevel=error'], 'first run installs');
      assert.deepEqual(setup(), ['run --silent build:native'], 'unchanged: no npm ci, native code brought up to date');
      writeFileSync(path.join(copy, 'package-lock.json'), `${readFileSync(path.join(copy, 'package-lock.json'), 'utf8')}\n`);
      assert.deepEqual(setup(), ['ci --no-audit --no-fund --loglevel=error'], 'a changed lockfile installs again');
      rmSync(path.join(copy, 'node_modules'), { recursive: true });
      assert.deepEqual(setup(), ['ci --no-audit --no-fund --loglevel=error'], 'a removed node_modules installs again');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
