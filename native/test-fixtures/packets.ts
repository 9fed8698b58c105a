// Reading, checking and building Ethernet/IP/TCP/UDP frames for the offload tests, written from
// the RFCs independently of the native code they check (RFC 791, 793, 768, 8200, 1071), plus a
// pcap writer so tshark can judge the frames as well.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

export interface Parsed {
  readonly vlan: number; // tags in front of the IP header
  readonly ipv4: boolean;
  readonly l3: number;
  readonly l4: number;
  readonly proto: number;
  readonly payload: number; // first payload byte
  readonly len: number;
}

const be16 = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
const be32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const put16 = (b: Uint8Array, at: number, v: number): void => {
  b[at] = (v >>> 8) & 0xff;
  b[at + 1] = v & 0xff;
};
const put32 = (b: Uint8Array, at: number, v: number): void => {
  put16(b, at, v >>> 16);
  put16(b, at + 2, v & 0xffff);
};
export { be16, be32, put16, put32 };

/** One's complement sum of b[start, end) as big-endian words, folded to 16 bits. */
export function sum16(b: Uint8Array, start: number, end: number, initial = 0): number {
  let s = initial;
  for (let i = start; i < end; i += 2) s += (b[i]! << 8) | (i + 1 < end ? b[i + 1]! : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

export function parse(f: Uint8Array): Parsed | undefined {
  let at = 12;
  let vlan = 0;
  while (at + 2 <= f.length && (be16(f, at) === 0x8100 || be16(f, at) === 0x88a8)) {
    at += 4;
    vlan++;
  }
  if (at + 2 > f.length) return undefined;
  const type = be16(f, at);
  const l3 = at + 2;
  let l4: number;
  let proto: number;
  let ipv4: boolean;
  if (type === 0x0800 && f.length >= l3 + 20) {
    ipv4 = true;
    l4 = l3 + (f[l3]! & 15) * 4;
    proto = f[l3 + 9]!;
  } else if (type === 0x86dd && f.length >= l3 + 40) {
    ipv4 = false;
    l4 = l3 + 40;
    proto = f[l3 + 6]!;
  } else {
    return undefined;
  }
  const payload = proto === 6 ? l4 + (f[l4 + 12]! >> 4) * 4 : proto === 17 ? l4 + 8 : l4;
  return { vlan, ipv4, l3, l4, proto, payload, len: f.length };
}

function pseudo(f: Uint8Array, p: Parsed, length: number): number {
  const addrs = p.ipv4 ? sum16(f, p.l3 + 12, p.l3 + 20) : sum16(f, p.l3 + 8, p.l3 + 40);
  return sum16(new Uint8Array([0, p.proto, (length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]), 0, 6, addrs);
}

/** Whether the IPv4 header checksum and the TCP/UDP checksum verify (true for what has none). */
export function checksumsVerify(f: Uint8Array): { ip: boolean; transport: boolean } {
  const p = parse(f);
  if (p === undefined) return { ip: false, transport: false };
  const ip = !p.ipv4 || sum16(f, p.l3, p.l4) === 0xffff;
  if (p.proto !== 6 && p.proto !== 17) return { ip, transport: true };
  const transport = sum16(f, p.l4, f.length, pseudo(f, p, f.length - p.l4)) === 0xffff;
  return { ip, transport };
}

/** Recomputes the IPv4 header checksum and the TCP/UDP checksum in place. */
export function fixChecksums(f: Uint8Array): Uint8Array {
  const p = parse(f);
  if (p === undefined) return f;
  if (p.ipv4) {
    put16(f, p.l3 + 10, 0);
    put16(f, p.l3 + 10, ~sum16(f, p.l3, p.l4) & 0xffff);
  }
  const field = p.proto === 6 ? p.l4 + 16 : p.proto === 17 ? p.l4 + 6 : -1;
  if (field >= 0) {
    put16(f, field, 0);
    const v = ~sum16(f, p.l4, f.length, pseudo(f, p, f.length - p.l4)) & 0xffff;
    put16(f, field, v === 0 && p.proto === 17 ? 0xffff : v);
  }
  return f;
}

export interface TcpSpec {
  readonly ipv4?: boolean;
  readonly srcPort?: number;
  readonly dstPort?: number;
  readonly seq: number;
  readonly ack?: number;
  readonly flags?: number; // default ACK
  readonly window?: number;
  readonly payload: Uint8Array;
  readonly id?: number;
  readonly tos?: number;
  readonly ttl?: number;
  readonly df?: boolean;
  /** TCP options (a multiple of 4 bytes); default NOP NOP timestamps(1, 2). */
  readonly options?: Uint8Array;
  readonly src?: Uint8Array;
  readonly dst?: Uint8Array;
}

export const TCP_ACK = 0x10;
export const TCP_PSH = 0x08;
export const timestamps = (tsval: number, tsecr: number): Uint8Array => {
  const o = new Uint8Array(12);
  o.set([1, 1, 8, 10]);
  put32(o, 4, tsval);
  put32(o, 8, tsecr);
  return o;
};

/** An Ethernet frame with IPv4 (or IPv6) and TCP, checksums correct. */
export function tcpFrame(s: TcpSpec): Uint8Array {
  const ipv4 = s.ipv4 ?? true;
  const options = s.options ?? timestamps(1, 2);
  const l3 = 14;
  const l4 = l3 + (ipv4 ? 20 : 40);
  const payload = l4 + 20 + options.length;
  const f = new Uint8Array(payload + s.payload.length);
  f.set([0x02, 0x4b, 0x49, 0x54, 0, 2, 0x02, 0x4b, 0x49, 0x54, 0, 1]);
  put16(f, 12, ipv4 ? 0x0800 : 0x86dd);
  if (ipv4) {
    f[l3] = 0x45;
    f[l3 + 1] = s.tos ?? 0;
    put16(f, l3 + 2, f.length - l3);
    put16(f, l3 + 4, s.id ?? 1);
    f[l3 + 6] = (s.df ?? true) ? 0x40 : 0;
    f[l3 + 8] = s.ttl ?? 64;
    f[l3 + 9] = 6;
    f.set(s.src ?? [10, 91, 0, 1], l3 + 12);
    f.set(s.dst ?? [10, 91, 0, 2], l3 + 16);
  } else {
    f[l3] = 0x60 | ((s.tos ?? 0) >> 4);
    f[l3 + 1] = ((s.tos ?? 0) & 15) << 4;
    put16(f, l3 + 4, f.length - l4);
    f[l3 + 6] = 6;
    f[l3 + 7] = s.ttl ?? 64;
    f.set(s.src ?? [0xfd, 0x91, ...Array<number>(13).fill(0), 1], l3 + 8);
    f.set(s.dst ?? [0xfd, 0x91, ...Array<number>(13).fill(0), 2], l3 + 24);
  }
  put16(f, l4, s.srcPort ?? 40000);
  put16(f, l4 + 2, s.dstPort ?? 5201);
  put32(f, l4 + 4, s.seq);
  put32(f, l4 + 8, s.ack ?? 1000);
  f[l4 + 12] = ((20 + options.length) / 4) << 4;
  f[l4 + 13] = s.flags ?? TCP_ACK;
  put16(f, l4 + 14, s.window ?? 502);
  f.set(options, l4 + 20);
  f.set(s.payload, payload);
  return fixChecksums(f);
}

/** Consecutive full segments of one flow: seq, ids and timestamps as one sender would make them. */
export function tcpRun(count: number, mss: number, base: Partial<TcpSpec> = {}): Uint8Array[] {
  const seq0 = base.seq ?? 1_000_000;
  return Array.from({ length: count }, (_, i) =>
    tcpFrame({
      ...base,
      seq: (seq0 + i * mss) >>> 0,
      id: ((base.id ?? 100) + i) & 0xffff,
      payload: Uint8Array.from({ length: mss }, (_, j) => (i * 7 + j) & 0xff),
    }),
  );
}

/** Writes frames as a pcap file (Ethernet link type). */
export function writePcap(path: string, frames: readonly Uint8Array[]): void {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  const records = frames.map((f, i) => {
    const r = Buffer.alloc(16 + f.length);
    r.writeUInt32LE(1_700_000_000, 0);
    r.writeUInt32LE(i, 4);
    r.writeUInt32LE(f.length, 8);
    r.writeUInt32LE(f.length, 12);
    r.set(f, 16);
    return r;
  });
  writeFileSync(path, Buffer.concat([header, ...records]));
}

export const haveTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * tshark's verdict on a pcap with every checksum check on: the frames it read, and the expert
 * messages of error severity (malformed packets, bad checksums) it raised.
 */
export function tsharkErrors(path: string): { frames: number; errors: string[] } {
  const prefs = ['ip.check_checksum:TRUE', 'tcp.check_checksum:TRUE', 'udp.check_checksum:TRUE'].flatMap((p) => ['-o', p]);
  const r = spawnSync('tshark', ['-n', '-r', path, ...prefs, '-T', 'fields', '-e', 'frame.number', '-e', '_ws.expert.severity', '-e', '_ws.expert.message'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  const lines = r.stdout.trim().split('\n').filter((l) => l !== '');
  // Severity values: 0x00800000 error; a frame may list several, comma-separated.
  const errors = lines.filter((l) => (l.split('\t')[1] ?? '').split(',').some((v) => Number(v) >= 0x00800000));
  return { frames: lines.length, errors };
}
