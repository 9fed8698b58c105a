#!/usr/bin/env -S node --max-semi-space-size=1
// kith-supernode: the program around the supernode engine, a drop-in for n3n-supernode
// (CONFIG.md §2.3, §2.5, §3, §9): `start [session]` loads /etc/kith/<session>.conf (or
// $KITH_CONFIG_DIR), serves UDP/TCP and the management socket, and stops on SIGTERM/SIGINT or the
// management `stop` call.
// The V8 flag on the first line (launchers copy it: build/debian, build/container, the benchmark):
// the supernode's garbage is short-lived and small, and young-generation semi-spaces of 1 MiB
// instead of up to 16 MiB keep its resident memory at 10,000 edges about 25 MiB lower without
// costing relay throughput (docs/supernode-benchmark.md).
import { reportReady } from '../engine/cli/background.js';
import { commonOptions } from '../engine/cli/command-line.js';
import { processOutput, runDaemonCli, type DaemonCli } from '../engine/cli/daemon-cli.js';
import { listenManagement, sessionSocketPath, startCommand, stopRequests } from '../engine/cli/daemon-runtime.js';
import { dropPrivileges } from '../engine/cli/privileges.js';
import { daemonArguments } from '../engine/cli/secret-arguments.js';
import type { KithConfig } from '../shared/config/schema.js';
import { Logger, type LogSink } from '../engine/log.js';
import { createSupernodeManagement } from './management.js';
import { Supernode } from './supernode.js';

const PROGRAM = 'kith-supernode';
/** CONFIG.md §9: n3n exits with -2 when the UDP/TCP sockets cannot be opened. */
const EXIT_BIND_FAILED = 254;

const ABOUT = `${PROGRAM} - the Kith supernode, speaking the n3n / n2n 3.x protocol

usage: ${PROGRAM} [options...] [command] [command args]

 e.g: ${PROGRAM} start [sessionname]

  Loads /etc/kith/<sessionname>.conf ($KITH_CONFIG_DIR instead of /etc/kith
  when set; session "supernode" by default) and runs the supernode. Any
  setting can also be given as -O section.option=value.

Some commands for more help:

 ${PROGRAM} help commands
 ${PROGRAM} help options
 ${PROGRAM} help config
`;

interface ErrnoError extends Error {
  readonly code: string;
  readonly syscall: string;
  readonly port?: number;
  readonly address?: string;
}

function isErrnoError(error: unknown): error is ErrnoError {
  return error instanceof Error && typeof (error as Partial<ErrnoError>).code === 'string' && typeof (error as Partial<ErrnoError>).syscall === 'string';
}

/** One line for an operator; dgram reports failures as `bind`, the TCP listener as `listen`. */
function bindFailure(error: ErrnoError, config: KithConfig): string {
  const protocol = error.syscall === 'listen' ? 'TCP' : 'UDP';
  const port = error.port ?? config.connection.bind?.port ?? 0;
  switch (error.code) {
    case 'EADDRINUSE':
      return `${protocol} port ${port} is already in use`;
    case 'EACCES':
      return `${protocol} port ${port}: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)`;
    case 'EADDRNOTAVAIL':
      return `${protocol} port ${port}: address ${error.address ?? ''} is not available on this host`;
    default:
      return `${protocol} port ${port}: cannot open the socket (${error.code})`;
  }
}

async function runSupernode(session: string, config: KithConfig, configFile: { path: string; found: boolean }, detached: boolean): Promise<number> {
  let sink: LogSink = { write: (line) => process.stderr.write(line) };
  const logger = new Logger(config.logging.verbose, { write: (line) => sink.write(line) });
  const stop = stopRequests();
  try {
    const socketPath = sessionSocketPath(session, configFile, logger);
    if (socketPath === undefined) return 1;

    let supernode: Supernode;
    try {
      supernode = await Supernode.start({ config, logger });
    } catch (error) {
      if (isErrnoError(error)) {
        logger.error(bindFailure(error, config));
        return EXIT_BIND_FAILED;
      }
      // The community file's problems come with the file name (community-file.ts).
      logger.error(error instanceof Error ? error.message : String(error));
      return 1;
    }

    // `stop` answers first; the shutdown starts once the reply has been written.
    const management = createSupernodeManagement({ supernode, session, config, requestStop: () => setImmediate(() => stop.request()), log: (line) => logger.warn(line) });
    const shutDown = async (): Promise<void> => {
      await management.close();
      await supernode.close();
    };
    const listening = await listenManagement(management.server, socketPath, config, (line) => logger.warn(line));
    if (!listening.ok) {
      logger.error(listening.detail ?? 'cannot open the management interface');
      await shutDown();
      return 1;
    }
    const listeners = listening.value;
    const refused = dropPrivileges(config.daemon.userid, config.daemon.groupid, socketPath, logger);
    if (refused !== undefined) {
      logger.error(refused);
      await shutDown();
      return 1;
    }
    logger.normal(`management interface on ${listeners.flatMap((listener) => listener.addresses).join(', ')}`);
    if (detached) reportReady(PROGRAM, (syslog) => (sink = syslog));

    await stop.requested;
    logger.normal('stopping');
    await shutDown();
    return 0;
  } finally {
    stop.dispose();
  }
}

const start = startCommand(PROGRAM, ({ session, config, configFile }, detached) => runSupernode(session, config, configFile, detached));

const supernodeCli: DaemonCli = {
  program: PROGRAM,
  role: 'supernode',
  defaultSession: 'supernode',
  about: ABOUT,
  options: commonOptions,
  commands: { start: { summary: '[sessionname] - starts session', run: start } },
};

process.exit(await runDaemonCli(supernodeCli, daemonArguments(), processOutput));
