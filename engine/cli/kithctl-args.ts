// kithctl's command line: target (session, URL or socket), password, output format, command.
import { readSecretFile } from '../config/secret-files.js';
import type { ManagementTarget } from '../mgmt/index.js';
import { managementSocketPath } from './daemon-runtime.js';

export interface Invocation {
  readonly target: ManagementTarget;
  /** How to name the target in errors. */
  readonly where: string;
  readonly password: string | undefined;
  readonly json: boolean;
  readonly command: string;
  readonly args: readonly string[];
}

/** A command-line mistake. */
export class UsageError extends Error {}

/** `-h`/`--help` and `-V`/`--version` answer without talking to a daemon. */
export type Request = Invocation | 'help' | 'version';

function parseTarget(url: string): ManagementTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`-u ${url}: not a URL (want http://host:port)`);
  }
  if (parsed.protocol !== 'http:' || parsed.port === '') throw new UsageError(`-u ${url}: want http://host:port`);
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(parsed.port) };
}

/** The password from a file only its owner can read, as the daemons read theirs. */
function passwordFrom(path: string): string {
  const read = readSecretFile(path, '--password-file');
  if (!read.ok) throw new UsageError(read.detail ?? `--password-file ${path}: cannot read it`);
  return read.value;
}

export function parseArguments(argv: readonly string[], env: NodeJS.ProcessEnv): Request {
  let session = 'edge';
  let target: ManagementTarget | undefined;
  let where: string | undefined;
  let password: string | undefined;
  let json = false;
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    // Options may stand before or after the command; after it, anything else is an argument.
    if (arg === '-s') session = value();
    else if (arg === '-u') [where, target] = ((url) => [url, parseTarget(url)])(value());
    else if (arg === '--socket') [where, target] = ((path) => [path, { socketPath: path }])(value());
    else if (arg === '-k') password = value();
    else if (arg === '--password-file') password = passwordFrom(value());
    else if (arg === '--json') json = true;
    else if (arg === '-h' || arg === '--help') return 'help';
    else if (arg === '-V' || arg === '--version') return 'version';
    else if (arg.startsWith('-') && words.length === 0) throw new UsageError(`unknown option ${arg}`);
    else words.push(arg);
  }
  if (target === undefined) {
    const path = managementSocketPath(session, env);
    if (path === undefined) throw new UsageError(`bad session name "${session}"`);
    target = { socketPath: path };
    where = path;
  }
  const [command, ...args] = words;
  if (command === undefined) throw new UsageError('no command');
  return { target, where: where ?? '', password, json, command, args };
}
