// session-identity.ts: the MAC and token come back after a restart; a file that is not trustworthy
// is replaced, never used.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { macToString } from '../../protocol/index.js';
import { loadSessionIdentity, readSessionIdentity, removeSessionIdentity, sessionIdentityFile } from './session-identity.js';

const NOBODY = 65534;

function withDir(run: (file: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'kith-identity-'));
  try {
    run(sessionIdentityFile(join(dir, 'session', 'mgmt')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const same = (a: { mac: Uint8Array; token: Uint8Array }, b: { mac: Uint8Array; token: Uint8Array }): boolean =>
  macToString(a.mac) === macToString(b.mac) && Buffer.from(a.token).equals(Buffer.from(b.token));

describe('session identity', () => {
  it('makes a unicast, locally administered MAC and a 16-byte token, keeps them 0600 and gives them back', () => {
    withDir((file) => {
      const first = loadSessionIdentity(file);
      assert.equal(first.problem, undefined);
      assert.equal(first.identity.mac[0]! & 0x03, 0x02);
      assert.equal(first.identity.token.length, 16);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      const again = loadSessionIdentity(file);
      assert.equal(again.problem, undefined);
      assert.ok(same(first.identity, again.identity));
      removeSessionIdentity(file);
      assert.equal(readSessionIdentity(file).ok, false);
      assert.ok(!same(first.identity, loadSessionIdentity(file).identity), 'after a clean stop, a new pair');
    });
  });

  const untrusted: [string, (file: string) => void][] = [
    ['malformed', (file) => writeFileSync(file, '{"mac":"02:00:00:00:00:01"', { mode: 0o600 })],
    ['a multicast MAC', (file) => writeFileSync(file, JSON.stringify({ mac: '03:00:00:00:00:01', token: '00'.repeat(16) }), { mode: 0o600 })],
    ['a short token', (file) => writeFileSync(file, JSON.stringify({ mac: '02:00:00:00:00:01', token: '00'.repeat(8) }), { mode: 0o600 })],
    ['readable by others', (file) => {
      writeFileSync(file, JSON.stringify({ mac: '02:00:00:00:00:01', token: '00'.repeat(16) }));
      chmodSync(file, 0o644);
    }],
    ['a symbolic link', (file) => {
      const target = `${file}.target`;
      writeFileSync(target, JSON.stringify({ mac: '02:00:00:00:00:01', token: '00'.repeat(16) }), { mode: 0o600 });
      symlinkSync(target, file);
    }],
    ['a directory', (file) => mkdirSync(file)],
  ];
  for (const [what, make] of untrusted) {
    it(`does not use ${what}`, () => {
      withDir((file) => {
        mkdirSync(join(file, '..'), { recursive: true });
        make(file);
        const loaded = loadSessionIdentity(file);
        assert.notEqual(macToString(loaded.identity.mac), '02:00:00:00:00:01');
        assert.match(loaded.problem ?? '', /not used/);
      });
    });
  }

  it("does not use another user's file", { skip: process.geteuid?.() !== 0 && 'chown needs root' }, () => {
    withDir((file) => {
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, JSON.stringify({ mac: '02:00:00:00:00:01', token: '00'.repeat(16) }), { mode: 0o600 });
      chownSync(file, NOBODY, NOBODY);
      const loaded = loadSessionIdentity(file);
      assert.match(loaded.problem ?? '', /another user/);
      assert.notEqual(macToString(loaded.identity.mac), '02:00:00:00:00:01');
      assert.equal(statSync(file).uid, 0, 'replaced by a file of ours');
      assert.ok(same(loaded.identity, loadSessionIdentity(file).identity));
      assert.notEqual(readFileSync(file, 'utf8'), '');
    });
  });
});
