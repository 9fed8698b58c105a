// The kith-supernode program end to end: n3n's test_integration_supernode scenario (N3N-TESTS.md
// §2) with two federated supernodes on loopback, plus exit statuses and signals (CONFIG.md §9).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createManagementClient, type ManagementClient } from '../../engine/mgmt/index.js';
import type { SupernodeApi } from '../../supernode/management.js';
import { freePort } from '../../supernode/testing/start.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(REPO, 'supernode', 'main.ts');
const PASSWORD = 'n3n';
/** Upper bound for any single wait; the tests never assert on durations. */
const WAIT_LIMIT_MS = 20_000;
const POLL_MS = 25;

const configDir = mkdtempSync(join(tmpdir(), 'kith-sn-cli-conf-'));
const runDir = mkdtempSync(join(tmpdir(), 'kith-sn-cli-run-'));
const children = new Set<ChildProcess>();
const daemonPids = new Set<number>();

function environment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KITH_CONFIG_DIR: configDir, KITH_RUN_DIR: runDir };
  for (const name of ['N3N_FEDERATION', 'KITH_FEDERATION', 'N3N_KEY', 'KITH_KEY', 'N3N_COMMUNITY', 'KITH_COMMUNITY', 'N3N_PASSWORD', 'KITH_PASSWORD']) delete env[name];
  return env;
}

