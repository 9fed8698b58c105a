// Cryptographically secure random bytes for the data path. CRYPTO.md §6: every packet needs 16 fresh
// bytes (IV / random first block); one randomFillSync call per packet costs about as much as the
// cipher itself, so bytes are handed out from a pool that is refilled in 64 KiB chunks.
import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 64 * 1024;
const pool = new Uint8Array(POOL_SIZE);
let used = POOL_SIZE;

/** Fills dst[offset, offset + length) with CSPRNG output. */
export function randomFill(dst: Uint8Array, offset = 0, length = dst.length - offset): void {
  if (length > POOL_SIZE) {
    randomFillSync(dst, offset, length);
    return;
  }
  if (used + length > POOL_SIZE) {
    randomFillSync(pool);
    used = 0;
  }
  dst.set(pool.subarray(used, used + length), offset);
  // Wipe what was handed out so no byte is ever given twice.
  pool.fill(0, used, used + length);
  used += length;
}

/** A fresh buffer of n random bytes (control path: tokens, cookies, MACs). */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  randomFill(out);
  return out;
}

/** A random 32-bit unsigned integer (cookies). */
export function randomUint32(): number {
  const b = randomBytes(4);
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}
