// Whether the Electron spec can launch the real app here: Electron's binary (absent when installed
// with ELECTRON_SKIP_BINARY_DOWNLOAD) and the built main process and window.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from '../../scripts/start.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ELECTRON_MAIN = path.join(ROOT, 'dist', 'electron', 'main.js');

export function electronBinaryMissing(): string | undefined {
  return electronBinary(ROOT) === undefined ? "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD); the desktop app cannot be launched here" : undefined;
}

/** Why the Electron spec skips, or undefined when it runs. */
export function electronSkipReason(): string | undefined {
  const missing = electronBinaryMissing();
  if (missing !== undefined) return missing;
  if (!existsSync(ELECTRON_MAIN) || !existsSync(path.join(ROOT, 'dist', 'renderer', 'index.html'))) return 'the app is not built (npm run build)';
  return undefined;
}
