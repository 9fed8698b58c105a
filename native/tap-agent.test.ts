// kith-tap's agent (`kith-tap serve`): run as root in a network namespace of its own, asked by the
// user `nobody` for a TAP. It must hand over a working TAP owned by that user and configure it, refuse
// other users' devices, non-kith names and malformed requests without passing a descriptor, and
// keep serving after a bad or silent client. Needs root (CI runs these as root).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { asNobody, fixture, haveIp, isRoot, kithTap, must, NOBODY, run } from './test-fixtures/host.js';

const worker = fixture('tap-worker.ts');
const client = fixture('agent-client.ts');
const skip = !isRoot || !haveIp ? 'needs root and iproute2' : !existsSync(kithTap) ? 'kith-tap not built: run npm run build:native' : false;
function lastJson<T>(out: string): T {
  return JSON.parse(out.trim().split('\n').at(-1) ?? '') as T;
}

/** Sends raw bytes (possibly none) and collects the whole reply until the agent closes. */
function raw(socket: string, bytes: Buffer | undefined): Promise<{ reply: string }> {
  return new Promise((resolve, reject) => {
    let reply = '';
    const s = connect(socket, () => {
      if (bytes !== undefined) s.write(bytes);
    });
    s.setEncoding('latin1');
    s.setTimeout(10_000, () => s.destroy(new Error('no reply in 10 s')));
    s.on('data', (d: string) => (reply += d));
    s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    s.on('close', () => resolve({ reply }));
  });
}

