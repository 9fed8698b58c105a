// Builds and recognises the few Ethernet frames the TAP tests and benchmark need: ARP requests and
// ICMP echo requests towards the kernel's own address on the TAP, and their replies.

export const ETH_ARP = 0x0806;
export const ETH_IPV4 = 0x0800;

export function parseMac(s: string): Uint8Array {
  const parts = s.split(':').map((h) => Number.parseInt(h, 16));
  if (parts.length !== 6 || parts.some((b) => !(b >= 0 && b <= 255))) throw new Error(`bad MAC ${s}`);
  return Uint8Array.from(parts);
}

export function parseIp(s: string): Uint8Array {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) throw new Error(`bad IP ${s}`);
  return Uint8Array.from(parts);
}

function checksum(b: Uint8Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start; i < end; i += 2) sum += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function arpRequest(srcMac: Uint8Array, srcIp: Uint8Array, targetIp: Uint8Array): Buffer {
  const f = Buffer.alloc(42);
  f.fill(0xff, 0, 6);
  f.set(srcMac, 6);
  f.writeUInt16BE(ETH_ARP, 12);
  f.writeUInt16BE(1, 14); // Ethernet
  f.writeUInt16BE(ETH_IPV4, 16);
  f[18] = 6;
  f[19] = 4;
  f.writeUInt16BE(1, 20); // request
  f.set(srcMac, 22);
  f.set(srcIp, 28);
  f.set(targetIp, 38);
  return f;
}

/** The ARP reply's sender IP if `f` is an ARP reply, else undefined. */
export function arpReplySender(f: Uint8Array): string | undefined {
  if (f.length < 42 || ((f[12]! << 8) | f[13]!) !== ETH_ARP || ((f[20]! << 8) | f[21]!) !== 2) return undefined;
  return Array.from(f.subarray(28, 32)).join('.');
}

export function icmpEcho(dstMac: Uint8Array, srcMac: Uint8Array, srcIp: Uint8Array, dstIp: Uint8Array, id: number, seq: number, payload = 56): Buffer {
  const f = Buffer.alloc(14 + 20 + 8 + payload);
  f.set(dstMac, 0);
  f.set(srcMac, 6);
  f.writeUInt16BE(ETH_IPV4, 12);
  const ip = 14;
  f[ip] = 0x45;
  f.writeUInt16BE(20 + 8 + payload, ip + 2);
  f.writeUInt16BE(seq & 0xffff, ip + 4);
  f[ip + 8] = 64;
  f[ip + 9] = 1; // ICMP
  f.set(srcIp, ip + 12);
  f.set(dstIp, ip + 16);
  f.writeUInt16BE(checksum(f, ip, ip + 20), ip + 10);
  const icmp = ip + 20;
  f[icmp] = 8; // echo request
  f.writeUInt16BE(id, icmp + 4);
  f.writeUInt16BE(seq, icmp + 6);
  for (let i = 0; i < payload; i++) f[icmp + 8 + i] = i & 0xff;
  f.writeUInt16BE(checksum(f, icmp, f.length), icmp + 2);
  return f;
}

/** The sequence number if `f` is an ICMP echo reply with this id, else undefined. */
export function echoReplySeq(f: Uint8Array, id: number): number | undefined {
  if (f.length < 42 || ((f[12]! << 8) | f[13]!) !== ETH_IPV4 || f[23] !== 1) return undefined;
  const icmp = 14 + (f[14]! & 0x0f) * 4;
  if (f[icmp] !== 0 || ((f[icmp + 4]! << 8) | f[icmp + 5]!) !== id) return undefined;
  return (f[icmp + 6]! << 8) | f[icmp + 7]!;
}

/** The frames laid out for TapDevice.writeBatch: one buffer, and each frame's offset and length in it. */
export function packFrames(frames: readonly Uint8Array[]): { buf: Buffer; offsets: Uint32Array; lengths: Uint32Array } {
  const offsets = new Uint32Array(frames.length);
  const lengths = new Uint32Array(frames.length);
  for (let i = 0, off = 0; i < frames.length; off += frames[i]!.length, i++) {
    offsets[i] = off;
    lengths[i] = frames[i]!.length;
  }
  return { buf: Buffer.concat(frames), offsets, lengths };
}

/** Resolves when `done()` is true, checking every 10 ms, or rejects after `ms` (a bound, not an assertion). */
export async function waitFor(done: () => boolean, ms: number, what: string): Promise<void> {
  const limit = Math.ceil(ms / 10);
  for (let i = 0; i < limit; i++) {
    if (done()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}
