// The command words shared by kith-edge and kith-supernode (CONFIG.md §2.5): `start [session]`,
// `help …`, `debug config …`, plus daemon-specific commands. Loading a session's configuration
// (defaults → file → environment → command line) lives here so both daemons agree on it.
import { dumpConfig } from '../config/dump.js';
import { applySetting, buildConfig, environmentDefaults, resolveSessionFile, settingsFromEnvironment, settingsFromFile } from '../config/load.js';
import type { Role } from '../../shared/config/option.js';
import type { KithConfig } from '../../shared/config/schema.js';
import { applySecretFiles } from '../config/secret-files.js';
import { ok, type Result } from '../../shared/result.js';
import { kithVersion } from '../version.js';
import { describeOptions, parseCommandLine, type OptionAction, type OptionSpecCli, type ParsedCommandLine } from './command-line.js';

export const DEFAULT_CONFIG_DIR = '/etc/kith';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export interface LoadedSession {
  readonly session: string;
  readonly config: KithConfig;
  /** Where the file was looked for, and whether it existed. */
  readonly configFile: { readonly path: string; readonly found: boolean };
}

export interface CommandContext {
  readonly args: readonly string[];
  readonly commandLine: ParsedCommandLine;
  readonly output: Output;
  /** Loads the session named by args[0] (or the daemon's default session). */
  readonly loadSession: (sessionWord?: string) => Result<LoadedSession, 'config'>;
}

/** A command returns its exit status, or a promise of it for long-running ones (`start`). */
export type CommandHandler = (context: CommandContext) => number | Promise<number>;

export interface CommandTree {
  readonly [word: string]: { readonly summary: string; readonly run?: CommandHandler; readonly sub?: CommandTree };
}

export interface DaemonCli {
  readonly program: string;
  readonly role: Role;
  readonly defaultSession: string;
  readonly about: string;
  readonly options: readonly OptionSpecCli[];
  /** Daemon-specific commands (`start`, `tools`, …); `help` and `debug` are added here. */
  readonly commands: CommandTree;
  readonly env?: NodeJS.ProcessEnv;
  readonly configDir?: string;
}

/** Loads defaults, the session file, the environment and the command line, in that order. */
export function loadSession(cli: DaemonCli, sessionWord: string, actions: readonly OptionAction[]): Result<LoadedSession, 'config'> {
  const env = cli.env ?? process.env;
  const file = resolveSessionFile(sessionWord, cli.configDir ?? env.KITH_CONFIG_DIR ?? DEFAULT_CONFIG_DIR);
  const fromFile = settingsFromFile(file.path, file.required);
  if (!fromFile.ok) return fromFile;
  const settings = [...environmentDefaults(cli.role, env), ...fromFile.value, ...settingsFromEnvironment(env)];
  const base = buildConfig(cli.role, settings);
  if (!base.ok) return base;
  const config = base.value;
  // Command-line options apply in order; -v counts from the verbosity in force at that point.
  for (const action of actions) {
    if (action.kind === 'more-verbose') {
      config.logging.verbose += 1;
      continue;
    }
    const applied = applySetting(config, action.setting);
    if (!applied.ok) return applied;
  }
  const secrets = applySecretFiles(config);
  if (!secrets.ok) return secrets;
  return ok({ session: file.session, config, configFile: { path: file.path, found: fromFile.value.length > 0 || file.required } });
}

function listCommands(tree: CommandTree, indent: string): string {
  return Object.entries(tree)
    .map(([word, node]) => `${indent}${word.padEnd(10)} ${node.sub ? '->' : node.summary}\n${node.sub ? listCommands(node.sub, `${indent}  `) : ''}`)
    .join('');
}

/** The `-V` line of all three programs. */
export function versionBanner(program: string): string {
  return `${program} ${kithVersion()} (Kith; speaks the n3n/n2n 3.x protocol)\n`;
}

