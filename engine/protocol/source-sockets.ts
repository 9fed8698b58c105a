// The Socket of each recent datagram source, as the batched socket reports sources (16 bytes per
// datagram, an IPv4 address in the first 4): one object per address and port, so a datagram from a
// known source costs no address text and no object. Both daemons read their sources through it.
import { socketFromAddressBytes } from './sock.js';
import type { Socket } from './sock.js';

/** The big-endian 16-bit group at offset. */
const group16 = (bytes: Uint8Array, offset: number): number => (bytes[offset]! << 8) | bytes[offset + 1]!;

export class SourceSockets {
  private readonly ipv4 = new Map<number, Socket>();
  // Keyed by the address's eight 16-bit groups and the port as nine UTF-16 units.
  private readonly ipv6 = new Map<string, Socket>();

  /** limit: sources remembered per family; a full cache starts over (hostile sources cost bounded memory). */
  constructor(private readonly limit: number) {}

  /** How many sources are remembered. */
  get size(): number {
    return this.ipv4.size + this.ipv6.size;
  }

  /** The Socket of the source at addrs[offset..]: 4 bytes for IPv4, else 16. */
  of(family: 4 | 6, addrs: Uint8Array, offset: number, port: number): Socket {
    const o = offset;
    if (family === 4) return this.remembered(this.ipv4, (((addrs[o]! << 24) | (addrs[o + 1]! << 16) | (addrs[o + 2]! << 8) | addrs[o + 3]!) >>> 0) * 65536 + port, addrs, o, 4, port);
    const key = String.fromCharCode(group16(addrs, o), group16(addrs, o + 2), group16(addrs, o + 4), group16(addrs, o + 6), group16(addrs, o + 8), group16(addrs, o + 10), group16(addrs, o + 12), group16(addrs, o + 14), port);
    return this.remembered(this.ipv6, key, addrs, o, 16, port);
  }

  private remembered<K>(cache: Map<K, Socket>, key: K, addrs: Uint8Array, offset: number, length: 4 | 16, port: number): Socket {
    let socket = cache.get(key);
    if (socket === undefined) {
      if (cache.size >= this.limit) cache.clear();
      socket = socketFromAddressBytes(addrs, offset, length, port);
      cache.set(key, socket);
    }
    return socket;
  }
}
