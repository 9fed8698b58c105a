// Home routers running Debian's miniupnpd (UPnP IGD, NAT-PMP and PCP) on a simulated Internet, for
// the port-mapping tests here and the end-to-end tests of homes that invite each other.
//
// miniupnpd refuses to map when its WAN address is private or reserved (10/8, 100.64/10, the
// TEST-NETs, 198.18/15 …), so this Internet uses public-looking blocks: 192.0.3.0/24 for IPv4 (an
// ordinary unicast block next to TEST-NET-1, chosen because it is no special-purpose range) and
// 2a0b:7a00::/32 for IPv6 (likewise). That is safe: the namespaces have no link to the host's own
// network, so nothing here can reach, or be reached from, the real holders of those blocks.
//
// miniupnpd 2.3.1 uses the nftables backend, and the package's nft_init.sh is broken (it expects
// variables its companion script does not set), so the router's ruleset is written here: miniupnpd's
// chains in `table inet filter`, reached from a home router's forward, prerouting and postrouting.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addressBytes } from '../../engine/protocol/address.js';
import type { Host, Topology } from './topology.js';

export const PUBLIC_V4_PREFIX = '192.0.3';
export const PUBLIC_V6_PREFIX = '2a0b:7a00';
const CGNAT_V4_PREFIX = '100.64.3';
const WAIT_MS = 10_000;

export interface PublicInternet {
  readonly ns: string;
  /**
   * A host on the Internet side: the far end of reachability checks, and the Internet's IPv6 core
   * router (every home's /64 is routed through it, so homes are a router hop apart over IPv6 as on
   * the real Internet: a hole-punching opener's short hop limit ends before the other home).
   */
  readonly far: Host & { readonly address6: string };
}

/** The Internet: a bridge namespace with one far host on it. */
export async function publicInternet(topology: Topology): Promise<PublicInternet> {
  const ns = await topology.namespace('pinet');
  await topology.exec(ns, 'ip', ['link', 'add', 'br0', 'type', 'bridge']);
  await topology.exec(ns, 'ip', ['link', 'set', 'br0', 'up']);
  const farNs = await topology.namespace('far');
  await topology.link(farNs, 'eth0', `${PUBLIC_V4_PREFIX}.200/24`, ns, 'pfar', undefined);
  await topology.exec(ns, 'ip', ['link', 'set', 'pfar', 'master', 'br0']);
  await topology.exec(farNs, 'ip', ['-6', 'addr', 'add', `${PUBLIC_V6_PREFIX}::200/64`, 'dev', 'eth0', 'nodad']);
  await topology.exec(farNs, 'sysctl', ['-q', '-w', 'net.ipv6.conf.all.forwarding=1']);
  return { ns, far: { ns: farNs, address: `${PUBLIC_V4_PREFIX}.200`, address6: `${PUBLIC_V6_PREFIX}::200` } };
}

export interface InternetHostOptions {
  /** Also an IPv4 address on the Internet (default true); false makes an IPv6-only host. */
  readonly ipv4?: boolean;
}

let nextInternetHost = 1;

/**
 * A host directly on the Internet (a supernode, say): 2a0b:7a00::21N and, unless IPv6-only,
 * 192.0.3.21N, its IPv6 default route through the core router. address is the IPv4 address, or the
 * IPv6 one for an IPv6-only host.
 */
export async function internetHost(topology: Topology, internet: PublicInternet, role: string, options: InternetHostOptions = {}): Promise<Host & { readonly address6: string; readonly address4: string | undefined }> {
  const n = 210 + nextInternetHost++;
  const ns = await topology.namespace(role);
  const address4 = options.ipv4 === false ? undefined : `${PUBLIC_V4_PREFIX}.${n}`;
  const address6 = `${PUBLIC_V6_PREFIX}::${n}`;
  const port = `pi${n}`;
  await topology.link(ns, 'eth0', address4 === undefined ? undefined : `${address4}/24`, internet.ns, port, undefined);
  await topology.exec(internet.ns, 'ip', ['link', 'set', port, 'master', 'br0']);
  await topology.exec(ns, 'ip', ['-6', 'addr', 'add', `${address6}/64`, 'dev', 'eth0', 'nodad']);
  await topology.exec(ns, 'ip', ['-6', 'route', 'add', 'default', 'via', internet.far.address6]);
  return { ns, address: address4 ?? address6, address4, address6 };
}

