// `--daemon` / daemon.background=true for both daemons. Node cannot fork(), so the program starts a
// detached copy of itself and returns once that copy reports ready (supernode: sockets open; edge:
// registered and the TAP configured), or with the copy's exit status when start-up fails; n3n's
// tests rely on `start … --daemon` returning only then (N3N-TESTS.md §1).
// Start-up messages of the copy are relayed to this terminal; afterwards it logs to syslog through
// logger(1) when present, as n3n switches to syslog (CONFIG.md §10). Under systemd run in the
// foreground instead (Type=simple, the shipped units).
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Output } from './daemon-cli.js';
import type { LogSink } from '../log.js';
import { argumentHandover } from './secret-arguments.js';

/** Set in the environment of the detached copy; internal to this module. */
const DETACHED_ENV = 'KITH_DAEMON_DETACHED';
const READY_MESSAGE = 'kith-daemon-ready';
const READY_TIMEOUT_MS = 30_000;

/** True in the detached copy; also removes the marker so nothing the daemon starts inherits it. */
export function takeDetachedMarker(env: NodeJS.ProcessEnv = process.env): boolean {
  const detached = env[DETACHED_ENV] === '1';
  delete env[DETACHED_ENV];
  return detached;
}

/**
 * Parent side: starts the detached copy and resolves to this command's exit status. `secrets` are
 * the command line's secret values: the copy's visible arguments never carry them.
 */
export function startInBackground(program: string, output: Output, secrets: readonly string[]): Promise<number> {
  const handover = argumentHandover(process.argv.slice(2), secrets);
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? '', ...handover.args], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, ...handover.env, [DETACHED_ENV]: '1' },
  });
  child.stderr?.on('data', (chunk: Buffer) => output.err(chunk.toString('utf8')));
  return new Promise((resolve) => {
    const finish = (status: number): void => {
      clearTimeout(guard);
      child.removeAllListeners();
      resolve(status);
    };
    const guard = setTimeout(() => {
      output.err(`${program}: the background process did not report ready within ${READY_TIMEOUT_MS / 1000} s; stopping it\n`);
      child.kill('SIGKILL');
      finish(1);
    }, READY_TIMEOUT_MS);
    child.once('error', (error) => {
      output.err(`${program}: cannot start the background process: ${error.message}\n`);
      finish(1);
    });
    // 'close' rather than 'exit': the last start-up lines may still be in the stderr pipe.
    child.once('close', (code) => finish(code ?? 1));
    child.on('message', (message) => {
      if (message !== READY_MESSAGE) return;
      output.err(`${program}: running in the background as process ${child.pid ?? '?'}\n`);
      child.stderr?.destroy();
      child.disconnect();
      child.unref();
      finish(0);
    });
  });
}

/** Child side: from now on log to syslog, then tell the parent it may return. */
export function reportReady(program: string, switchLog: (sink: LogSink) => void): void {
  switchLog(syslogSink(program));
  // The parent closes our stderr once it returns; a late write must not crash the daemon.
  process.stderr.on('error', () => undefined);
  process.send?.(READY_MESSAGE, () => process.disconnect?.());
}

function syslogSink(program: string): LogSink {
  const logger = spawn('logger', ['-t', `${program}[${process.pid}]`, '-p', 'daemon.info'], { stdio: ['pipe', 'ignore', 'ignore'] });
  let usable = true;
  logger.once('error', () => (usable = false));
  logger.stdin?.on('error', () => (usable = false));
  // logger(1) ends with our stdin at exit; it must not keep the daemon alive.
  logger.unref();
  (logger.stdin as Socket | null)?.unref();
  return { write: (line) => void (usable && logger.stdin?.write(line)) };
}
