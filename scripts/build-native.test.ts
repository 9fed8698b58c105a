// scripts/build-native.ts on a copy of native/: a first build prints the setcap command and gives no
// capability unasked; a second build with nothing changed touches nothing, so kith-tap keeps the
// cap_net_admin a person gave it; a changed addon source rebuilds the addon alone; a changed
// kith-tap source relinks kith-tap and gives the capability back (as root). Runs through `npm run build:native`, which puts
// node-gyp and npm's node headers configuration in place.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const isRoot = process.getuid?.() === 0;

function skipReason(): string | undefined {
  if (process.platform !== 'linux') return 'kith-tap and file capabilities are Linux-only';
  for (const tool of ['make', 'cc', 'getcap']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (scripts/setup.sh installs it)`;
  }
  return undefined;
}

function build(copy: string): string {
  const run = spawnSync('npm', ['run', '--silent', 'build:native', '--', copy], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, `build:native failed:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

/** Inode and modification time: what changes when a file is written or replaced. */
function identity(file: string): string {
  const info = statSync(file, { bigint: true });
  return `${info.ino}:${info.mtimeNs}`;
}

const capability = (file: string): string => spawnSync('getcap', [file], { encoding: 'utf8' }).stdout;

describe('npm run build:native', { skip: skipReason() ?? false }, () => {
  it('rebuilds only what changed and keeps kith-tap’s capability', () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'kith-build-native-'));
    try {
      const native = path.join(copy, 'native');
      for (const part of ['binding.gyp', 'src', 'kith-tap']) cpSync(path.join(ROOT, 'native', part), path.join(native, part), { recursive: true });
      // A copy, not a link: gyp writes build files beside node-addon-api's .gyp, by its real path.
      cpSync(path.join(ROOT, 'node_modules', 'node-addon-api'), path.join(copy, 'node_modules', 'node-addon-api'), { recursive: true });
      const addon = path.join(native, 'build', 'Release', 'kith_tap.node');
      const helper = path.join(native, 'build', 'kith-tap');
      const fix = `sudo setcap cap_net_admin=ep ${helper}`;

      const first = build(copy);
      assert.match(first, /native: built the addon/);
      assert.ok(first.includes(`native: built native/build/kith-tap; to let Kith make its network device without root, run once: ${fix}\n`), first);
      assert.doesNotMatch(capability(helper), /cap_net_admin/, 'a capability is a person’s decision, never given unasked');
      // What the README asks a person to do once.
      if (isRoot) assert.equal(spawnSync('setcap', ['cap_net_admin=ep', helper]).status, 0);
      const [addonBefore, helperBefore] = [identity(addon), identity(helper)];

      assert.equal(build(copy), '', 'nothing changed: nothing built, nothing said');
      assert.equal(identity(addon), addonBefore);
      assert.equal(identity(helper), helperBefore);

      appendFileSync(path.join(native, 'src', 'addon.cc'), '\n// changed\n');
      assert.match(build(copy), /^native: built the addon[^\n]*\n$/);
      assert.notEqual(identity(addon), addonBefore);
      assert.equal(identity(helper), helperBefore, 'an addon change leaves kith-tap alone');
      if (isRoot) assert.match(capability(helper), /cap_net_admin=ep/);

      const source = path.join(native, 'kith-tap', 'kith-tap.c');
      const later = new Date(Date.now() + 5_000);
      utimesSync(source, later, later);
      const relinked = build(copy);
      assert.notEqual(identity(helper), helperBefore);
      if (isRoot) {
        assert.match(relinked, /rebuilt native\/build\/kith-tap and gave it back its cap_net_admin/);
        assert.match(capability(helper), /cap_net_admin=ep/);
      } else {
        // Without root nothing here can hold a capability: the exact command is printed instead.
        assert.ok(relinked.includes(`run once: ${fix}\n`), relinked);
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
