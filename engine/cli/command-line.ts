// Command-line parsing shared by kith-edge and kith-supernode: n3n's options (CONFIG.md §2) with
// GNU-style permutation, so options may stand before or after the command words.
import { err, ok, type Result } from '../../shared/result.js';
import { parseOverride, type Setting } from '../config/load.js';

export type CommandLineError = 'usage';

/** Something an option asks for, applied in command-line order after the file and environment. */
export type OptionAction = { readonly kind: 'set'; readonly setting: Setting } | { readonly kind: 'more-verbose' };

export interface OptionSpecCli {
  readonly short?: string;
  readonly long?: string;
  readonly argument?: string;
  /** The `help options` line. */
  readonly summary: string;
  readonly apply: (argument: string, spelled: string) => Result<readonly OptionAction[], CommandLineError> | 'help' | 'version' | 'ignored';
}

export interface ParsedCommandLine {
  readonly words: readonly string[];
  readonly actions: readonly OptionAction[];
  readonly help: boolean;
  readonly version: boolean;
  /** Legacy options that were accepted and ignored, for a warning. */
  readonly ignored: readonly string[];
}

const set = (spelled: string, section: string, option: string, value: string): OptionAction => ({
  kind: 'set',
  setting: { section, option, value, origin: { cli: spelled } },
});

/** Options both daemons accept. */
export const commonOptions: readonly OptionSpecCli[] = [
  {
    short: 'O',
    argument: '<section>.<option>=<value>',
    summary: 'Set any config',
    apply: (argument, spelled) => {
      const parsed = parseOverride(argument);
      return parsed.ok ? ok([{ kind: 'set', setting: { ...parsed.value, origin: { cli: `${spelled} ${argument}` } } }]) : err('usage', parsed.detail);
    },
  },
  { short: 'V', long: 'version', summary: 'Show the version', apply: () => 'version' },
  { short: 'h', long: 'help', summary: 'Show the help text', apply: () => 'help' },
  { short: 'v', long: 'verbose', summary: 'Increase logging verbosity', apply: () => ok([{ kind: 'more-verbose' }]) },
  { short: 'd', long: 'daemon', summary: 'daemon.background=true', apply: (_a, s) => ok([set(s, 'daemon', 'background', 'true')]) },
];

/** Options only the edge has (CONFIG.md §2.2). */
export const edgeOptions: readonly OptionSpecCli[] = [
  {
    short: 'a',
    argument: '[mode:]<ip>[/len]',
    summary: 'tuntap.address_mode=<mode> (static when left out), tuntap.address=<ip>/<len>',
    apply: (argument, spelled) => {
      // `[mode:]address[/len]`; the mode defaults to static.
      const match = /^(?:(auto|static|dhcp):)?(.+)$/.exec(argument);
      if (!match) return err('usage', `${spelled} ${argument}: expected [static:|dhcp:|auto:]a.b.c.d[/len]`);
      return ok([set(spelled, 'tuntap', 'address_mode', match[1] ?? 'static'), set(spelled, 'tuntap', 'address', match[2] ?? '')]);
    },
  },
  { short: 'c', long: 'community', argument: '<arg>', summary: 'community.name=<arg>', apply: (a, s) => ok([set(s, 'community', 'name', a)]) },
  { short: 'K', argument: '<file>', summary: 'community.key_file=<file> (the key, readable by you alone)', apply: (a, s) => ok([set(s, 'community', 'key_file', a)]) },
  // Other local users can read a command line until the daemon masks it: -K is the safe form.
  { short: 'k', argument: '<arg>', summary: 'community.key=<arg> (visible to others while starting: prefer -K)', apply: (a, s) => ok([set(s, 'community', 'key', a)]) },
  { short: 'l', long: 'supernode-list', argument: '<arg>', summary: 'community.supernode=<arg>', apply: (a, s) => ok([set(s, 'community', 'supernode', a)]) },
  { short: 'r', summary: 'filter.allow_routing=true', apply: (_a, s) => ok([set(s, 'filter', 'allow_routing', 'true')]) },
  // Legacy n2n options n3n still accepts and ignores.
  ...['A', 'z'].map((short): OptionSpecCli => ({ short, argument: '<arg>', summary: '(ignored legacy option)', apply: () => 'ignored' })),
  { short: 'f', summary: '(ignored legacy option)', apply: () => 'ignored' },
];

export function parseCommandLine(argv: readonly string[], options: readonly OptionSpecCli[]): Result<ParsedCommandLine, CommandLineError> {
  const words: string[] = [];
  const actions: OptionAction[] = [];
  const ignored: string[] = [];
  let help = false;
  let version = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpecCli | undefined;
    let inlineArgument: string | undefined;
    let spelled: string;
    if (arg.startsWith('--')) {
      const [name = '', value] = arg.slice(2).split(/=(.*)/s, 2);
      spec = options.find((o) => o.long === name);
      spelled = `--${name}`;
      inlineArgument = value;
      if (!spec) return err('usage', `unknown option ${spelled}`);
    } else if (arg.startsWith('-') && arg.length > 1) {
      spelled = arg.slice(0, 2);
      spec = options.find((o) => o.short === arg[1]);
      if (!spec) return err('usage', `unknown option ${spelled}`);
      if (arg.length > 2) {
        if (spec.argument === undefined) {
          // Bundled flags such as -vv: handle the first, put the rest back.
          argv = [...argv.slice(0, i + 1), `-${arg.slice(2)}`, ...argv.slice(i + 1)];
        } else {
          inlineArgument = arg.slice(2);
        }
      }
    } else {
      words.push(arg);
      continue;
    }

    let argument = '';
    if (spec.argument !== undefined) {
      if (inlineArgument !== undefined) argument = inlineArgument;
      else if (i + 1 < argv.length) argument = argv[++i] ?? '';
      else return err('usage', `option ${spelled} needs an argument ${spec.argument}`);
    }
    const outcome = spec.apply(argument, spelled);
    if (outcome === 'help') help = true;
    else if (outcome === 'version') version = true;
    else if (outcome === 'ignored') ignored.push(spelled);
    else if (!outcome.ok) return outcome;
    else actions.push(...outcome.value);
  }
  return ok({ words, actions, help, version, ignored });
}

/** The `help options` table: every option once, short and long spelling side by side, in columns. */
export function describeOptions(options: readonly OptionSpecCli[]): string {
  const rows = options
    .filter((o) => !o.summary.startsWith('('))
    .map((o) => [o.short === undefined ? '' : `-${o.short}`, o.long === undefined ? '' : `--${o.long}`, o.argument ?? '', o.summary] as const);
  const header = ['short', 'long', 'argument', 'what it does'] as const;
  const widths = [0, 1, 2].map((column) => Math.max(...[header, ...rows].map((row) => row[column]?.length ?? 0)));
  const line = (row: readonly string[]): string => ` ${row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line), ''].join('\n');
}