export interface HomeRouterOptions {
  /** UPnP IGD (HTTP on the LAN, SSDP). */
  readonly upnp: boolean;
  /** NAT-PMP and PCP, which miniupnpd serves on one socket and enables together. */
  readonly natpmp: boolean;
  /** Drop the other protocol on port 5351 before miniupnpd sees it: a NAT-PMP-only or a PCP-only router. */
  readonly only5351?: 'natpmp' | 'pcp';
  /** Describe the router as IGDv1 (WANIPConnection:1, no IPv6 firewall service). */
  readonly igd1?: boolean;
  /** The WAN address: public (default) or in 100.64.0.0/10, behind the provider's carrier-grade NAT. */
  readonly wan?: 'public' | 'cgnat';
  /** Shortest and longest lease miniupnpd grants for NAT-PMP/PCP (default 120 and 86400 s). */
  readonly minLifetime?: number;
  /** No miniupnpd at all: a router without any mapping protocol. */
  readonly noDaemon?: boolean;
  /**
   * IPv4 in the home (default true). false makes an IPv6-only home: no IPv4 address on the WAN, the
   * LAN or the host; the router still forwards IPv6 statefully (inbound only what belongs to a
   * connection the home started, or what miniupnpd opened).
   */
  readonly ipv4?: boolean;
  /** Symmetric NAT: a random source port per connection (iptables' MASQUERADE --random). */
  readonly symmetric?: boolean;
  /**
   * An ISP router between the home router and the Internet, as homes have: the WAN address stays
   * public (a point-to-point link, the ISP answering ARP for it on the Internet side), and a
   * hole-punching opener's short TTL ends there instead of at the other home's router. IPv4 only.
   */
  readonly ispHop?: boolean;
}

export interface HomeRouter {
  readonly routerNs: string;
  /** The host behind the router; address is its IPv4 address, or the IPv6 one in an IPv6-only home. */
  readonly host: Host & { readonly address6: string };
  readonly wanAddress: string;
  readonly wanAddress6: string;
  readonly lanAddress: string;
  /** The DNAT rules miniupnpd made (nft's text of prerouting_miniupnpd). */
  natRules(): Promise<string>;
  /** The filter rules miniupnpd made, IPv6 pinholes among them (chain miniupnpd). */
  filterRules(): Promise<string>;
  /** miniupnpd's output so far. */
  log(): string;
}

let nextHome = 1;

/**
 * A home router on `internet` (WAN .N, LAN 10.79.N.0/24 and 2a0b:7a00:N::/64) with one host behind
 * it, the router's stateful firewall (inbound only what belongs to a connection or what miniupnpd
 * opened), IPv4 masquerading, and miniupnpd started with its own configuration file.
 */
