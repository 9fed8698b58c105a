// The TAP wrapper and kith-tap. Unit tests run anywhere the addon is built; the real-device tests
// need root (CI runs them as root) and do all their work inside a network namespace they create
// and delete, so no address or device ever appears in the host's namespace.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadAddon, openTap, validateTapName } from './tap.js';
import { asNobody, fixture, haveIp, isRoot, kithTap, must, NOBODY, run, type Run } from './test-fixtures/host.js';

const worker = fixture('tap-worker.ts');
const rootSkip = !isRoot || !haveIp ? 'needs root and iproute2' : false;

interface WorkerResult {
  ok: boolean;
  failure?: string;
  uid: number;
  name: string;
  setMac: string;
  mac: string;
  setMtu: string;
  mtu: number;
  setIpv4: string;
  badIpv4: string;
  arpReplyFrom: string;
  echoReply: boolean;
  burst: { sent: number; replies: number; callbacks: number; frames: number };
  stats: { wakeups: number; framesRead: number; writeDrops: number };
  closed: boolean;
  writeAfterClose: boolean;
}
function runWorker(ns: string, prefix: string[], args: string[]): WorkerResult {
  const out = must('ip', ['netns', 'exec', ns, ...prefix, process.execPath, '--import', 'tsx', worker, ...args]);
  const last = out.trim().split('\n').at(-1) ?? '';
  const r = JSON.parse(last) as WorkerResult;
  assert.ok(r.ok, `worker failed: ${last}`);
  return r;
}
function checkExchange(r: WorkerResult, kernelIp: string): void {
  assert.equal(r.setIpv4, 'ENOTSUP'); // the address is kith-tap's (or the agent's) job here
  assert.equal(r.badIpv4, 'invalid-argument'); // refused before any system call
  assert.equal(r.mac, '024b49540001');
  assert.equal(r.arpReplyFrom, kernelIp);
  assert.equal(r.echoReply, true);
  assert.equal(r.burst.replies, r.burst.sent);
  assert.ok(r.burst.frames >= r.burst.replies);
  // Several frames per wake-up: far fewer handler calls than frames.
  assert.ok(r.burst.callbacks < r.burst.frames, `callbacks ${r.burst.callbacks} frames ${r.burst.frames}`);
  assert.ok(r.stats.wakeups < r.stats.framesRead);
  assert.equal(r.closed, true);
  assert.equal(r.writeAfterClose, false);
}

describe('openTap: typed errors', () => {
  it('loads the addon', () => {
    const a = loadAddon();
    assert.ok(a.ok, a.ok ? '' : a.error.message);
  });

  it('rejects bad names before any system call', () => {
    for (const name of ['', 'a'.repeat(16), 'eth/0', 'tap 0', '..', 'kith\n0']) {
      const r = openTap({ name, create: false });
      assert.ok(!r.ok);
      assert.equal(r.error.kind, 'invalid-argument');
      assert.equal(r.error.code, 'EINVAL');
    }
    assert.equal(validateTapName('kith0'), undefined);
    assert.equal(validateTapName('Kith Mesh', 'win32'), undefined);
    assert.notEqual(validateTapName('a\\b', 'win32'), undefined);
  });

  it('rejects missing names, bad MTU, MAC and batch size', () => {
    const cases = [
      openTap({ create: false }),
      openTap({ name: 'kith0', create: true, mtu: 67 }),
      openTap({ name: 'kith0', create: true, mtu: 1500.5 }),
      openTap({ name: 'kith0', create: true, mac: new Uint8Array(5) }),
      openTap({ name: 'kith0', create: true, mac: Uint8Array.of(1, 0, 0, 0, 0, 1) }), // multicast
      openTap({ name: 'kith0', create: true, mac: new Uint8Array(6) }),
      openTap({ name: 'kith0', create: true, batchSize: 0 }),
    ];
    for (const r of cases) {
      assert.ok(!r.ok);
      assert.equal(r.error.kind, 'invalid-argument');
    }
  });

  it('reports a missing device with its errno name', () => {
    const r = openTap({ name: `kithnx${randomBytes(3).toString('hex')}`, create: false });
    assert.ok(!r.ok);
    assert.equal(r.error.kind, 'system');
    assert.equal(r.error.code, 'ENODEV');
    assert.equal(typeof r.error.syscall, 'string');
  });
});

