// Scenario 7: the engine running as an unprivileged user, with its TAP created by `kith-tap`
// carrying cap_net_admin — ping works. As installed by the packages: a COPY of kith-tap with file
// capabilities (never setuid) makes a persistent TAP owned by the user and, called again by the edge
// through KITH_TAP_HELPER, gives it its MTU, address and link state; the edge itself never holds a
// capability. The second edge runs as root, as in the other scenarios.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { call, daemonPid, describePeer, EDGE_MAIN, observe, pingBothWays, REPO, RunDir, SETTLE_MS, startPair, startProgram, startSupernode, SUPERNODE_PORT, waitFor, waitForPeerPath } from './kith.js';
import type { EdgePair } from './kith.js';
import { createManagementClient } from '../../engine/mgmt/client.js';
import type { AnyMethodSpec } from '../../engine/mgmt/method-table.js';
import { netnsSkipReason, Topology } from './topology.js';

/** Debian's `nobody` / `nogroup`: an account that owns nothing else on the machine. */
const NOBODY = { uid: 65534, gid: 65534 };
/** The unprivileged edge's session, and so its TAP name (kith-tap only handles kith* names). */
const USER_TAP = 'kitha';
const BUILT_HELPER = join(REPO, 'native', 'build', 'kith-tap');

function setcapSkipReason(): string | undefined {
  if (!existsSync(BUILT_HELPER)) return 'kith-tap is not built (npm run build:native)';
  // setcap on a missing file fails with a message; a missing setcap fails to spawn at all.
  if (spawnSync('setcap', ['-v', 'cap_net_admin=ep', '/nonexistent'], { timeout: 10_000 }).error !== undefined) return 'setcap is unavailable (apt-get install libcap2-bin)';
  return undefined;
}

const skip = netnsSkipReason() ?? setcapSkipReason();

