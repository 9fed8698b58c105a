// What kith-supernode tells its operator, run for real: that any community may register without a
// community file, edges registering and leaving (at -v), and the default management password on
// a TCP port (a warning only then).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MessageType } from '../../engine/protocol/index.js';
import { mac, registerSuper, simpleId } from './messages.js';
import { SimPeer } from './sim-peer.js';
import { freePort } from '../../supernode/testing/start.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(REPO, 'supernode', 'main.ts');
/** Upper bound for any single wait; the tests never assert on durations. */
const WAIT_LIMIT_MS = 20_000;

const runDir = mkdtempSync(join(tmpdir(), 'kith-sn-messages-run-'));
const running = new Set<ChildProcess>();

interface Daemon {
  readonly port: number;
  /** Resolves once stderr holds a line matching pattern. */
  says(pattern: RegExp): Promise<void>;
  /** SIGTERM, then everything it wrote to stderr. */
  stop(): Promise<string>;
}

async function startSupernode(session: string, extra: readonly string[]): Promise<Daemon> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, KITH_CONFIG_DIR: join(runDir, 'no-config'), KITH_RUN_DIR: runDir };
  const args = ['--import', 'tsx', MAIN, 'start', session, `-Oconnection.bind=127.0.0.1:${port}`, ...extra];
  const child = spawn(process.execPath, args, { cwd: REPO, env, stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  let changed: () => void = () => undefined;
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    changed();
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => (running.delete(child), changed(), resolve())));
  const says = async (pattern: RegExp): Promise<void> => {
    const deadline = Date.now() + WAIT_LIMIT_MS;
    while (!pattern.test(stderr)) {
      if (!running.has(child) || Date.now() > deadline) assert.fail(`kith-supernode did not say ${pattern}; it said:\n${stderr}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        changed = () => (clearTimeout(timer), resolve());
      });
    }
  };
  await says(/management interface on/);
  return {
    port,
    says,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      return stderr;
    },
  };
}

describe('kith-supernode: what it tells its operator', () => {
  after(() => {
    for (const child of running) child.kill('SIGKILL');
    rmSync(runDir, { recursive: true, force: true });
  });

  it('without a community file it says any community may register; at -v it logs edges registering and leaving', async () => {
    const daemon = await startSupernode('sn_msgs_v', ['-v']);
    const edge = await SimPeer.open();
    try {
      await daemon.says(/community_file is not set: any community may register/);
      const edgeMac = mac('02:00:00:aa:00:01');
      await edge.send(registerSuper('family', edgeMac, { auth: simpleId(7) }), daemon.port);
      assert.equal((await edge.next()).type, MessageType.RegisterSuperAck);
      await daemon.says(/edge 02:00:00:aa:00:01 registered in community "family" from 127\.0\.0\.1:\d+/);
      await edge.send({ type: MessageType.UnregisterSuper, ttl: 2, fromSupernode: false, communityField: registerSuper('family', edgeMac).communityField, auth: simpleId(7), srcMac: edgeMac }, daemon.port);
      await daemon.says(/edge 02:00:00:aa:00:01 left community "family" \(unregistered\)/);
    } finally {
      await edge.close();
      await daemon.stop();
    }
  });

  it('warns about the default management password when, and only when, it listens on TCP with it', async () => {
    const defaultWarning = /WARNING: management\.password is n3n's well-known default/;
    const tcp = await startSupernode('sn_msgs_tcp', [`-Omanagement.port=${await freePort()}`]);
    assert.match(await tcp.stop(), defaultWarning);
    const socketOnly = await startSupernode('sn_msgs_unix', []);
    assert.doesNotMatch(await socketOnly.stop(), defaultWarning);
    const own = await startSupernode('sn_msgs_own', [`-Omanagement.port=${await freePort()}`, '-Omanagement.password=our-own']);
    assert.doesNotMatch(await own.stop(), /WARNING: management/);
  });
});
