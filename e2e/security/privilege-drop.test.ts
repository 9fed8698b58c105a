// Issue 9 item 22: a configured daemon.userid or daemon.groupid that does not exist, or a switch
// that fails, left the daemon running as root with a warning. It now stops with one clear line
// and a non-zero status; a user that exists is switched to.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SUPERNODE_MAIN } from '../netns/kith.js';
import { runToEnd, startSupernodeDaemon } from './daemons.js';

function start(args: readonly string[], scratch: string): Promise<{ code: number | null; output: string }> {
  return runToEnd([SUPERNODE_MAIN, 'start', 'priv', '-Oconnection.bind=127.0.0.1:0', ...args], { KITH_RUN_DIR: join(scratch, 'run'), KITH_CONFIG_DIR: scratch });
}

describe('privilege drop fails closed', { skip: process.getuid?.() === 0 ? false : 'needs root' }, () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kith-priv-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  for (const [what, args, message] of [
    ['an unknown user', ['-Odaemon.userid=kith-no-such-user'], /daemon\.userid\/daemon\.groupid: no user "kith-no-such-user"; not running on as root/],
    ['an unknown group', ['-Odaemon.userid=nobody', '-Odaemon.groupid=kith-no-such-group'], /no group "kith-no-such-group"; not running on as root/],
  ] as const) {
    it(`stops with status 1 for ${what}`, async () => {
      const result = await start(args, scratch);
      assert.equal(result.code, 1, result.output);
      assert.match(result.output, message);
    });
  }

  it('runs as the configured user when it exists', async () => {
    const sn = await startSupernodeDaemon({ args: ['-Odaemon.userid=nobody'] });
    try {
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${sn.child.pid ?? 0}/status`, 'utf8'))?.[1];
      assert.equal(uid, '65534');
    } finally {
      await sn.stop();
    }
  });
});
