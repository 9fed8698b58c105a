// The administrator's allow-list of further TAP prefixes (TAP_ALLOW_FILE), read as kith-tap reads
// it (native/kith-tap/address-policy.c): only while the file and its directory are root's and not
// writable by group or others, and only when the built-in ranges do not already allow an address.
import { closeSync, constants, fstatSync, lstatSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';
import { checkTapAddress, parseTapAllowList, TAP_ALLOW_FILE, TAP_ALLOW_LINES_MAX, type Ipv4Prefix, type TapAddressRefusal } from './tap-address-rules.js';

/** Bigger than any list of TAP_ALLOW_LINES_MAX lines the parser would take. */
const MAX_BYTES = TAP_ALLOW_LINES_MAX * 130;

export function readTapAllowList(file: string = TAP_ALLOW_FILE): Result<Ipv4Prefix[], 'unusable'> {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return code === 'ENOENT' ? ok([]) : err('unusable', `${file}: ${message}`);
  }
  try {
    const stat = fstatSync(fd);
    const dir = lstatSync(dirname(file));
    const rootOnly = (s: { uid: number; mode: number }): boolean => s.uid === 0 && (s.mode & 0o022) === 0;
    if (!stat.isFile() || !rootOnly(stat) || !dir.isDirectory() || !rootOnly(dir)) {
      return err('unusable', `${file} ignored: it and its directory must be root's, not writable by group or others`);
    }
    if (stat.size > MAX_BYTES) return err('unusable', `${file}: too long (at most ${TAP_ALLOW_LINES_MAX} lines)`);
    const parsed = parseTapAllowList(readFileSync(fd, 'utf8'), file);
    return parsed.ok ? parsed : err('unusable', parsed.detail);
  } catch (error) {
    return err('unusable', `${file}: ${(error as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/** checkTapAddress, consulting the allow-list only when the built-in ranges refuse (as kith-tap does). */
export function checkHostTapAddress(subnet: Ipv4Prefix, file: string = TAP_ALLOW_FILE): TapAddressRefusal | undefined {
  const builtIn = checkTapAddress(subnet);
  if (builtIn?.rule !== 'not-private') return builtIn;
  const list = readTapAllowList(file);
  if (!list.ok) return { rule: 'not-private', message: list.detail ?? `${file} is unusable` };
  return checkTapAddress(subnet, list.value);
}
