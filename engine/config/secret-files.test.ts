import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { buildConfig, settingsFromEnvironment, type Setting } from './load.js';
import { applySecretFiles } from './secret-files.js';

const dir = mkdtempSync(join(tmpdir(), 'kith-secret-files-'));

function file(name: string, text: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

function configWith(settings: readonly Omit<Setting, 'origin'>[]) {
  const built = buildConfig('edge', settings.map((s) => ({ ...s, origin: { cli: 'test' } })));
  assert.ok(built.ok);
  return built.value;
}

describe('secrets from files', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the first line of an owner-only file as community.key and management.password', () => {
    const config = configWith([
      { section: 'community', option: 'key_file', value: file('key', 'k3y with spaces\r\nsecond line\n', 0o600) },
      { section: 'management', option: 'password_file', value: file('pw', 'pa55\n', 0o400) },
    ]);
    assert.ok(applySecretFiles(config).ok);
    assert.equal(config.community.key, 'k3y with spaces');
    assert.equal(config.management.password, 'pa55');
  });

  it('refuses a file its group or others may read, naming the option, the file and the fix', () => {
    const path = file('open', 'secret\n', 0o640);
    const result = applySecretFiles(configWith([{ section: 'community', option: 'key_file', value: path }]));
    assert.equal(result.ok, false);
    assert.equal(result.ok ? '' : result.detail, `community.key_file ${path}: group or others may read it (mode 0640); allowed: readable by its owner only (chmod 600 ${path})`);
  });

  it('refuses a missing or empty file, a directory, and a key given twice', () => {
    const detail = (settings: readonly Omit<Setting, 'origin'>[]): string => {
      const result = applySecretFiles(configWith(settings));
      return result.ok ? '' : (result.detail ?? '');
    };
    assert.match(detail([{ section: 'community', option: 'key_file', value: join(dir, 'absent') }]), /cannot read it \(ENOENT\)/);
    assert.match(detail([{ section: 'community', option: 'key_file', value: file('empty', '\nsecret\n', 0o600) }]), /the first line is empty/);
    assert.match(detail([{ section: 'management', option: 'password_file', value: dir }]), /not a regular file|mode/);
    assert.match(
      detail([
        { section: 'community', option: 'key', value: 'k' },
        { section: 'community', option: 'key_file', value: file('k2', 'k\n', 0o600) },
      ]),
      /community\.key_file and community\.key are both set/,
    );
  });

  it('reads KITH_KEY_FILE from the environment', () => {
    assert.deepEqual(settingsFromEnvironment({ KITH_KEY_FILE: '/etc/kith/family.key' }).map((s) => `${s.section}.${s.option}=${s.value}`), ['community.key_file=/etc/kith/family.key']);
  });
});
