// `npm run build:native` (also npm's install hook): the N-API addon (node-gyp) and the kith-tap
// helper (make), each only when what it is built from changed. Relinking kith-tap drops the
// cap_net_admin file capability the README asks for, so an unchanged kith-tap is never touched; a
// rebuilt one gets the capability back when this runs as root, and otherwise the exact command that
// gives it back is printed. Usage: build-native.ts [repository root] (default: this checkout).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder, inputsDigest, stampIsCurrent, writeStamp } from './input-stamp.js';

/** Runs a build tool with its output held back; on failure prints all of it and exits. */
function runQuietly(command: string, args: readonly string[], cwd: string): void {
  // node-gyp is a .cmd script on Windows, which only a shell can start.
  const run = spawnSync(command, args, { cwd, encoding: 'utf8', shell: process.platform === 'win32', maxBuffer: 64 * 1024 * 1024 });
  if (run.status === 0) return;
  process.stderr.write(`${run.stdout ?? ''}${run.stderr ?? ''}`);
  process.stderr.write(`native: ${command} ${args.join(' ')} failed (${run.error?.message ?? `exit status ${String(run.status)}`})\n`);
  process.exit(1);
}

/** The addon, rebuilt when native/src, binding.gyp, Node's version or node-addon-api's changed. */
function buildAddon(native: string): void {
  const build = path.join(native, 'build');
  const addonApi = (createRequire(path.join(native, 'binding.gyp'))('node-addon-api/package.json') as { version: string }).version;
  const inputs = [path.join(native, 'binding.gyp'), ...filesUnder(path.join(native, 'src'))];
  const digest = inputsDigest(native, inputs, [process.version, process.platform, process.arch, `node-addon-api ${addonApi}`]);
  const stamp = path.join(build, '.addon-inputs');
  if (stampIsCurrent(stamp, digest, [path.join(build, 'Release', 'kith_tap.node')])) return;
  // configure + build rather than rebuild, which would empty native/build and so relink kith-tap
  // too; the objects compiled from other sources or against another Node go first.
  rmSync(path.join(build, 'Release'), { recursive: true, force: true });
  runQuietly('node-gyp', ['configure', 'build', '--loglevel=warn'], native);
  writeStamp(stamp, digest);
  process.stdout.write('native: built the addon (native/build/Release/kith_tap.node)\n');
}

/** kith-tap, relinked by its Makefile only when its sources are newer; true when it was. */
function buildKithTap(native: string): boolean {
  const dir = path.join(native, 'kith-tap');
  // `make -q` answers 0 when the target is up to date (1: out of date, 2: an error make will report).
  if (spawnSync('make', ['-q', '-C', dir], { stdio: 'ignore' }).status === 0) return false;
  runQuietly('make', ['-s', '-C', dir], native);
  return true;
}

/** Whether kith-tap carries cap_net_admin now (false too where getcap is missing). */
function hasCapability(helper: string): boolean {
  return /cap_net_admin/.test(spawnSync('getcap', [helper], { encoding: 'utf8' }).stdout ?? '');
}

/**
 * After a relink: a capability the old kith-tap had is given back when running as root, or the exact
 * command is printed. One it never had is not given: a person decides that once (README), and tests
 * rely on the built kith-tap being the plain one.
 */
function restoreCapability(helper: string, shown: string, had: boolean): void {
  const command = `sudo setcap cap_net_admin=ep ${helper}`;
  if (!had) {
    process.stdout.write(`native: built ${shown}; to let Kith make its network device without root, run once: ${command}\n`);
    return;
  }
  if (process.getuid?.() !== 0) {
    process.stdout.write(`native: rebuilt ${shown}, which cleared its cap_net_admin; give it back with: ${command}\n`);
    return;
  }
  const setcap = spawnSync('setcap', ['cap_net_admin=ep', helper], { encoding: 'utf8' });
  if (setcap.status === 0) process.stdout.write(`native: rebuilt ${shown} and gave it back its cap_net_admin (setcap cap_net_admin=ep)\n`);
  else process.stderr.write(`native: rebuilt ${shown}; setcap cap_net_admin=ep failed: ${setcap.error?.message ?? setcap.stderr.trim()}\n`);
}

function main(): void {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'));
  const native = path.join(root, 'native');
  buildAddon(native);
  // Windows uses the TAP-Windows6 driver and has no helper to build.
  if (process.platform === 'win32') return;
  const helper = path.join(native, 'build', 'kith-tap');
  // File capabilities are Linux's; macOS runs kith-tap as a root launchd agent instead.
  const linux = process.platform === 'linux';
  const had = linux && hasCapability(helper);
  if (!buildKithTap(native)) return;
  if (linux) restoreCapability(helper, path.relative(root, helper), had);
  else process.stdout.write('native: built native/build/kith-tap\n');
}

main();
