// Transform registry (PROTOCOL.md §5.1, CRYPTO.md §2): configuration names to factories (each
// transform carries its wire id), and n3n's rules for combining `community.cipher` with
// `community.key`.

import { err, ok } from '../../../shared/result.js';
import type { Result } from '../../../shared/result.js';
import type { CipherName, Transform, TransformFactory } from '../transform.js';
import { createAesTransform } from './aes.js';
import { createChaCha20Transform } from './chacha20.js';
import { createNullTransform } from './null.js';
import { createSpeckTransform } from './speck.js';
import { createTwofishTransform } from './twofish.js';

interface CipherEntry {
  readonly name: CipherName;
  readonly create: TransformFactory;
}

const CIPHERS: readonly CipherEntry[] = [
  { name: 'null', create: () => createNullTransform() },
  { name: 'Twofish', create: (key) => createTwofishTransform(key) },
  { name: 'AES', create: (key) => createAesTransform(key) },
  { name: 'ChaCha20', create: (key) => createChaCha20Transform(key) },
  { name: 'Speck', create: createSpeckTransform },
];

/** Every configurable cipher, in wire-id order (null 1, Twofish 2, AES 3, ChaCha20 4, Speck 5). */
export const CIPHER_NAMES: readonly CipherName[] = CIPHERS.map((entry) => entry.name);

/**
 * The cipher a `community.cipher` value names. CONFIG.md §6 (enum, "case-sensitive"; n3n rejects
 * `-Ocommunity.cipher=aes`, and has no numeric aliases), so the match is exact.
 */
export function cipherFromName(name: string): CipherName | undefined {
  return CIPHERS.find((entry) => entry.name === name)?.name;
}

function entryOf(cipher: CipherName): CipherEntry {
  const entry = CIPHERS.find((candidate) => candidate.name === cipher);
  if (entry === undefined) throw new TypeError(`unknown cipher ${String(cipher)}`);
  return entry;
}

/** Builds the transform; key is the raw key string bytes (ignored by null). */
export function createTransform(cipher: CipherName, key: Uint8Array): Transform {
  return entryOf(cipher).create(key);
}

export type CipherConfigError = 'unknown-cipher' | 'cipher-needs-key' | 'null-cipher-with-key';

/**
 * Applies n3n's rules (CRYPTO.md §2.0, CONFIG.md §4/§6) to the configured cipher (undefined when the
 * option is not set) and key: a key without a cipher selects AES; a cipher other than null needs a
 * key; null with a key is an error. No key and no cipher means null.
 */
export function resolveCipher(cipher: string | undefined, key: Uint8Array | undefined): Result<CipherName, CipherConfigError> {
  const hasKey = key !== undefined && key.length > 0;
  if (cipher === undefined) return ok(hasKey ? 'AES' : 'null');
  const name = cipherFromName(cipher);
  if (name === undefined) {
    return err('unknown-cipher', `community.cipher must be one of ${CIPHER_NAMES.join(', ')}`);
  }
  if (name === 'null' && hasKey) return err('null-cipher-with-key', 'community.cipher=null cannot be used with community.key');
  if (name !== 'null' && !hasKey) return err('cipher-needs-key', `community.cipher=${name} requires community.key`);
  return ok(name);
}
