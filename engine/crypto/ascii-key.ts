// n3n's 6-bit ASCII encoding of public keys (CRYPTO.md §5.2, PROTOCOL.md Appendix C): bits taken
// most significant first, 6 at a time, no padding characters; 32 bytes ↔ 43 characters.
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+-';
/** Longest accepted text: a 32-byte key. */
export const MAX_ASCII_KEY_LENGTH = 43;

const VALUES = new Map<string, number>([...ALPHABET].map((c, i) => [c, i]));

export function encodeAsciiKey(bytes: Uint8Array): string {
  let text = '';
  let bits = 0;
  let count = 0;
  for (const b of bytes) {
    bits = ((bits << 8) | b) & 0xfff;
    count += 8;
    while (count >= 6) {
      count -= 6;
      text += ALPHABET[(bits >>> count) & 0x3f];
    }
  }
  // The last group is padded with zero bits on the right.
  if (count > 0) text += ALPHABET[(bits << (6 - count)) & 0x3f];
  return text;
}

export type AsciiKeyError = 'too-long' | 'bad-character';

/**
 * Decodes the text form; excess bits at the end are dropped. n3n only warns about characters outside
 * the alphabet (and then decodes garbage); we reject them (CRYPTO.md §5.2).
 */
export function decodeAsciiKey(text: string): Result<Uint8Array, AsciiKeyError> {
  if (text.length > MAX_ASCII_KEY_LENGTH) return err('too-long');
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let count = 0;
  let at = 0;
  for (const c of text) {
    const value = VALUES.get(c);
    if (value === undefined) return err('bad-character');
    bits = ((bits << 6) | value) & 0xfff;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[at++] = bits >>> count;
    }
  }
  return ok(out);
}
