// The closed word lists of the settings form, as values (api.ts has them as types). Pure, so the
// invite codec and the renderer can use them as well as the settings checks.
import type { NetworkSettings } from './api.js';

export const CIPHERS: readonly NetworkSettings['cipher'][] = ['null', 'AES', 'ChaCha20', 'Speck', 'Twofish'];
export const COMPRESSIONS: readonly NetworkSettings['compression'][] = ['none', 'lzo', 'zstd'];
export const ADDRESS_MODES: readonly NetworkSettings['addressMode'][] = ['auto', 'static', 'dhcp'];

/** The word from `words` equal to `value`; `fallback` for absent or unknown values. */
export function oneOf<T extends string, F extends T | undefined>(words: readonly T[], value: string | null | undefined, fallback: F): T | F {
  return words.find((word) => word === value) ?? fallback;
}
