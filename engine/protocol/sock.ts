// The "sock" structure (PROTOCOL.md §2.3): sock_flags u16, port u16, 4 or 16 address bytes.
// PROTOCOL.md §1.1: a peer reachable over IPv4 is always encoded as an 8-byte IPv4 socket, also when
// the address is written as IPv4-mapped IPv6; decoding maps such addresses back to IPv4.
import { ok } from '../../shared/result.js';
import { formatIpv4, formatIpv6, isIpv4Mapped, parseAddress } from './address.js';
import type { Codec } from './codec.js';
import { TRUNCATED, readU16, writeU16 } from './codec.js';
import { SOCKET_SIZE_IPV4, SOCKET_SIZE_IPV6, SocketFlag } from './constants.js';

export type SocketFamily = 'IPv4' | 'IPv6';

export interface Socket {
  /** Informational; the encoding follows the address ('IPv6' with a mapped address encodes as IPv4). */
  family: SocketFamily;
  /** '10.0.0.1', '::1' */
  address: string;
  port: number;
  /** PROTOCOL.md §1.2: the TCP bit exists but the reference never sets it. */
  tcp?: boolean;
}

// Parse targets for encoders and comparisons; JavaScript is single-threaded and none of the
// functions below re-enter, so module-level scratch space avoids allocating per packet.
const scratchA = new Uint8Array(16);
const scratchB = new Uint8Array(16);

function addressBytes(socket: Socket, out: Uint8Array): 4 | 16 {
  const length = parseAddress(socket.address, out);
  if (length === 0 || (length === 16 && socket.family === 'IPv4')) {
    throw new RangeError(`not an ${socket.family} address: ${socket.address}`);
  }
  return length;
}

export const socketCodec: Codec<Socket> = {
  encodingLength(value) {
    return addressBytes(value, scratchA) === 4 ? SOCKET_SIZE_IPV4 : SOCKET_SIZE_IPV6;
  },
  encode(value, buf, offset) {
    const length = addressBytes(value, scratchA);
    if (!Number.isInteger(value.port) || value.port < 0 || value.port > 0xffff) {
      throw new RangeError(`bad port ${value.port}`);
    }
    const flags = (length === 16 ? SocketFlag.Ipv6 : 0) | (value.tcp === true ? SocketFlag.Tcp : 0);
    writeU16(buf, offset, flags);
    writeU16(buf, offset + 2, value.port);
    // A loop rather than buf.set(scratchA.subarray(...)): the PACKET hot path must not allocate.
    for (let i = 0; i < length; i++) buf[offset + 4 + i] = scratchA[i]!;
    return 4 + length;
  },
  decode(buf, offset) {
    if (offset + SOCKET_SIZE_IPV4 > buf.length) return TRUNCATED;
    const flags = readU16(buf, offset);
    const port = readU16(buf, offset + 2);
    const tcp = (flags & SocketFlag.Tcp) !== 0 ? { tcp: true } : {};
    // §2.3: the address length follows bit 15 only; other bits are ignored.
    if ((flags & SocketFlag.Ipv6) === 0) {
      return ok({ value: { family: 'IPv4', address: formatIpv4(buf, offset + 4), port, ...tcp }, bytes: SOCKET_SIZE_IPV4 });
    }
    if (offset + SOCKET_SIZE_IPV6 > buf.length) return TRUNCATED;
    return ok({ value: { ...socketFromAddressBytes(buf, offset + 4, 16, port), ...tcp }, bytes: SOCKET_SIZE_IPV6 });
  },
};

/** Socket for 4 or 16 address bytes at buf[offset]; IPv4-mapped IPv6 becomes IPv4. */
export function socketFromAddressBytes(buf: Uint8Array, offset: number, length: 4 | 16, port: number): Socket {
  if (length === 4) return { family: 'IPv4', address: formatIpv4(buf, offset), port };
  const address16 = buf.subarray(offset, offset + 16);
  if (isIpv4Mapped(address16)) return { family: 'IPv4', address: formatIpv4(address16, 12), port };
  return { family: 'IPv6', address: formatIpv6(address16, 0), port };
}

/**
 * Normalises an address as reported by node:dgram / node:net (possibly IPv4-mapped or with a zone)
 * into a Socket. Returns undefined for text that is not an IP address.
 */
export function socketFromAddress(address: string, port: number): Socket | undefined {
  const length = parseAddress(address, scratchA);
  return length === 0 ? undefined : socketFromAddressBytes(scratchA, 0, length, port);
}

/** PROTOCOL.md §1.1: family + address + port; IPv4 equals its IPv4-mapped IPv6 form. */
export function socketEquals(a: Socket, b: Socket): boolean {
  if (a.port !== b.port) return false;
  const length = parseAddress(a.address, scratchA);
  if (length === 0 || parseAddress(b.address, scratchB) !== length) return false;
  for (let i = 0; i < length; i++) if (scratchA[i] !== scratchB[i]) return false;
  return true;
}

/** 127.0.0.0/8 or ::1 (PROTOCOL.md §12 item 13: the reference edge ignores such sockets). */
export function isLoopback(socket: Socket): boolean {
  const length = parseAddress(socket.address, scratchA);
  if (length === 4) return scratchA[0] === 127;
  if (length === 0) return false;
  for (let i = 0; i < 15; i++) if (scratchA[i] !== 0) return false;
  return scratchA[15] === 1;
}

/** 'a.b.c.d:port' or '[v6]:port'. */
export function socketToString(socket: Socket): string {
  return socket.family === 'IPv6' ? `[${socket.address}]:${socket.port}` : `${socket.address}:${socket.port}`;
}
