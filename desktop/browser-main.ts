#!/usr/bin/env node
// The desktop app without Electron: runs the desktop host and serves the built UI to a browser on
// loopback (DESIGN.md: one method table, two transports). The launcher says why with
// `--reason "<text>"`; `--web-ui <dir>` and `--port <n>` override the defaults.
import { parseArgs } from 'node:util';
import { kithVersion } from '../engine/version.js';
import { stopRequests } from '../engine/cli/daemon-runtime.js';
import { startDesktopHost } from './host.js';
import { builtWebUiDir } from '../engine/mgmt/web-ui-dir.js';
import { startEmbeddedSupernode } from '../supernode/embedded.js';
import { PortMapper } from '../engine/portmap/port-mapper.js';

const USAGE = 'usage: browser-main [--port <n>] [--web-ui <dir>] [--reason <text>]';

function commandLine(): { reason?: string | undefined; 'web-ui'?: string | undefined; port?: string | undefined } {
  try {
    return parseArgs({ options: { reason: { type: 'string' }, 'web-ui': { type: 'string' }, port: { type: 'string' } }, allowPositionals: false, strict: true }).values;
  } catch (error) {
    process.stderr.write(`kith: ${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
}

const values = commandLine();
const text = (value: string | undefined): string | undefined => (value !== undefined && value !== '' ? value : undefined);
const port = text(values.port) === undefined ? undefined : Number(values.port);
if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
  process.stderr.write('kith: --port must be a number from 0 to 65535\n');
  process.exit(2);
}
const webUiDir = text(values['web-ui']) ?? builtWebUiDir();

const stop = stopRequests();
const started = await startDesktopHost({
  version: kithVersion(),
  embeddedSupernode: startEmbeddedSupernode,
  portMapper: new PortMapper(),
  listen: { ...(port === undefined ? {} : { port }), ...(webUiDir === undefined ? {} : { webUiDir }) },
  onStopRequested: () => setImmediate(() => stop.request()),
});
if (!started.ok) {
  process.stderr.write(`kith: ${started.detail ?? started.error}\n`);
  stop.dispose();
  process.exit(1);
}
const host = started.value;
const reason = text(values.reason) ?? text(process.env['KITH_BROWSER_REASON']);
// The link goes to this terminal only: its token signs one browser in, once (engine/mgmt/access.ts).
process.stdout.write(
  [
    'Kith is running. Open this link in your browser to sign in (it works once):',
    `  ${host.loginLink() ?? '(not listening)'}`,
    `Another browser, or signed out? Sign in there with the password in ${host.passwordFile}.`,
    ...(reason === undefined ? [] : [`The browser UI is used because ${reason}.`]),
    ...(webUiDir === undefined ? ['No built UI was found (npm run build:ui); the JSON-RPC API is served all the same.'] : []),
    '',
  ].join('\n'),
);
await stop.requested;
await host.close();
stop.dispose();
// Once the edge has unregistered and the device is cleaned up, so the line is true when printed.
process.stdout.write('Kith stopped, and left the network cleanly.\n');
// Ctrl-C ends with 130, as shells expect of an interrupted program; Quit in the window with 0.
process.exit(stop.signal === 'SIGINT' ? 130 : 0);
