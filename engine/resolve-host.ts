// Supernode names to sockets for both daemons (PROTOCOL.md §8.2): every address the name has, IPv4
// first and then IPv6, as n3n main prefers A records over AAAA whatever order the system's resolver
// gives. The first is the one tried first; while it leaves the registration unanswered the edge
// registers at the others as well (edge/control/address-race.ts), which n3n does not.
import { lookup } from 'node:dns/promises';
import { socketFromAddress } from './protocol/index.js';
import type { Socket } from './protocol/index.js';
import { err, ok } from '../shared/result.js';
import type { Result } from '../shared/result.js';

/** 4: an IPv4-only socket asks for A records only; 0: both families. */
export type FamilyPreference = 4 | 0;

/** Orders sockets IPv4 first, keeping the resolver's order within each family. */
export function ipv4First(sockets: readonly Socket[]): Socket[] {
  return [...sockets.filter((socket) => socket.family === 'IPv4'), ...sockets.filter((socket) => socket.family === 'IPv6')];
}

/** The sockets of host:port, IPv4 first; an error (with the resolver's message) when there is none. */
export async function resolveHost(host: string, port: number, family: FamilyPreference): Promise<Result<Socket[], 'unresolved'>> {
  try {
    const found = await lookup(host, { all: true, family });
    const sockets = ipv4First(found.map((entry) => socketFromAddress(entry.address, port)).filter((socket): socket is Socket => socket !== undefined));
    return sockets.length === 0 ? err('unresolved', 'no address') : ok(sockets);
  } catch (error) {
    return err('unresolved', (error as Error).message);
  }
}
