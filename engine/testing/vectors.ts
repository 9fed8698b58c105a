// Locates the captured n3n vectors for tests: `../shared/vectors` beside the repository (as on the
// development machines and in CI), or wherever KITH_VECTORS points.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const VECTORS_DIR = process.env.KITH_VECTORS ?? join(repositoryRoot, '..', 'shared', 'vectors');

/** Absolute path of a file under the vectors directory, e.g. vectorPath('wire', 'crypto.json'). */
export function vectorPath(...parts: string[]): string {
  return join(VECTORS_DIR, ...parts);
}

export function readVectorText(...parts: string[]): string {
  return readFileSync(vectorPath(...parts), 'utf8');
}

export function readVectorJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readVectorText(...parts)) as T;
}

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
