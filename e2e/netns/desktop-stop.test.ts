// Ctrl-C on the desktop app in browser mode (what `npm start` runs without Electron): it leaves the
// network first, then says so in one line, and exits 130 as an interrupted program does. Run as
// root in a namespace of its own, with the first network (its own supernode on 127.0.0.1:7654).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { daemonPid, REPO, RunDir, SETTLE_MS, startProgram, waitFor } from './kith.js';
import { netnsSkipReason, Topology } from './topology.js';

const BROWSER_MAIN = join(REPO, 'desktop', 'browser-main.ts');

describe('netns: Ctrl-C on the browser-mode desktop', { skip: netnsSkipReason() }, () => {
  let topology: Topology;
  let runDir: RunDir;

  before(() => {
    topology = Topology.create();
    runDir = new RunDir(topology);
  });

  after(async () => {
    await topology?.destroy();
    runDir?.remove();
  });

  it('leaves the network, prints that it stopped cleanly and exits 130', async () => {
    const ns = await topology.namespace('ctrlc');
    const profilesDir = runDir.file('profiles');
    mkdirSync(profilesDir, { recursive: true, mode: 0o700 });
    const desktop = startProgram(topology, runDir, { ns, address: '127.0.0.1' }, 'desktop', {
      main: BROWSER_MAIN,
      args: ['--port', '5644', '--reason', 'the test has no Electron'],
      env: { KITH_PROFILES_DIR: profilesDir },
    });
    const exited = new Promise<number | null>((resolve) => desktop.child.once('close', resolve));
    await waitFor('Kith is running', () => (/Kith is running/.test(desktop.output()) ? true : undefined), SETTLE_MS);
    await waitFor('the TAP to have its address', async () => (/inet 10\./.test(await topology.exec(ns, 'ip', ['-4', '-o', 'address', 'show', 'dev', 'kith0'])) ? true : undefined), SETTLE_MS);

    const pid = daemonPid(desktop);
    assert.ok(pid !== undefined, desktop.output());
    process.kill(pid, 'SIGINT');
    const code = await exited;
    assert.equal(code, 130, desktop.output());
    assert.match(desktop.output(), /\nKith stopped, and left the network cleanly\.\n$/);
    const tap = await topology.tryExec(ns, 'ip', ['link', 'show', 'dev', 'kith0']);
    assert.notEqual(tap.code, 0, 'the TAP is gone');
  });
});
