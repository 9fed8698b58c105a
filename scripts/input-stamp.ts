// Content stamps for incremental builds: a build step records a digest of everything its output is
// made from, and is skipped while that digest and the output are still there. A digest of contents,
// not of timestamps, so a checkout, a copy or a clock change neither forces nor hides a rebuild.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Every file under dir, recursively, as sorted paths; node_modules and dot-entries are left out. */
export function filesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(full));
    else if (entry.isFile()) found.push(full);
  }
  return found.sort();
}

/**
 * sha256 over each input file's path (relative to root, so a moved checkout stays current) and
 * bytes, and over facts that are not files (tool versions, the platform).
 */
export function inputsDigest(root: string, files: readonly string[], facts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    const bytes = readFileSync(file);
    hash.update(`file ${path.relative(root, file)} ${bytes.length}\n`).update(bytes);
  }
  for (const fact of facts) hash.update(`fact ${fact}\n`);
  return hash.digest('hex');
}

/** True when stampFile holds digest and every output exists: the step has nothing to do. */
export function stampIsCurrent(stampFile: string, digest: string, outputs: readonly string[]): boolean {
  if (!outputs.every((output) => existsSync(output))) return false;
  try {
    return readFileSync(stampFile, 'utf8').trim() === digest;
  } catch {
    return false;
  }
}

/** Written only after the step succeeded, so an interrupted build never looks finished. */
export function writeStamp(stampFile: string, digest: string): void {
  mkdirSync(path.dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, `${digest}\n`);
}
