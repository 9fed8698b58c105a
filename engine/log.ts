// Levelled logging with n3n's levels and line format (CONFIG.md §10): 0 error, 1 warning,
// 2 normal, 3 info, 4 debug. Lines go to stderr with a date prefix, which is left out under
// systemd (JOURNAL_STREAM set) because the journal stamps lines itself.

export const LogLevel = { Error: 0, Warning: 1, Normal: 2, Info: 3, Debug: 4 } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MAX_LINE = 1024;

const two = (n: number): string => String(n).padStart(2, '0');

function datePrefix(now: Date): string {
  return `${two(now.getDate())}/${MONTHS[now.getMonth()] ?? ''}/${now.getFullYear()} ${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())} `;
}

export interface LogSink {
  /** `line` is formatted for stderr; `entry` is the same message without date or tag. */
  write(line: string, entry?: { readonly level: LogLevel; readonly text: string }): void;
}

export class Logger {
  level: number;
  private readonly withDate: boolean;

  constructor(
    level: number = LogLevel.Normal,
    private readonly sink: LogSink = { write: (line) => process.stderr.write(line) },
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.level = level;
    this.withDate = env.JOURNAL_STREAM === undefined;
  }

  enabled(level: LogLevel): boolean {
    return level <= this.level;
  }

  error(message: string): void {
    this.log(LogLevel.Error, message);
  }
  warn(message: string): void {
    this.log(LogLevel.Warning, message);
  }
  normal(message: string): void {
    this.log(LogLevel.Normal, message);
  }
  info(message: string): void {
    this.log(LogLevel.Info, message);
  }
  /** Debug lines are built lazily: the data path calls this for every dropped packet. */
  debug(message: () => string): void {
    if (this.level >= LogLevel.Debug) this.log(LogLevel.Debug, message());
  }

  private log(level: LogLevel, message: string): void {
    if (level > this.level) return;
    const tag = level === LogLevel.Error ? 'ERROR: ' : level === LogLevel.Warning ? 'WARNING: ' : '';
    const text = message.replace(/\n+$/, '').slice(0, MAX_LINE);
    this.sink.write(`${this.withDate ? datePrefix(new Date()) : ''}${tag}${text}\n`, { level, text });
  }
}
