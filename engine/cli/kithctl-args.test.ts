import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseArguments, UsageError, type Invocation } from './kithctl-args.js';

const env = { KITH_RUN_DIR: '/run/kith-test' };

/** The invocation a command line asks for (not help or version). */
function invocation(argv: readonly string[]): Invocation {
  const request = parseArguments(argv, env);
  if (typeof request === 'string') assert.fail(`${argv.join(' ')} asks for ${request}`);
  return request;
}

describe('kithctl arguments', () => {
  it('takes options before or after the command', () => {
    const before = invocation(['-s', 'family', '--json', 'peers']);
    const after = invocation(['-s', 'family', 'peers', '--json', '-k', 'pw']);
    assert.deepEqual(before.target, { socketPath: '/run/kith-test/family/mgmt' });
    assert.equal(before.json, true);
    assert.equal(after.json, true);
    assert.equal(after.password, 'pw');
    assert.equal(after.command, 'peers');
  });

  it('reads a TCP target and keeps raw arguments', () => {
    const raw = invocation(['-u', 'http://[::1]:5644', 'raw', 'set_verbose', '[-1]']);
    assert.deepEqual(raw.target, { host: '::1', port: 5644 });
    assert.deepEqual(raw.args, ['set_verbose', '[-1]']);
  });

  it('refuses unknown options, missing values and a missing command', () => {
    assert.throws(() => parseArguments(['-x', 'status'], env), UsageError);
    assert.throws(() => parseArguments(['-s'], env), UsageError);
    assert.throws(() => parseArguments(['--json'], env), UsageError);
    assert.throws(() => parseArguments(['-u', 'ftp://x', 'status'], env), UsageError);
  });

  it('answers -h/--help and -V/--version wherever they stand', () => {
    assert.equal(parseArguments(['--help'], env), 'help');
    assert.equal(parseArguments(['-s', 'family', 'status', '-h'], env), 'help');
    assert.equal(parseArguments(['-V'], env), 'version');
    assert.equal(parseArguments(['--version', 'status'], env), 'version');
  });

  it('reads the password from an owner-only file with --password-file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kithctl-'));
    try {
      writeFileSync(join(dir, 'pw'), 's3cret\n', { mode: 0o600 });
      writeFileSync(join(dir, 'open'), 's3cret\n', { mode: 0o644 });
      assert.equal(invocation(['--password-file', join(dir, 'pw'), 'stop']).password, 's3cret');
      assert.throws(() => parseArguments(['--password-file', join(dir, 'open'), 'stop'], env), /group or others may read it/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
