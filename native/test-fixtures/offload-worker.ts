// Runs inside a network namespace for tap-offload.test.ts (root) and prints one JSON line.
//   loop <nsB>      two TAPs with offload, the second moved to nsB, joined by this process
//                   (reads of one are batch writes to the other): iperf3 both ways and IPv6, and a
//                   hash-checked transfer, with the TAPs' counters and the kernels' TCP checksum
//                   error counts.
//   checksum        one TAP with offload: coalesced segments to a closed port, intact and with one
//                   damaged segment; the kernel answers the first with a RST and counts the second
//                   as a checksum error.
//   persist         a persistent TAP: offloads on while open with offload, off after closing, off
//                   for a plain reader after one that never closed (killed).
//   owner <name>    (as the device's unprivileged owner) attaches with offload: the flags in force.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { openTap, type TapDevice } from '../tap.js';
import { be16, parse, tcpRun } from './packets.js';
import { packFrames, parseMac, waitFor } from './frames.js';

const [mode, nsB] = process.argv.slice(2);
const TRANSFER_BYTES = 32 * 1024 * 1024;

function ip(args: string[], ns?: string): void {
  execFileSync('ip', ns === undefined ? args : ['netns', 'exec', ns, 'ip', ...args]);
}

function must(tap: ReturnType<typeof openTap>): TapDevice {
  if (!tap.ok) throw new Error(tap.error.message);
  return tap.value;
}

