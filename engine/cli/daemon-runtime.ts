// Pieces of a running daemon shared by kith-edge and kith-supernode: where the management socket
// lives, bringing up the management listeners, and the stop requests (signals or `stop`).
import { randomBytes } from 'node:crypto';
import { rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KithConfig } from '../../shared/config/schema.js';
import { defaultSocketPath, isValidSessionName, type EventPayloads, type Listener, type ManagementServer, type UnixListenError } from '../mgmt/index.js';
import { err, ok, type Result } from '../../shared/result.js';
import type { Logger } from '../log.js';
import { startInBackground, takeDetachedMarker } from './background.js';
import { hideSecretArguments, secretValues } from './secret-arguments.js';
import type { CommandHandler, LoadedSession, Output } from './daemon-cli.js';

/**
 * MANAGEMENT.md §1.1 layout under Kith's name: `<rundir>/<session>/mgmt`. KITH_RUN_DIR replaces the
 * `/run/kith` (or `$XDG_RUNTIME_DIR/kith`) directory; the container image sets it.
 */
export function managementSocketPath(session: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const runDir = env['KITH_RUN_DIR'];
  if (runDir !== undefined && runDir !== '') return isValidSessionName(session) ? join(runDir, session, 'mgmt') : undefined;
  const path = defaultSocketPath(session);
  return path.ok ? path.value : undefined;
}

/**
 * A starting daemon's session socket path, after saying (at info) when no config file was found;
 * undefined, with the error logged, when the session name cannot name a socket directory.
 */
export function sessionSocketPath(session: string, configFile: { readonly path: string; readonly found: boolean }, logger: Logger): string | undefined {
  if (!configFile.found) logger.info(`no config file found for session '${session}' (${configFile.path}); using defaults`);
  const socketPath = managementSocketPath(session, process.env);
  if (socketPath === undefined) logger.error(`session name "${session}" cannot name a management socket directory`);
  return socketPath;
}

const UNIX_LISTEN_PROBLEMS: Readonly<Record<UnixListenError, string>> = {
  'socket-in-use': 'another daemon already serves this session',
  'not-a-socket': 'something other than a socket is in the way',
  'unsafe-directory': 'the directory belongs to another user',
  'mkdir-failed': 'cannot create the directory',
  'chmod-failed': 'cannot apply management.unix_sock_perms',
  'bind-failed': 'cannot listen',
};

/** MANAGEMENT.md §4: n3n's default management password, which every local user knows. */
export const DEFAULT_MANAGEMENT_PASSWORD = 'n3n';
/** Beside the management socket: the random password of the TCP port, when none was set. */
export const TCP_PASSWORD_FILE = 'mgmt-password';

/**
 * The TCP port is open to every local user and to every page their browsers open, so it never
 * accepts n3n's well-known default: without a password of the operator's, it gets a random one,
 * written 0600 beside the socket (a directory listenUnix has checked is ours) and removed at exit.
 */
function randomTcpPassword(socketPath: string, warn: (line: string) => void): string {
  const directory = dirname(socketPath);
  const file = join(directory, TCP_PASSWORD_FILE);
  const password = randomBytes(18).toString('base64url');
  rmSync(file, { force: true });
  writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  process.once('exit', () => {
    rmSync(file, { force: true });
    // The socket is gone by now; the directory goes too once it is empty, as on a run without it.
    try {
      rmdirSync(directory);
    } catch {
      // Not empty or already gone.
    }
  });
  warn(`management.password is n3n's well-known default "${DEFAULT_MANAGEMENT_PASSWORD}": the management TCP port does not take it and asks for a random password, kept in ${file} (the unix socket keeps the default); set management.password_file for one of your own`);
  return password;
}

/**
 * The unix socket, then `management.port` on loopback when set. On failure the error detail is the
 * one line to log; listeners opened so far stay with the server (its close() releases them). warn
 * says when the TCP port would have had n3n's default password (and gets a random one instead).
 */
export async function listenManagement<E extends EventPayloads>(
  server: ManagementServer<E>,
  socketPath: string,
  config: KithConfig,
  warn: (line: string) => void,
): Promise<Result<Listener[], 'listen'>> {
  const unix = await server.listenUnix(socketPath, { perms: config.management.unix_sock_perms });
  if (!unix.ok) {
    const detail = unix.detail === undefined || unix.detail === socketPath ? '' : ` (${unix.detail})`;
    return err('listen', `management socket ${socketPath}: ${UNIX_LISTEN_PROBLEMS[unix.error]}${detail}`);
  }
  const listeners = [unix.value];
  if (config.management.port !== 0) {
    let password: string | undefined;
    if (config.management.password === DEFAULT_MANAGEMENT_PASSWORD) {
      try {
        password = randomTcpPassword(socketPath, warn);
      } catch (error) {
        return err('listen', `management TCP port ${config.management.port}: cannot write its password file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
    const tcp = await server.listenTcp({ port: config.management.port, ...(password === undefined ? {} : { password }) });
    if (!tcp.ok) {
      return err('listen', `management TCP port ${config.management.port}: ${tcp.error === 'port-in-use' ? 'already in use' : `cannot listen (${tcp.detail ?? tcp.error})`}`);
    }
    listeners.push(tcp.value);
  }
  return ok(listeners);
}

export interface StopRequests {
  /** Resolves on the first SIGTERM/SIGINT or request(). */
  readonly requested: Promise<void>;
  /** The signal that asked first; undefined for request() or while nothing asked. */
  readonly signal: NodeJS.Signals | undefined;
  request(): void;
  dispose(): void;
}

/** First SIGTERM/SIGINT (or `stop`) asks for a graceful stop, a second signal exits at once (CONFIG.md §9). */
export function stopRequests(): StopRequests {
  let request: () => void = () => undefined;
  const requested = new Promise<void>((resolve) => (request = resolve));
  let signals = 0;
  let first: NodeJS.Signals | undefined;
  let asked = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) process.exit(0);
    if (!asked) first = signal;
    asked = true;
    request();
  };
  process.on('SIGTERM', onSignal).on('SIGINT', onSignal);
  return {
    requested,
    get signal() {
      return first;
    },
    request: () => ((asked = true), request()),
    dispose: () => void process.off('SIGTERM', onSignal).off('SIGINT', onSignal),
  };
}

/**
 * The `start [session]` command of both daemons (CONFIG.md §2.5): load the session, let the daemon
 * vet its configuration (a one-line problem → exit 1), then run in the foreground, or start a
 * detached copy that reports back once it is ready (`--daemon`).
 */
export function startCommand(
  program: string,
  run: (loaded: LoadedSession, detached: boolean) => Promise<number>,
  vet: (config: KithConfig, output: Output) => string | undefined = () => undefined,
): CommandHandler {
  return ({ args, loadSession, output, commandLine }) => {
    // First, before the daemon runs for long: no secret stays visible in its command line.
    const secrets = secretValues(commandLine.actions);
    hideSecretArguments(program, secrets);
    const loaded = loadSession(args[0]);
    if (!loaded.ok) {
      output.err(`${loaded.detail ?? 'configuration error'}\n`);
      return 1;
    }
    const problem = vet(loaded.value.config, output);
    if (problem !== undefined) {
      output.err(`${program}: ${problem}\n`);
      return 1;
    }
    const detached = takeDetachedMarker();
    if (loaded.value.config.daemon.background && !detached) return startInBackground(program, output, secrets);
    return run(loaded.value, detached);
  };
}
