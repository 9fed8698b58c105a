// Automatic address assignment compatible with n3n (PROTOCOL.md §9.6): a community's subnet comes
// from a hash of its name, an edge's address from a hash of its description, so the same names
// get the same addresses from a Kith or an n3n supernode, across restarts.
import { pearson32 } from '../engine/crypto/pearson.js';
import { parseAddress } from '../engine/protocol/address.js';

export interface Subnet {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  readonly prefix: number;
}

export const NO_SUBNET: Subnet = { network: 0, prefix: 0 };

const hostMask = (prefix: number): number => (prefix === 0 ? 0xffffffff : prefix === 32 ? 0 : (0xffffffff >>> prefix) >>> 0);

function overlaps(a: Subnet, b: Subnet): boolean {
  const prefix = Math.min(a.prefix, b.prefix);
  const mask = ~hostMask(prefix) >>> 0;
  return ((a.network & mask) >>> 0) === ((b.network & mask) >>> 0);
}

/**
 * §9.6.1: proposal = min + (P32(community field) mod count) subnets; search down to min, then up
 * to max, for a subnet that overlaps no subnet already in use.
 */
export function chooseCommunitySubnet(communityField: Uint8Array, min: Subnet, max: Subnet, inUse: readonly Subnet[]): Subnet {
  const prefix = min.prefix;
  const step = 2 ** (32 - prefix);
  const count = Math.floor((max.network - min.network) / step) + 1;
  if (count <= 0) return NO_SUBNET;
  const proposal = min.network + (pearson32(communityField) % count) * step;
  const free = (network: number): boolean => !inUse.some((used) => used.prefix !== 0 && overlaps(used, { network, prefix }));
  for (let network = proposal; network >= min.network; network -= step) if (free(network)) return { network, prefix };
  for (let network = proposal + step; network <= max.network; network += step) if (free(network)) return { network, prefix };
  return NO_SUBNET;
}

/**
 * §9.6.2: host part = P32(16-byte description field) masked to the host bits (0 → 1, all ones →
 * all ones − 1); search down, then up, for an address no registered edge of the community uses
 * (inUse asks the community's address index). Returns undefined when the subnet is full.
 */
export function chooseEdgeAddress(descriptionField: Uint8Array, subnet: Subnet, inUse: (address: number) => boolean): number | undefined {
  if (subnet.prefix === 0 || subnet.prefix > 30) return undefined;
  const hosts = hostMask(subnet.prefix);
  let host = (pearson32(descriptionField) & hosts) >>> 0;
  if (host === 0) host = 1;
  if (host === hosts) host = hosts - 1;
  const network = subnet.network;
  const candidate = (network | host) >>> 0;
  for (let address = candidate; address > network; address--) if (!inUse(address)) return address;
  for (let address = candidate + 1; address < network + hosts; address++) if (!inUse(address)) return address;
  return undefined;
}

export function ipv4FromNumber(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

const parsed = new Uint8Array(16);

/** A dotted quad as a number; 0 (0.0.0.0, "none") for text that is no IPv4 address. No allocation: it runs per registration. */
export function ipv4ToNumber(address: string): number {
  if (parseAddress(address, parsed) !== 4) return 0;
  return ((parsed[0]! << 24) | (parsed[1]! << 16) | (parsed[2]! << 8) | parsed[3]!) >>> 0;
}
