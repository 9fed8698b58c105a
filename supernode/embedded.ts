// A supernode inside another program: the desktop hosts the networks it creates with one. It
// listens on every interface (IPv4 and IPv6, UDP and TCP: '::' is dual-stack) on the port asked for
// or, when another program holds that one, the next free one, admits only the communities and users
// of the host's community file, and logs its warnings through the host's logger.
import { defaultConfig } from '../engine/config/load.js';
import { Logger, LogLevel } from '../engine/log.js';
import type { AdmitUser } from './context.js';
import { Supernode } from './supernode.js';

/** How many ports from the asked one are tried before giving up. */
const PORT_ATTEMPTS = 10;

export interface EmbeddedSupernodeOptions {
  /** The port wanted; the next free one above it when taken. */
  readonly port: number;
  /** The community file (CONFIG.md §8) naming the hosted community and its users. */
  readonly communityFile: string;
  /** The host's say on which device may use which user (an invite works for one device). */
  readonly admitUser?: AdmitUser;
}

export interface EmbeddedSupernode {
  /** The port it listens on, UDP and TCP. */
  readonly port: number;
  /** Re-reads the community file (a user added or removed); false when it could not be used. */
  reloadCommunities(): boolean;
  /** The users of `community` with a registered device, each with the time it registered (ms since the epoch). */
  registeredUsers(community: string): ReadonlyMap<string, number>;
  close(): Promise<void>;
}

const inUse = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'EADDRINUSE';

export async function startEmbeddedSupernode(options: EmbeddedSupernodeOptions, logger: Logger): Promise<EmbeddedSupernode | undefined> {
  const quiet = new Logger(LogLevel.Warning, { write: (_line, entry) => (entry === undefined ? undefined : logger.warn(`supernode: ${entry.text}`)) });
  for (let port = options.port; port < options.port + PORT_ATTEMPTS && port <= 65535; port++) {
    const config = defaultConfig('supernode');
    config.connection.bind = { address: '::', port };
    config.supernode.community_file = options.communityFile;
    try {
      const supernode = await Supernode.start({ config, logger: quiet, ...(options.admitUser === undefined ? {} : { admitUser: options.admitUser }) });
      logger.normal(`local supernode on port ${port} (UDP and TCP, every interface)`);
      return {
        port,
        reloadCommunities: () => supernode.reloadCommunities() === 0,
        registeredUsers: (community) => supernode.userRegistrations(community),
        close: () => supernode.close(),
      };
    } catch (error) {
      if (inUse(error)) continue;
      logger.warn(`no local supernode: ${(error as Error).message}`);
      return undefined;
    }
  }
  logger.warn(`no local supernode: ports ${options.port} to ${options.port + PORT_ATTEMPTS - 1} are all in use`);
  return undefined;
}
