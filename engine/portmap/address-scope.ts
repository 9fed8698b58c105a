// Where an address can be reached from. A router that reports a private, shared (carrier-grade NAT)
// or otherwise non-global external address sits behind another NAT: a mapping on it cannot make
// this computer reachable from the Internet. The same test decides whether a local IPv6 address is
// worth a pinhole. Ranges: IANA's IPv4 and IPv6 special-purpose address registries (RFC 6890).
import { BlockList } from 'node:net';
import { formatIpv4, formatIpv6, parseAddress } from '../protocol/address.js';

/**
 * - global: reachable from the Internet once the router lets packets in;
 * - private: RFC 1918 IPv4 or an IPv6 unique local address (fc00::/7): another NAT or router in front;
 * - shared: 100.64.0.0/10 (RFC 6598), the carrier-grade NAT range;
 * - non-global: loopback, link-local, documentation, benchmarking, multicast, reserved.
 */
export type AddressScope = 'global' | 'private' | 'shared' | 'non-global';

type Range = readonly [prefix: string, length: number];

function blockList(ranges: readonly Range[], type: 'ipv4' | 'ipv6'): BlockList {
  const list = new BlockList();
  for (const [prefix, length] of ranges) list.addSubnet(prefix, length, type);
  return list;
}

const PRIVATE_V4 = blockList([['10.0.0.0', 8], ['172.16.0.0', 12], ['192.168.0.0', 16]], 'ipv4');
const SHARED_V4 = blockList([['100.64.0.0', 10]], 'ipv4');
const NON_GLOBAL_V4 = blockList(
  [
    ['0.0.0.0', 8],
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['192.0.0.0', 24],
    ['192.0.2.0', 24],
    ['192.88.99.0', 24],
    ['198.18.0.0', 15],
    ['198.51.100.0', 24],
    ['203.0.113.0', 24],
    ['224.0.0.0', 4],
    ['240.0.0.0', 4],
  ],
  'ipv4',
);
const PRIVATE_V6 = blockList([['fc00::', 7]], 'ipv6');
/** Global unicast is 2000::/3; inside it these are not reachable (or not meant to be) from the Internet. */
const GLOBAL_UNICAST_V6 = blockList([['2000::', 3]], 'ipv6');
const NON_GLOBAL_V6 = blockList(
  [
    ['2001::', 23], // IETF protocol assignments, Teredo among them
    ['2001:db8::', 32], // documentation
    ['2002::', 16], // 6to4
    ['3fff::', 20], // documentation (RFC 9637)
  ],
  'ipv6',
);

/** The scope of a textual address (IPv4-mapped IPv6 counts as its IPv4), or undefined for text that is no address. */
export function addressScope(text: string): AddressScope | undefined {
  const bytes = new Uint8Array(16);
  const length = parseAddress(text, bytes);
  if (length === 4) {
    const v4 = formatIpv4(bytes, 0);
    if (PRIVATE_V4.check(v4, 'ipv4')) return 'private';
    if (SHARED_V4.check(v4, 'ipv4')) return 'shared';
    return NON_GLOBAL_V4.check(v4, 'ipv4') ? 'non-global' : 'global';
  }
  if (length === 16) {
    const v6 = formatIpv6(bytes, 0);
    if (PRIVATE_V6.check(v6, 'ipv6')) return 'private';
    if (!GLOBAL_UNICAST_V6.check(v6, 'ipv6') || NON_GLOBAL_V6.check(v6, 'ipv6')) return 'non-global';
    return 'global';
  }
  return undefined;
}
