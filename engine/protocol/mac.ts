// 6-byte Ethernet addresses (PROTOCOL.md §0, §1.3). Decoded MACs are copies, never views of the
// receive buffer, so they can be stored in peer tables.
import { bytesEqual, decodeFixed } from './codec.js';
import type { Codec } from './codec.js';
import { MAC_SIZE } from './constants.js';

// The text forms are browser-safe, for the window as well.
export { macToString, parseMac } from '../../shared/mac-text.js';

/** 6 bytes in transmission order. */
export type Mac = Uint8Array;

export const NULL_MAC: Mac = new Uint8Array(MAC_SIZE);
export const BROADCAST_MAC: Mac = new Uint8Array(MAC_SIZE).fill(0xff);

export const macCodec: Codec<Mac> = {
  encodingLength: () => MAC_SIZE,
  encode(value, buf, offset) {
    if (value.length !== MAC_SIZE) throw new RangeError(`a MAC has ${MAC_SIZE} bytes, got ${value.length}`);
    buf.set(value, offset);
    return MAC_SIZE;
  },
  decode: (buf, offset) => decodeFixed(buf, offset, MAC_SIZE, readMac),
};

function readMac(buf: Uint8Array, offset: number): Mac {
  return buf.slice(offset, offset + MAC_SIZE);
}

export function macEquals(a: Mac, b: Mac): boolean {
  return bytesEqual(a, b);
}

export function isNullMac(mac: Mac): boolean {
  return macEquals(mac, NULL_MAC);
}

export function isBroadcastMac(mac: Mac): boolean {
  return macEquals(mac, BROADCAST_MAC);
}

/**
 * PROTOCOL.md §0: broadcast, IPv4 multicast 01:00:5e:00:00:00–01:00:5e:7f:ff:ff, or IPv6 multicast
 * 33:33:xx. Other group addresses (01:80:c2:...) are unicast for n3n.
 */
export function isMultiBroadcast(mac: Mac): boolean {
  if (isBroadcastMac(mac)) return true;
  if (mac[0] === 0x01 && mac[1] === 0x00 && mac[2] === 0x5e && (mac[3]! & 0x80) === 0) return true;
  return mac[0] === 0x33 && mac[1] === 0x33;
}

/**
 * Map key of the 6 bytes at mac[offset..offset+6): the 48-bit big-endian value as a number (exact,
 * below 2^53). Unlike macToString it does not allocate; use it for lookups on the packet path.
 */
export function macKey(mac: Uint8Array, offset = 0): number {
  return (
    (mac[offset]! * 0x100 + mac[offset + 1]!) * 0x1_0000_0000 +
    ((mac[offset + 2]! << 24) >>> 0) +
    ((mac[offset + 3]! << 16) | (mac[offset + 4]! << 8) | mac[offset + 5]!)
  );
}

/** The MAC of a macKey value. */
export function macFromKey(key: number): Mac {
  const mac = new Uint8Array(MAC_SIZE);
  const high = Math.floor(key / 0x1_0000_0000);
  const low = key >>> 0;
  mac[0] = high >>> 8;
  mac[1] = high & 0xff;
  mac[2] = low >>> 24;
  mac[3] = (low >>> 16) & 0xff;
  mac[4] = (low >>> 8) & 0xff;
  mac[5] = low & 0xff;
  return mac;
}
