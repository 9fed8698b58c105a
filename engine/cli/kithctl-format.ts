// kithctl's human-readable output: aligned tables built from either Kith's `kith.*` results or
// n3n's rows (MANAGEMENT.md §6), so the same commands read Kith and n3n daemons alike. Times in
// Kith results are ms since the epoch, in n3n rows Unix seconds; 0 means never in both. Names,
// figures and paths are worded as the tray and the window word them (shared/presentation.ts).
import { formatAgo, formatBytes, formatRtt, peerName, peerStateWords } from '../../shared/presentation.js';

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

const rtt = (ms: unknown): string => formatRtt(typeof ms === 'number' ? ms : undefined, '-');
const text = (value: unknown): string => (typeof value === 'string' && value !== '' ? value : '-');
const optional = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const string = (value: unknown): string => optional(value) ?? '';
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const record = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {});

/** A peer row from `kith.peers` (views.ts PeerView) or from n3n's edge `get_edges` (`mode` pSp/p2p). */
export function peersTable(peers: readonly unknown[], nowMs: number): string {
  const rows = peers.map((entry) => {
    const peer = record(entry);
    if ('mode' in peer) {
      // n3n: no RTT or traffic; `ip4addr` carries a prefix.
      const direct = peer['mode'] === 'p2p';
      return [
        text(peer['desc']),
        text((typeof peer['ip4addr'] === 'string' ? peer['ip4addr'] : '').split('/')[0]),
        text(peer['macaddr']),
        direct ? 'direct' : 'relayed',
        '-',
        formatAgo(num(peer['last_seen']) * 1000, nowMs),
        '-',
      ];
    }
    const traffic = record(peer['traffic']);
    // A peer without `answering` (an older Kith) is taken as answering.
    const state = { path: peer['path'] === 'direct' ? ('direct' as const) : ('relayed' as const), via: optional(peer['via']), answering: peer['answering'] !== false };
    const view = { description: string(peer['description']), vpnIpv4: optional(peer['vpnIpv4']), vpnIpv6: optional(peer['vpnIpv6']), mac: string(peer['mac']) };
    return [
      text(peerName(view)),
      text(view.vpnIpv4 ?? view.vpnIpv6),
      text(view.mac),
      peerStateWords(state),
      state.answering ? rtt(peer['rttMs']) : '-',
      formatAgo(num(peer['lastSeen']), nowMs),
      `${formatBytes(num(traffic['bytesIn']))} / ${formatBytes(num(traffic['bytesOut']))}`,
    ];
  });
  return formatTable(['NAME', 'VPN IP', 'MAC', 'PATH', 'RTT', 'LAST SEEN', 'IN/OUT'], rows);
}

/** `kith.supernodes` (SupernodeView) or n3n's `get_supernodes` rows. */
export function supernodesTable(supernodes: readonly unknown[], nowMs: number): string {
  const rows = supernodes.map((entry) => {
    const sn = record(entry);
    if ('sockaddr' in sn) {
      const current = num(sn['current']);
      return [
        text(sn['sockaddr']),
        text(sn['macaddr']),
        current === 0 ? '' : current === 2 ? 'waiting' : 'yes',
        '-',
        formatAgo(num(sn['last_seen']) * 1000, nowMs),
        text(sn['version']),
        `${num(sn['uptime'])}s`,
      ];
    }
    return [
      text(sn['socket']),
      text(sn['mac']),
      sn['selected'] === true ? (sn['waiting'] === true ? 'waiting' : 'yes') : '',
      rtt(sn['rttMs']),
      formatAgo(num(sn['lastSeen']), nowMs),
      text(sn['version']),
      `${num(sn['uptime'])}s`,
    ];
  });
  return formatTable(['SUPERNODE', 'MAC', 'SELECTED', 'RTT', 'LAST SEEN', 'VERSION', 'UPTIME'], rows);
}

/** A supernode's `get_edges` rows (mode `sn`). */
export function edgesTable(edges: readonly unknown[], nowMs: number): string {
  const rows = edges.map((entry) => {
    const edge = record(entry);
    return [text(edge['community']), text(edge['desc']), text(edge['ip4addr']), text(edge['macaddr']), text(edge['sockaddr']), formatAgo(num(edge['last_seen']) * 1000, nowMs)];
  });
  return formatTable(['COMMUNITY', 'NAME', 'VPN IP', 'MAC', 'SOCKET', 'LAST SEEN'], rows);
}

/** "key: value" lines, aligned, skipping absent values. */
export function keyValues(pairs: readonly (readonly [string, string | undefined])[]): string {
  const present = pairs.filter((pair): pair is readonly [string, string] => pair[1] !== undefined && pair[1] !== '');
  const width = Math.max(0, ...present.map(([key]) => key.length + 1));
  return present.map(([key, value]) => `${`${key}:`.padEnd(width)} ${value}`).join('\n') + '\n';
}
