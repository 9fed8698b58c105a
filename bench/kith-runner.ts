// How a benchmark runs a Kith daemon: from dist/, as `npm install` users run kith-edge and
// kith-supernode, when the build is at least as new as the sources; otherwise through the tsx
// loader, which then counts in the daemon's memory and start-up, and the benchmark says so.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

export type KithRunner = 'auto' | 'dist' | 'tsx';

export interface KithProgram {
  /** node's arguments: the entry point's launcher flags, then the entry point (tsx: the loader too). */
  readonly argv: readonly string[];
  readonly how: 'dist' | 'tsx';
  /** Why the figures may not be what users see, when they may not. */
  readonly note?: string;
}

const ENTRIES = {
  edge: { source: join('engine', 'cli', 'edge-main.ts'), built: join('dist', 'engine', 'cli', 'edge-main.js') },
  supernode: { source: join('supernode', 'main.ts'), built: join('dist', 'supernode', 'main.js') },
} as const;

/** The rooms a daemon's code comes from: dist/ must be newer than each one's newest source. */
const ROOMS = ['engine', 'supernode', 'native', 'shared'];

/** Newest modification time of the files ending in suffix under dir (tests left out); 0 if none. */
function newestMtime(dir: string, suffix: '.ts' | '.js'): number {
  let newest = 0;
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && entry.name !== 'build') walk(full);
      } else if (entry.name.endsWith(suffix) && !entry.name.endsWith(`.test${suffix}`)) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  try {
    walk(dir);
  } catch {
    return 0;
  }
  return newest;
}

/** Node flags a program names on its first line (#!/usr/bin/env -S node <flags>), as its launchers use them. */
function launcherFlags(program: string): string[] {
  try {
    const first = readFileSync(program, 'utf8').split('\n', 1)[0] ?? '';
    return /^#!\/usr\/bin\/env -S node\s+(.*)$/.exec(first)?.[1]?.split(/\s+/).filter((flag) => flag !== '') ?? [];
  } catch {
    return [];
  }
}

function distIsFresh(built: string): boolean {
  try {
    statSync(built);
  } catch {
    return false;
  }
  const newestBuilt = Math.max(...ROOMS.map((room) => newestMtime(join(REPO, 'dist', room), '.js')));
  const newestSource = Math.max(...ROOMS.map((room) => newestMtime(join(REPO, room), '.ts')));
  return newestBuilt >= newestSource;
}

/** The node arguments that start daemon (before its own arguments). */
export function kithProgram(daemon: keyof typeof ENTRIES, runner: KithRunner = 'auto'): KithProgram {
  const source = join(REPO, ENTRIES[daemon].source);
  const built = join(REPO, ENTRIES[daemon].built);
  const tsx: KithProgram = { argv: [...launcherFlags(source), '--import', 'tsx', source], how: 'tsx' };
  if (runner === 'tsx') return { ...tsx, note: 'Kith run through the tsx loader: its RSS includes the loader and the compiled sources' };
  const fresh = distIsFresh(built);
  if (runner === 'dist' || fresh) {
    return { argv: [...launcherFlags(built), built], how: 'dist', ...(fresh ? {} : { note: 'dist/ is older than the sources (npm run build)' }) };
  }
  return { ...tsx, note: 'dist/ missing or stale (run npm run build): Kith run through tsx, whose loader adds to its RSS and CPU' };
}
