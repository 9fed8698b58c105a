// Kith's own version: the CLIs' -V, get_info and kith.status, the version a supernode announces.
// A module of its own so that the daemons and the desktop can ask for it without each other.
import { readFileSync } from 'node:fs';

/** The version in Kith's package.json, found above this module both in the sources and in dist/. */
export function kithVersion(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'kith' && pkg.version !== undefined) return pkg.version;
    } catch {
      // No package.json here: keep climbing.
    }
    if (dir.pathname === '/') return 'unknown';
  }
}
