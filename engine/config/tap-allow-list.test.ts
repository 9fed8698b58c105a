// The administrator's allow-list as the engine reads it: the same conditions as kith-tap (root's
// file in root's directory, writable by nobody else; any bad line spoils it), read only when the
// built-in ranges refuse an address.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkHostTapAddress, readTapAllowList } from './tap-allow-list.js';

const isRoot = process.getuid?.() === 0;

describe('the TAP allow-list file', { skip: isRoot ? false : 'the file must be root’s: run as root' }, () => {
  let dir = '';
  let file = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kith-allow-'));
    chmodSync(dir, 0o755);
    file = join(dir, 'tap-allow.conf');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is empty when absent, and adds what it lists when root’s', () => {
    assert.deepEqual(readTapAllowList(join(dir, 'absent.conf')), { ok: true, value: [] });
    writeFileSync(file, '# more\n44.0.0.0/8\n', { mode: 0o644 });
    assert.deepEqual(readTapAllowList(file), { ok: true, value: [{ address: '44.0.0.0', prefix: 8 }] });
    assert.equal(checkHostTapAddress({ address: '44.1.2.3', prefix: 24 }, file), undefined);
    assert.equal(checkHostTapAddress({ address: '44.1.2.3', prefix: 24 }, join(dir, 'absent.conf'))?.rule, 'not-private');
    assert.equal(checkHostTapAddress({ address: '127.0.0.2', prefix: 8 }, file)?.rule, 'never');
  });

  it('is ignored when others could have written it, and refuses when a line is bad', () => {
    writeFileSync(file, '44.0.0.0/8\n', { mode: 0o644 });
    for (const [path, mode, was] of [
      [file, 0o664, 0o644],
      [dir, 0o757, 0o755],
    ] as const) {
      chmodSync(path, mode);
      const read = readTapAllowList(file);
      chmodSync(path, was);
      assert.ok(!read.ok);
      assert.match(read.detail ?? '', /ignored: it and its directory must be root's, not writable by group or others/);
    }
    writeFileSync(file, '44.0.0.0/8 # fine\n44.0.0.0\n', { mode: 0o644 });
    assert.match(checkHostTapAddress({ address: '44.1.2.3', prefix: 24 }, file)?.message ?? '', /tap-allow\.conf:2: want one a\.b\.c\.d\/len per line/);
    // Not read at all for addresses the built-in ranges allow.
    assert.equal(checkHostTapAddress({ address: '10.1.2.3', prefix: 24 }, file), undefined);
    rmSync(file);
    writeFileSync(join(dir, 'elsewhere'), '44.0.0.0/8\n', { mode: 0o644 });
    symlinkSync(join(dir, 'elsewhere'), file);
    assert.ok(!readTapAllowList(file).ok, 'a symbolic link is not followed');
  });
});
