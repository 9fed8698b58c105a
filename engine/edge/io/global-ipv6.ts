// This computer's global IPv6 address, for an edge registered over IPv4 to advertise beside it:
// IPv6 has no NAT in front of most homes, only the router's stateful firewall, so a peer given this
// address can punch through to it directly while the supernode path stays IPv4 (PROTOCOL.md §8.8.2).
import { networkInterfaces } from 'node:os';
import { addressScope } from '../../portmap/address-scope.js';

type Interfaces = ReturnType<typeof networkInterfaces>;

/** The first global-scope IPv6 address of an interface that is up, or undefined when there is none. */
export function globalIpv6Address(interfaces: Interfaces = networkInterfaces()): string | undefined {
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv6' && !entry.internal && addressScope(entry.address) === 'global') return entry.address;
    }
  }
  return undefined;
}