describe('kith-tap serve: the agent hands a user its own TAP and nothing else', { skip }, () => {
  const ns = `kith-agent-${randomBytes(4).toString('hex')}`;
  let dir = '';
  let socket = '';
  let agent: ChildProcess | undefined;
  let log = '';
  const inNs = (args: string[]): string => must('ip', ['netns', 'exec', ns, ...args]);

  before(async () => {
    must('ip', ['netns', 'add', ns]);
    // The socket's directory: root's, not writable by others (the agent insists), searchable by all.
    dir = mkdtempSync(join(tmpdir(), 'kith-agent-'));
    chmodSync(dir, 0o755);
    socket = join(dir, 'tapd.sock');
    agent = spawn('ip', ['netns', 'exec', ns, kithTap, 'serve', socket], { stdio: ['ignore', 'ignore', 'pipe'] });
    agent.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(existsSync(socket), `agent did not start: ${log}`);
  });

  after(() => {
    agent?.kill('SIGTERM');
    // Deleting the namespace deletes every device in it, persistent TAPs included.
    run('ip', ['netns', 'del', ns]);
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to serve from a directory others can write to, or as a user', () => {
    const open = mkdtempSync(join(tmpdir(), 'kith-agent-open-'));
    try {
      chmodSync(open, 0o777);
      const r = run(kithTap, ['serve', join(open, 's.sock')]);
      assert.equal(r.status, 3);
      assert.match(r.stderr, /not writable by others/);
      const user = run(asNobody[0]!, [...asNobody.slice(1), kithTap, 'serve', join(dir, 'other.sock')]);
      assert.equal(user.status, 3);
      assert.match(user.stderr, /serve needs root/);
    } finally {
      rmSync(open, { recursive: true, force: true });
    }
  });

  it('creates the user’s persistent TAP, passes it over, and configures it: ARP and ICMP with the kernel', () => {
    const out = inNs([...asNobody, process.execPath, '--import', 'tsx', worker, 'kithagent0', 'agent', '10.81.0.1', socket]);
    const r = lastJson<{ ok: boolean; failure?: string; uid: number; name: string; setMac: string; mac: string; setMtu: string; arpReplyFrom: string; echoReply: boolean; burst: { sent: number; replies: number } }>(out);
    assert.ok(r.ok, `worker failed: ${JSON.stringify(r)} ${log}`);
    assert.equal(r.uid, NOBODY);
    assert.equal(r.name, 'kithagent0'); // TUNGETIFF on the received descriptor
    assert.equal(r.setMac, 'ok'); // the owner's own ioctl on the fd
    assert.equal(r.setMtu, 'EPERM'); // the user holds no privilege itself
    assert.equal(r.mac, '024b49540001');
    assert.equal(r.arpReplyFrom, '10.81.0.1'); // the address came from the agent
    assert.equal(r.echoReply, true);
    assert.equal(r.burst.replies, r.burst.sent);
    // Persistent, owned by the user, configured by the agent.
    assert.equal(inNs(['cat', '/sys/class/net/kithagent0/owner']).trim(), String(NOBODY));
    assert.match(inNs(['ip', '-d', 'link', 'show', 'kithagent0']), /tun type tap .*persist on/s);
    assert.match(inNs(['ip', '-4', 'addr', 'show', 'kithagent0']), /inet 10\.81\.0\.1\/24/);
  });

  it('refuses other users’ devices, non-TAPs and non-kith names, with an error and no descriptor', () => {
    inNs([kithTap, 'create', 'kithroot0', 'root']);
    inNs(['ip', 'tuntap', 'add', 'kithtun0', 'mode', 'tun', 'user', String(NOBODY)]);
    const out = inNs([...asNobody, process.execPath, '--import', 'tsx', client, socket, 'kithroot0', 'kithtun0', 'eth0', 'kithagent0']);
    const r = lastJson<{ uid: number; results: { name: string; kind?: string; message?: string; opened?: string; owner?: string; offload?: number; mtu: string }[] }>(out);
    assert.equal(r.uid, NOBODY);
    const [root, tun, eth, own] = r.results;
    assert.equal(root?.kind, 'refused');
    assert.match(root?.message ?? '', /kithroot0: not owned by you/);
    assert.match(root?.mtu ?? '', /not owned by you/);
    assert.equal(tun?.kind, 'refused');
    assert.match(tun?.message ?? '', /not a TAP/);
    assert.equal(eth?.kind, 'refused');
    assert.match(eth?.message ?? '', /bad device name/);
    assert.match(eth?.mtu ?? '', /bad device name/);
    // Its own device again: attached afresh, still the user's.
    assert.equal(own?.opened, 'kithagent0');
    assert.equal(own?.owner, String(NOBODY));
    // The agent attaches without IFF_VNET_HDR: asked for offload, the device stays plain.
    assert.equal(own?.offload, 0);
    assert.equal(own?.mtu, 'ok');
    assert.equal(inNs(['cat', '/sys/class/net/kithroot0/owner']).trim(), '0');
    assert.equal(inNs(['cat', '/sys/class/net/kithroot0/mtu']).trim(), '1500');
  });

  it('refuses malformed and oversized requests, and keeps serving after a silent client', async () => {
    const bad: [string | undefined, RegExp][] = [
      ['open kithx', /incomplete request/], // no newline, then EOF
      ['open kithx\nopen kithy\n', /one request per connection/],
      [`open ${'k'.repeat(200)}\n`, /request too long/],
      ['open  kithx\n', /bad request/],
      ['open kithx \n', /bad request/],
      ['open kith\u00e9\n', /bad request/],
      ['open kith\0x\n', /bad request/],
      ['delete kithagent0\n', /bad request/], // only open/addr/mtu/up/down
      ['create kithx root\n', /bad request/],
      ['mtu kithagent0 70000\n', /bad MTU/],
      ['addr kithagent0 127.0.0.1/8\n', /overlaps loopback/],
      ['\n', /bad request/],
    ];
    for (const [line, msg] of bad) {
      const half = line !== undefined && !line.includes('\n');
      const { reply } = await new Promise<{ reply: string }>((resolve, reject) => {
        let reply = '';
        const s = connect(socket, () => (half ? s.end(line) : s.write(line ?? '')));
        s.setEncoding('latin1');
        s.on('data', (d: string) => (reply += d));
        s.on('error', reject);
        s.on('close', () => resolve({ reply }));
      });
      assert.match(reply, /^error [^\n]*\n$/, JSON.stringify(line));
      assert.match(reply, msg, JSON.stringify(line));
    }
    // A client that sends nothing is cut off at the agent's time limit, and the next one is served.
    const silent = raw(socket, undefined);
    await new Promise((r) => setTimeout(r, 100));
    const next = await raw(socket, Buffer.from('up kithagent0\n'));
    const stalled = await silent;
    assert.match(stalled.reply, /^error request timed out\n$/);
    assert.equal(next.reply, 'ok\n'); // root may configure any kith TAP
    assert.equal(agent?.exitCode, null, 'the agent is still running');
  });
});
