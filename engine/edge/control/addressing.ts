// The TAP address (PROTOCOL.md §8.1 address modes): static from tuntap.address, auto from the
// bootstrap REGISTER_SUPER_ACK (§8.2 step 3), dhcp left to the host (the caller reports what it
// sees). Also what the edge learns about peers' VPN addresses from their frames, for display.
import { checkHostTapAddress } from '../../config/tap-allow-list.js';
import { formatIpv4, formatIpv6, parseAddress } from '../../protocol/address.js';
import type { IpSubnet } from '../../protocol/index.js';
import type { PeerRecord } from './peer-table.js';
import { isLinkLocalIpv6, senderAddress } from '../data-path/frames.js';
import type { AddressMode } from '../settings.js';

export type AddressHook = (address: IpSubnet) => void | Promise<void>;

export class Addressing {
  private current: IpSubnet | undefined;
  /** The last offer refused, so a supernode repeating it on every ACK is reported once. */
  private lastRefused = '';
  /** The IPv4 address as 4 bytes for the per-frame filters; 0.0.0.0 while there is none. */
  readonly bytes = new Uint8Array(16);

  constructor(
    readonly mode: AddressMode,
    private readonly requestedPrefix: number,
    staticAddress: IpSubnet,
    private readonly changed: (address: IpSubnet) => void,
    /** An offer the TAP address rules refuse (tap-address-rules.ts), with the reason. */
    private readonly refused: (reason: string) => void = () => undefined,
  ) {
    if (mode === 'static') this.set(staticAddress);
  }

  get address(): IpSubnet | undefined {
    return this.current;
  }

  /** dev_addr of REGISTER_SUPER / REGISTER: the address, or 0.0.0.0 with the wanted prefix (§4.4). */
  announced(): IpSubnet {
    return this.current ?? { address: '0.0.0.0', prefix: this.requestedPrefix };
  }

  /**
   * §8.3 ACK step 6: auto mode takes a non-zero dev_addr/prefix from the supernode, if this edge's
   * TAP may have it: a hostile supernode must not route the host's traffic into the VPN.
   */
  offerFromSupernode(offer: IpSubnet): void {
    if (this.mode !== 'auto' || offer.address === '0.0.0.0' || offer.prefix === 0) return;
    const problem = checkHostTapAddress(offer);
    if (problem === undefined) {
      this.set(offer);
      return;
    }
    const shown = `${offer.address}/${offer.prefix}`;
    if (shown === this.lastRefused) return;
    this.lastRefused = shown;
    this.refused(`refused the address the supernode offered: ${problem.message}`);
  }

  /** dhcp mode: the caller reports the address the host's DHCP client configured. */
  reportHostAddress(address: IpSubnet): void {
    if (this.mode === 'dhcp') this.set(address);
  }

  private set(address: IpSubnet): void {
    if (this.current?.address === address.address && this.current.prefix === address.prefix) return;
    this.current = { address: address.address, prefix: address.prefix };
    this.bytes.fill(0);
    parseAddress(address.address, this.bytes);
    this.changed(this.current);
  }
}

/**
 * Notes the VPN addresses a peer uses, from a frame it sent (ARP and IP sources). Runs for every
 * frame received: the text is made only when the sender's address differs from its last frame's.
 */
export function learnPeerAddresses(record: Pick<PeerRecord, 'lastSender' | 'vpnIpv4' | 'vpnIpv6'>, frame: Uint8Array): void {
  const at = senderAddress(frame);
  if (at === undefined) return;
  const last = (record.lastSender ??= new Uint8Array(20));
  // IPv4 in last[0..4), IPv6 in last[4..20).
  const into = at.family === 4 ? 0 : 4;
  const length = at.family === 4 ? 4 : 16;
  let same = true;
  for (let i = 0; i < length; i++) {
    if (last[into + i] !== frame[at.offset + i]) {
      same = false;
      last[into + i] = frame[at.offset + i]!;
    }
  }
  if (at.family === 4) {
    if (!same || record.vpnIpv4 === undefined) record.vpnIpv4 = formatIpv4(frame, at.offset);
    return;
  }
  if (same && record.vpnIpv6 !== undefined) return;
  const seen = formatIpv6(frame, at.offset);
  // Prefer a routable IPv6 address over a link-local one for display.
  if (record.vpnIpv6 === undefined || !isLinkLocalIpv6(seen) || isLinkLocalIpv6(record.vpnIpv6)) record.vpnIpv6 = seen;
}
