// `npm run build:ui`: the window's UI into dist/renderer with vite, only when what it is built from
// changed: renderer/, the browser-safe shared/ it imports, the engine types it shares
// (engine/profiles/api.ts, engine/help/api.ts), the page's CSP (electron/security-policy.ts), the app version vite
// stamps in (package.json) and the tools' versions (package-lock.json).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesUnder, inputsDigest, stampIsCurrent, writeStamp } from './input-stamp.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const inputs = [...filesUnder(path.join(ROOT, 'renderer')), ...filesUnder(path.join(ROOT, 'shared')), ...['engine/profiles/api.ts', 'engine/help/api.ts', 'electron/security-policy.ts', 'package.json', 'package-lock.json'].map((file) => path.join(ROOT, file))];
const digest = inputsDigest(ROOT, inputs, []);
// Beside dist/renderer, not in it: vite empties its output directory, and the management server
// serves everything in there.
const stamp = path.join(ROOT, 'dist', '.stamps', 'renderer');

if (!stampIsCurrent(stamp, digest, [path.join(ROOT, 'dist', 'renderer', 'index.html')])) {
  const vite = spawnSync('vite', ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (vite.status !== 0) {
    process.stderr.write(`build:ui: vite build failed (${vite.error?.message ?? `exit status ${String(vite.status)}`})\n`);
    process.exit(1);
  }
  writeStamp(stamp, digest);
  process.stdout.write('build:ui: built dist/renderer\n');
}
