// Pure Ethernet-frame inspection for the data path: the multicast and routing filters of
// PROTOCOL.md §8.5 / §8.6, the gratuitous ARP of Appendix D, and reading peers' VPN addresses from
// ARP and IP headers for display. Frames are read in place; nothing here allocates per frame.
import { isBroadcastMac } from '../../protocol/index.js';
import type { Mac } from '../../protocol/index.js';

export const ETHERNET_HEADER_SIZE = 14;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_ARP = 0x0806;
const ETHERTYPE_IPV6 = 0x86dd;

function etherType(frame: Uint8Array): number {
  return (frame[12]! << 8) | frame[13]!;
}

/** The destination MAC as a view (no copy). */
export function destinationMac(frame: Uint8Array): Mac {
  return frame.subarray(0, 6);
}

export function sourceMac(frame: Uint8Array): Mac {
  return frame.subarray(6, 12);
}

/**
 * PROTOCOL.md §8.5 step 1: IPv4 multicast 01:00:5e (bit 7 of the 4th byte clear) or IPv6 multicast
 * 33:33; the broadcast address is not multicast here and always passes.
 */
export function isMulticastFrame(frame: Uint8Array): boolean {
  if (frame[0] === 0x01 && frame[1] === 0x00 && frame[2] === 0x5e && (frame[3]! & 0x80) === 0) return true;
  return frame[0] === 0x33 && frame[1] === 0x33;
}

export function isIpv4Frame(frame: Uint8Array): boolean {
  return frame.length >= ETHERNET_HEADER_SIZE + 20 && etherType(frame) === ETHERTYPE_IPV4;
}

/** Compares the IPv4 address at frame[at..at+4] with the 4 bytes of address. */
function ipv4At(frame: Uint8Array, at: number, address: Uint8Array): boolean {
  return frame[at] === address[0] && frame[at + 1] === address[1] && frame[at + 2] === address[2] && frame[at + 3] === address[3];
}

/** PROTOCOL.md §8.5 step 4: with routing off, an IPv4 frame must come from the TAP address. */
export function ipv4SourceIs(frame: Uint8Array, address: Uint8Array): boolean {
  return ipv4At(frame, ETHERNET_HEADER_SIZE + 12, address);
}

/**
 * PROTOCOL.md §8.6 PACKET: with routing off, a received IPv4 frame that is not an Ethernet broadcast
 * must be addressed to the TAP address.
 */
export function acceptsInboundIpv4(frame: Uint8Array, tapAddress: Uint8Array): boolean {
  if (!isIpv4Frame(frame) || isBroadcastMac(destinationMac(frame))) return true;
  return ipv4At(frame, ETHERNET_HEADER_SIZE + 16, tapAddress);
}

/** Appendix D: the ARP reply "who-has me" sent twice after the first registration. */
export function gratuitousArp(mac: Mac, ipv4: Uint8Array): Uint8Array {
  const frame = new Uint8Array(42);
  frame.fill(0xff, 0, 6);
  frame.set(mac, 6);
  frame.set([0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02], 12);
  frame.set(mac, 22);
  frame.set(ipv4.subarray(0, 4), 28);
  frame.fill(0xff, 32, 38);
  frame.set(ipv4.subarray(0, 4), 38);
  return frame;
}

/** Where a frame names its sender's VPN address: 4 bytes (ARP, IPv4) or 16 (IPv6) at offset. */
export interface SenderAddress {
  readonly family: 4 | 6;
  readonly offset: number;
}

const ARP_SENDER: SenderAddress = { family: 4, offset: 28 };
const IPV4_SOURCE: SenderAddress = { family: 4, offset: 26 };
const IPV6_SOURCE: SenderAddress = { family: 6, offset: ETHERNET_HEADER_SIZE + 8 };

function isUnspecified(frame: Uint8Array, at: number, length: number): boolean {
  for (let i = at; i < at + length; i++) if (frame[i] !== 0) return false;
  return true;
}

/**
 * Where the sender's VPN address is in a frame it sent: ARP sender protocol address, IPv4 source,
 * or an IPv6 source (link-local ones included; the caller prefers global ones). Only for display.
 */
export function senderAddress(frame: Uint8Array): SenderAddress | undefined {
  if (frame.length < ETHERNET_HEADER_SIZE) return undefined;
  switch (etherType(frame)) {
    case ETHERTYPE_ARP:
      return frame.length < 42 || isUnspecified(frame, ARP_SENDER.offset, 4) ? undefined : ARP_SENDER;
    case ETHERTYPE_IPV4:
      return !isIpv4Frame(frame) || isUnspecified(frame, IPV4_SOURCE.offset, 4) ? undefined : IPV4_SOURCE;
    case ETHERTYPE_IPV6:
      return frame.length < ETHERNET_HEADER_SIZE + 40 || isUnspecified(frame, IPV6_SOURCE.offset, 16) ? undefined : IPV6_SOURCE;
    default:
      return undefined;
  }
}

export function isLinkLocalIpv6(address: string): boolean {
  return /^fe[89ab]/i.test(address);
}
