// `npm start` (after `npm run build`): the desktop app in Electron when Electron's binary is
// installed, otherwise the same UI in the browser, served by the engine's browser mode.
// Never require('electron') here: without its binary that throws instead of answering.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron binary electron's install script put in place, as node_modules/electron/index.js finds it. */
export function electronBinary(root: string = ROOT): string | undefined {
  const pkg = path.join(root, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = path.join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

function run(command: string, args: readonly string[]): void {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 0 : 1)));
}

function main(): void {
  const binary = electronBinary();
  if (binary !== undefined) {
    run(binary, [path.join(ROOT, 'dist', 'electron', 'main.js'), ...process.argv.slice(2)]);
    return;
  }
  // browser-main prints it as "The browser UI is used because <reason>."
  const reason = "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD was set, or it could not be downloaded)";
  run(process.execPath, [path.join(ROOT, 'dist', 'desktop', 'browser-main.js'), '--reason', reason, ...process.argv.slice(2)]);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
