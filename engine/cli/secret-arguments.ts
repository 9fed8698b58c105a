// Secrets given on the command line (`-k <key>`, `-O community.key=…`, `-O management.password=…`,
// any option the schema marks secret) must not stay readable by every local user in
// /proc/<pid>/cmdline and ps. n3n overwrites its argv; Node copies argv away at start, but setting
// process.title makes libuv overwrite the whole original argv area (and the kernel then shows
// that), so the daemon's visible command line becomes the masked one. The copy `--daemon` starts
// is given the masked arguments and receives the real ones in its environment, which only its own
// user and root can read, and which is taken out of process.env before anything else starts.
// Between exec and this masking (module loading) the arguments are visible: `-K <file>` and
// `management.password_file` keep secrets off the command line altogether.
import { optionSpec } from '../../shared/config/schema.js';
import type { OptionAction } from './command-line.js';

/** Internal to this module and background.ts: the real arguments of a `--daemon` copy. */
const ARGUMENTS_ENV = 'KITH_DAEMON_ARGS';
const MASK = '***';

/** The values of settings whose option the schema marks secret, in command-line order. */
export function secretValues(actions: readonly OptionAction[]): string[] {
  return actions.flatMap((action) =>
    action.kind === 'set' && action.setting.value !== '' && optionSpec(action.setting.section, action.setting.option)?.secret === true ? [action.setting.value] : [],
  );
}

/** argv with every occurrence of a secret value replaced by `***` (so `-kabc` shows as `-k***`). */
export function maskSecrets(argv: readonly string[], secrets: readonly string[]): string[] {
  // Longest first, so a secret that contains another is masked whole.
  const ordered = [...new Set(secrets)].sort((a, b) => b.length - a.length);
  return argv.map((arg) => ordered.reduce((text, secret) => text.split(secret).join(MASK), arg));
}

/** Overwrites this process's visible command line when it holds a secret; true if it did. */
export function hideSecretArguments(program: string, secrets: readonly string[], argv: readonly string[] = process.argv.slice(2)): boolean {
  const masked = maskSecrets(argv, secrets);
  if (masked.every((arg, index) => arg === argv[index])) return false;
  process.title = [program, ...masked].join(' ');
  return true;
}

/** The daemon's arguments: handed over by the process that started it in the background, else argv. */
export function daemonArguments(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): string[] {
  const handed = env[ARGUMENTS_ENV];
  delete env[ARGUMENTS_ENV];
  if (handed === undefined) return [...argv];
  try {
    const parsed: unknown = JSON.parse(handed);
    if (Array.isArray(parsed) && parsed.every((arg) => typeof arg === 'string')) return parsed;
  } catch {
    // Not ours after all: fall back to the visible arguments.
  }
  return [...argv];
}

/** What the background copy is started with: masked arguments, and the real ones when they differ. */
export function argumentHandover(argv: readonly string[], secrets: readonly string[]): { readonly args: string[]; readonly env: NodeJS.ProcessEnv } {
  const masked = maskSecrets(argv, secrets);
  const same = masked.every((arg, index) => arg === argv[index]);
  return { args: masked, env: same ? {} : { [ARGUMENTS_ENV]: JSON.stringify(argv) } };
}
