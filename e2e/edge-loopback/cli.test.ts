// The kith-edge and kithctl programs end to end: a kith-supernode and kith-edges started with
// `--daemon` inside a network namespace of their own (the edge creates a real TAP, so this needs
// root), n3n's readiness rule (N3N-TESTS.md §1), kithctl's output, keygen vectors (CONFIG.md §2.5)
// and start-up errors (CONFIG.md §6, §9).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const EDGE = join(REPO, 'engine', 'cli', 'edge-main.ts');
const SUPERNODE = join(REPO, 'supernode', 'main.ts');
const KITHCTL = join(REPO, 'engine', 'cli', 'kithctl.ts');
/** Upper bound for any single wait; the tests never assert on durations. */
const WAIT_LIMIT_MS = 30_000;
const NS = `kithcli${process.pid}`;

const configDir = mkdtempSync(join(tmpdir(), 'kith-edge-cli-conf-'));
const runDir = mkdtempSync(join(tmpdir(), 'kith-edge-cli-run-'));
const daemonPids = new Set<number>();

function netnsSkipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root (network namespace and TAP device)';
  if (!existsSync('/usr/sbin/ip') && !existsSync('/sbin/ip') && !existsSync('/usr/bin/ip')) return 'needs iproute2';
  return false;
}

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program (in the namespace when inNamespace) to its end; killed after the wait limit. */
function run(main: string, args: readonly string[], inNamespace = false): Promise<Finished> {
  const env: NodeJS.ProcessEnv = { ...process.env, KITH_CONFIG_DIR: configDir, KITH_RUN_DIR: runDir };
  for (const name of ['N3N_KEY', 'N3N_COMMUNITY', 'N3N_PASSWORD', 'N3N_FEDERATION']) delete env[name];
  const command = [process.execPath, '--import', 'tsx', main, ...args];
  const child = inNamespace ? spawn('ip', ['netns', 'exec', NS, ...command], { cwd: REPO, env }) : spawn(command[0]!, command.slice(1), { cwd: REPO, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => {
    const guard = setTimeout(() => child.kill('SIGKILL'), WAIT_LIMIT_MS);
    child.once('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `--daemon` prints the background process id; remember it for cleaning up. */
function rememberDaemon(result: Finished): number {
  const pid = Number(/running in the background as process (\d+)/.exec(result.stderr)?.[1]);
  assert.ok(Number.isInteger(pid), result.stderr);
  daemonPids.add(pid);
  return pid;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; waited < WAIT_LIMIT_MS; waited += 50) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`gave up waiting for ${what}`);
}

const interfaceExists = (name: string): boolean => {
  try {
    execFileSync('ip', ['-n', NS, 'link', 'show', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const interfaceAddress = (name: string): string => execFileSync('ip', ['-n', NS, '-4', '-o', 'address', 'show', name], { encoding: 'utf8' });

const kithctl = (...args: string[]): Promise<Finished> => run(KITHCTL, args);

describe('kith-edge verbs', () => {
  it('prints n3n keygen vectors', async () => {
    assert.deepEqual(await run(EDGE, ['tools', 'keygen', 'logan', '007']), { code: 0, stdout: '* logan nHWum+r42k1qDXdIeH-WFKeylK5UyLStRzxofRNAgpG\n', stderr: '' });
    assert.deepEqual(await run(EDGE, ['tools', 'keygen', 'secretFed']), { code: 0, stdout: 'auth.pubkey=opIyaWhWjKLJSNOHNpKnGmelhHWRqkmY5pAx7lbDHp4\n', stderr: '' });
    assert.equal((await run(EDGE, ['tools', 'keygen'])).code, 1);
  });

  it('exits 1 with one line when the community or the supernode is missing', async () => {
    const noCommunity = await run(EDGE, ['start', 'nocomm', '-l', '127.0.0.1:7654']);
    assert.equal(noCommunity.code, 1);
    assert.match(noCommunity.stderr, /^kith-edge: no community: set community\.name \(-c <name>\)\n$/);
    const noSupernode = await run(EDGE, ['start', 'nosn', '-c', 'test']);
    assert.equal(noSupernode.code, 1);
    assert.match(noSupernode.stderr, /^kith-edge: no supernode[^\n]*\n$/);
  });

  it('exits 1 with one line on a broken config file', async () => {
    writeFileSync(join(configDir, 'broken.conf'), 'name = outside any section\n');
    const broken = await run(EDGE, ['start', 'broken']);
    assert.equal(broken.code, 1);
    assert.equal(broken.stderr.trimEnd().split('\n').length, 1, broken.stderr);
  });
});

describe('kith-edge --daemon in a network namespace', { skip: netnsSkipReason() }, () => {
  before(() => {
    execFileSync('ip', ['netns', 'add', NS]);
    execFileSync('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
  });

  after(() => {
    for (const pid of daemonPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    // Deleting the namespace also removes any TAP a killed edge left behind.
    execFileSync('ip', ['netns', 'delete', NS]);
    rmSync(configDir, { recursive: true, force: true });
    rmSync(runDir, { recursive: true, force: true });
  });

  let edgePid = 0;

  it('returns from start --daemon only once the edge is registered and the TAP has its address', async () => {
    const sn = await run(SUPERNODE, ['start', 'ci_sn', '--daemon', '-Oconnection.bind=7654', '-Osupernode.macaddr=02:00:00:55:00:00'], true);
    assert.equal(sn.code, 0, sn.stderr);
    rememberDaemon(sn);
    const edgeArgs = ['start', 'ci_edge1', '--daemon', '-l', 'localhost:7654', '-c', 'test', '-Oconnection.description=ci_edge1', '-Otuntap.macaddr=02:00:00:77:00:00'];
    const edge = await run(EDGE, edgeArgs, true);
    assert.equal(edge.code, 0, edge.stderr);
    assert.match(edge.stderr, /WARNING: community\.key is not set: this edge sends its traffic unencrypted/);
    edgePid = rememberDaemon(edge);
    // No waiting: n3n's tests query right away (N3N-TESTS.md §1). CONFIG.md §8: ci_edge1 → .139.
    assert.match(interfaceAddress('ci_edge1'), /inet 10\.200\.175\.139\/24 /);
    const status = await kithctl('-s', 'ci_edge1', '--json', 'status');
    assert.equal(status.code, 0, status.stderr);
    assert.equal((JSON.parse(status.stdout) as { state: string }).state, 'registered');
  });

  it('shows the status, supernodes and peers as tables', async () => {
    const second = await run(EDGE, ['start', 'kithe2', '--daemon', '-l', 'localhost:7654', '-c', 'test', '-Oconnection.description=second', '-a', '10.200.175.20/24'], true);
    assert.equal(second.code, 0, second.stderr);
    rememberDaemon(second);
    execFileSync('ip', ['netns', 'exec', NS, 'ping', '-n', '-c', '1', '-W', '5', '10.200.175.20'], { stdio: 'ignore' });

    const status = await kithctl('-s', 'ci_edge1', 'status');
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /^state: +registered$/m);
    assert.match(status.stdout, /^address: +10\.200\.175\.139\/24 \(auto\)$/m);
    assert.match(status.stdout, /^tap: +ci_edge1$/m);

    const supernodes = await kithctl('-s', 'ci_edge1', 'supernodes');
    assert.match(supernodes.stdout, /^SUPERNODE +MAC +SELECTED +RTT +LAST SEEN +VERSION +UPTIME$/m);
    assert.match(supernodes.stdout, /^127\.0\.0\.1:7654 +02:00:00:55:00:00 +yes /m);

    const peers = await kithctl('-s', 'ci_edge1', 'peers');
    assert.match(peers.stdout, /^NAME +VPN IP +MAC +PATH +RTT +LAST SEEN +IN\/OUT$/m);
    assert.match(peers.stdout, /10\.200\.175\.20 +[0-9a-f:]{17} +(direct|relayed via 127\.0\.0\.1:7654) /);
    const json = JSON.parse((await kithctl('-s', 'ci_edge1', '--json', 'peers')).stdout) as { vpnIpv4?: string; mac: string; lastSeen: number }[];
    const secondPeer = json.find((peer) => peer.vpnIpv4 === '10.200.175.20');
    assert.ok(secondPeer !== undefined && Number.isInteger(secondPeer.lastSeen) && secondPeer.lastSeen > 0, JSON.stringify(json));

    // One format for both daemons: lower-case MACs, VPN addresses without their prefix.
    const edges = await kithctl('-s', 'ci_sn', 'edges');
    assert.match(edges.stdout, /^test +ci_edge1 +10\.200\.175\.139 +02:00:00:77:00:00 /m);
    const edgesJson = JSON.parse((await kithctl('-s', 'ci_sn', '--json', 'edges')).stdout) as { name: string; vpnIpv4: string; mac: string; lastSeen: number }[];
    const first = edgesJson.find((edge) => edge.name === 'ci_edge1');
    assert.deepEqual({ vpnIpv4: first?.vpnIpv4, mac: first?.mac, whole: Number.isInteger(first?.lastSeen) }, { vpnIpv4: '10.200.175.139', mac: '02:00:00:77:00:00', whole: true });
    // The second edge lists the first once the supernode has vouched for it (QUERY_PEER → PEER_INFO
    // after the ping's first frames), which on a busy machine can come after the ping's reply.
    const firstRow = /^ci_edge1 +10\.200\.175\.139 +02:00:00:77:00:00 /m;
    let peerOfSecond = '';
    for (let tries = 0; tries < 50 && !firstRow.test(peerOfSecond); tries++) {
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      peerOfSecond = (await kithctl('-s', 'kithe2', 'peers')).stdout;
    }
    assert.match(peerOfSecond, firstRow);
  });

  it('answers a verb for the other kind of daemon with a message and exit 1', async () => {
    assert.deepEqual(await kithctl('-s', 'ci_sn', 'supernodes'), {
      code: 1,
      stdout: '',
      stderr: 'kithctl: supernodes lists the supernodes an edge uses, and this daemon is a supernode: use kithctl edges\n',
    });
    assert.deepEqual(await kithctl('-s', 'ci_sn', 'peers'), { code: 1, stdout: '', stderr: "kithctl: peers lists an edge's peers, and this daemon is a supernode: use kithctl edges\n" });
    assert.deepEqual(await kithctl('-s', 'ci_edge1', 'edges'), {
      code: 1,
      stdout: '',
      stderr: 'kithctl: edges lists the edges registered at a supernode, and this daemon is an edge: use kithctl peers\n',
    });
  });

  it('explains a missing daemon and a wrong password', async () => {
    const missing = await kithctl('-s', 'nosuchsession', 'status');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^kithctl: no daemon at \S+\/nosuchsession\/mgmt: is kith-edge/);
    const wrong = await kithctl('-s', 'ci_edge1', '-k', 'wrong', 'verbose', '3');
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr, 'kithctl: wrong management password\n');
  });

  it('stops on `stop`: exit without error and the TAP is gone', async () => {
    const stopped = await kithctl('-s', 'ci_edge1', '-k', 'n3n', 'stop');
    assert.deepEqual(stopped, { code: 0, stdout: '0\n', stderr: '' });
    await until(() => !alive(edgePid), 'the edge to exit');
    assert.equal(interfaceExists('ci_edge1'), false);
    assert.equal(existsSync(join(runDir, 'ci_edge1')), false);
    for (const session of ['kithe2', 'ci_sn']) assert.equal((await kithctl('-s', session, '-k', 'n3n', 'stop')).code, 0);
  });
});
