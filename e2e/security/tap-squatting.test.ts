// Issue 9, item 12: TAP squatting. A TAP belongs to whoever owns it: that user can reconfigure it
// through kith-tap or remove it. So the edge must never run on a TAP another user owns — not when
// it runs as root and could attach to anything, not when a user's edge finds an ownerless TAP root
// made, not when an agent hands it a descriptor of someone else's TAP — and the desktop must not
// use one name for every user, which the first user to take it would then hold for all.
import assert from 'node:assert/strict';
import { chownSync, mkdirSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { desktopTapName } from '../../desktop/host.js';
import { kithTap } from '../../native/test-fixtures/host.js';
import { EDGE_MAIN, RunDir, startProgram, waitFor, type KithProcess } from '../netns/kith.js';
import { Topology, type Host } from '../netns/topology.js';
import { asUser, capableKithTap, kithTapSkipReason, NOBODY, type CapableCopy } from './kith-tap-host.js';

const skip = kithTapSkipReason();
const EXIT_MS = 20_000;

// A stand-in for kith-tap's agent that hands over a descriptor of a TAP it chose, whoever owns it.
const FAKE_AGENT = `
import fcntl, os, socket, struct, sys
path, name = sys.argv[1], sys.argv[2]
fd = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH22x', name.encode(), 0x0002 | 0x1000))  # TUNSETIFF, IFF_TAP | IFF_NO_PI
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
os.chmod(path, 0o666)
server.listen(4)
print('ready', flush=True)
while True:
    client, _ = server.accept()
    client.recv(256)
    socket.send_fds(client, [('ok %s\\n' % name).encode()], [fd])
    client.close()
`;

describe('security: the edge uses only its own user’s TAP (issue 9, item 12)', { skip }, () => {
  let topology: Topology;
  let runDir: RunDir;
  let host: Host;
  let agentDir = '';
  let helper: CapableCopy | undefined;
  const inNs = (command: string, args: string[]): Promise<string> => topology.exec(host.ns, command, args);

  before(async () => {
    topology = Topology.create();
    runDir = new RunDir(topology);
    host = { ns: await topology.namespace('squat'), address: '' };
    helper = capableKithTap();
  });

  after(async () => {
    await topology?.destroy();
    runDir?.remove();
    helper?.remove();
    if (agentDir !== '') rmSync(agentDir, { recursive: true, force: true });
  });

  /** Starts kith-edge on TAP `device` and waits (bounded) for it to give up. */
  async function edgeOn(device: string, session: string, options: { asNobody?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | null; output: string }> {
    if (options.asNobody === true) {
      mkdirSync(join(runDir.root, 'run', session), { recursive: true });
      chownSync(join(runDir.root, 'run', session), NOBODY.uid, NOBODY.gid);
    }
    const edge: KithProcess = startProgram(topology, runDir, host, session, {
      main: EDGE_MAIN,
      args: ['start', session, '-c', 'squat', '-l', '10.77.0.1:7654', '-a', '10.99.0.1/24', `-Otuntap.name=${device}`],
      asUser: options.asNobody === true ? NOBODY : undefined,
      env: options.env,
    });
    const code = await waitFor(`the edge on ${device} to refuse it`, () => edge.child.exitCode ?? undefined, EXIT_MS, 100).catch(() => null);
    return { code, output: edge.output() };
  }

  it('a root edge refuses a TAP another user owns, and leaves it alone', async () => {
    await inNs(kithTap, ['create', 'kithsq0', 'nobody']);
    const { code, output } = await edgeOn('kithsq0', 'sq0');
    assert.equal(code, 1, output);
    assert.match(output, /cannot open TAP kithsq0: it belongs to uid 65534, not to this user \(uid 0\), and Kith uses only its own user's TAP/);
    assert.equal((await inNs('cat', ['/sys/class/net/kithsq0/owner'])).trim(), String(NOBODY.uid));
    assert.doesNotMatch(await inNs('ip', ['-4', 'address', 'show', 'dev', 'kithsq0']), /inet /);
  });

  it('a user’s edge refuses an ownerless TAP that root made (which any user could attach to)', async () => {
    await inNs('ip', ['tuntap', 'add', 'kithsq1', 'mode', 'tap']);
    assert.equal((await inNs('cat', ['/sys/class/net/kithsq1/owner'])).trim(), '-1');
    const { code, output } = await edgeOn('kithsq1', 'sq1', { asNobody: true });
    assert.equal(code, 1, output);
    assert.match(output, /cannot open TAP kithsq1: it belongs to no user, not to this user \(uid 65534\)/);
  });

  it('a user’s edge refuses a descriptor an agent hands over for a TAP it does not own', async () => {
    await inNs(kithTap, ['create', 'kithsq2', 'root']);
    agentDir = mkdtempSync(join(tmpdir(), 'kith-fake-agent-'));
    chmodSync(agentDir, 0o755);
    const socket = join(agentDir, 'tapd.sock');
    const agent = topology.spawn(host.ns, 'python3', ['-c', FAKE_AGENT, socket, 'kithsq2']);
    let said = '';
    agent.stdout?.on('data', (chunk: Buffer) => (said += chunk.toString()));
    agent.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
    await waitFor('the stand-in agent', () => (said.includes('ready') ? true : undefined), EXIT_MS, 100);
    const { code, output } = await edgeOn('kithsq2', 'sq2', { asNobody: true, env: { KITH_TAP_AGENT: socket } });
    assert.equal(code, 1, `${output}\n${said}`);
    assert.match(output, /cannot open TAP kithsq2: it belongs to uid 0, not to this user \(uid 65534\)/);
  });

  it('gives each user of the desktop a TAP name of their own, which kith-tap keeps for that user', async () => {
    assert.equal(desktopTapName(1000), 'kith1000');
    assert.equal(desktopTapName(NOBODY.uid), 'kith65534');
    assert.notEqual(desktopTapName(1000), desktopTapName(1001));
    const copy = helper!.path;
    const taken = await topology.tryExec(host.ns, asUser(NOBODY.uid)[0]!, [...asUser(NOBODY.uid).slice(1), copy, 'create', 'kith1000', 'nobody']);
    assert.equal(taken.code, 3, taken.stderr);
    assert.match(taken.stderr, /kith-tap: kith1000 is reserved for uid 1000; yours is kith65534/);
    const own = await topology.tryExec(host.ns, asUser(NOBODY.uid)[0]!, [...asUser(NOBODY.uid).slice(1), copy, 'create', desktopTapName(NOBODY.uid), 'nobody']);
    assert.equal(own.code, 0, own.stderr);
  });
});
