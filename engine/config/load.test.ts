import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseIni } from './ini-file.js';
import { buildConfig, defaultConfig, parseOverride, resolveSessionFile, settingsFromEnvironment, settingsFromFile, type Setting } from './load.js';
import { parseSockAddr, parseUint } from '../../shared/config/values.js';

const cli = (text: string): Setting => {
  const parsed = parseOverride(text);
  assert.ok(parsed.ok);
  return { ...parsed.value, origin: { cli: `-O ${text}` } };
};

describe('config values', () => {
  it('parses whole numbers the way strtoul(…, 0) does', () => {
    assert.deepEqual(parseUint('0x48'), { ok: true, value: 0x48 });
    assert.deepEqual(parseUint('0660'), { ok: true, value: 0o660 });
    assert.deepEqual(parseUint('20'), { ok: true, value: 20 });
    assert.equal(parseUint('20s').ok, false);
    assert.equal(parseUint('-1').ok, false);
  });

  it('parses socket addresses with literal hosts only', () => {
    assert.deepEqual(parseSockAddr('7777'), { ok: true, value: { address: '::', port: 7777 } });
    assert.deepEqual(parseSockAddr('1.2.3.4'), { ok: true, value: { address: '1.2.3.4', port: 0 } });
    assert.deepEqual(parseSockAddr('[::1]:99'), { ok: true, value: { address: '::1', port: 99 } });
    assert.deepEqual(parseSockAddr(':7700'), { ok: true, value: { address: '::', port: 7700 } });
    assert.equal(parseSockAddr('example.org:1').ok, false);
  });
});

describe('INI dialect', () => {
  it('reads sections, labels, comments and inner spaces', () => {
    const parsed = parseIni('# top\n[community]\nname = home net # comment\n[tuntap x]\n  mtu=1400\n; end\n');
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.value, [
      { section: 'community', option: 'name', value: 'home net', line: 3 },
      { section: 'tuntap', option: 'mtu', value: '1400', line: 5 },
    ]);
  });

  it('names the line of a syntax error', () => {
    for (const [text, line] of [['name=x\n', 1], ['[a]\nname\n', 2], ['[a]\nna-me=1\n', 2], ['[]\n', 1], ['[a]\nname=\n', 2]] as const) {
      const parsed = parseIni(text);
      assert.equal(parsed.ok, false, text);
      if (!parsed.ok) assert.match(parsed.detail ?? '', new RegExp(`^line ${line}:`));
    }
  });
});

describe('loading', () => {
  it('applies file, environment and command line in that order', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kith-config-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'home.conf');
    writeFileSync(file, '[community]\nname=fromfile\nkey=filekey\nsupernode=a.example:1234\nsupernode=b.example\n');
    const fromFile = settingsFromFile(file, true);
    assert.ok(fromFile.ok);
    const config = buildConfig('edge', [...fromFile.value, ...settingsFromEnvironment({ N3N_COMMUNITY: 'fromenv' }), cli('community.name=fromcli')]);
    assert.ok(config.ok);
    assert.equal(config.value.community.name, 'fromcli');
    assert.equal(config.value.community.key, 'filekey');
    assert.deepEqual(config.value.community.supernode, [
      { host: 'a.example', port: 1234 },
      { host: 'b.example', port: 7654 },
    ]);
  });

  it('N3N_KEY also selects AES', () => {
    const config = buildConfig('edge', settingsFromEnvironment({ N3N_KEY: 'secret' }));
    assert.ok(config.ok);
    assert.equal(config.value.community.cipher, 'AES');
  });

  it('uses role-specific defaults', () => {
    assert.equal(defaultConfig('edge').connection.allow_p2p, true);
    assert.deepEqual(defaultConfig('supernode').connection.bind, { address: '::', port: 7654 });
    assert.equal(defaultConfig('supernode').supernode.federation, undefined, 'no federation unless named');
  });

  it('rejects unknown options and bad values with a message naming origin, option and what is allowed', () => {
    const unknown = buildConfig('edge', [cli('bogus.opt=1')]);
    assert.equal(unknown.ok, false);
    if (!unknown.ok) assert.match(unknown.detail ?? '', /^command line -O bogus\.opt=1: unknown section \[bogus\]/);
    const bad = buildConfig('edge', [cli('community.cipher=aes')]);
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.match(bad.detail ?? '', /community\.cipher: invalid value "aes"; allowed: one of null, AES, ChaCha20, Speck, Twofish/);
  });

  it('never repeats a secret value in an error', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kith-config-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'x.conf');
    writeFileSync(file, '[management]\npassword=hunter2\n[tuntap]\nmtu=big\n');
    const settings = settingsFromFile(file, true);
    assert.ok(settings.ok);
    const config = buildConfig('edge', settings.value);
    assert.equal(config.ok, false);
    if (!config.ok) {
      assert.equal(config.detail, `${file}:4: tuntap.mtu: invalid value "big"; allowed: a whole number from 0 to 65535`);
      assert.doesNotMatch(config.detail ?? '', /hunter2/);
    }
  });

  it('treats a missing session file as defaults, a missing explicit path as an error', () => {
    assert.deepEqual(resolveSessionFile('home', '/etc/kith'), { session: 'home', path: '/etc/kith/home.conf', required: false });
    assert.deepEqual(resolveSessionFile('./x/home.conf', '/etc/kith'), { session: 'home', path: './x/home.conf', required: true });
    assert.deepEqual(settingsFromFile('/nonexistent/kith.conf', false), { ok: true, value: [] });
    const missing = settingsFromFile('/nonexistent/kith.conf', true);
    assert.equal(missing.ok, false);
  });
});