/** Tcp InCsumErrors of a namespace (this one when ns is undefined). */
function csumErrors(ns?: string): number {
  const text = ns === undefined ? execFileSync('cat', ['/proc/net/snmp']).toString() : execFileSync('ip', ['netns', 'exec', ns, 'cat', '/proc/net/snmp']).toString();
  const [names, values] = text.split('\n').filter((l) => l.startsWith('Tcp:'));
  const i = names!.split(/\s+/).indexOf('InCsumErrors');
  return Number(values!.split(/\s+/)[i]);
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 8 << 20 }, (error, stdout, stderr) => (error ? reject(new Error(`${cmd} ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout)));
  });
}

/** iperf3 for 2 s to a server in ns (reverse: the server sends); bits/s received. */
async function iperf(server: string, ns: string, reverse: boolean): Promise<number> {
  const v6 = server.includes(':');
  const s = spawn('ip', ['netns', 'exec', ns, 'iperf3', '-s', '-1', '-p', '5201'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const out = await run('iperf3', ['-c', server, '-p', '5201', '-t', '2', '-J', ...(v6 ? ['-6'] : []), ...(reverse ? ['-R'] : [])], 30_000);
    return (JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } }).end.sum_received.bits_per_second;
  } finally {
    s.kill();
  }
}

/** Sends TRANSFER_BYTES of pseudo-random data to a receiver in ns that hashes what it gets. */
async function transfer(server: string, ns: string): Promise<{ sent: string; received: string }> {
  const receiver = `const h=require('crypto').createHash('sha256');require('net').createServer((c)=>{c.on('data',(d)=>h.update(d));c.on('end',()=>{console.log(h.digest('hex'));process.exit(0)})}).listen(5303,'${server}',()=>console.log('ready'))`;
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '-e', receiver], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  child.stdout.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter((l) => l !== '')));
  await waitFor(() => lines.includes('ready'), 10_000, 'receiver');
  const hash = createHash('sha256');
  await new Promise<void>((resolve, reject) => {
    const c = connect(5303, server);
    c.on('error', reject);
    let seed = 12345;
    let left = TRANSFER_BYTES;
    const pump = (): void => {
      while (left > 0) {
        const chunk = Buffer.alloc(Math.min(left, 256 * 1024));
        for (let i = 0; i < chunk.length; i += 4) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          chunk.writeUInt32LE(seed, i);
        }
        hash.update(chunk);
        left -= chunk.length;
        if (!c.write(chunk)) return void c.once('drain', pump);
      }
      c.end(resolve);
    };
    c.on('connect', pump);
  });
  await waitFor(() => lines.length > 1, 30_000, 'receiver hash');
  return { sent: hash.digest('hex'), received: lines[1]! };
}

async function loop(): Promise<object> {
  const a = must(openTap({ name: 'kofa', create: true, offload: true, batchSize: 256 }));
  const b = must(openTap({ name: 'kofb', create: true, offload: true, batchSize: 256 }));
  ip(['link', 'set', 'kofb', 'netns', nsB!]);
  for (const [ns, dev, v4, v6] of [
    [undefined, 'kofa', '10.93.0.1/24', 'fd93::1/64'],
    [nsB, 'kofb', '10.93.0.2/24', 'fd93::2/64'],
  ] as const) {
    ip(['address', 'add', v4, 'dev', dev], ns);
    ip(['address', 'add', v6, 'dev', dev, 'nodad'], ns);
    ip(['link', 'set', dev, 'up'], ns);
  }
  a.onFrames((f) => b.writeBatch(f.data, f.offsets, f.lengths, f.count));
  b.onFrames((f) => a.writeBatch(f.data, f.offsets, f.lengths, f.count));
  const before = { a: csumErrors(), b: csumErrors(nsB) };
  const ipv4 = await iperf('10.93.0.2', nsB!, false);
  const ipv4Reverse = await iperf('10.93.0.2', nsB!, true);
  const ipv6 = await iperf('fd93::2', nsB!, false);
  const hashes = await transfer('10.93.0.2', nsB!);
  const result = {
    ipv4,
    ipv4Reverse,
    ipv6,
    hashes,
    csumErrors: { a: csumErrors() - before.a, b: csumErrors(nsB) - before.b },
    a: a.stats(),
    b: b.stats(),
    offload: a.offload,
  };
  a.close();
  b.close();
  return result;
}

async function checksum(): Promise<object> {
  const tap = must(openTap({ name: 'kofc', create: true, offload: true, mac: parseMac('02:4b:49:54:00:02') }));
  ip(['address', 'add', '10.91.0.2/24', 'dev', 'kofc']);
  ip(['link', 'set', 'kofc', 'up']);
  ip(['neigh', 'add', '10.91.0.1', 'lladdr', '02:4b:49:54:00:01', 'dev', 'kofc']);
  // Our segments come from 10.91.0.1:<port> to 10.91.0.2:5201, where nothing listens.
  const resets = new Set<number>();
  tap.onFrames((batch) => {
    for (let i = 0; i < batch.count; i++) {
      const f = batch.frame(i);
      const p = parse(f);
      if (p?.proto === 6 && (f[p.l4 + 13]! & 0x04) !== 0) resets.add(be16(f, p.l4 + 2));
    }
  });
  const send = (port: number, damage: boolean): number => {
    const run = tcpRun(5, 1200, { srcPort: port, dst: Uint8Array.of(10, 91, 0, 2), src: Uint8Array.of(10, 91, 0, 1) });
    if (damage) run[3]![run[3]!.length - 1]! ^= 0x10;
    const { buf, offsets, lengths } = packFrames(run.map((f) => Buffer.from(f)));
    return tap.writeBatch(buf, offsets, lengths);
  };
  const errors0 = csumErrors();
  const written = [send(41001, false), send(41002, true)];
  await waitFor(() => resets.has(41001), 3_000, 'RST for the intact super-frame').catch(() => undefined);
  await new Promise((r) => setTimeout(r, 300));
  const result = { written, resets: [...resets], csumErrors: csumErrors() - errors0, stats: tap.stats() };
  tap.close();
  return result;
}

async function persist(): Promise<object> {
  const features = (): { tso: boolean; csum: boolean } => {
    const k = execFileSync('ethtool', ['-k', 'kofp']).toString();
    return { tso: /^tcp-segmentation-offload: on/m.test(k), csum: /^tx-checksumming: on/m.test(k) };
  };
  ip(['tuntap', 'add', 'dev', 'kofp', 'mode', 'tap']);
  const tap = must(openTap({ name: 'kofp', create: false, offload: true }));
  const open = features();
  tap.close();
  const closed = features();
  // A reader that never closed: this process, killed with the offloads on.
  const orphan = spawn(process.execPath, ['--import', 'tsx', '-e', `import('${new URL('../tap.ts', import.meta.url).href}').then((m) => { const t = m.openTap({ name: 'kofp', create: false, offload: true }); console.log(t.ok ? 'on' : t.error.message); setInterval(() => {}, 1000); })`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => {
    orphan.stdout.once('data', () => {
      orphan.once('exit', () => resolve());
      orphan.kill('SIGKILL');
    });
  });
  const orphaned = features();
  const plain = must(openTap({ name: 'kofp', create: false }));
  const afterPlain = features();
  plain.close();
  ip(['tuntap', 'del', 'dev', 'kofp', 'mode', 'tap']);
  return { open, closed, orphaned, plain: afterPlain };
}

function owner(): object {
  const tap = must(openTap({ name: nsB!, create: false, offload: true }));
  const flags = tap.offload;
  tap.close();
  return { uid: process.getuid?.(), flags };
}

const modes: Record<string, () => Promise<object> | object> = { loop, checksum, persist, owner };
const chosen = modes[mode ?? ''];
if (chosen === undefined) throw new Error(`unknown mode ${mode}`);
console.log(JSON.stringify({ ok: true, ...(await chosen()) }));
process.exit(0);
