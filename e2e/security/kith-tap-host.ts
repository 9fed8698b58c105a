// What the e2e/security tests of kith-tap and the TAP share: a copy of the built kith-tap with the
// one capability the packages give it (cap_net_admin=ep, never setuid) that any user may run,
// /dev/net/tun opened to users as distributions ship it, and the user those tests act as.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kithTap } from '../../native/test-fixtures/host.js';
import { netnsSkipReason } from '../netns/topology.js';

/** Debian's `nobody` / `nogroup`: an account that owns nothing else on the machine. */
export const NOBODY = { uid: 65534, gid: 65534 };

/** `setpriv` as `uid` (gid the same), no supplementary groups, no capabilities inherited. */
export const asUser = (uid: number): string[] => ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--inh-caps=-all', '--'];

/** Why these tests cannot run here, or undefined. */
export function kithTapSkipReason(): string | undefined {
  if (!existsSync(kithTap)) return 'kith-tap is not built (npm run build:native)';
  if (spawnSync('setcap', ['-v', 'cap_net_admin=ep', '/nonexistent'], { timeout: 10_000 }).error !== undefined) return 'setcap is unavailable (apt-get install libcap2-bin)';
  return netnsSkipReason();
}

export interface CapableCopy {
  /** The copy's path, in a directory every user can traverse. */
  readonly path: string;
  /** Removes the copy and gives /dev/net/tun its mode back. */
  remove(): void;
}

/**
 * A copy of kith-tap with cap_net_admin=ep, as installed, and /dev/net/tun at 0666 (some images
 * tighten it to 0600, which would stop an owner attaching to its own TAP) until remove().
 */
export function capableKithTap(): CapableCopy {
  const dir = mkdtempSync(join(tmpdir(), 'kith-caps-'));
  chmodSync(dir, 0o755);
  const path = join(dir, 'kith-tap');
  copyFileSync(kithTap, path);
  chmodSync(path, 0o755);
  const setcap = spawnSync('setcap', ['cap_net_admin=ep', path], { encoding: 'utf8', timeout: 10_000 });
  if (setcap.status !== 0) throw new Error(`setcap: ${setcap.stderr}`);
  const tunMode = statSync('/dev/net/tun').mode & 0o777;
  chmodSync('/dev/net/tun', 0o666);
  return {
    path,
    remove() {
      chmodSync('/dev/net/tun', tunMode);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
