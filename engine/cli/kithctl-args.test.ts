import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseArguments, UsageError } from './kithctl-args.js';

const env = { KITH_RUN_DIR: '/run/kith-test' };

describe('kithctl arguments', () => {
  it('takes options before or after the command', () => {
    const before = parseArguments(['-s', 'family', '--json', 'peers'], env);
    const after = parseArguments(['-s', 'family', 'peers', '--json', '-k', 'pw'], env);
    assert.deepEqual(before.target, { socketPath: '/run/kith-test/family/mgmt' });
    assert.equal(before.json, true);
    assert.equal(after.json, true);
    assert.equal(after.password, 'pw');
    assert.equal(after.command, 'peers');
  });

  it('reads a TCP target and keeps raw arguments', () => {
    const raw = parseArguments(['-u', 'http://[::1]:5644', 'raw', 'set_verbose', '[-1]'], env);
    assert.deepEqual(raw.target, { host: '::1', port: 5644 });
    assert.deepEqual(raw.args, ['set_verbose', '[-1]']);
  });

  it('refuses unknown options, missing values and a missing command', () => {
    assert.throws(() => parseArguments(['-x', 'status'], env), UsageError);
    assert.throws(() => parseArguments(['-s'], env), UsageError);
    assert.throws(() => parseArguments(['--json'], env), UsageError);
    assert.throws(() => parseArguments(['-u', 'ftp://x', 'status'], env), UsageError);
  });

  it('reads the password from an owner-only file with --password-file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kithctl-'));
    try {
      writeFileSync(join(dir, 'pw'), 's3cret\n', { mode: 0o600 });
      writeFileSync(join(dir, 'open'), 's3cret\n', { mode: 0o644 });
      assert.equal(parseArguments(['--password-file', join(dir, 'pw'), 'stop'], env).password, 's3cret');
      assert.throws(() => parseArguments(['--password-file', join(dir, 'open'), 'stop'], env), /group or others may read it/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
