// Issue 9, item 13 (Medium): kith-tap's limits. A user made 300 TAPs in 3.5 s; 16 idle clients held
// the agent (one client at a time, backlog 16) so nobody else was served for 30 s; raw request
// bytes (ESC sequences) reached root's log. Now: at most 8 TAPs per user, by the command and the
// agent alike; the agent serves clients side by side, at most 8 connections per user, so idle
// ones cannot keep anyone else waiting; and what it logs is escaped.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../netns/kith.js';
import { asUser, kithTapSkipReason, kithTapWorld, NOBODY, type KithTapWorld } from './kith-tap-host.js';

const skip = kithTapSkipReason();
/** A second unprivileged user (no passwd entry needed: setpriv takes the number). */
const OTHER = 65533;

// Opens `count` connections to the agent and sends nothing; prints "connected" once all are, and a
// line for anything that happens to them afterwards. Ends when all are closed (or after 20 s).
const IDLE_CLIENTS = `
const net = require('node:net');
const [socket, count] = process.argv.slice(1);
let open = 0;
for (let i = 0; i < Number(count); i++) {
  const s = net.connect(socket, () => { if (++open === Number(count)) console.log('connected'); });
  s.setEncoding('latin1');
  s.on('data', (d) => console.log('reply ' + JSON.stringify(d)));
  s.on('close', () => console.log('closed'));
  s.on('error', (e) => console.log('error ' + e.code));
}
setTimeout(() => process.exit(0), 20000).unref();
`;

/** One request from this process (root), and the whole reply. */
function ask(socket: string, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    let reply = '';
    const s = connect(socket, () => s.write(bytes));
    s.setEncoding('latin1');
    s.setTimeout(10_000, () => s.destroy(new Error('no reply in 10 s')));
    s.on('data', (d: string) => (reply += d));
    s.on('error', reject);
    s.on('close', () => resolve(reply));
  });
}

describe('security: kith-tap limits what one user can take (issue 9, item 13)', { skip }, () => {
  let world: KithTapWorld;

  before(async () => {
    world = await kithTapWorld('limits');
  });

  after(async () => {
    await world?.destroy();
  });

  it('a user gets 8 TAPs and no 9th, from the command or from the agent', async () => {
    for (let i = 1; i <= 8; i++) {
      const r = await world.asUser(NOBODY.uid, [world.helper, 'create', `kithmany${i}`, 'nobody']);
      assert.equal(r.code, 0, `TAP ${i}: ${r.stderr}`);
    }
    const ninth = await world.asUser(NOBODY.uid, [world.helper, 'create', 'kithmany9', 'nobody']);
    assert.equal(ninth.code, 3, ninth.stderr);
    assert.equal(ninth.stderr, 'kith-tap: uid 65534 already owns 8 TAP devices, the most a user may; remove one first (kith-tap delete <name>)\n');
    assert.match(await world.askAgent(NOBODY.uid, 'open kithmany9'), /^error uid 65534 already owns 8 TAP devices/);
    const owned = (await world.topology.exec(world.ns, 'ip', ['-o', 'link', 'show'])).split('\n').filter((line) => /kithmany/.test(line));
    assert.equal(owned.length, 8);
    // Others are not held back by it.
    assert.equal((await world.asUser(OTHER, [world.helper, 'create', 'kithother1', String(OTHER)])).code, 0);
  });

  it('16 idle clients do not keep a legitimate one waiting; one user gets 8 connections at once', async () => {
    const idle = [NOBODY.uid, OTHER].map((uid) => {
      const child = world.topology.spawn(world.ns, 'setpriv', [...asUser(uid).slice(1), process.execPath, '-e', IDLE_CLIENTS, world.socket, '8']);
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
      return { child, out: () => out };
    });
    await waitFor('16 idle connections', () => (idle.every((c) => c.out().includes('connected')) ? true : undefined), 10_000, 20);
    // The legitimate request is answered while all 16 are still connected and waiting.
    const reply = await ask(world.socket, Buffer.from('open kithlegit\n'));
    const meanwhile = idle.map((c) => c.out());
    assert.equal(reply, 'ok kithlegit\n');
    for (const out of meanwhile) assert.equal(out, 'connected\n', 'the idle clients were still connected, unanswered');
    // A 9th connection of the same user is turned away at once.
    const ninth = (await world.asUser(NOBODY.uid, [process.execPath, '-e', IDLE_CLIENTS, world.socket, '1'])).stdout;
    assert.match(ninth, /reply "error too many connections from uid 65534 \(at most 8 at once\)\\n"/);
    // The idle ones end at their deadline, each with its own answer.
    await waitFor('the idle clients to time out', () => (idle.every((c) => c.out().split('closed').length - 1 === 8) ? true : undefined), 10_000, 50);
    for (const c of idle) assert.equal(c.out().split('reply "error request timed out\\n"').length - 1, 8);
    assert.equal(world.agent.exitCode, null, 'the agent is still serving');
  });

  it('logs what a client sent escaped, never its raw control bytes', async () => {
    const hostile = Buffer.from('\x1b[2J\x1b]0;pwned\x07open kithx\n', 'latin1');
    assert.equal(await ask(world.socket, hostile), 'error bad request\n');
    await waitFor('the log line', () => (world.agentLog().includes('pwned') ? true : undefined), 5_000, 20);
    const log = world.agentLog();
    const line = log.split('\n').find((l) => l.includes('pwned')) ?? '';
    assert.equal(line, 'kith-tap: uid 0 "\\x1b[2J\\x1b]0;pwned\\x07open kithx": error bad request');
    // Nothing but printable text and line ends in the whole log.
    assert.ok([...log].every((c) => c === '\n' || (c >= ' ' && c <= '~')), 'only printable ASCII in the log');
  });
});
