// kith-tap's address rules against the table engine/config/tap-address-rules.ts is tested with too
// (test-fixtures/tap-addresses.json): the shape rules with the built kith-tap (they are checked
// before it looks for the device, so no device is needed); the allow-list with a copy built to read
// a file of the test's own; the routing-table rule on a real TAP in a network namespace with a LAN.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildKithTapReading, haveIp, isRoot, kithTap, must, run, type Run } from './test-fixtures/host.js';
import { tapAddressTable as table, type TapAddressCase as Case } from './test-fixtures/tap-addresses.js';
const rootSkip = !isRoot || !haveIp ? 'needs root and iproute2' : !existsSync(kithTap) ? 'kith-tap not built: run npm run build:native' : false;

/** kith-tap's verdict on an address for a device that does not exist: exit 1 means the rules let it through. */
function expectVerdict(c: Case, r: Run, allowedStatus: number): void {
  const label = `${JSON.stringify(c.address)}: ${r.stderr}`;
  if (c.refused === undefined) {
    assert.equal(r.status, allowedStatus, label);
    return;
  }
  assert.equal(r.status, c.refused === 'syntax' ? 2 : 3, label);
  assert.match(r.stderr, /^kith-tap: [^\n]*\n$/, `one line: ${label}`);
  assert.ok(r.stderr.includes(c.says ?? ''), `${label} lacks ${c.says}`);
}

const absent = (): string => `kithnx${randomBytes(3).toString('hex')}`;

describe('kith-tap addr: the shared table of address rules', () => {
  it('refuses what the rules refuse (exit 2 syntax, 3 policy) and lets the rest reach the device', () => {
    assert.ok(existsSync(kithTap), 'kith-tap not built: run npm run build:native');
    for (const c of table.shape) {
      const r = run(kithTap, ['addr', absent(), c.address]);
      expectVerdict(c, r, 1);
      if (c.refused === undefined) assert.match(r.stderr, /no such TAP device/);
    }
  });
});

describe('kith-tap addr: the allow-list file', { skip: rootSkip }, () => {
  let dir = '';
  let helper = '';
  let list = '';
  const check = (address: string): Run => run(helper, ['addr', absent(), address]);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kith-allow-'));
    chmodSync(dir, 0o755);
    list = join(dir, 'tap-allow.conf');
    helper = join(dir, 'kith-tap');
    buildKithTapReading(list, helper);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds the prefixes it lists, never a range that is never allowed', () => {
    writeFileSync(list, `${table.allowList.lines.join('\n')}\n`, { mode: 0o644 });
    for (const c of table.allowList.cases) expectVerdict(c, check(c.address), 1);
  });

  it('refuses every address it would be asked about when one line is bad, naming the line', () => {
    for (const bad of table.badAllowLists) {
      writeFileSync(list, `${bad.lines.join('\n')}\n`, { mode: 0o644 });
      const r = check('44.1.2.3/24');
      assert.equal(r.status, 3, r.stderr);
      assert.ok(r.stderr.includes(`${list}${bad.says}`), r.stderr);
      // The built-in ranges do not need the file.
      assert.equal(check('10.1.2.3/24').status, 1);
    }
  });

  it('is ignored unless it and its directory are root’s and not writable by group or others', () => {
    writeFileSync(list, '44.0.0.0/8\n', { mode: 0o644 });
    assert.equal(check('44.1.2.3/24').status, 1);
    for (const [path, mode] of [
      [list, 0o664],
      [list, 0o646],
      [dir, 0o775],
      [dir, 0o757],
    ] as const) {
      const was = path === dir ? 0o755 : 0o644;
      chmodSync(path, mode);
      const r = check('44.1.2.3/24');
      chmodSync(path, was);
      assert.equal(r.status, 3, `${path} ${mode.toString(8)}`);
      assert.match(r.stderr, /ignored: it and its directory must be root's, not writable by group or others/);
    }
    rmSync(list);
    writeFileSync(join(dir, 'elsewhere.conf'), '44.0.0.0/8\n', { mode: 0o644 });
    symlinkSync(join(dir, 'elsewhere.conf'), list);
    const linked = check('44.1.2.3/24');
    assert.equal(linked.status, 3);
    assert.match(linked.stderr, /tap-allow\.conf: Too many levels of symbolic links/);
  });
});