describe('kith-tap: argument validation', () => {
  // Addresses have their own table, shared with the engine's rules: kith-tap-addresses.test.ts.
  const bad: [string[], number, RegExp][] = [
    [[], 2, /usage/],
    [['create'], 2, /usage/],
    [['create', 'eth0', 'root'], 2, /bad device name/],
    [['create', 'kith', 'root', 'extra'], 2, /usage/],
    [['create', 'kithAAAAAAAAAAAA', 'root'], 2, /bad device name/],
    [['create', 'kith/x', 'root'], 2, /bad device name/],
    [['create', 'kith.x', 'root'], 2, /bad device name/],
    [['create', 'kithx', 'no-such-user-kith'], 2, /unknown user/],
    [['create', 'kithx', '-1'], 2, /unknown user/],
    [['create', 'kithx', '4294967295'], 2, /unknown user/],
    [['frob', 'kithx'], 2, /usage/],
    [['up', 'kithx', 'now'], 2, /usage/],
    [['mtu', 'kithx', '575'], 2, /bad MTU/],
    [['mtu', 'kithx', '9001'], 2, /bad MTU/],
    [['mtu', 'kithx', '+1500'], 2, /bad MTU/],
    [['mtu', 'kithx', '01500'], 2, /bad MTU/],
    [['mtu', 'kithx', '1500 '], 2, /bad MTU/],
  ];
  it('rejects every bad argument with exit 2, one line on stderr, and changes nothing', () => {
    assert.ok(existsSync(kithTap), 'kith-tap not built: run npm run build:native');
    const before = readdirSync('/sys/class/net').sort();
    for (const [args, code, msg] of bad) {
      const r = run(kithTap, args);
      assert.equal(r.status, code, `${args.join(' ')} → ${r.status}`);
      assert.match(r.stderr, msg, args.join(' '));
      assert.match(r.stderr, /^kith-tap: [^\n]*\n$/, 'exactly one line');
      assert.equal(r.stdout, '');
    }
    assert.deepEqual(readdirSync('/sys/class/net').sort(), before);
  });

  it('reports a missing device as exit 1', () => {
    const r = run(kithTap, ['up', `kithnx${randomBytes(3).toString('hex')}`]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no such TAP device/);
  });
});

