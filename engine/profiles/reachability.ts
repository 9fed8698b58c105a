// The reachability report in words (api.ts Reachability): from the router's answer to the hosted
// supernode's mapping, this computer's address in its home and the public supernodes the profile
// names, one sentence for the Invite screen and, when only this home can join, what to do about it.
import type { MapResult } from '../portmap/types.js';
import type { Reachability } from './api.js';

const METHOD_NAMES: Readonly<Record<string, string>> = { pcp: 'PCP', natpmp: 'NAT-PMP', 'upnp-igd1': 'UPnP', 'upnp-igd2': 'UPnP' };

export interface HostedState {
  readonly port: number;
  /** The router's answer for the supernode's UDP port; undefined while it is being asked. */
  readonly mapping: MapResult | undefined;
  /** This computer's address toward its router, when known. */
  readonly lanAddress: string | undefined;
  /** Supernodes of the profile that are not this computer (host:port). */
  readonly publicSupernodes: readonly string[];
  readonly edgeMapped: string | undefined;
}

const socketText = (address: string, port: number): string => (address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`);

function problemWords(mapping: MapResult & { ok: false }, port: number): { message: string; advice: string } {
  const forward = `or forward UDP and TCP port ${port} to this computer in your router's settings`;
  const publicSupernode = 'or add a public supernode in Settings';
  switch (mapping.error) {
    case 'cgnat':
      return {
        message: 'Only from this home: your Internet provider shares one public address among many customers (carrier-grade NAT), so your router cannot forward a port to this computer.',
        advice: `Ask your provider for a public IPv4 address, ${publicSupernode}.`,
      };
    case 'double-nat':
      return {
        message: 'Only from this home: another router sits between your router and the Internet (double NAT), so a port your router forwards does not reach this computer.',
        advice: `Put the first router in bridge mode, ${publicSupernode}.`,
      };
    case 'refused':
      return { message: `Only from this home: your router refused to forward port ${port} to this computer.`, advice: `Allow UPnP or NAT-PMP for this computer in your router, ${forward}, ${publicSupernode}.` };
    case 'no-gateway':
    case 'unsupported-os':
      return { message: 'Only from this home: Kith cannot find your router to ask it for a port.', advice: `Forward UDP and TCP port ${port} to this computer in your router's settings, ${publicSupernode}.` };
    default:
      return { message: 'Only from this home: your router does not allow port mapping.', advice: `Turn on UPnP or NAT-PMP in your router, ${forward}, ${publicSupernode}.` };
  }
}

export function describeReachability(state: HostedState): Reachability {
  const lanAddress = state.lanAddress === undefined ? undefined : socketText(state.lanAddress, state.port);
  const common = { port: state.port, ...(lanAddress === undefined ? {} : { lanAddress }), ...(state.edgeMapped === undefined ? {} : { edgeMapped: state.edgeMapped }) };
  const { mapping } = state;
  if (mapping?.ok === true) {
    const { externalAddress, externalPort, method } = mapping.value;
    return {
      ...common,
      scope: 'anywhere',
      method,
      publicAddress: socketText(externalAddress, externalPort),
      message: `From anywhere: your router forwards port ${externalPort} (${METHOD_NAMES[method] ?? method}) to this computer.`,
    };
  }
  if (state.publicSupernodes.length > 0) {
    const problem = mapping === undefined ? {} : { problem: mapping.error };
    return { ...common, ...problem, scope: 'anywhere', message: `From anywhere: through the public supernode ${state.publicSupernodes.join(', ')}.` };
  }
  if (mapping === undefined) return { ...common, scope: 'checking', message: 'Asking your router whether it forwards a port to this computer…' };
  return { ...common, ...problemWords(mapping, state.port), problem: mapping.error, scope: 'this-home' };
}

/** A network hosted by another computer: nothing for this one to open. */
export function hostedElsewhere(supernodes: readonly string[], edgeMapped: string | undefined): Reachability {
  return {
    scope: 'elsewhere',
    message: `This network meets at ${supernodes.join(', ')}; invites send new devices there.`,
    ...(edgeMapped === undefined ? {} : { edgeMapped }),
  };
}
