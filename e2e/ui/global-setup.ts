// Before the UI specs: the engine serves dist/renderer, so build it when it is missing or older
// than any file under renderer/ (or its shared types in engine/desktop/api.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { electronBinaryMissing, electronSkipReason } from '../electron/availability.js';
import { REPO } from '../netns/kith.js';
import { UI_DIR, uiSkipReason } from './harness.js';

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

function uiIsStale(): boolean {
  const index = join(UI_DIR, 'index.html');
  if (!existsSync(index)) return true;
  const sources = [join(REPO, 'renderer'), join(REPO, 'engine', 'desktop', 'api.ts')].filter((path) => existsSync(path));
  return Math.max(...sources.map(newestMtime)) > statSync(index).mtimeMs;
}

export default function globalSetup(): void {
  const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  // Without the script the specs report the missing UI themselves (harness.ts uiSkipReason).
  if (scripts['build:ui'] !== undefined && uiIsStale()) execFileSync('npm', ['run', '--silent', 'build:ui'], { cwd: REPO, stdio: 'inherit', timeout: 300_000 });
  // Where Electron can run, its spec needs the built main process as well.
  if (electronBinaryMissing() === undefined && electronSkipReason() !== undefined) execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit', timeout: 600_000 });
  // The list reporter does not print skip reasons; say once why specs will not run.
  const skip = uiSkipReason();
  if (skip !== undefined) process.stderr.write(`UI specs skipped: ${skip}\n`);
  const electronSkip = electronSkipReason();
  if (electronSkip !== undefined) process.stderr.write(`Electron spec (e2e/electron) skipped: ${electronSkip}\n`);
}
