// A supernode inside another program: the desktop's first network is hosted by the computer that
// made it. It binds where it is told and logs its warnings through the host's logger; a port in use
// means a supernode already serves there, which does as well.
import { defaultConfig } from '../engine/config/load.js';
import { Logger, LogLevel } from '../engine/log.js';
import { Supernode } from './supernode.js';

export interface EmbeddedSupernode {
  close(): Promise<void>;
}

export async function startEmbeddedSupernode(bind: { readonly address: string; readonly port: number }, logger: Logger): Promise<EmbeddedSupernode | undefined> {
  const config = defaultConfig('supernode');
  config.connection.bind = { address: bind.address, port: bind.port };
  try {
    const supernode = await Supernode.start({ config, logger: new Logger(LogLevel.Warning, { write: (_line, entry) => (entry === undefined ? undefined : logger.warn(`supernode: ${entry.text}`)) }) });
    logger.normal(`local supernode on ${bind.address}:${bind.port}`);
    return supernode;
  } catch (error) {
    logger.warn(`no local supernode: ${(error as Error).message}`);
    return undefined;
  }
}
