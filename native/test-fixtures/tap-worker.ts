// Runs inside a test network namespace (and possibly as an unprivileged user): opens a TAP, talks
// to the kernel's own address on it through raw frames, and prints one JSON line with what it saw.
//   tap-worker.ts <name> <create|attach> <kernel-ip> [kith-tap path to configure addr/up]
//   tap-worker.ts <name> agent <kernel-ip> <agent socket>   (device and addr/up from kith-tap serve)

import { execFileSync } from 'node:child_process';
import { agentRequest, openTap, openTapFromAgent } from '../tap.js';
import { arpReplySender, arpRequest, echoReplySeq, icmpEcho, packFrames, parseIp, parseMac, waitFor } from './frames.js';

const [name, mode, kernelIp, kithTap] = process.argv.slice(2);
if (name === undefined || (mode !== 'create' && mode !== 'attach' && mode !== 'agent') || kernelIp === undefined || (mode === 'agent' && kithTap === undefined)) {
  throw new Error('usage: tap-worker.ts <name> <create|attach|agent> <kernel-ip> [kith-tap | agent socket]');
}

const ours = parseMac('02:4b:49:54:00:01'); // the TAP's MAC, set from here
const peerMac = parseMac('02:4b:49:54:00:02'); // a made-up host "behind" the TAP
const kernel = parseIp(kernelIp);
const peer = Uint8Array.from([kernel[0]!, kernel[1]!, kernel[2]!, 2]);
const ECHO_ID = 0x4b54;
const BURST = 256;

const opened = mode === 'agent' ? openTapFromAgent({ socket: kithTap!, name }) : openTap({ name, create: mode === 'create', ...(mode === 'create' ? { mtu: 1400 } : {}) });
if (!opened.ok) {
  console.log(JSON.stringify({ ok: false, error: opened.error }));
  process.exit(0);
}
const tap = opened.value;
const result: Record<string, unknown> = { ok: true, uid: process.getuid?.(), name: tap.name, ifIndex: tap.ifIndex };

try {
  const setMac = tap.setMac(ours);
  result.setMac = setMac.ok ? 'ok' : setMac.error.code;
  result.mac = Buffer.from(tap.mac).toString('hex');
  const setMtu = tap.setMtu(1400);
  result.setMtu = setMtu.ok ? 'ok' : setMtu.error.code;
  result.mtu = tap.mtu;
  // Only Windows sets an address through the device (TAP-Windows6's DHCP masquerade).
  const setIpv4 = tap.setIpv4(kernelIp, 24);
  result.setIpv4 = setIpv4.ok ? 'ok' : setIpv4.error.code;
  const badIpv4 = tap.setIpv4(kernelIp, 31);
  result.badIpv4 = badIpv4.ok ? 'ok' : badIpv4.error.kind;
  if (mode === 'agent') {
    for (const r of [await agentRequest(kithTap!, { op: 'addr', name, address: kernelIp, prefix: 24 }), await agentRequest(kithTap!, { op: 'up', name })]) {
      if (!r.ok) throw new Error(r.error.message);
    }
  } else if (kithTap !== undefined) {
    execFileSync(kithTap, ['addr', tap.name, `${kernelIp}/24`]);
    execFileSync(kithTap, ['up', tap.name]);
  }

  let arpFrom: string | undefined;
  const replies = new Set<number>();
  let burstCallbacks = 0;
  let burstFrames = 0;
  let inBurst = false;
  const started = tap.onFrames((batch) => {
    if (inBurst) {
      burstCallbacks++;
      burstFrames += batch.count;
    }
    for (let i = 0; i < batch.count; i++) {
      const f = batch.frame(i);
      arpFrom ??= arpReplySender(f);
      const seq = echoReplySeq(f, ECHO_ID);
      if (seq !== undefined) replies.add(seq);
      // The kernel may ask for the peer's MAC before answering: play the peer.
      if (f.readUInt16BE(12) === 0x0806 && f.readUInt16BE(20) === 1 && Buffer.from(f.subarray(38, 42)).equals(peer)) {
        const reply = Buffer.from(f.subarray(0, 42));
        reply.set(f.subarray(6, 12), 0);
        reply.set(peerMac, 6);
        reply.writeUInt16BE(2, 20);
        reply.set(peerMac, 22);
        reply.set(peer, 28);
        reply.set(f.subarray(22, 32), 32);
        tap.write(reply);
      }
    }
  });
  if (!started.ok) throw new Error(started.error.message);

  // The kernel drops what it sends on the device until its link watcher has activated the queue
  // after the attach, which on a loaded machine can take seconds: ask again until it answers.
  const ask = (): boolean => tap.write(arpRequest(peerMac, peer, kernel));
  const asking = setInterval(ask, 250);
  ask();
  try {
    await waitFor(() => arpFrom !== undefined, 10_000, 'ARP reply');
  } finally {
    clearInterval(asking);
  }
  result.arpReplyFrom = arpFrom;

  tap.write(icmpEcho(ours, peerMac, peer, kernel, ECHO_ID, 1));
  await waitFor(() => replies.has(1), 5000, 'echo reply');
  result.echoReply = true;

  // Burst: BURST echo requests in one writeBatch, then count handler calls for the replies.
  const frames = Array.from({ length: BURST }, (_, i) => icmpEcho(ours, peerMac, peer, kernel, ECHO_ID, 1000 + i));
  const { buf, offsets, lengths } = packFrames(frames);
  inBurst = true;
  result.burstWritten = tap.writeBatch(buf, offsets, lengths);
  await waitFor(() => replies.size >= BURST + 1, 5000, 'burst replies');
  inBurst = false;
  result.burst = { sent: BURST, replies: replies.size - 1, callbacks: burstCallbacks, frames: burstFrames };
  result.stats = tap.stats();
} catch (e) {
  result.ok = false;
  result.failure = String(e);
} finally {
  tap.close();
  tap.close(); // idempotent
  result.closed = tap.closed;
  result.writeAfterClose = tap.write(arpRequest(peerMac, peer, kernel));
}
console.log(JSON.stringify(result));
