// `npm start` (after `npm run build`): the desktop app in Electron when Electron's binary is
// installed, otherwise the same UI in the browser, served by the engine's browser mode.
// Never require('electron') here: without its binary that throws instead of answering.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
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

/**
 * Runs the app and resolves with the status to exit with. The app gets its own process group, so a
 * Ctrl-C reaches it once, through here: with the terminal's signal and this one both, it would take
 * the second for "stop now" and skip leaving the network (engine/cli/daemon-runtime.ts).
 */
export function run(command: string, args: readonly string[]): Promise<number> {
  const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', detached: true });
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, forward);
  return new Promise((resolve) => {
    child.once('error', (error) => {
      process.stderr.write(`kith: cannot start ${command}: ${error.message}\n`);
      resolve(1);
    });
    // A signal's death is reported as shells do: 128 + its number.
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : osConstants.signals[signal])));
  });
}

async function main(): Promise<number> {
  const binary = electronBinary();
  if (binary !== undefined) return run(binary, [path.join(ROOT, 'dist', 'electron', 'main.js'), ...process.argv.slice(2)]);
  // browser-main prints it as "The browser UI is used because <reason>."
  const reason = "Electron's binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD was set, or it could not be downloaded)";
  return run(process.execPath, [path.join(ROOT, 'dist', 'desktop', 'browser-main.js'), '--reason', reason, ...process.argv.slice(2)]);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(await main());
