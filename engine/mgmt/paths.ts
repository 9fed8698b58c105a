// Where a daemon's management socket lives by default. MANAGEMENT.md §1.1: n3nctl finds sessions
// as `<rundir>/n3n/<session>/mgmt`; Kith uses the same layout under its own name, or `n3n` when a
// daemon wants `n3nctl -s <session>` to find it.
import { join } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';

export interface SocketPathEnvironment {
  readonly uid: number;
  readonly xdgRuntimeDir: string | undefined;
}

export function currentSocketPathEnvironment(): SocketPathEnvironment {
  return { uid: process.getuid?.() ?? -1, xdgRuntimeDir: process.env['XDG_RUNTIME_DIR'] };
}

/** A session name becomes one path component, so it may not climb or split the path. */
export function isValidSessionName(session: string): boolean {
  return session !== '' && session !== '.' && session !== '..' && !/[/\\\0]/.test(session) && session.length <= 64;
}

/**
 * `/run/<app>/<session>/mgmt` for root, `$XDG_RUNTIME_DIR/<app>/<session>/mgmt` for other users,
 * `/tmp/<app>-<uid>/<session>/mgmt` when XDG_RUNTIME_DIR is unset or not absolute.
 */
export function defaultSocketPath(
  session: string,
  environment: SocketPathEnvironment = currentSocketPathEnvironment(),
  app = 'kith',
): Result<string, 'invalid-session-name'> {
  if (!isValidSessionName(session)) return err('invalid-session-name');
  const { uid, xdgRuntimeDir } = environment;
  if (uid === 0) return ok(join('/run', app, session, 'mgmt'));
  if (xdgRuntimeDir?.startsWith('/') === true) return ok(join(xdgRuntimeDir, app, session, 'mgmt'));
  return ok(join('/tmp', `${app}-${uid}`, session, 'mgmt'));
}
