// Kith: what the edge may send on a peer's behalf. DESIGN.md (Trust boundaries): nothing learned from
// an unauthenticated datagram makes a daemon send more bytes than it received, to anyone.
//
// Everything a peer record learns from the wire is a claim. A PACKET or REGISTER names any MAC, and
// its source address — observed, or inserted by the supernode that relayed it — may be spoofed: a
// supernode relays PACKETs and REGISTERs from anyone who knows the community's name, n3n's as well as
// Kith's (PROTOCOL.md §9.3.3, §9.3.4), so a REGISTER relayed by the supernode proves no more than a
// relayed PACKET. What the supernode does vouch for is its own registration table (REGISTER_SUPER,
// with the edge's auth token): the socket it names for a MAC in a PEER_INFO answering our own
// QUERY_PEER (§4.9). So:
// * an address the supernode named for the peer that way is "vouched": punches, answers and port
//   spray (port-spray.ts) may go there, and a vouched peer is a registered edge of the community,
//   which table eviction spares (peer-table.ts) and whose undecryptable PACKETs mean a wrong key
//   (wrong-key.ts);
// * everything else is paid for: each datagram from (or relayed for) the peer adds its size to the
//   record's credit, each datagram sent on its behalf to an address nobody vouched for — or to the
//   supernode, for a peer it has not vouched for — spends its size, both counted as whole IP packets.
//   A spoofed datagram buys at most its own size in replies; a real peer's traffic keeps its credit up.
import type { Socket, SocketFamily } from '../../protocol/index.js';
import type { PeerRecord } from './peer-table.js';

/** IP and UDP headers: credit and cost are counted as whole IP packets, as a victim's link sees them. */
const HEADER_BYTES: Readonly<Record<SocketFamily, number>> = { IPv4: 28, IPv6: 48 };
/** Unspent credit is capped: bytes banked long ago do not pay for a burst later. */
export const MAX_CREDIT_BYTES = 16 * 1024;
/** Addresses kept per peer (its public socket's, its advertised LAN socket's, one it moved from). */
const MAX_VOUCHED_ADDRESSES = 4;

export function wireCost(length: number, family: SocketFamily): number {
  return length + HEADER_BYTES[family];
}

/** A datagram of length bytes from (or relayed for) the peer arrived; or `datagrams` of them, length bytes together. */
export function earn(record: PeerRecord, length: number, family: SocketFamily, datagrams = 1): void {
  record.credit = Math.min(MAX_CREDIT_BYTES, record.credit + length + datagrams * HEADER_BYTES[family]);
}

export function isVouched(record: PeerRecord, address: string): boolean {
  return record.vouched.includes(address);
}

/** The supernode vouched for the peer at some address: a registered edge of the community. */
export function isRegistered(record: PeerRecord): boolean {
  return record.vouched.length > 0;
}

/** The supernode named address for the peer answering our QUERY_PEER; true when that is news. */
export function vouch(record: PeerRecord, address: string): boolean {
  if (isVouched(record, address)) return false;
  if (record.vouched.length >= MAX_VOUCHED_ADDRESSES) record.vouched.shift();
  record.vouched.push(address);
  return true;
}

function afford(record: PeerRecord, length: number, family: SocketFamily, free: boolean): boolean {
  if (free) return true;
  const cost = wireCost(length, family);
  if (record.credit < cost) return false;
  record.credit -= cost;
  return true;
}

/** May length bytes go to the peer at `to`? Free to a vouched address, otherwise paid from its credit. */
export function affordToPeer(record: PeerRecord, to: Socket, length: number): boolean {
  return afford(record, length, to.family, isVouched(record, to.address));
}

/** May length bytes go to the supernode on the peer's behalf? Free for a registered peer. */
export function affordViaSupernode(record: PeerRecord, length: number, family: SocketFamily): boolean {
  return afford(record, length, family, isRegistered(record));
}
