// Sorting and filtering of the peers table.
import type { PeerView } from '../../../engine/profiles/api.js';
import { peerStateTitle, peerName } from './format.js';

export type PeerColumn = 'name' | 'ip' | 'mac' | 'path' | 'rtt' | 'traffic' | 'lastSeen';
export type SortDirection = 'ascending' | 'descending';
export interface PeerSort {
  readonly column: PeerColumn;
  readonly direction: SortDirection;
}

/** IPv4 as a number so 10.0.0.9 sorts before 10.0.0.10; missing addresses last. */
function ipRank(ip: string | undefined): number {
  if (ip === undefined) return Number.MAX_SAFE_INTEGER;
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part))) return Number.MAX_SAFE_INTEGER - 1;
  return parts.reduce((sum, part) => sum * 256 + part, 0);
}

function key(peer: PeerView, column: PeerColumn): string | number {
  switch (column) {
    case 'name':
      return peerName(peer).toLowerCase();
    case 'ip':
      return ipRank(peer.vpnIpv4);
    case 'mac':
      return peer.mac.toLowerCase();
    case 'path':
      return peerStateTitle(peer);
    case 'rtt':
      return peer.rttMs ?? Number.MAX_SAFE_INTEGER;
    case 'traffic':
      return peer.traffic.bytesIn + peer.traffic.bytesOut;
    case 'lastSeen':
      return peer.lastSeen;
  }
}

export function sortPeers(peers: readonly PeerView[], sort: PeerSort): PeerView[] {
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...peers].sort((a, b) => {
    const ka = key(a, sort.column);
    const kb = key(b, sort.column);
    const order = ka < kb ? -1 : ka > kb ? 1 : 0;
    // Ties fall back to the MAC so rows do not jump between refreshes.
    return order === 0 ? (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0) : sign * order;
  });
}

/** Case-insensitive match on name, addresses, MAC and path. */
export function filterPeers(peers: readonly PeerView[], text: string): PeerView[] {
  const needle = text.trim().toLowerCase();
  if (needle === '') return [...peers];
  return peers.filter((peer) =>
    [peerName(peer), peer.vpnIpv4 ?? '', peer.vpnIpv6 ?? '', peer.mac, peerStateTitle(peer)].some((field) => field.toLowerCase().includes(needle)),
  );
}

/** Clicking a header: the same column flips, a new column starts ascending. */
export function nextSort(current: PeerSort, column: PeerColumn): PeerSort {
  if (current.column === column) return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { column, direction: 'ascending' };
}

/** "Remote desktop": rdp on Windows, vnc elsewhere (macOS Screen Sharing, Linux viewers). */
export function remoteDesktopUrl(ip: string, platform: string): string {
  return /win/i.test(platform) && !/darwin/i.test(platform) ? `rdp://full%20address=s:${ip}` : `vnc://${ip}`;
}

export function sshUrl(ip: string): string {
  return `ssh://${ip}`;
}
