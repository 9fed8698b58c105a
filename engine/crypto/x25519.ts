// X25519 through Node's crypto (CRYPTO.md §1.6). n3n's "generator" for public keys is the byte string
// 00…0009 (u = 9·2^248), not RFC 7748's base point 09 00…00; the function itself is standard.
import { createPrivateKey, createPublicKey, diffieHellman } from 'node:crypto';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/** n3n's base point for public keys: 31 zero bytes, then 9. */
export const N3N_BASE_POINT: Uint8Array = Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 9 : 0));

export type X25519Error = 'bad-length' | 'rejected';

/**
 * X25519(scalar, u), both 32 bytes. OpenSSL refuses inputs whose result is all zero (low-order
 * points); that is reported as 'rejected' instead of throwing.
 */
export function x25519(scalar: Uint8Array, u: Uint8Array): Result<Uint8Array, X25519Error> {
  if (scalar.length !== 32 || u.length !== 32) return err('bad-length');
  try {
    const privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_PREFIX, scalar]),
      format: 'der',
      type: 'pkcs8',
    });
    const publicKey = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, u]), format: 'der', type: 'spki' });
    return ok(new Uint8Array(diffieHellman({ privateKey, publicKey })));
  } catch {
    return err('rejected');
  }
}
