// kithctl's output: the rows of Kith's `kith.*` results and of n3n's methods (MANAGEMENT.md §6) become
// one set of lines, so the same commands read Kith and n3n daemons alike and print them one way:
// MACs in lower case, VPN addresses without their prefix, times as whole milliseconds since the
// epoch (0 = never; n3n rows count Unix seconds). `--json` prints these lines, the tables show them
// with names, figures and paths worded as the tray and the window word them (shared/presentation.ts).
import type { EdgeRow, SupernodeRow } from '../mgmt/n3n-shapes.js';
import type { PeerPath, PeerView, SupernodeView } from '../edge/api/views.js';
import { formatAgo, formatBytes, formatRtt, peerName, peerStateWords } from '../../shared/presentation.js';

export interface PeerLine {
  readonly name: string;
  readonly description: string;
  readonly vpnIpv4?: string | undefined;
  readonly vpnIpv6?: string | undefined;
  readonly mac: string;
  readonly path: PeerPath;
  readonly via?: string | undefined;
  /** False once the peer has been silent too long (Kith only; n3n's rows are taken as answering). */
  readonly answering: boolean;
  readonly socket?: string | undefined;
  readonly rttMs?: number | undefined;
  readonly lastSeen: number;
  /** Kith only: n3n does not count per-peer traffic. */
  readonly bytesIn?: number | undefined;
  readonly bytesOut?: number | undefined;
}

export interface SupernodeLine {
  readonly socket: string;
  readonly mac?: string | undefined;
  readonly selected: boolean;
  /** Selected, but the registration is not acknowledged yet. */
  readonly waiting: boolean;
  readonly rttMs?: number | undefined;
  readonly lastSeen: number;
  readonly version: string;
  readonly uptime: number;
}

export interface EdgeLine {
  readonly community: string;
  readonly name: string;
  readonly vpnIpv4?: string | undefined;
  readonly mac: string;
  readonly socket: string;
  readonly lastSeen: number;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const present = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const measured = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
/** Whole milliseconds since the epoch from Kith's milliseconds or n3n's seconds. */
const epochMs = (value: unknown, unit: 'ms' | 's'): number => Math.floor(count(value) * (unit === 's' ? 1000 : 1));
/** Lower case, as Kith and `ip link` write MACs (n3n writes them in upper case). */
export const macText = (value: unknown): string => text(value).toLowerCase();
/** n3n's `ip4addr` carries a prefix ('10.0.0.2/24'); the VPN address is what is left of it. */
export const addressText = (value: unknown): string | undefined => present(text(value).split('/')[0]);

/** A peer from `kith.peers` or from an edge's n3n `get_edges` (mode pSp/p2p). */
export function peerLine(row: PeerView | EdgeRow): PeerLine {
  if ('mode' in row) {
    const view = { description: text(row.desc), vpnIpv4: addressText(row.ip4addr), vpnIpv6: undefined, mac: macText(row.macaddr) };
    return { name: peerName(view), ...view, path: row.mode === 'p2p' ? 'direct' : 'relayed', answering: true, socket: present(row.sockaddr), lastSeen: epochMs(row.last_seen, 's') };
  }
  const view = { description: text(row.description), vpnIpv4: present(row.vpnIpv4), vpnIpv6: present(row.vpnIpv6), mac: macText(row.mac) };
  return {
    name: peerName(view),
    ...view,
    path: row.path === 'direct' ? 'direct' : 'relayed',
    via: present(row.via),
    // An older Kith without `answering` is taken as answering.
    answering: (row.answering as boolean | undefined) !== false,
    socket: present(row.socket),
    rttMs: measured(row.rttMs),
    lastSeen: epochMs(row.lastSeen, 'ms'),
    bytesIn: count(row.traffic?.bytesIn),
    bytesOut: count(row.traffic?.bytesOut),
  };
}

/** A supernode from `kith.supernodes` or n3n's `get_supernodes`. */
export function supernodeLine(row: SupernodeView | SupernodeRow): SupernodeLine {
  if ('sockaddr' in row) {
    const current = count(row.current);
    return { socket: text(row.sockaddr), mac: present(macText(row.macaddr)), selected: current !== 0, waiting: current === 2, lastSeen: epochMs(row.last_seen, 's'), version: text(row.version), uptime: count(row.uptime) };
  }
  return {
    socket: text(row.socket),
    mac: present(macText(row.mac)),
    selected: row.selected === true,
    waiting: row.selected === true && row.waiting === true,
    rttMs: measured(row.rttMs),
    lastSeen: epochMs(row.lastSeen, 'ms'),
    version: text(row.version),
    uptime: count(row.uptime),
  };
}

/** An edge registered at a supernode (its n3n `get_edges` rows). */
export function edgeLine(row: EdgeRow): EdgeLine {
  const vpnIpv4 = addressText(row.ip4addr);
  const mac = macText(row.macaddr);
  return { community: text(row.community), name: peerName({ description: text(row.desc), vpnIpv4, vpnIpv6: undefined, mac }), vpnIpv4, mac, socket: text(row.sockaddr), lastSeen: epochMs(row.last_seen, 's') };
}

/** A column-aligned table: two spaces between columns, no trailing blanks. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

const cell = (value: string | undefined): string => (value === undefined || value === '' ? '-' : value);
const rtt = (ms: number | undefined): string => formatRtt(ms, '-');

export function peersTable(peers: readonly PeerLine[], nowMs: number): string {
  const rows = peers.map((peer) => [
    peer.name,
    cell(peer.vpnIpv4 ?? peer.vpnIpv6),
    peer.mac,
    peerStateWords(peer),
    peer.answering ? rtt(peer.rttMs) : '-',
    formatAgo(peer.lastSeen, nowMs),
    peer.bytesIn === undefined || peer.bytesOut === undefined ? '-' : `${formatBytes(peer.bytesIn)} / ${formatBytes(peer.bytesOut)}`,
  ]);
  return formatTable(['NAME', 'VPN IP', 'MAC', 'PATH', 'RTT', 'LAST SEEN', 'IN/OUT'], rows);
}

export function supernodesTable(supernodes: readonly SupernodeLine[], nowMs: number): string {
  const rows = supernodes.map((sn) => [sn.socket, cell(sn.mac), sn.selected ? (sn.waiting ? 'waiting' : 'yes') : '', rtt(sn.rttMs), formatAgo(sn.lastSeen, nowMs), cell(sn.version), `${sn.uptime}s`]);
  return formatTable(['SUPERNODE', 'MAC', 'SELECTED', 'RTT', 'LAST SEEN', 'VERSION', 'UPTIME'], rows);
}

export function edgesTable(edges: readonly EdgeLine[], nowMs: number): string {
  const rows = edges.map((edge) => [cell(edge.community), edge.name, cell(edge.vpnIpv4), edge.mac, cell(edge.socket), formatAgo(edge.lastSeen, nowMs)]);
  return formatTable(['COMMUNITY', 'NAME', 'VPN IP', 'MAC', 'SOCKET', 'LAST SEEN'], rows);
}

/** "key: value" lines, aligned, skipping absent values. */
export function keyValues(pairs: readonly (readonly [string, string | undefined])[]): string {
  const shown = pairs.filter((pair): pair is readonly [string, string] => pair[1] !== undefined && pair[1] !== '');
  const width = Math.max(0, ...shown.map(([key]) => key.length + 1));
  return shown.map(([key, value]) => `${`${key}:`.padEnd(width)} ${value}`).join('\n') + '\n';
}
