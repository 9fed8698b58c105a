// Before the UI specs: the engine serves dist/renderer, so bring it up to date (build:ui rebuilds
// only when the renderer's sources changed).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { electronBinaryMissing, electronSkipReason } from '../electron/availability.js';
import { REPO } from '../netns/kith.js';
import { uiSkipReason } from './harness.js';

/** npm is npm.cmd on Windows (the release workflow runs the Electron spec there), which needs a shell. */
const WINDOWS = process.platform === 'win32';

export default function globalSetup(): void {
  const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  // Without the script the specs report the missing UI themselves (harness.ts uiSkipReason).
  if (scripts['build:ui'] !== undefined) execFileSync('npm', ['run', '--silent', 'build:ui'], { cwd: REPO, stdio: 'inherit', timeout: 300_000, shell: WINDOWS });
  // Where Electron can run, its spec needs the built main process as well.
  if (electronBinaryMissing() === undefined && electronSkipReason() !== undefined) execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPO, stdio: 'inherit', timeout: 600_000, shell: WINDOWS });
  // The list reporter does not print skip reasons; say once why specs will not run.
  const skip = uiSkipReason();
  if (skip !== undefined) process.stderr.write(`UI specs skipped: ${skip}\n`);
  const electronSkip = electronSkipReason();
  if (electronSkip !== undefined) process.stderr.write(`Electron spec (e2e/electron) skipped: ${electronSkip}\n`);
}
