// kithctl's human-readable output: aligned tables built from either Kith's `kith.*` results or
// n3n's rows (MANAGEMENT.md §6), so the same commands read Kith and n3n daemons alike. Times in
// Kith results are ms since the epoch, in n3n rows Unix seconds; 0 means never in both.

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

/** "12s ago", "5m ago", "3h ago", "2d ago", or "never". */
export function ago(thenMs: number, nowMs: number): string {
  if (thenMs <= 0) return 'never';
  const s = Math.max(0, Math.floor((nowMs - thenMs) / 1000));
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.floor(s / 60)}m ago`;
  if (s < 172_800) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/** Bytes with binary units: "512 B", "1.5 KiB", "20.0 MiB". */
export function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = count / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit] ?? ''}`;
}

const rtt = (ms: number | undefined): string => (ms === undefined ? '-' : `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`);
const text = (value: unknown): string => (typeof value === 'string' && value !== '' ? value : '-');
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
        ago(num(peer['last_seen']) * 1000, nowMs),
        '-',
      ];
    }
    const traffic = record(peer['traffic']);
    const via = typeof peer['via'] === 'string' ? ` via ${peer['via']}` : '';
    return [
      text(peer['description']),
      text(peer['vpnIpv4'] ?? peer['vpnIpv6']),
      text(peer['mac']),
      peer['path'] === 'direct' ? 'direct' : `relayed${via}`,
      rtt(typeof peer['rttMs'] === 'number' ? peer['rttMs'] : undefined),
      ago(num(peer['lastSeen']), nowMs),
      `${bytes(num(traffic['bytesIn']))} / ${bytes(num(traffic['bytesOut']))}`,
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
        ago(num(sn['last_seen']) * 1000, nowMs),
        text(sn['version']),
        `${num(sn['uptime'])}s`,
      ];
    }
    return [
      text(sn['socket']),
      text(sn['mac']),
      sn['selected'] === true ? (sn['waiting'] === true ? 'waiting' : 'yes') : '',
      rtt(typeof sn['rttMs'] === 'number' ? sn['rttMs'] : undefined),
      ago(num(sn['lastSeen']), nowMs),
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
    return [text(edge['community']), text(edge['desc']), text(edge['ip4addr']), text(edge['macaddr']), text(edge['sockaddr']), ago(num(edge['last_seen']) * 1000, nowMs)];
  });
  return formatTable(['COMMUNITY', 'NAME', 'VPN IP', 'MAC', 'SOCKET', 'LAST SEEN'], rows);
}

/** "key: value" lines, aligned, skipping absent values. */
export function keyValues(pairs: readonly (readonly [string, string | undefined])[]): string {
  const present = pairs.filter((pair): pair is readonly [string, string] => pair[1] !== undefined && pair[1] !== '');
  const width = Math.max(0, ...present.map(([key]) => key.length + 1));
  return present.map(([key, value]) => `${`${key}:`.padEnd(width)} ${value}`).join('\n') + '\n';
}