describe('netns: scenario 7, an unprivileged edge on a TAP made by kith-tap with cap_net_admin', { skip }, () => {
  let topology: Topology;
  let runDir: RunDir;
  let pair: EdgePair;
  let helperDir = '';
  let tunMode: number | undefined;

  before(async () => {
    // The copy lives in a directory the user can traverse; file capabilities need a filesystem that
    // keeps the security.capability xattr (tmpfs and ext4 both do).
    helperDir = mkdtempSync(join(tmpdir(), 'kith-caps-'));
    chmodSync(helperDir, 0o755);
    const helper = join(helperDir, 'kith-tap');
    copyFileSync(BUILT_HELPER, helper);
    chmodSync(helper, 0o755);
    const setcap = spawnSync('setcap', ['cap_net_admin=ep', helper], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(setcap.status, 0, `setcap: ${setcap.stderr}`);

    // Debian ships /dev/net/tun as 0666 (the tun driver checks ownership itself); some images
    // tighten it to 0600, which would stop the owner attaching. Restored in after().
    tunMode = statSync('/dev/net/tun').mode & 0o777;
    chmodSync('/dev/net/tun', 0o666);

    topology = Topology.create();
    runDir = new RunDir(topology);
    // The management socket's directory must belong to the daemon's user (listeners.ts refuses a
    // directory owned by anyone else but root); the run directory above it stays root's.
    mkdirSync(join(runDir.root, 'run', USER_TAP), { recursive: true });
    chownSync(join(runDir.root, 'run', USER_TAP), NOBODY.uid, NOBODY.gid);

    const snHost = await topology.publicHost('sn');
    const sn = startSupernode(topology, runDir, snHost, 'sn');
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    const [hostA, hostB] = [await topology.publicHost('a'), await topology.publicHost('b')];

    pair = await startPair(
      topology,
      runDir,
      hostA,
      hostB,
      { community: 'unpriv', supernodes: [`${snHost.address}:${SUPERNODE_PORT}`], asUser: NOBODY, env: { KITH_TAP_HELPER: helper } },
      // kithb: root, creating its own TAP as usual.
      { asUser: undefined, env: {} },
    );
    // No setup step: the edge, as the user, had kith-tap make the persistent TAP on first use.
    const owner = (await topology.exec(hostA.ns, 'cat', [`/sys/class/net/${USER_TAP}/owner`])).trim();
    assert.equal(owner, String(NOBODY.uid), 'the persistent TAP belongs to the user');
  });

  after(async () => {
    try {
      // Deleting the namespaces also deletes the persistent TAP.
      await topology?.destroy();
      runDir?.remove();
    } finally {
      if (tunMode !== undefined) chmodSync('/dev/net/tun', tunMode);
      if (helperDir !== '') rmSync(helperDir, { recursive: true, force: true });
    }
  });

  it('7: pings over the VPN both ways with the unprivileged edge, whose peer is direct', async () => {
    const pid = daemonPid(pair.a);
    assert.ok(pid !== undefined, 'the unprivileged edge process is running');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const uids = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/m.exec(status)?.slice(1).map(Number);
    assert.ok(uids !== undefined, 'Uid line in /proc/<pid>/status');
    // Real, effective, saved and filesystem uid: none of them root.
    assert.ok(uids.every((uid) => uid !== 0), `edge uids ${uids.join(' ')}`);
    assert.equal(uids[1], NOBODY.uid);
    const capEff = /^CapEff:\s+([0-9a-f]+)$/m.exec(status)?.[1];
    assert.equal(capEff === undefined ? undefined : BigInt(`0x${capEff}`), 0n, 'the edge holds no capability');

    const rtt = await pingBothWays(topology, pair);
    const peerOfA = await waitForPeerPath(pair.a, 'direct', SETTLE_MS);
    assert.equal(peerOfA.path, 'direct');
    const mtu = (await topology.exec(pair.hostA.ns, 'cat', [`/sys/class/net/${USER_TAP}/mtu`])).trim();
    observe(`unprivileged: edge uid ${uids[1]} CapEff ${capEff ?? '-'}; TAP ${USER_TAP} MTU ${mtu}; ping a→b ${rtt.ab ?? '-'} ms, b→a ${rtt.ba ?? '-'} ms; a sees ${describePeer(peerOfA)}`);
  });

  it('3: disconnected, the user TAP keeps no address; connected, it has it again; on quit the TAP kith-tap made is gone', async () => {
    const ns = pair.hostA.ns;
    const inet = async (): Promise<string> => (await topology.exec(ns, 'ip', ['-4', '-o', 'address', 'show', 'dev', USER_TAP])).trim();
    // The state-changing calls take the management password: n3n's default on the unix socket.
    const edge = createManagementClient<Readonly<Record<string, AnyMethodSpec & { handler: (params: never) => unknown }>>>({ socketPath: pair.a.socketPath });
    const order = async (method: string): Promise<void> => {
      const done = await edge.call(method, undefined, { password: 'n3n' });
      assert.ok(done.ok, `${method}: ${done.ok ? '' : done.error}`);
    };
    assert.match(await inet(), /inet 10\.99\.0\.1\/24 /);

    await order('kith.disconnect');
    await waitFor('the address to leave the TAP', async () => ((await inet()) === '' ? true : undefined), SETTLE_MS);
    await order('kith.connect');
    await waitFor('the address to come back', async () => (/inet 10\.99\.0\.1\/24 /.test(await inet()) ? true : undefined), SETTLE_MS);

    await topology.stop(pair.a.child, SETTLE_MS);
    const left = await topology.tryExec(ns, 'ip', ['link', 'show', 'dev', USER_TAP]);
    assert.notEqual(left.code, 0, `the TAP is still there after quit:\n${left.stdout}\n${pair.a.output().slice(-2_000)}`);
  });
});

describe('netns: scenario 7 through the kith-tap agent (kith-tap serve, as on macOS)', { skip }, () => {
  let topology: Topology;
  let runDir: RunDir;
  let pair: EdgePair;
  let agentDir = '';

  before(async () => {
    topology = Topology.create();
    runDir = new RunDir(topology);
    mkdirSync(join(runDir.root, 'run', USER_TAP), { recursive: true });
    chownSync(join(runDir.root, 'run', USER_TAP), NOBODY.uid, NOBODY.gid);
    const snHost = await topology.publicHost('sn');
    const sn = startSupernode(topology, runDir, snHost, 'sn');
    await waitFor('the supernode', () => call(sn, 'get_info'), SETTLE_MS);
    const [hostA, hostB] = [await topology.publicHost('a'), await topology.publicHost('b')];

    // The agent runs as root in the edge's namespace; its socket's directory is root's, not
    // writable by others (the agent refuses anything else).
    agentDir = mkdtempSync(join(tmpdir(), 'kith-agent-'));
    chmodSync(agentDir, 0o755);
    const socket = join(agentDir, 'tapd.sock');
    topology.spawn(hostA.ns, BUILT_HELPER, ['serve', socket]);
    await waitFor('the agent socket', () => (existsSync(socket) ? true : undefined), SETTLE_MS, 100);

    pair = await startPair(
      topology,
      runDir,
      hostA,
      hostB,
      // No capability anywhere on the user's side: the descriptor comes from the agent.
      { community: 'agent', supernodes: [`${snHost.address}:${SUPERNODE_PORT}`], asUser: NOBODY, env: { KITH_TAP_AGENT: socket } },
      { asUser: undefined, env: {} },
    );
  });

  after(async () => {
    try {
      await topology?.destroy();
      runDir?.remove();
    } finally {
      if (agentDir !== '') rmSync(agentDir, { recursive: true, force: true });
    }
  });

  it('7 (agent): pings over the VPN both ways; the TAP belongs to the user', async () => {
    const owner = (await topology.exec(pair.hostA.ns, 'cat', [`/sys/class/net/${USER_TAP}/owner`])).trim();
    assert.equal(owner, String(NOBODY.uid));
    const rtt = await pingBothWays(topology, pair);
    const peerOfA = await waitForPeerPath(pair.a, 'direct', SETTLE_MS);
    observe(`agent: TAP ${USER_TAP} from kith-tap serve; ping a→b ${rtt.ab ?? '-'} ms, b→a ${rtt.ba ?? '-'} ms; a sees ${describePeer(peerOfA)}`);
  });
});

describe('netns: an unprivileged user whose kith-tap lacks the capability is told so, with the fix', { skip: netnsSkipReason() }, () => {
  let topology: Topology;
  let runDir: RunDir;
  let helperDir = '';

  before(() => {
    topology = Topology.create();
    runDir = new RunDir(topology);
    // A copy without file capabilities, whatever the built one was given.
    helperDir = mkdtempSync(join(tmpdir(), 'kith-nocaps-'));
    chmodSync(helperDir, 0o755);
    copyFileSync(BUILT_HELPER, join(helperDir, 'kith-tap'));
    chmodSync(join(helperDir, 'kith-tap'), 0o755);
    mkdirSync(join(runDir.root, 'run', USER_TAP), { recursive: true });
    chownSync(join(runDir.root, 'run', USER_TAP), NOBODY.uid, NOBODY.gid);
  });

  after(async () => {
    await topology?.destroy();
    runDir?.remove();
    if (helperDir !== '') rmSync(helperDir, { recursive: true, force: true });
  });

  it('kith-edge as nobody: CAP_NET_ADMIN is missing and the setcap line that fixes it, not "no /dev/net/tun"', async () => {
    const host = await topology.publicHost('a');
    const helper = join(helperDir, 'kith-tap');
    const edge = startProgram(topology, runDir, host, USER_TAP, {
      main: EDGE_MAIN,
      args: ['start', USER_TAP, '-c', 'family', '-k', 'secret', '-Ocommunity.cipher=AES', '-l', `127.0.0.1:${SUPERNODE_PORT}`],
      env: { KITH_TAP_HELPER: helper },
      asUser: NOBODY,
    });
    const code = await new Promise<number | null>((resolve) => edge.child.once('close', resolve));
    const output = edge.output();
    assert.equal(code, 1, output);
    assert.match(output, new RegExp(`ERROR: cannot open TAP ${USER_TAP}: it does not exist, and this user lacks CAP_NET_ADMIN to create it .*; give kith-tap the capability once \\(sudo setcap cap_net_admin=ep ${helper.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\), or run as root\n`));
    assert.doesNotMatch(output, /no \/dev\/net\/tun/);
  });
});
