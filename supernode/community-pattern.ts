// The small regular-expression dialect of the community list file (PROTOCOL.md §9.5, CONFIG.md §8):
// `.`, `*`, `+`, `?`, `[abc]`, `[a-z]`, `\s \S \w \W \d \D`; a name is admitted only when the
// pattern matches all of it. Translated into a JavaScript RegExp with everything else literal.
import { err, ok, type Result } from '../shared/result.js';

/** Characters that make a community-file entry a pattern rather than a fixed name. */
export const PATTERN_CHARACTERS = /[.*+?[\]\\]/;

const CLASS_ESCAPES = new Set(['s', 'S', 'w', 'W', 'd', 'D']);

export function compileCommunityPattern(pattern: string): Result<RegExp, 'bad-pattern'> {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] ?? '';
    if (c === '.' || c === '*' || c === '+' || c === '?') {
      source += c;
    } else if (c === '\\') {
      const next = pattern[++i];
      if (next === undefined) return err('bad-pattern', 'pattern ends with a lone backslash');
      source += CLASS_ESCAPES.has(next) ? `\\${next}` : escapeLiteral(next);
    } else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) return err('bad-pattern', `unclosed [ in ${pattern}`);
      const body = pattern.slice(i + 1, close);
      if (body === '') return err('bad-pattern', `empty [] in ${pattern}`);
      // Inside a class only ranges and literals exist; escape what JavaScript would interpret.
      source += `[${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = close;
    } else if (c === ']') {
      return err('bad-pattern', `unmatched ] in ${pattern}`);
    } else {
      source += escapeLiteral(c);
    }
  }
  try {
    return ok(new RegExp(`^(?:${source})$`, 's'));
  } catch {
    return err('bad-pattern', `cannot use ${pattern} as a pattern`);
  }
}

function escapeLiteral(c: string): string {
  return /[.*+?^${}()|[\]\\/-]/.test(c) ? `\\${c}` : c;
}
