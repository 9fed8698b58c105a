// Binding the management interface (MANAGEMENT.md §1): a unix socket, optionally TCP on loopback.
import { Server as HttpServer } from 'node:http';
import { chmod, lstat, mkdir, rmdir, stat, unlink } from 'node:fs/promises';
import { connect, type ListenOptions, type Server } from 'node:net';
import { dirname } from 'node:path';
import { err, ok, type Result } from '../../shared/result.js';

export type UnixListenError =
  | 'socket-in-use' // a live daemon still answers on the path
  | 'not-a-socket' // something other than a socket is in the way; never deleted
  | 'unsafe-directory' // the socket directory belongs to another user
  | 'mkdir-failed'
  | 'chmod-failed'
  | 'bind-failed';

export type TcpListenError = 'port-in-use' | 'bind-failed';

export interface Listener {
  /** `unix:<path>` or `tcp:<host>:<port>` (host in brackets for IPv6). */
  readonly addresses: readonly string[];
  /** Stops accepting, closes the listener's open connections, removes its socket file. */
  close(): Promise<void>;
}

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function listen(server: Server, options: ListenOptions): Promise<string | undefined> {
  return new Promise((resolve) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      resolve(errnoCode(error) ?? 'UNKNOWN');
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(undefined);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options);
  });
}

/** Stops accepting and ends open connections, keep-alive and event streams included. */
function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  if (server instanceof HttpServer) server.closeAllConnections();
  return closed;
}

/** Whether a daemon accepts connections on the socket path (a refused connect means it is stale). */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path });
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

async function ownedByUsOrRoot(path: string): Promise<boolean> {
  const info = await lstat(path);
  const uid = process.getuid?.() ?? 0;
  return info.isDirectory() && (info.uid === uid || info.uid === 0);
}

async function removeStaleSocket(path: string): Promise<Result<void, UnixListenError>> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    return errnoCode(error) === 'ENOENT' ? ok(undefined) : err('bind-failed', errnoCode(error));
  }
  if (!info.isSocket()) return err('not-a-socket', path);
  // MANAGEMENT.md §1.1: n3n unlinks unconditionally and silently steals a running daemon's socket.
  if (await socketAnswers(path)) return err('socket-in-use', path);
  await unlink(path).catch(() => undefined);
  return ok(undefined);
}

export interface UnixListenOptions {
  /** `management.unix_sock_perms`; 0 or unset leaves the umask's mode (MANAGEMENT.md §1.1 step 4). */
  readonly perms?: number;
}

export async function listenUnix(
  server: Server,
  path: string,
  options: UnixListenOptions = {},
): Promise<Result<Listener, UnixListenError>> {
  const directory = dirname(path);
  try {
    await mkdir(directory, { recursive: true, mode: 0o755 });
  } catch (error) {
    return err('mkdir-failed', errnoCode(error));
  }
  // Another user owning the directory (or its parent) could swap our socket for theirs.
  const safe = await Promise.all([ownedByUsOrRoot(directory), ownedByUsOrRoot(dirname(directory))]).catch(() => [false]);
  if (safe.includes(false)) return err('unsafe-directory', directory);

  const stale = await removeStaleSocket(path);
  if (!stale.ok) return stale;
  const code = await listen(server, { path });
  if (code !== undefined) return code === 'EADDRINUSE' ? err('socket-in-use', path) : err('bind-failed', code);
  const { ino } = await stat(path);

  const close = async (): Promise<void> => {
    const closed = closeServer(server);
    // Only our own socket is removed: a successor daemon may already have bound a new one here.
    const current = await stat(path).catch(() => undefined);
    if (current?.ino === ino) await unlink(path).catch(() => undefined);
    await rmdir(directory).catch(() => undefined);
    await closed;
  };
  if (options.perms !== undefined && options.perms !== 0) {
    try {
      await chmod(path, options.perms);
    } catch (error) {
      await close();
      return err('chmod-failed', errnoCode(error));
    }
  }
  return ok({ addresses: [`unix:${path}`], close });
}

export interface TcpListenOptions {
  readonly port: number;
  /** Default: loopback only, `::1` (what n3n binds) and `127.0.0.1` (MANAGEMENT.md §1.2). */
  readonly host?: string;
}

// Loopback addresses a host may lack (no IPv6, or no IPv4 loopback in a container).
const MISSING_ADDRESS = new Set(['EADDRNOTAVAIL', 'EAFNOSUPPORT']);

/** `makeServer` is called once per bound address; each gets its own server sharing one handler. */
export async function listenTcp(
  makeServer: () => Server,
  options: TcpListenOptions,
): Promise<Result<Listener, TcpListenError>> {
  const hosts = options.host === undefined ? ['::1', '127.0.0.1'] : [options.host];
  const servers: Server[] = [];
  const addresses: string[] = [];
  let port = options.port;
  for (const host of hosts) {
    const server = makeServer();
    const code = await listen(server, { host, port });
    if (code === undefined) {
      const bound = server.address();
      if (bound !== null && typeof bound === 'object') port = bound.port;
      servers.push(server);
      addresses.push(`tcp:${host.includes(':') ? `[${host}]` : host}:${port}`);
    } else if (!(hosts.length > 1 && MISSING_ADDRESS.has(code))) {
      await Promise.all(servers.map(closeServer));
      return err(code === 'EADDRINUSE' ? 'port-in-use' : 'bind-failed', `${host}: ${code}`);
    }
  }
  if (servers.length === 0) return err('bind-failed', 'no loopback address available');
  return ok({ addresses, close: async () => void (await Promise.all(servers.map(closeServer))) });
}
