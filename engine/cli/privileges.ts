// Dropping root after the sockets are bound (and, for the edge, the TAP is configured) (CONFIG.md §6 [daemon], MANAGEMENT.md §1.1): the
// management socket and its directory are handed to the target user first, so it can still remove
// them on exit.
import { execFileSync } from 'node:child_process';
import { chownSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../log.js';

/** Kith's counterpart of n3n's `n3n` user: the packages and systemd units create it. */
export const DEFAULT_RUN_AS_USER = 'kith';

export interface RunAs {
  readonly user: string;
  readonly uid: number;
  readonly gid: number;
}

/** One `name:x:id:…` entry of passwd or group, through NSS (getent) or, without getent, the file. */
function lookup(database: 'passwd' | 'group', key: string): string[] | undefined {
  let text: string;
  try {
    text = execFileSync('getent', [database, key], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (error) {
    // getent exits 2 for "not found"; only a missing getent falls back to the file.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return undefined;
    try {
      text = readFileSync(`/etc/${database}`, 'utf8');
    } catch {
      return undefined;
    }
  }
  const field = /^\d+$/.test(key) ? 2 : 0;
  return text
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[field] === key);
}

const idOf = (fields: string[] | undefined): number | undefined => (fields?.[2] === undefined ? undefined : Number(fields[2]));

/** `daemon.userid` / `daemon.groupid` as names or numbers; the group defaults to the user's own. */
export function resolveRunAs(userid: string, groupid: string | undefined): RunAs | string {
  const user = lookup('passwd', userid);
  const uid = idOf(user) ?? (/^\d+$/.test(userid) ? Number(userid) : undefined);
  if (uid === undefined) return `no user "${userid}"`;
  const gid = groupid === undefined ? (user?.[3] === undefined ? undefined : Number(user[3])) : (idOf(lookup('group', groupid)) ?? (/^\d+$/.test(groupid) ? Number(groupid) : undefined));
  if (gid === undefined) return groupid === undefined ? `no primary group for user "${userid}"` : `no group "${groupid}"`;
  return { user: user?.[0] ?? userid, uid, gid };
}

/**
 * Only a process started as root changes identity. Without `daemon.userid` the `kith` user is used
 * when the system has one, and root is kept (with a warning) when it has none. A configured user
 * or group that does not exist, or a switch that fails, is the daemon's end: the returned line says
 * why, and the caller stops with a non-zero status rather than keep running as root.
 */
export function dropPrivileges(userid: string | undefined, groupid: string | undefined, socketPath: string, logger: Logger): string | undefined {
  if (process.getuid?.() !== 0) {
    if (userid !== undefined) logger.info(`daemon.userid=${userid} not applied: not started as root`);
    return undefined;
  }
  const runAs = resolveRunAs(userid ?? DEFAULT_RUN_AS_USER, groupid);
  if (typeof runAs === 'string') {
    if (userid === undefined && groupid === undefined) {
      logger.warn('running as root: set daemon.userid to run as another user');
      return undefined;
    }
    return `daemon.userid/daemon.groupid: ${runAs}; not running on as root`;
  }
  try {
    chownSync(dirname(socketPath), runAs.uid, runAs.gid);
    chownSync(socketPath, runAs.uid, runAs.gid);
    process.setgroups?.([runAs.gid]);
    process.setgid?.(runAs.gid);
    process.setuid?.(runAs.uid);
  } catch (error) {
    return `cannot switch to user ${runAs.user} (uid ${runAs.uid}, gid ${runAs.gid}): ${(error as Error).message}; not running on as root`;
  }
  // Belt and braces: a platform without these calls must not pass for having switched.
  if (process.getuid?.() !== runAs.uid || process.getgid?.() !== runAs.gid) return `the switch to user ${runAs.user} did not take effect; not running on as root`;
  logger.info(`running as user ${runAs.user} (uid ${runAs.uid}, gid ${runAs.gid})`);
  return undefined;
}