describe('kith-tap addr: no overlap with a route through another interface', { skip: rootSkip }, () => {
  const ns = `kith-routes-${randomBytes(4).toString('hex')}`;
  const inNs = (args: string[]): Run => run('ip', ['netns', 'exec', ns, ...args]);
  const routes = (): string => must('ip', ['netns', 'exec', ns, 'ip', '-4', 'route', 'show', 'table', 'all']);

  before(() => {
    must('ip', ['netns', 'add', ns]);
    must('ip', ['-n', ns, 'link', 'add', 'lan0', 'type', 'veth', 'peer', 'name', 'lan1']);
    for (const link of ['lan0', 'lan1']) must('ip', ['-n', ns, 'link', 'set', link, 'up']);
    for (const { destination } of table.routes.elsewhere) {
      if (destination === '192.168.50.0/24') must('ip', ['-n', ns, 'address', 'add', '192.168.50.1/24', 'dev', 'lan0']);
    }
    for (const { destination, via } of table.routes.elsewhere) {
      if (destination === '0.0.0.0/0') must('ip', ['-n', ns, 'route', 'add', 'default', 'via', '192.168.50.254', 'dev', via]);
      else if (destination !== '192.168.50.0/24') must('ip', ['-n', ns, 'route', 'add', destination, 'dev', via]);
    }
    must('ip', ['netns', 'exec', ns, kithTap, 'create', 'kithroutes', 'root']);
    must('ip', ['netns', 'exec', ns, kithTap, 'up', 'kithroutes']);
  });
  after(() => run('ip', ['netns', 'del', ns]));

  it('refuses the overlapping prefixes, leaving the routes as they were, and sets the others', () => {
    for (const c of table.routes.cases) {
      const before = routes();
      const r = inNs([kithTap, 'addr', 'kithroutes', c.address]);
      expectVerdict(c, r, 0);
      if (c.refused !== undefined) {
        assert.equal(routes().replace(/^.*kithroutes.*\n/gm, ''), before.replace(/^.*kithroutes.*\n/gm, ''), c.address);
        assert.doesNotMatch(must('ip', ['-n', ns, '-4', 'address', 'show', 'dev', 'kithroutes']), new RegExp(`inet ${c.address.split('/')[0]!.replace(/\./g, '\\.')}/`));
      } else {
        assert.match(must('ip', ['-n', ns, '-4', 'address', 'show', 'dev', 'kithroutes']), new RegExp(`inet ${c.address.replace(/\./g, '\\.')} `), c.address);
      }
    }
  });

  it('lets a prefix overlap the caller’s own VPN devices, never another user’s', () => {
    for (const [tap, owner, address] of [
      ['kithmine', 'root', '10.30.0.1/24'],
      ['kiththeirs', 'nobody', '10.31.0.1/24'],
    ] as const) {
      must('ip', ['netns', 'exec', ns, kithTap, 'create', tap, owner]);
      must('ip', ['netns', 'exec', ns, kithTap, 'up', tap]);
      must('ip', ['netns', 'exec', ns, kithTap, 'addr', tap, address]);
    }
    const mine = inNs([kithTap, 'addr', 'kithroutes', '10.30.0.9/24']);
    assert.equal(mine.status, 0, mine.stderr);
    const theirs = inNs([kithTap, 'addr', 'kithroutes', '10.31.0.9/24']);
    assert.equal(theirs.status, 3, theirs.stderr);
    assert.match(theirs.stderr, /overlaps the route to 10\.31\.0\.0\/24 via kiththeirs/);
  });
});
