// Issue 9 item 9, management lockout: any local user held every management connection (56 event
// streams that never read plus 8 idle sockets, or slow and trickling connections) and kept the
// whole API, unix socket included, at 503 for minutes. Here another user (nobody) does all of that
// at once against a real kith-supernode, topping its connections up as they are closed, while the
// operator's authenticated calls and event stream must still be answered every time.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { createManagementClient } from '../../engine/mgmt/index.js';
import type { SupernodeApi, SupernodeEventPayloads } from '../../supernode/management.js';
import { observe } from '../netns/kith.js';
import { startSupernodeDaemon, waitFor, type Daemon } from './daemons.js';

const NOBODY = { uid: 65534, gid: 65534 };
const N3N_DEFAULT = 'n3n';
/** How long the attack lasts at most; the operator's probes run inside it. */
const ATTACK_MS = 25_000;
const PROBES = 8;

/**
 * The attacker, a plain node script run as nobody: per category a target count of connections,
 * refilled every 200 ms as the daemon closes them, for at most `ms` and `budget` connections in all.
 * It prints how many of each it holds, once a second.
 */
const ATTACKER = `
const net = require('node:net');
const [socketPath, port, ms, budget] = process.argv.slice(1);
const auth = 'Basic ' + Buffer.from('x:${N3N_DEFAULT}').toString('base64');
const topics = ['debug', 'test', 'peer', 'kith.edge', 'kith.community'];
const held = { unixStreams: new Set(), tcpStreams: new Set(), unixIdle: new Set(), tcpIdle: new Set(), trickle: new Set() };
const tcp = port === '0' ? 0 : 1;
const targets = { unixStreams: 56, tcpStreams: 56 * tcp, unixIdle: 64, tcpIdle: 64 * tcp, trickle: 16 * tcp };
let opened = 0;
const open = (kind, n) => {
  const socket = kind.startsWith('unix') ? net.connect(socketPath) : net.connect(Number(port), '127.0.0.1');
  opened++;
  held[kind].add(socket);
  socket.on('error', () => undefined);
  socket.on('close', () => held[kind].delete(socket));
  // Streams are never read: the socket is paused from the start.
  socket.pause();
  socket.on('connect', () => {
    if (kind.endsWith('Streams')) socket.write('GET /events/' + topics[n % topics.length] + ' HTTP/1.1\\r\\nHost: 127.0.0.1:' + port + '\\r\\nAuthorization: ' + auth + '\\r\\n\\r\\n');
    if (kind === 'trickle') {
      const head = 'POST /v1 HTTP/1.1\\r\\nHost: 127.0.0.1:' + port + '\\r\\nContent-Type: application/json\\r\\nContent-Length: 999\\r\\n';
      let i = 0;
      const timer = setInterval(() => (i < head.length && !socket.destroyed ? socket.write(head[i++]) : clearInterval(timer)), 500);
      socket.on('close', () => clearInterval(timer));
    }
  });
};
const refill = setInterval(() => {
  for (const kind of Object.keys(targets)) for (let n = held[kind].size; n < targets[kind] && opened < Number(budget); n++) open(kind, n);
}, 200);
const report = setInterval(() => console.log(JSON.stringify(Object.fromEntries(Object.entries(held).map(([k, v]) => [k, v.size])))), 1000);
setTimeout(() => {
  clearInterval(refill);
  clearInterval(report);
  for (const set of Object.values(held)) for (const socket of set) socket.destroy();
  process.exit(0);
}, Number(ms));
`;

/** Starts the attacker as nobody; resolves once it holds its connections. */
async function attack(sn: Daemon, output: { text: string }): Promise<ChildProcess> {
  const port = sn.tcp?.port ?? 0;
  const child = spawn('setpriv', [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', process.execPath, '-e', ATTACKER, sn.socketPath, String(port), String(ATTACK_MS), '20000'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer): void => void (output.text = (output.text + chunk.toString('utf8')).slice(-4_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await waitFor('the attacker to open its connections', () => (output.text.includes('"unixIdle"') ? true : undefined), 10_000, 100);
  // Its first connections may be refused or closed again; let it settle at what it can hold.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  return child;
}

/** The operator's calls and event stream during the attack; returns what went unanswered. */
async function operatorProbes(sn: Daemon, passwords: { readonly unix: string; readonly tcp?: string }): Promise<{ failures: string[]; events: number }> {
  const unix = createManagementClient<SupernodeApi, SupernodeEventPayloads>({ socketPath: sn.socketPath }, { timeoutMs: 3_000 });
  const overTcp = sn.tcp === undefined ? undefined : createManagementClient<SupernodeApi>(sn.tcp, { timeoutMs: 3_000 });
  let events = 0;
  const stream = unix.subscribe('test', () => void events++, { password: passwords.unix });
  const failures: string[] = [];
  for (let probe = 0; probe < PROBES; probe++) {
    const level = 2 + (probe % 2);
    const viaUnix = await unix.call('set_verbose', [level], { password: passwords.unix });
    if (!viaUnix.ok || viaUnix.value !== level) failures.push(`unix probe ${probe}: ${JSON.stringify(viaUnix)}`);
    if (overTcp !== undefined && passwords.tcp !== undefined) {
      const viaTcp = await overTcp.call('get_verbose', undefined, { password: passwords.tcp });
      if (!viaTcp.ok || viaTcp.value !== level) failures.push(`tcp probe ${probe}: ${JSON.stringify(viaTcp)}`);
    }
    const posted = await unix.call('post.test', ['probe', probe]);
    if (!posted.ok) failures.push(`post.test ${probe}: ${JSON.stringify(posted)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  stream.close();
  return { failures, events };
}

describe('management lockout against kith-supernode', { skip: process.getuid?.() === 0 ? false : 'needs root to attack as another user', concurrency: false }, () => {
  const daemons: Daemon[] = [];
  const attackers: ChildProcess[] = [];
  after(async () => {
    for (const child of attackers) child.kill('SIGKILL');
    for (const daemon of daemons) await daemon.stop();
  });

  /** Runs the attack against the daemon and asserts the operator was answered throughout. */
  async function assertServedUnderAttack(sn: Daemon, passwords: { readonly unix: string; readonly tcp?: string }): Promise<void> {
    daemons.push(sn);
    const output = { text: '' };
    const attacker = await attack(sn, output);
    attackers.push(attacker);
    const { failures, events } = await operatorProbes(sn, passwords);
    const held = output.text.trim().split('\n').at(-1) ?? '?';
    observe(`the attacker held ${held}`);
    assert.deepEqual(failures, [], `attacker held ${held}`);
    assert.ok(events > 0, `the operator's event stream got nothing; attacker held ${held}`);
    assert.equal(attacker.exitCode, null, 'the attack was still on during every probe');
  }

  it('answers the operator, unix socket and TCP, while another user holds, trickles and streams', async () => {
    const password = 'lockout-test-password';
    const sn = await startSupernodeDaemon({ tcp: true, openRunDir: true, args: ['-Omanagement.unix_sock_perms=0666', `-Omanagement.password=${password}`] });
    await assertServedUnderAttack(sn, { unix: password, tcp: password });
  });

  it("answers the operator when everyone knows n3n's default password for the unix socket", async () => {
    const sn = await startSupernodeDaemon({ openRunDir: true, args: ['-Omanagement.unix_sock_perms=0666'] });
    await assertServedUnderAttack(sn, { unix: N3N_DEFAULT });
  });
});
