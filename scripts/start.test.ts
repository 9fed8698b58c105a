// `npm start`'s launcher: a Ctrl-C reaches the app once, so the app leaves the network cleanly
// instead of taking a second signal for "stop now".
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../', import.meta.url));
const WAIT_LIMIT_MS = 20_000;

// The app: counts the SIGINTs it receives for half a second after the first, then exits with 7.
const APP = `let n = 0;
process.on('SIGINT', () => { if (++n === 1) setTimeout(() => { console.log('signals ' + n); process.exit(7); }, 500); });
console.log('ready');
setInterval(() => {}, 1000);`;

// The launcher, as npm start runs it, with the app above instead of the desktop.
const LAUNCHER = `import { run } from './scripts/start.ts';
process.exit(await run(process.execPath, ['-e', ${JSON.stringify(APP)}]));`;

describe('npm start launcher', () => {
  it('passes a terminal Ctrl-C to the app once, and exits with its status', async () => {
    // A process group of its own stands for the terminal's foreground group.
    const launcher = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', LAUNCHER], { cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    launcher.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    launcher.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const guard = setTimeout(() => process.kill(-(launcher.pid ?? 0), 'SIGKILL'), WAIT_LIMIT_MS);
    const exited = new Promise<number | null>((resolve) => launcher.once('close', resolve));
    for (let waited = 0; !stdout.includes('ready') && waited < WAIT_LIMIT_MS; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(stdout, /ready/, stderr);
    // What Ctrl-C does: SIGINT to every process of the foreground group.
    process.kill(-(launcher.pid ?? 0), 'SIGINT');
    const code = await exited;
    clearTimeout(guard);
    assert.match(stdout, /^signals 1$/m, stderr);
    assert.equal(code, 7, stderr);
  });
});
