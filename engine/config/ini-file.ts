// Reads n3n's INI dialect (CONFIG.md §5) into (section, option, value, line) entries, and writes it.
// Syntax errors are returned, not thrown, with the line they were found on.
import { err, ok, type Result } from '../../shared/result.js';

export interface IniEntry {
  readonly section: string;
  readonly option: string;
  readonly value: string;
  readonly line: number;
}

export type IniSyntaxError = 'syntax';

export function parseIni(text: string): Result<IniEntry[], IniSyntaxError> {
  const entries: IniEntry[] = [];
  let section: string | undefined;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = (lines[index] ?? '').replace(/\r$/, '').trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;

    if (line.startsWith('[')) {
      // `[name]` or `[name label]`; only a comment may follow the closing bracket.
      const header = /^\[([A-Za-z0-9]*)([ \t][^\]]*)?\]\s*(#.*)?$/.exec(line);
      if (!header) return err('syntax', `line ${lineNumber}: malformed section header (expected [name])`);
      if (header[1] === '') return err('syntax', `line ${lineNumber}: empty section name`);
      section = header[1];
      continue;
    }

    const assignment = /^([A-Za-z0-9_]+)[ \t]*=[ \t]*([^#]*)/.exec(line);
    if (!assignment) {
      const bad = /^[A-Za-z0-9_]*(.)/.exec(line)?.[1];
      const what = bad === undefined || bad === ' ' || bad === '\t' ? 'expected option = value' : `unexpected character '${bad}' in option name`;
      return err('syntax', `line ${lineNumber}: ${what}`);
    }
    const value = (assignment[2] ?? '').trimEnd();
    if (value === '') return err('syntax', `line ${lineNumber}: option ${assignment[1]} has an empty value`);
    if (section === undefined) return err('syntax', `line ${lineNumber}: option ${assignment[1]} appears before any [section]`);
    entries.push({ section, option: assignment[1] ?? '', value, line: lineNumber });
  }
  return ok(entries);
}

/** n3n reads lines of up to about 1023 bytes (CONFIG.md §5). */
const MAX_LINE_BYTES = 1000;

/**
 * Why a value cannot be written in the dialect so that it reads back as written: it has no quoting,
 * `#` starts a comment and the value's blanks at either end are trimmed; undefined when it can.
 */
export function iniValueProblem(value: string): string | undefined {
  if (/[#\r\n]/.test(value)) return 'cannot contain # or line breaks';
  if (value !== value.trim()) return 'cannot start or end with a space';
  if (value === '') return 'cannot be empty';
  if (new TextEncoder().encode(value).length > MAX_LINE_BYTES) return `must be at most ${MAX_LINE_BYTES} bytes`;
  return undefined;
}

export interface IniSection {
  readonly section: string;
  readonly options: readonly { readonly option: string; readonly value: string }[];
}

/** `[section]` and `option = value` lines, each value checked by iniValueProblem first. */
export function formatIni(sections: readonly IniSection[]): Result<string, 'unwritable'> {
  const lines: string[] = [];
  for (const { section, options } of sections) {
    if (options.length === 0) continue;
    if (lines.length > 0) lines.push('');
    lines.push(`[${section}]`);
    for (const { option, value } of options) {
      const problem = iniValueProblem(value);
      if (problem !== undefined) return err('unwritable', `${section}.${option} ${problem}`);
      lines.push(`${option} = ${value}`);
    }
  }
  return ok(lines.join('\n') + '\n');
}
