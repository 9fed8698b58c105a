// ICE for a help session stays inside the VPN (issue 13, help contract "Window"): no STUN or TURN
// server, and only host candidates on the two computers' VPN addresses are sent or accepted. What
// arrives here came from the other computer through its engine: parse, never throw, refuse.
import { isIPv4 } from '../../../shared/config/ip-literal.js';

/** The parts of an ICE candidate line (RFC 8839 §5.1) this check needs. */
export interface CandidateParts {
  readonly protocol: string;
  readonly address: string;
  readonly port: number;
  readonly type: string;
}

/** `candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …`, or undefined. */
export function parseCandidate(line: string): CandidateParts | undefined {
  if (line.length > 1024) return undefined;
  const fields = line.replace(/^a=/, '').trim().split(/\s+/);
  if (!/^candidate:\S+$/.test(fields[0] ?? '') || fields[6] !== 'typ') return undefined;
  const [, , protocol, , address, port, , type] = fields;
  const portNumber = Number(port);
  if (protocol === undefined || address === undefined || type === undefined || !Number.isInteger(portNumber) || portNumber < 0 || portNumber > 65535) return undefined;
  return { protocol: protocol.toLowerCase(), address, port: portNumber, type };
}

/**
 * True for a host candidate on exactly `vpnIpv4`: the one address either side may use. mDNS names
 * (`….local`), server-reflexive and relay candidates, and every other interface are refused.
 */
export function candidateOnVpn(line: string, vpnIpv4: string): boolean {
  const parts = parseCandidate(line);
  return parts !== undefined && isIPv4(vpnIpv4) && parts.type === 'host' && parts.address === vpnIpv4;
}

/** A name Chromium puts in place of a host address it hides (`<uuid>.local`, RFC 6762 namespace). */
const MDNS_NAME = /^[0-9a-z-]{1,64}\.local$/i;

/**
 * What this window announces for one of its own candidates, or undefined to keep it to itself.
 * A host candidate on `vpnIpv4` goes as it is. A browser that hides host addresses (Chrome without
 * camera or microphone permission) lists no interfaces: it binds one UDP socket to the any-address
 * and names it `<uuid>.local` after the default route's address. That socket also receives what
 * comes to the VPN address, and what it sends to the peer's VPN address leaves from the VPN address
 * through the VPN interface (the kernel's route), so it is announced on `vpnIpv4` with its own port,
 * foundation and priority; a socket bound to another address never answers there. The selected
 * pair is still checked before the session counts (pairOnVpn).
 */
export function announcedCandidate(line: string, vpnIpv4: string): string | undefined {
  if (candidateOnVpn(line, vpnIpv4)) return line;
  const parts = parseCandidate(line);
  if (parts === undefined || !isIPv4(vpnIpv4) || parts.type !== 'host' || parts.protocol !== 'udp' || !MDNS_NAME.test(parts.address)) return undefined;
  const fields = line.trim().split(/\s+/);
  fields[4] = vpnIpv4;
  return fields.join(' ');
}

/**
 * The SDP with every `a=candidate` line not on `vpnIpv4` removed (an offer made after gathering
 * carries candidates inline, and a hostile one may carry anything). Other lines pass untouched.
 */
export function sdpOnVpn(sdp: string, vpnIpv4: string): string {
  return sdp
    .split(/(?<=\r?\n)/)
    .filter((line) => !line.startsWith('a=candidate:') || candidateOnVpn(line.trimEnd(), vpnIpv4))
    .join('');
}

/** A getStats() entry, as far as the selected pair is concerned. */
export interface StatsEntry {
  readonly id: string;
  readonly type: string;
  readonly [field: string]: unknown;
}

export interface SelectedPair {
  /** Empty when the browser hides this computer's own address (mDNS): getStats() then reports none. */
  readonly local: string;
  readonly localPort: number;
  readonly remote: string;
  readonly protocol: string;
}

/** The candidate pair ICE selected, with both addresses, from a getStats() report; undefined before one is chosen. */
export function selectedPair(report: Iterable<StatsEntry>): SelectedPair | undefined {
  const byId = new Map<string, StatsEntry>();
  for (const entry of report) byId.set(entry.id, entry);
  const transport = [...byId.values()].find((entry) => entry.type === 'transport' && typeof entry['selectedCandidatePairId'] === 'string');
  const pair = transport !== undefined ? byId.get(transport['selectedCandidatePairId'] as string) : [...byId.values()].find((entry) => entry.type === 'candidate-pair' && entry['nominated'] === true && entry['state'] === 'succeeded');
  if (pair === undefined) return undefined;
  const local = byId.get(String(pair['localCandidateId']));
  const remote = byId.get(String(pair['remoteCandidateId']));
  const address = (candidate: StatsEntry | undefined): string | undefined => {
    const value = candidate?.['address'] ?? candidate?.['ip'];
    return typeof value === 'string' ? value : undefined;
  };
  const [localAddress, remoteAddress] = [address(local), address(remote)];
  if (localAddress === undefined || remoteAddress === undefined) return undefined;
  const protocol = local?.['protocol'];
  const port = local?.['port'];
  return { local: localAddress, localPort: typeof port === 'number' ? port : 0, remote: remoteAddress, protocol: typeof protocol === 'string' ? protocol : '' };
}

/**
 * True when the selected pair runs between the two VPN addresses and nothing else. The remote end
 * must be the peer's VPN address. The local end must be this computer's VPN address, or — when the
 * browser hides it (empty in getStats(), as host or as the peer-reflexive address the peer saw) —
 * a UDP socket whose port this window announced on its VPN address (`announcedPorts`). The other
 * window checks its remote end, which is where this side's packets really came from, so a hidden
 * local end off the VPN fails there and stops the session.
 */
export function pairOnVpn(pair: SelectedPair, selfIpv4: string, peerIpv4: string, announcedPorts: ReadonlySet<number> = new Set()): boolean {
  if (pair.remote !== peerIpv4) return false;
  return pair.local === selfIpv4 || (pair.local === '' && pair.protocol === 'udp' && announcedPorts.has(pair.localPort));
}
