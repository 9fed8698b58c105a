#!/usr/bin/env node
// kith-edge: the headless edge, a drop-in for n3n-edge (CONFIG.md §2.2, §2.5, §3, §4, §9).
// `start [session]` loads /etc/kith/<session>.conf (or $KITH_CONFIG_DIR), brings the TAP up,
// joins the community and serves the management socket; `--daemon` returns once the edge is
// registered and the TAP has its address, as n3n's tests expect (N3N-TESTS.md §1).
import type { KithConfig } from '../../shared/config/schema.js';
import { dirname } from 'node:path';
import { EdgeSession } from '../edge/api/edge-session.js';
import { createEdgeManagement } from '../edge/api/management.js';
import { loadSessionIdentity, removeSessionIdentity, sessionIdentityFile } from '../edge/api/session-identity.js';
import { edgeSettings } from '../edge/settings.js';
import { openTapPort, tapNameFor } from '../edge/io/tap-port.js';
import { Logger, type LogSink } from '../log.js';
import { builtWebUiDir } from '../mgmt/web-ui-dir.js';
import { LogRing } from '../profiles/log-ring.js';
import { NetworkController } from '../profiles/network-controller.js';
import { desktopExtension } from '../profiles/profile-methods.js';
import { ProfileStore } from '../profiles/profile-store.js';
import { kithVersion } from '../version.js';
import { reportReady } from './background.js';
import { commonOptions, edgeOptions } from './command-line.js';
import { processOutput, runDaemonCli, type DaemonCli } from './daemon-cli.js';
import { listenManagement, sessionSocketPath, startCommand, stopRequests } from './daemon-runtime.js';
import { keygenCommand } from './keygen.js';
import { daemonArguments } from './secret-arguments.js';
import { dropPrivileges } from './privileges.js';

const PROGRAM = 'kith-edge';

const ABOUT = `${PROGRAM} - the Kith edge, speaking the n3n / n2n 3.x protocol

usage: ${PROGRAM} [options...] [command] [command args]

 e.g: ${PROGRAM} start [sessionname]

  Loads /etc/kith/<sessionname>.conf ($KITH_CONFIG_DIR instead of /etc/kith
  when set; session "edge" by default), creates the TAP device named after
  the session (or tuntap.name) and joins the community. Any setting can also
  be given as -O section.option=value.

Some commands for more help:

 ${PROGRAM} help commands
 ${PROGRAM} help options
 ${PROGRAM} help config
`;

/** CONFIG.md §4 start-time adjustments, each announced with a warning; no secret is logged. */
function applyStartTimeAdjustments(config: KithConfig, logger: Logger): void {
  const { community, auth } = config;
  if (community.key !== undefined && community.key !== '' && community.cipher === 'null') {
    community.cipher = 'AES';
    logger.warn('community.key is set without community.cipher: using AES');
  }
  if (auth.password !== undefined) {
    community.header_encryption = 'true';
    if (auth.pubkey === undefined) logger.warn('auth.pubkey is not set: using the default federation key (for testing only)');
  }
}

/** CONFIG.md §6 "Edge start-up validation", but with a one-line reason and a non-zero exit. */
function startUpProblem(config: KithConfig): string | undefined {
  if (config.community.name === undefined) return 'no community: set community.name (-c <name>)';
  if (config.community.supernode.length === 0) return 'no supernode: set community.supernode (-l <host:port>)';
  const settings = edgeSettings(config);
  return settings.ok ? undefined : (settings.detail ?? 'invalid configuration');
}

/** Resolves once the edge is registered and, unless DHCP does it, the TAP carries its address. */
function readiness(edge: EdgeSession, addressConfigured: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let addressReady = edge.settings.addressMode === 'dhcp';
    const check = (): void => {
      if (!addressReady || edge.status().state !== 'registered') return;
      edge.events.off('state-changed', check);
      resolve();
    };
    edge.events.on('state-changed', check);
    void addressConfigured.then(() => {
      addressReady = true;
      check();
    });
  });
}

