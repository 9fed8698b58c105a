// The recent log for the window's log view (`kith.log`): the last lines the Logger wrote, kept in
// memory. Nothing secret is logged on purpose; as a second guard, the secrets the process knows
// (community key, passwords) are masked before a line is kept.
import { LogLevel, type LogSink } from '../log.js';
import type { LogLine } from './api.js';

const LEVEL_NAMES: Readonly<Record<LogLevel, LogLine['level']>> = {
  [LogLevel.Error]: 'error',
  [LogLevel.Warning]: 'warn',
  [LogLevel.Normal]: 'normal',
  [LogLevel.Info]: 'info',
  [LogLevel.Debug]: 'debug',
};

const MASK = '••••';
/** Short secrets would mask ordinary words; they are not worth a guess anyway. */
const MIN_MASKED_LENGTH = 4;

export class LogRing {
  private readonly lines: LogLine[] = [];

  constructor(
    private readonly capacity = 500,
    private readonly secrets: () => readonly (string | undefined)[] = () => [],
  ) {}

  add(level: LogLevel, text: string, time = Date.now()): void {
    let masked = text;
    for (const secret of this.secrets()) {
      if (secret !== undefined && secret.length >= MIN_MASKED_LENGTH) masked = masked.split(secret).join(MASK);
    }
    this.lines.push({ time, level: LEVEL_NAMES[level], text: masked });
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  recent(): LogLine[] {
    return [...this.lines];
  }

  /** A sink that writes to `next` and keeps a copy of each line here. */
  tee(next: LogSink): LogSink {
    return {
      write: (line, entry) => {
        next.write(line, entry);
        if (entry !== undefined) this.add(entry.level, entry.text);
      },
    };
  }
}