function builtinCommands(cli: DaemonCli): CommandTree {
  const version = versionBanner(cli.program);
  return {
    help: {
      summary: '',
      sub: {
        about: { summary: 'Basic command help', run: ({ output }) => (output.out(cli.about), 0) },
        commands: { summary: 'Show all possible commandline commands', run: ({ output }) => (output.out(listCommands(allCommands(cli), ' ')), 0) },
        config: {
          summary: 'Show all the config file help text',
          run: ({ output }) => {
            output.out(`# The configuration file /etc/kith/<session>.conf uses these sections and options.\n# Set any of them on the command line with -O section.option=value.\n\n`);
            output.out(dumpConfig(loadDefaults(cli), 4, cli.role));
            return 0;
          },
        },
        options: { summary: 'Describe all commandline options', run: ({ output }) => (output.out(describeOptions(cli.options)), 0) },
        version: { summary: 'Show the version', run: ({ output }) => (output.out(version), 0) },
      },
    },
    debug: {
      summary: '',
      sub: {
        config: {
          summary: '',
          sub: {
            dump: {
              summary: '[level] - just dump the default config',
              run: ({ args, output }) => {
                const level = args[0] === undefined ? 1 : Number(args[0]);
                if (!Number.isInteger(level) || level < 0) {
                  output.err(`debug config dump: level must be a whole number, not "${args[0] ?? ''}"\n`);
                  return 1;
                }
                output.out(dumpConfig(loadDefaults(cli), level));
                return 0;
              },
            },
            load_dump: {
              summary: '[sessionname] - load from all normal sources, then dump',
              run: ({ args, output, loadSession: load }) => {
                const loaded = load(args[0]);
                if (!loaded.ok) {
                  output.err(`${loaded.detail ?? 'configuration error'}\n`);
                  return 1;
                }
                output.out(dumpConfig(loaded.value.config, 1));
                return 0;
              },
            },
          },
        },
      },
    },
  };
}

function loadDefaults(cli: DaemonCli): KithConfig {
  const built = buildConfig(cli.role, []);
  if (!built.ok) throw new Error('the built-in defaults must always load');
  return built.value;
}

function allCommands(cli: DaemonCli): CommandTree {
  return { ...builtinCommands(cli), ...cli.commands };
}

/** Parses argv, finds the command and runs it; resolves to the process exit status. */
export async function runDaemonCli(cli: DaemonCli, argv: readonly string[], output: Output = processOutput): Promise<number> {
  const parsed = parseCommandLine(argv, cli.options);
  if (!parsed.ok) {
    output.err(`${cli.program}: ${parsed.detail ?? 'bad command line'}\nTry ${cli.program} -h for help\n`);
    return 1;
  }
  const commandLine = parsed.value;
  for (const ignored of commandLine.ignored) output.err(`${cli.program}: option ${ignored} is not used and was ignored\n`);
  const tree = allCommands(cli);
  if (commandLine.version) return runWords(cli, tree, ['help', 'version'], commandLine, output);
  if (commandLine.help) return runWords(cli, tree, ['help', 'about'], commandLine, output);
  return runWords(cli, tree, commandLine.words, commandLine, output);
}

async function runWords(cli: DaemonCli, tree: CommandTree, words: readonly string[], commandLine: ParsedCommandLine, output: Output): Promise<number> {
  let level = tree;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    const node = Object.hasOwn(level, word) ? level[word] : undefined;
    if (node === undefined) {
      output.err(`Unknown subcmd: '${word}'\n`);
      return 1;
    }
    if (node.run !== undefined) {
      const args = words.slice(i + 1);
      return node.run({
        args,
        commandLine,
        output,
        loadSession: (sessionWord) => loadSession(cli, sessionWord ?? cli.defaultSession, commandLine.actions),
      });
    }
    level = node.sub ?? {};
  }
  const spoken = words.join(' ');
  output.err(words.length === 0 ? usage(cli) : `${cli.program} ${spoken}: add one of: ${Object.keys(level).join(', ')}\n`);
  return 1;
}

/** What a bare `kith-edge` prints: each command in one line, and where to find more. */
function usage(cli: DaemonCli): string {
  const lines = Object.entries({ ...cli.commands, ...builtinCommands(cli) }).map(([word, node]) => {
    let spelled = word;
    let at = node;
    // A branch with one way on (debug → config) is spelled out up to where the choice is.
    while (at.sub !== undefined && Object.keys(at.sub).length === 1) {
      const [[next, child]] = Object.entries(at.sub) as [[string, CommandTree[string]]];
      spelled += ` ${next}`;
      at = child;
    }
    const rest = at.sub === undefined ? at.summary : Object.keys(at.sub).join('|');
    return `  ${cli.program} ${spelled} ${rest}`;
  });
  return `usage: ${cli.program} [options...] <command> [command args]\n\n${lines.join('\n')}\n\nOptions: ${cli.program} help options. More: ${cli.program} -h\n`;
}

