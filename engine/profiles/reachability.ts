// The reachability report in words (api.ts Reachability): from the router's answers for the hosted
// supernode (its IPv4 port mapping and its IPv6 pinhole), this computer's address in its home and
// the public supernodes the profile names, one sentence for the Invite screen and, when some homes
// cannot join, what to do about it.
import type { MapResult, PinholeResult } from '../portmap/types.js';
import type { Reachability } from './api.js';
import { hostPortText } from '../../shared/config/values.js';

const METHOD_NAMES: Readonly<Record<string, string>> = { pcp: 'PCP', natpmp: 'NAT-PMP', 'upnp-igd1': 'UPnP', 'upnp-igd2': 'UPnP' };

export interface HostedState {
  readonly port: number;
  /** The router's answer for the supernode's UDP port; undefined while it is being asked. */
  readonly mapping: MapResult | undefined;
  /** The router's answer for the supernode's IPv6 UDP pinhole (or why none was asked); undefined while it is being asked. */
  readonly pinhole: PinholeResult | undefined;
  /** This computer's address toward its router, when known. */
  readonly lanAddress: string | undefined;
  /** Supernodes of the profile that are not this computer (host:port). */
  readonly publicSupernodes: readonly string[];
  readonly edgeMapped: string | undefined;
}

/** Why IPv4 cannot come in, in a few words for a sentence that says what IPv6 can. */
function ipv4Reason(failure: MapResult & { ok: false }): string {
  switch (failure.error) {
    case 'cgnat':
      return 'carrier-grade NAT';
    case 'double-nat':
      return failure.externalAddress === undefined ? 'your router has no public IPv4 address' : 'double NAT';
    case 'refused':
      return 'your router refused to forward a port';
    case 'no-gateway':
    case 'unsupported-os':
      return 'Kith cannot find your IPv4 router';
    default:
      return 'your router does not allow port mapping';
  }
}

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
      // A router that says it has no usable external address does not say why: the provider's
      // carrier-grade NAT and another router of the home's own look the same from here.
      if (mapping.externalAddress === undefined) {
        return {
          message: 'Only from this home: your router has no public IPv4 address (your provider shares one among many customers, or another router sits in front of it), so it cannot forward a port to this computer.',
          advice: `Ask your provider for a public IPv4 address, put the router in front in bridge mode, ${publicSupernode}.`,
        };
      }
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
  const lanAddress = state.lanAddress === undefined ? undefined : hostPortText(state.lanAddress, state.port);
  const { mapping, pinhole } = state;
  const ipv6 = pinhole?.ok === true ? { publicAddress6: hostPortText(pinhole.value.address, state.port), method6: pinhole.value.method } : pinhole === undefined ? {} : { problem6: pinhole.error };
  const common = { port: state.port, ...(lanAddress === undefined ? {} : { lanAddress }), ...(state.edgeMapped === undefined ? {} : { edgeMapped: state.edgeMapped }), ...ipv6 };
  const lets6In = pinhole?.ok === true ? `lets IPv6 in (${METHOD_NAMES[pinhole.value.method] ?? pinhole.value.method})` : undefined;
  if (mapping?.ok === true) {
    const { externalAddress, externalPort, method } = mapping.value;
    return {
      ...common,
      scope: 'anywhere',
      method,
      publicAddress: hostPortText(externalAddress, externalPort),
      message: `From anywhere: your router forwards port ${externalPort} (${METHOD_NAMES[method] ?? method})${lets6In === undefined ? '' : ` and ${lets6In}`} to this computer.`,
    };
  }
  if (state.publicSupernodes.length > 0) {
    const problem = mapping === undefined ? {} : { problem: mapping.error };
    const through = `through the public supernode ${state.publicSupernodes.join(', ')}`;
    return { ...common, ...problem, scope: 'anywhere', message: lets6In === undefined ? `From anywhere: ${through}.` : `From anywhere with IPv6; from IPv4-only homes ${through}.` };
  }
  if (mapping === undefined || pinhole === undefined) return { ...common, scope: 'checking', message: 'Asking your router whether it forwards a port to this computer…' };
  const problem = problemWords(mapping, state.port);
  if (lets6In !== undefined) {
    return {
      ...common,
      problem: mapping.error,
      scope: 'ipv6',
      message: `From anywhere with IPv6: your router ${lets6In} to port ${state.port} of this computer. IPv4 cannot reach it (${ipv4Reason(mapping)}).`,
      advice: `For homes without IPv6: ${problem.advice.charAt(0).toLowerCase()}${problem.advice.slice(1)}`,
    };
  }
  return { ...common, ...problem, problem: mapping.error, scope: 'this-home' };
}

/** A network hosted by another computer: nothing for this one to open. */
export function hostedElsewhere(supernodes: readonly string[], edgeMapped: string | undefined): Reachability {
  return {
    scope: 'elsewhere',
    message: `This network meets at ${supernodes.join(', ')}; invites send new devices there.`,
    ...(edgeMapped === undefined ? {} : { edgeMapped }),
  };
}