describe('real TAP devices in a network namespace', { skip: rootSkip }, () => {
  const ns = `kith-test-${randomBytes(4).toString('hex')}`;
  let tunMode = 0;
  let capsDir = '';

  before(() => {
    must('ip', ['netns', 'add', ns]);
    // Distributions ship /dev/net/tun as 0666 (the tun driver does its own checks); some
    // containers tighten it to 0600. Unprivileged attach needs the usual mode; restored after.
    tunMode = statSync('/dev/net/tun').mode & 0o777;
    chmodSync('/dev/net/tun', 0o666);
  });

  after(() => {
    // Deleting the namespace deletes every device in it, persistent TAPs included.
    run('ip', ['netns', 'del', ns]);
    if (tunMode !== 0) chmodSync('/dev/net/tun', tunMode);
    if (capsDir !== '') rmSync(capsDir, { recursive: true, force: true });
  });

  it('creates a TAP, sets MAC/MTU, and exchanges ARP and ICMP with the kernel in batches', () => {
    const r = runWorker(ns, [], ['kithping0', 'create', '10.77.0.1', kithTap]);
    assert.equal(r.uid, 0);
    assert.equal(r.setMac, 'ok');
    assert.equal(r.mtu, 1400);
    checkExchange(r, '10.77.0.1');
    // Not persistent: gone once the worker closed it.
    assert.equal(run('ip', ['netns', 'exec', ns, 'ip', 'link', 'show', 'kithping0']).status, 1);
  });

  it('lets an unprivileged owner attach to a persistent TAP made by kith-tap', () => {
    must('ip', ['netns', 'exec', ns, kithTap, 'create', 'kithtest0', 'nobody']);
    must('ip', ['netns', 'exec', ns, kithTap, 'addr', 'kithtest0', '10.78.0.1/24']);
    must('ip', ['netns', 'exec', ns, kithTap, 'mtu', 'kithtest0', '1280']);
    must('ip', ['netns', 'exec', ns, kithTap, 'up', 'kithtest0']);
    const r = runWorker(ns, asNobody, ['kithtest0', 'attach', '10.78.0.1']);
    assert.equal(r.uid, NOBODY);
    assert.equal(r.setMac, 'ok'); // through the tun fd: the owner needs no privilege
    assert.equal(r.setMtu, 'EPERM'); // MTU is kith-tap's job
    assert.equal(r.mtu, 1280);
    checkExchange(r, '10.78.0.1');
    // Persistent: still there after the worker closed it, until deleted.
    must('ip', ['netns', 'exec', ns, 'ip', 'link', 'show', 'kithtest0']);
    must('ip', ['netns', 'exec', ns, kithTap, 'delete', 'kithtest0']);
    assert.equal(run('ip', ['netns', 'exec', ns, 'ip', 'link', 'show', 'kithtest0']).status, 1);
  });

  it('with cap_net_admin file capabilities, a user creates and configures only their own TAP', (t) => {
    if (spawnSync('setcap', ['-v', 'cap_net_admin=ep', '/nonexistent']).error) {
      t.skip('setcap missing (apt-get install libcap2-bin)');
      return;
    }
    capsDir = mkdtempSync(join(tmpdir(), 'kith-caps-'));
    chmodSync(capsDir, 0o755);
    const helper = join(capsDir, 'kith-tap');
    copyFileSync(kithTap, helper);
    chmodSync(helper, 0o755);
    must('setcap', ['cap_net_admin=ep', helper]);
    const user = (args: string[]): Run => run('ip', ['netns', 'exec', ns, ...asNobody, helper, ...args]);

    // Without the capability the same user cannot do it.
    const plain = run('ip', ['netns', 'exec', ns, ...asNobody, kithTap, 'create', 'kithcap0', 'nobody']);
    assert.equal(plain.status, 1, plain.stderr);

    for (const args of [['create', 'kithcap0', 'nobody'], ['mtu', 'kithcap0', '1300'], ['addr', 'kithcap0', '10.79.0.1/24'], ['up', 'kithcap0']]) {
      const r = user(args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    const r = runWorker(ns, asNobody, ['kithcap0', 'attach', '10.79.0.1']);
    assert.equal(r.mtu, 1300);
    checkExchange(r, '10.79.0.1');

    // Policy: not for someone else, and not someone else's device.
    assert.equal(user(['create', 'kithcap1', 'root']).status, 3);
    must('ip', ['netns', 'exec', ns, kithTap, 'create', 'kithroot0', 'root']);
    const other = user(['delete', 'kithroot0']);
    assert.equal(other.status, 3);
    assert.match(other.stderr, /not owned by you/);
    assert.equal(user(['mtu', 'kithroot0', '1300']).status, 3);
    // Never a device that is not a TAP (here a TUN with a kith name), even for root.
    must('ip', ['netns', 'exec', ns, 'ip', 'tuntap', 'add', 'kithtun0', 'mode', 'tun']);
    const tun = run('ip', ['netns', 'exec', ns, kithTap, 'up', 'kithtun0']);
    assert.equal(tun.status, 3);
    assert.match(tun.stderr, /not a TAP/);

    assert.equal(user(['delete', 'kithcap0']).status, 0);
    assert.equal(run('ip', ['netns', 'exec', ns, 'ip', 'link', 'show', 'kithcap0']).status, 1);
  });

  it('refuses to run setuid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kith-suid-'));
    try {
      chmodSync(dir, 0o755);
      const helper = join(dir, 'kith-tap');
      copyFileSync(kithTap, helper);
      chmodSync(helper, 0o4755);
      const r = run('ip', ['netns', 'exec', ns, ...asNobody, helper, 'create', 'kithsuid0', 'nobody']);
      assert.equal(r.status, 3);
      assert.match(r.stderr, /setuid/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