async function runEdge(session: string, config: KithConfig, configFile: { path: string; found: boolean }, detached: boolean): Promise<number> {
  let sink: LogSink = { write: (line) => process.stderr.write(line) };
  let edge: EdgeSession | undefined;
  const ring = new LogRing(500, () => [edge?.config.community.key, edge?.config.auth.password, edge?.config.management.password]);
  const logger = new Logger(config.logging.verbose, ring.tee({ write: (line, entry) => sink.write(line, entry) }));
  const stop = stopRequests();
  try {
    const socketPath = sessionSocketPath(session, configFile, logger);
    if (socketPath === undefined) return 1;

    // The MAC and token survive a crash, so a restart registers at once (session-identity.ts).
    const identityFile = sessionIdentityFile(socketPath);
    const { identity, problem } = loadSessionIdentity(identityFile);
    if (problem !== undefined) logger.warn(problem);

    let lost: string | undefined;
    let markAddressConfigured: () => void = () => undefined;
    const addressConfigured = new Promise<void>((resolve) => (markAddressConfigured = resolve));
    const opened = await EdgeSession.open({
      config,
      logger,
      portName: (c) => tapNameFor(session, c.tuntap.name),
      openPort: async (name, c) => {
        const tap = await openTapPort({
          name,
          mtu: c.tuntap.mtu,
          mac: c.tuntap.macaddr ?? identity.mac,
          onLost: (reason) => {
            lost = reason;
            stop.request();
          },
        });
        if (!tap.ok) return tap;
        logger.normal(`TAP ${tap.value.name} is up (MTU ${tap.value.mtu})`);
        return tap;
      },
      onAddressConfigured: () => markAddressConfigured(),
      edgeOptions: { authToken: identity.token },
    });
    if (!opened.ok) {
      logger.error(opened.detail ?? 'cannot open the TAP device');
      return 1;
    }
    edge = opened.value;
    const ready = readiness(edge, addressConfigured);

    // kith.settings.set writes back to the file this session was loaded from.
    const network = new NetworkController({ session: edge, store: new ProfileStore(dirname(configFile.path)), profile: session, log: ring, logger });
    // `stop` answers first; the shutdown starts once the reply has been written.
    const webUiDir = builtWebUiDir();
    const management = createEdgeManagement({
      edge,
      session,
      config,
      logger,
      version: kithVersion(),
      tapName: edge.portName,
      requestStop: () => setImmediate(() => stop.request()),
      log: (line) => logger.warn(line),
      extension: desktopExtension(network, edge, (line) => logger.normal(line)),
      // The desktop window for headless machines, on management.port behind the password.
      ...(webUiDir === undefined ? {} : { webUiDir }),
    });
    const running = edge;
    const shutDown = async (): Promise<void> => {
      // The management server first, as the desktop does: its extensions end what they run over the
      // VPN (a help session tells its peer) while the edge still carries it.
      await management.close();
      // close() unregisters: the supernode frees MAC and address, and the pair is not needed again.
      await running.close();
      removeSessionIdentity(identityFile);
      edge = undefined;
    };
    const listening = await listenManagement(management.server, socketPath, config, (line) => logger.warn(line));
    if (!listening.ok) {
      logger.error(listening.detail ?? 'cannot open the management interface');
      await shutDown();
      return 1;
    }
    logger.normal(`management interface on ${listening.value.flatMap((listener) => listener.addresses).join(', ')}`);

    try {
      await edge.connect();
    } catch (error) {
      logger.error(`cannot open the edge's sockets: ${(error as Error).message}`);
      await shutDown();
      return 1;
    }

    // CONFIG.md §9: a stop before the first registration (bootstrap) exits 1, as n3n does.
    const bootstrapped = await Promise.race([ready.then(() => true), stop.requested.then(() => false)]);
    // The edge keeps root until the TAP is configured (CONFIG.md §6 [daemon]).
    const refused = bootstrapped ? dropPrivileges(config.daemon.userid, config.daemon.groupid, socketPath, logger) : undefined;
    if (refused !== undefined) {
      logger.error(refused);
    } else if (bootstrapped) {
      if (detached) reportReady(PROGRAM, (syslog) => (sink = syslog));
      await stop.requested;
    }
    if (lost !== undefined) logger.error(lost);
    logger.normal('stopping');
    await shutDown();
    return bootstrapped && lost === undefined && refused === undefined ? 0 : 1;
  } finally {
    await edge?.close();
    stop.dispose();
  }
}

const start = startCommand(
  PROGRAM,
  ({ session, config, configFile }, detached) => runEdge(session, config, configFile, detached),
  (config, output) => {
    const logger = new Logger(config.logging.verbose, { write: (line) => output.err(line) });
    applyStartTimeAdjustments(config, logger);
    const problem = startUpProblem(config);
    // Nothing else would say it: a keyless edge registers fine, and only its peers' packets fail.
    if (problem === undefined && (config.community.key ?? '') === '') logger.warn('community.key is not set: this edge sends its traffic unencrypted and cannot talk to edges that use a key');
    return problem;
  },
);

const edgeCli: DaemonCli = {
  program: PROGRAM,
  role: 'edge',
  defaultSession: 'edge',
  about: ABOUT,
  options: [...commonOptions, ...edgeOptions],
  commands: {
    start: { summary: '[sessionname] - starts the session', run: start },
    tools: { summary: '', sub: { keygen: { summary: '<user> <password> | <federation> - generate public keys', run: keygenCommand } } },
  },
};

process.exit(await runDaemonCli(edgeCli, daemonArguments(), processOutput));