function launch(args: readonly string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO, env: environment(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs to the end; a run that outlives the wait limit is killed and reported with code null. */
function finish(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => {
    const guard = setTimeout(() => child.kill('SIGKILL'), WAIT_LIMIT_MS);
    child.once('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

const run = (args: readonly string[]): Promise<Finished> => finish(launch(args));

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; waited < WAIT_LIMIT_MS; waited += POLL_MS) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  assert.fail(`gave up waiting for ${what}`);
}

const socketOf = (session: string): string => join(runDir, session, 'mgmt');
const clientOf = (session: string): ManagementClient<SupernodeApi, never> => createManagementClient<SupernodeApi, never>({ socketPath: socketOf(session) });

async function answers(session: string): Promise<boolean> {
  return (await clientOf(session).call('get_verbose')).ok;
}

/** n3n federates under its default name implicitly; a Kith supernode only under a name it is given. */
function supernodeArgs(session: string, port: number, mac: string, peerPort: number): string[] {
  return ['start', session, `-Oconnection.bind=127.0.0.1:${port}`, `-Osupernode.macaddr=${mac}`, `-Osupernode.peer=127.0.0.1:${peerPort}`, '-Osupernode.federation=Federation'];
}

after(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const pid of daemonPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(configDir, { recursive: true, force: true });
  rmSync(runDir, { recursive: true, force: true });
});

describe("kith-supernode: n3n's test_integration_supernode scenario", () => {
  let port1: number;
  let port2: number;
  let sn2: ChildProcess;
  let sn2Exit: Promise<Finished>;

  before(async () => {
    port1 = await freePort();
    port2 = await freePort();
    // ci_sn1 the way n3n's test starts it: --daemon returns once the sockets answer.
    const daemon = await run([...supernodeArgs('ci_sn1', port1, '02:00:00:00:70:01', port2), '--daemon']);
    const pid = Number(/as process (\d+)/.exec(daemon.stderr)?.[1]);
    if (pid > 0) daemonPids.add(pid);
    assert.equal(daemon.code, 0, daemon.stderr);
    assert.equal(daemon.stdout, '');
    assert.ok(await answers('ci_sn1'), 'ci_sn1 answers as soon as --daemon returned');
    // ci_sn2 in the foreground, so that its exit status can be checked after `stop`.
    sn2 = launch(supernodeArgs('ci_sn2', port2, '02:00:00:00:70:02', port1));
    sn2Exit = finish(sn2);
    await until(() => answers('ci_sn2'), 'ci_sn2 to answer');
  });

  it('get_communities lists only the federation pseudo-community', async () => {
    for (const session of ['ci_sn1', 'ci_sn2']) {
      assert.deepEqual(await clientOf(session).call('get_communities'), { ok: true, value: [{ community: '-/-', purgeable: 0, is_federation: 1, ip4addr: '' }] });
    }
  });

  it('get_packetstats has the ten n3n rows', async () => {
    const stats = await clientOf('ci_sn1').call('get_packetstats');
    assert.ok(stats.ok);
    assert.deepEqual(
      stats.value.map((row) => [row.type, Object.keys(row).sort().join(',')]),
      [
        ['transop', 'rx_pkt,tx_pkt,type'],
        ['p2p', 'rx_pkt,tx_pkt,type'],
        ['super', 'rx_pkt,tx_pkt,type'],
        ['super_broadcast', 'rx_pkt,tx_pkt,type'],
        ['tuntap_error', 'tx_pkt,type'],
        ['multicast_drop', 'rx_pkt,tx_pkt,type'],
        ['sn_fwd', 'tx_pkt,type'],
        ['sn_broadcast', 'tx_pkt,type'],
        ['sn_reg', 'nak,tx_pkt,type'],
        ['sn_errors', 'tx_pkt,type'],
      ],
    );
  });

  it('get_edges on each supernode lists the other one (mode sn, community -/-)', async () => {
    for (const [session, mac, port] of [
      ['ci_sn1', '02:00:00:00:70:02', port2],
      ['ci_sn2', '02:00:00:00:70:01', port1],
    ] as const) {
      const client = clientOf(session);
      // The peer's MAC is learned from its federation registration.
      await until(async () => {
        const edges = await client.call('get_edges');
        return edges.ok && edges.value[0]?.macaddr === mac;
      }, `${session} to learn its peer's MAC`);
      const edges = await client.call('get_edges');
      assert.ok(edges.ok);
      assert.deepEqual(
        edges.value.map(({ time_alloc: _alloc, last_seen: _seen, ...row }) => row),
        [
          {
            mode: 'sn',
            community: '-/-',
            ip4addr: '',
            purgeable: 0,
            local: 0,
            macaddr: mac,
            sockaddr: `127.0.0.1:${port}`,
            prefered_sockaddr: '0.0.0.0:0',
            desc: '',
            version: '',
            timeout: 0,
            uptime: 0,
            last_p2p: 0,
            last_sent_query: 0,
          },
        ],
      );
    }
  });

  it('set_verbose needs the key; get_verbose is 2; with the key set_verbose 1 gives 1', async () => {
    const client = clientOf('ci_sn1');
    // HTTP 401: what n3nctl prints as "This request requires an authentication key".
    assert.deepEqual(await client.call('set_verbose', ['1']), { ok: false, error: 'unauthorised' });
    assert.deepEqual(await client.call('get_verbose'), { ok: true, value: 2 });
    assert.deepEqual(await client.call('set_verbose', ['1'], { password: PASSWORD }), { ok: true, value: 1 });
  });

  it('stop answers 0, the daemons exit 0 and remove their sockets', async () => {
    assert.deepEqual(await clientOf('ci_sn1').call('stop', null, { password: PASSWORD }), { ok: true, value: 0 });
    assert.deepEqual(await clientOf('ci_sn2').call('stop', null, { password: PASSWORD }), { ok: true, value: 0 });
    const exited = await sn2Exit;
    assert.equal(exited.code, 0, exited.stderr);
    assert.equal(exited.stdout, '');
    await until(() => !existsSync(socketOf('ci_sn1')), 'the ci_sn1 socket to be removed');
    assert.equal(existsSync(socketOf('ci_sn2')), false);
  });
});

describe('kith-supernode: command line, errors and signals', () => {
  it('-V, help config and help options exit 0; an unknown verb exits 1', async () => {
    const version = await run(['-V']);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^kith-supernode \d+\.\d+\.\d+/);
    const config = await run(['help', 'config']);
    assert.equal(config.code, 0);
    assert.match(config.stdout, /\[management\]/);
    const options = await run(['help', 'options']);
    assert.equal(options.code, 0);
    assert.match(options.stdout, /daemon\.background=true/);
    const unknown = await run(['frobnicate']);
    assert.deepEqual(unknown, { code: 1, stdout: '', stderr: "Unknown subcmd: 'frobnicate'\n" });
  });

  it('a bad config file: exit 1, one line on stderr, nothing on stdout', async () => {
    writeFileSync(join(configDir, 'broken.conf'), '[supernode]\nauto_ip_min=banana\n');
    const result = await run(['start', 'broken']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr.split('\n').length, 2, result.stderr);
    assert.match(result.stderr, /broken\.conf:2: supernode\.auto_ip_min: invalid value "banana"/);
  });

  it('an unreadable community file: exit 1, one line naming the file', async () => {
    const missing = join(configDir, 'absent-communities.list');
    const result = await run(['start', 'nocommunities', `-Osupernode.community_file=${missing}`, '-Oconnection.bind=127.0.0.1:0']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`ERROR: ${missing}: cannot read the community file \\(ENOENT\\)\\n$`));
    assert.doesNotMatch(result.stderr, /\n\s+at /);
  });

  it('a UDP port already in use: exit 254 with one clear line', async () => {
    const port = await freePort();
    const occupant: UdpSocket = createSocket('udp4');
    await new Promise<void>((resolve) => occupant.bind(port, '127.0.0.1', () => resolve()));
    try {
      const result = await run(['start', 'busy', `-Oconnection.bind=127.0.0.1:${port}`]);
      assert.equal(result.code, 254);
      assert.match(result.stderr, new RegExp(`ERROR: UDP port ${port} is already in use\\n$`));
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    } finally {
      await new Promise<void>((resolve) => occupant.close(() => resolve()));
    }
  });

  it('SIGTERM stops gracefully: exit 0 and the socket file removed', async () => {
    const child = launch(['start', 'sigterm', '-Oconnection.bind=127.0.0.1:0']);
    const exit = finish(child);
    await until(() => answers('sigterm'), 'the supernode to answer');
    child.kill('SIGTERM');
    const result = await exit;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(existsSync(socketOf('sigterm')), false);
  });
});