export async function homeRouter(topology: Topology, internet: PublicInternet, role: string, options: HomeRouterOptions): Promise<HomeRouter> {
  const n = nextHome++;
  const ipv4 = options.ipv4 !== false;
  if (!ipv4 && options.ispHop === true) throw new Error('an ISP hop is IPv4 only');
  const routerNs = await topology.namespace(`${role}r`);
  const hostNs = await topology.namespace(role);
  const wanAddress = options.wan === 'cgnat' ? `${CGNAT_V4_PREFIX}.${n}` : `${PUBLIC_V4_PREFIX}.${n}`;
  const wanLength = options.wan === 'cgnat' ? 10 : 24;
  const wanAddress6 = `${PUBLIC_V6_PREFIX}::${n}`;
  const lan = `10.79.${n}`;
  const lan6 = `${PUBLIC_V6_PREFIX}:${n}`;
  const port = `ph${n}`;
  if (options.ispHop === true) {
    // The ISP's own address on the Internet side (.100+N) and toward the home (.150+N).
    const ispNs = await topology.namespace(`${role}isp`);
    const ispUp = `${PUBLIC_V4_PREFIX}.${100 + n}`;
    const ispDown = `${PUBLIC_V4_PREFIX}.${150 + n}`;
    await topology.link(ispNs, 'inet', `${ispUp}/24`, internet.ns, port, undefined);
    await topology.exec(internet.ns, 'ip', ['link', 'set', port, 'master', 'br0']);
    await topology.link(routerNs, 'wan', undefined, ispNs, 'home', undefined);
    await topology.exec(routerNs, 'ip', ['addr', 'add', wanAddress, 'peer', ispDown, 'dev', 'wan']);
    await topology.exec(ispNs, 'ip', ['addr', 'add', ispDown, 'peer', wanAddress, 'dev', 'home']);
    await topology.exec(ispNs, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv4.conf.inet.proxy_arp=1']);
    await topology.exec(ispNs, 'ip', ['route', 'add', 'default', 'via', internet.far.address]);
    await topology.exec(routerNs, 'ip', ['route', 'add', 'default', 'via', ispDown]);
  } else {
    await topology.link(routerNs, 'wan', ipv4 ? `${wanAddress}/${wanLength}` : undefined, internet.ns, port, undefined);
    await topology.exec(internet.ns, 'ip', ['link', 'set', port, 'master', 'br0']);
  }
  await topology.link(routerNs, 'lan', ipv4 ? `${lan}.1/24` : undefined, hostNs, 'eth0', ipv4 ? `${lan}.2/24` : undefined);
  const ip6 = (ns: string, ...args: string[]): Promise<string> => topology.exec(ns, 'ip', ['-6', ...args]);
  await ip6(routerNs, 'addr', 'add', `${wanAddress6}/64`, 'dev', 'wan', 'nodad');
  await ip6(routerNs, 'addr', 'add', `${lan6}::1/64`, 'dev', 'lan', 'nodad');
  await ip6(hostNs, 'addr', 'add', `${lan6}::2/64`, 'dev', 'eth0', 'nodad');
  if (ipv4) await topology.exec(hostNs, 'ip', ['route', 'add', 'default', 'via', `${lan}.1`]);
  await ip6(hostNs, 'route', 'add', 'default', 'via', `${lan6}::1`);
  await ip6(internet.far.ns, 'route', 'add', `${lan6}::/64`, 'via', wanAddress6);
  await ip6(routerNs, 'route', 'add', 'default', 'via', internet.far.address6);
  if (ipv4 && options.wan !== 'cgnat' && options.ispHop !== true) await topology.exec(routerNs, 'ip', ['route', 'add', 'default', 'via', internet.far.address]);
  await topology.exec(routerNs, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
  const dir = mkdtempSync(join(tmpdir(), `kith-miniupnpd-${topology.run}-`));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanup);
  await topology.exec(routerNs, 'nft', ['-f', writeRuleset(dir, options)]);
  const output: string[] = [];
  if (options.noDaemon !== true) {
    const conf = join(dir, 'miniupnpd.conf');
    writeFileSync(
      conf,
      [
        'ext_ifname=wan',
        'listening_ip=lan',
        'http_port=5000',
        `enable_upnp=${options.upnp ? 'yes' : 'no'}`,
        `enable_natpmp=${options.natpmp ? 'yes' : 'no'}`,
        `force_igd_desc_v1=${options.igd1 === true ? 'yes' : 'no'}`,
        'secure_mode=yes',
        'system_uptime=no',
        `uuid=7c1e4f3a-0b5d-4e8f-9a21-${String(n).padStart(12, '0')}`,
        `min_lifetime=${options.minLifetime ?? 120}`,
        'max_lifetime=86400',
        `lease_file=${join(dir, 'leases')}`,
        'clean_ruleset_interval=0',
        `allow 1024-65535 ${lan}.0/24 1024-65535`,
        'deny 0-65535 0.0.0.0/0 0-65535',
        '',
      ].join('\n'),
    );
    const child = topology.spawn(routerNs, 'miniupnpd', ['-f', conf, '-d', '-P', join(dir, 'miniupnpd.pid')]);
    const keep = (chunk: Buffer): void => {
      if (output.length < 2000) output.push(chunk.toString('utf8'));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitListening(topology, routerNs, options, () => output.join(''));
  }
  return {
    routerNs,
    host: { ns: hostNs, address: ipv4 ? `${lan}.2` : `${lan6}::2`, address6: `${lan6}::2` },
    wanAddress,
    wanAddress6,
    lanAddress: `${lan}.1`,
    natRules: () => topology.exec(routerNs, 'nft', ['list', 'chain', 'inet', 'filter', 'prerouting_miniupnpd']),
    filterRules: () => topology.exec(routerNs, 'nft', ['list', 'chain', 'inet', 'filter', 'miniupnpd']),
    log: () => output.join(''),
  };
}

/** Writes the router's nftables ruleset into dir and returns the file's path. */
function writeRuleset(dir: string, options: HomeRouterOptions): string {
  const file = join(dir, 'ruleset.nft');
  // On port 5351 NAT-PMP requests start with version 0 and PCP requests with version 2 (the first
  // byte after the UDP header): dropping one makes a router that speaks only the other.
  const isolate = options.only5351 === undefined ? '' : `udp dport 5351 @th,64,8 ${options.only5351 === 'natpmp' ? 2 : 0} drop;`;
  writeFileSync(
    file,
    `table inet filter {
  chain miniupnpd {}
  chain prerouting_miniupnpd {}
  chain postrouting_miniupnpd {}
  chain input { type filter hook input priority 0; policy accept; ${isolate} }
  chain forward { type filter hook forward priority 0; policy accept; ct state established,related accept; jump miniupnpd; iifname "wan" drop; }
  chain prerouting { type nat hook prerouting priority -100; policy accept; jump prerouting_miniupnpd; }
  chain postrouting { type nat hook postrouting priority 100; policy accept; jump postrouting_miniupnpd; oifname "wan" meta nfproto ipv4 masquerade${options.symmetric === true ? ' random' : ''}; }
}
`,
  );
  return file;
}

async function waitListening(topology: Topology, ns: string, options: HomeRouterOptions, log: () => string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const sockets = await topology.tryExec(ns, 'ss', ['-lnut']);
    const upnpReady = !options.upnp || /:5000\b/.test(sockets.stdout);
    const pmpReady = !options.natpmp || /:5351\b/.test(sockets.stdout);
    if (upnpReady && pmpReady) return;
    if (Date.now() > deadline) throw new Error(`miniupnpd did not start listening within ${WAIT_MS} ms:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Matches miniupnpd's filter rule (filterRules) for an IPv6 pinhole to `address6` (nft prints the destination as 32 hex digits). */
export function pinholePattern(address6: string, port?: number): RegExp {
  const bytes = addressBytes(address6);
  if (bytes === undefined || bytes.family !== 6) throw new Error(`${address6} is not an IPv6 address`);
  return new RegExp(`${port === undefined ? '' : `th dport ${port} `}@nh,192,128 0x${Buffer.from(bytes.bytes).toString('hex')}`);
}

/** The carrier's NAT on the Internet side of homes whose WAN is in 100.64.0.0/10 (wan: 'cgnat'). */
export const CARRIER_NAT = '100.64.0.1';
const carrierNats = new WeakSet<PublicInternet>();

/**
 * Puts `router` (made with wan: 'cgnat') behind the provider's carrier-grade NAT: the far host
 * masquerades 100.64.0.0/10 with its public address, so the home's IPv4 goes out and nothing can be
 * mapped in, as such homes have it.
 */
export async function behindCarrierNat(topology: Topology, internet: PublicInternet, router: HomeRouter): Promise<void> {
  if (!carrierNats.has(internet)) {
    carrierNats.add(internet);
    await topology.exec(internet.far.ns, 'ip', ['addr', 'add', `${CARRIER_NAT}/10`, 'dev', 'eth0']);
    await topology.exec(internet.far.ns, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    await topology.exec(internet.far.ns, 'nft', ['add table ip cgn; add chain ip cgn post { type nat hook postrouting priority 100; }; add rule ip cgn post ip saddr 100.64.0.0/10 masquerade']);
  }
  await topology.exec(router.routerNs, 'ip', ['route', 'add', 'default', 'via', CARRIER_NAT]);
}

/** Why home routers cannot be built here (their tools are missing), if they cannot. */
export function homeRouterToolsMissing(): string | undefined {
  for (const tool of ['/usr/sbin/miniupnpd', '/usr/sbin/nft']) if (!existsSync(tool)) return `${tool} is missing (scripts/setup.sh installs miniupnpd and nftables)`;
  return undefined;
}
