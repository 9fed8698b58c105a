// Locates the captured n3n vectors for tests: `../shared/vectors` beside the repository (as on the
// development machines and in CI), or wherever KITH_VECTORS points.
import { readdirSync, readFileSync } from 'node:fs';
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

/** Every message in the wire vector files: the values of "hex" / "plain_hex" / "plaintext" keys. */
export function wireVectorMessages(): Uint8Array[] {
  const found: Uint8Array[] = [];
  const visit = (node: unknown, key: string): void => {
    if (typeof node === 'string') {
      if ((key === 'hex' || key === 'plain_hex' || key === 'plaintext') && /^(?:[0-9a-f]{2})+$/.test(node)) found.push(fromHex(node));
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, key);
    } else if (typeof node === 'object' && node !== null) {
      for (const [childKey, child] of Object.entries(node)) visit(child, childKey);
    }
  };
  for (const file of readdirSync(vectorPath('wire')).filter((name) => name.endsWith('.json'))) visit(readVectorJson('wire', file), '');
  return found;
}

export function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** One labelled block of an n3n test tool's hexdump output. */
export interface HexdumpSection {
  readonly label: string;
  readonly bytes: Uint8Array;
}

const DUMP_LINE = /^[0-9a-f]{3}:((?: [0-9a-f]{2}){1,8})(?: {2}((?: ?[0-9a-f]{2}){1,8}))?/;

/**
 * Parses n3n's `fhexdump` output ("000: 00 01 …  08 09 … |…|" lines) into sections, each labelled by
 * the non-hexdump line that precedes it.
 */
export function parseHexdumps(text: string): HexdumpSection[] {
  const sections: { label: string; bytes: number[] }[] = [];
  let label = '';
  let current: number[] | undefined;
  for (const line of text.split('\n')) {
    const match = DUMP_LINE.exec(line);
    if (match === null) {
      if (line.trim() !== '') label = line.trim();
      current = undefined;
      continue;
    }
    if (current === undefined) {
      current = [];
      sections.push({ label, bytes: current });
    }
    const hexBytes = `${match[1] ?? ''} ${match[2] ?? ''}`.trim().split(/\s+/);
    for (const h of hexBytes) current.push(parseInt(h, 16));
  }
  return sections.map((s) => ({ label: s.label, bytes: Uint8Array.from(s.bytes) }));
}

/**
 * Hexdump sections of an n3n test tool labelled `<name>: input|output size = 0x<n>`, by name; the
 * byte count of each is checked against its label.
 */
export function sizedHexdumpSections(text: string): Map<string, Uint8Array> {
  const sections = new Map<string, Uint8Array>();
  for (const { label, bytes } of parseHexdumps(text)) {
    const header = /^(\w+): (?:input|output) size = 0x([0-9a-f]+)$/.exec(label);
    if (header === null) continue;
    const size = parseInt(header[2] ?? '', 16);
    if (bytes.length !== size) throw new Error(`hexdump ${label}: ${bytes.length} bytes, label says ${size}`);
    sections.set(header[1] ?? '', bytes);
  }
  return sections;
}
