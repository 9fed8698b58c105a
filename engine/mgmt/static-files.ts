// Serves the files of a built web UI (MANAGEMENT.md §2.7: GET / is the page, GET /script.js its
// script) from a directory the daemon chooses. Only regular files inside that directory, also
// after following symlinks; unmodified bytes, so a byte-compare test against the sources passes.
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { HttpReply } from './http-reply.js';

// n3n's types for its two files (§2.1) come first; the rest covers what a bundler emits.
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain',
};

const MAX_FILE_BYTES = 16 * 1024 * 1024;

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** The file path below the root for a request target, or undefined if it may not be served. */
export function staticRelativePath(target: string): string | undefined {
  const path = target.split(/[?#]/, 1)[0] ?? '';
  if (!path.startsWith('/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').slice(1);
  if (segments.some((segment) => segment === '..' || segment === '.')) return undefined;
  const relative = segments.join('/');
  return relative === '' || relative.endsWith('/') ? `${relative}index.html` : relative;
}

export async function readStaticFile(rootDir: string, target: string): Promise<HttpReply | undefined> {
  const relative = staticRelativePath(target);
  if (relative === undefined) return undefined;
  try {
    const root = await realpath(rootDir);
    const file = await realpath(join(root, relative));
    if (!file.startsWith(root + sep)) return undefined;
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_FILE_BYTES) return undefined;
    return { status: 200, contentType: contentTypeFor(file), body: await readFile(file) };
  } catch {
    return undefined;
  }
}
