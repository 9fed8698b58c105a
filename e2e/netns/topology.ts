// Network-namespace topologies for the end-to-end tests: an "internet" (a bridge in its own
// namespace), hosts attached to it directly or behind router namespaces that NAT like a home router
// or a bare Linux box. Everything is built with `ip` / `iptables` through execFile (arguments as
// arrays, never shell strings), inside namespaces with per-run names (`kith-<role>-<run>`), so
// nothing touches the host's own interfaces or firewall; teardown deletes the namespaces (which
// takes their veths and rules with them) and kills every process spawned into them — also when a
// test fails or the run is interrupted.
import { execFile, execFileSync, spawn as spawnProcess } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';

/** The "internet": a private range used only inside the namespaces these tests create. */
export const INTERNET_PREFIX = '10.77.0';
export const INTERNET_LEN = 24;

/**
 * How a router translates and filters (the scenarios 2a–2d). All variants masquerade on the
 * WAN and forward from the WAN only what belongs to existing connections.
 * - home: INPUT on the WAN also only ESTABLISHED,RELATED, else DROP (OpenWrt's default).
 * - open-input: no input firewall (a Linux box doing NAT).
 * - symmetric: `MASQUERADE --random` (a new random port per destination), firewall as home.
 */
export type NatVariant = 'home' | 'open-input' | 'symmetric';

const EXEC_TIMEOUT_MS = 15_000;

/** Why netns tests cannot run here, or undefined when they can. Tests pass it as `skip`. */
export function netnsSkipReason(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'netns tests need root (network namespaces, veths, iptables)';
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing';
  if (!hasCommand('ip')) return 'iproute2 (ip) is not installed';
  if (!hasCommand('iptables')) {
    // CI images may lack it; installing is cheap and the tests need it for NAT.
    try {
      execFileSync('apt-get', ['install', '-y', '-qq', 'iptables'], { stdio: 'ignore', timeout: 120_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } catch {
      // Reported below.
    }
    if (!hasCommand('iptables')) return 'iptables is not installed (apt-get install -y iptables)';
  }
  return undefined;
}

function hasCommand(name: string): boolean {
  for (const dir of (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':').concat(['/usr/sbin', '/sbin'])) {
    if (dir !== '' && existsSync(`${dir}/${name}`)) return true;
  }
  return false;
}

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Runs a command to completion (bounded); never throws for a non-zero exit, the caller decides. */
export function run(command: string, args: readonly string[], timeoutMs = EXEC_TIMEOUT_MS): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ stdout, stderr, code });
    });
  });
}

/** Like run, but a non-zero exit is an error naming the command. */
export async function must(command: string, args: readonly string[], timeoutMs = EXEC_TIMEOUT_MS): Promise<string> {
  const result = await run(command, args, timeoutMs);
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`);
  return result.stdout;
}

export interface Host {
  /** Namespace name. */
  readonly ns: string;
  /** The host's underlay address (on the internet, or on its router's LAN). */
  readonly address: string;
}

export interface Router extends Host {
  readonly lanAddress: string;
  readonly variant: NatVariant;
}

/** Every live topology, so an interrupt can tear them all down synchronously. */
const live = new Set<Topology>();
let signalsHooked = false;

function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  const onSignal = (signal: NodeJS.Signals): void => {
    for (const topology of live) topology.destroySync();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => {
    for (const topology of live) topology.destroySync();
  });
}

export class Topology {
  readonly run = randomBytes(3).toString('hex');
  private readonly namespaces: string[] = [];
  private readonly children = new Set<ChildProcess>();
  /** /etc/netns/<ns> directories made by hostsFile. */
  private readonly etcDirs: string[] = [];
  private internetNs: string | undefined;
  private nextInternetHost = 10;
  private nextLan = 1;
  private nextIsp = 1;
  private nextLink = 0;
  /** Namespaces on the internet bridge (they need routes to every ISP's customer subnet). */
  private readonly onBridge: string[] = [];
  /** Customer subnets behind ISP routers: [subnet, ISP router's bridge address]. */
  private readonly ispRoutes: [string, string][] = [];

  private constructor() {
    live.add(this);
    hookSignals();
  }

  /** A new, empty topology; throws when netnsSkipReason() says these tests cannot run. */
  static create(): Topology {
    const reason = netnsSkipReason();
    if (reason !== undefined) throw new Error(reason);
    return new Topology();
  }

  /** Creates a namespace `kith-<role>-<run>` with loopback up. */
  async namespace(role: string): Promise<string> {
    if (!/^[a-z0-9]{1,12}$/.test(role)) throw new Error(`bad namespace role ${role}`);
    const ns = `kith-${role}-${this.run}`;
    await must('ip', ['netns', 'add', ns]);
    this.namespaces.push(ns);
    await must('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    return ns;
  }

  /** The internet namespace with its bridge, created on first use. */
  private async internet(): Promise<string> {
    if (this.internetNs !== undefined) return this.internetNs;
    const ns = await this.namespace('inet');
    await must('ip', ['-n', ns, 'link', 'add', 'br0', 'type', 'bridge']);
    await must('ip', ['-n', ns, 'link', 'set', 'br0', 'up']);
    this.internetNs = ns;
    return ns;
  }

  /**
   * A veth pair between two namespaces, created with both ends already inside them (so the root
   * namespace never holds our interfaces), addressed and up. Interface names are per namespace.
   */
  async link(nsA: string, nameA: string, addressA: string | undefined, nsB: string, nameB: string, addressB: string | undefined): Promise<void> {
    await must('ip', ['link', 'add', 'name', nameA, 'netns', nsA, 'type', 'veth', 'peer', 'name', nameB, 'netns', nsB]);
    for (const [ns, name, address] of [
      [nsA, nameA, addressA],
      [nsB, nameB, addressB],
    ] as const) {
      if (address !== undefined) await must('ip', ['-n', ns, 'addr', 'add', address, 'dev', name]);
      await must('ip', ['-n', ns, 'link', 'set', name, 'up']);
    }
  }

  /** Attaches ns to the internet bridge as interface `ifname` with the next free internet address. */
  private async attach(ns: string, ifname: string): Promise<string> {
    const inet = await this.internet();
    const address = `${INTERNET_PREFIX}.${this.nextInternetHost++}`;
    const port = `p${this.nextLink++}`;
    await this.link(ns, ifname, `${address}/${INTERNET_LEN}`, inet, port, undefined);
    await must('ip', ['-n', inet, 'link', 'set', port, 'master', 'br0']);
    for (const [subnet, via] of this.ispRoutes) await must('ip', ['-n', ns, 'route', 'add', subnet, 'via', via]);
    this.onBridge.push(ns);
    return address;
  }

  /**
   * An ISP access router: on the internet bridge, routing (no NAT) a customer /24 to whoever gets
   * attached behind it. It puts router hops between two home routers, as on the real Internet —
   * needed for the edge's TTL-limited first punch (hole-punch.ts OPENER_TTL = 3: the host's router
   * and one more hop) to die before the peer's router instead of being delivered to it.
   */
  private async isp(): Promise<{ ns: string; subnet: string }> {
    const ns = await this.namespace(`isp${this.nextIsp}`);
    const subnet = `10.76.${this.nextIsp++}`;
    const bridgeAddress = await this.attach(ns, 'uplink');
    await this.exec(ns, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    for (const other of this.onBridge) if (other !== ns) await must('ip', ['-n', other, 'route', 'add', `${subnet}.0/24`, 'via', bridgeAddress]);
    this.ispRoutes.push([`${subnet}.0/24`, bridgeAddress]);
    return { ns, subnet };
  }

  /** A host directly on the internet (no NAT): a supernode, or an edge on a plain underlay. */
  async publicHost(role: string): Promise<Host> {
    const ns = await this.namespace(role);
    const address = await this.attach(ns, 'eth0');
    return { ns, address };
  }

  /**
   * A router namespace (WAN on the internet, LAN to a new host namespace) NATting as `variant`, and
   * the host behind it with its default route through the router. With ispHops the WAN goes to an
   * ISP router on the internet instead of the bridge itself (see isp()).
   */
  async natHost(role: string, variant: NatVariant, options: { readonly ispHops?: boolean } = {}): Promise<{ host: Host; router: Router }> {
    const routerNs = await this.namespace(`${role}r`);
    let wanAddress: string;
    if (options.ispHops === true) {
      const isp = await this.isp();
      wanAddress = `${isp.subnet}.2`;
      await this.link(routerNs, 'wan', `${wanAddress}/24`, isp.ns, 'customer', `${isp.subnet}.1/24`);
      await must('ip', ['-n', routerNs, 'route', 'add', 'default', 'via', `${isp.subnet}.1`]);
    } else {
      wanAddress = await this.attach(routerNs, 'wan');
    }
    const hostNs = await this.namespace(role);
    const lan = `10.78.${this.nextLan++}`;
    await this.link(routerNs, 'lan', `${lan}.1/24`, hostNs, 'eth0', `${lan}.2/24`);
    await must('ip', ['-n', hostNs, 'route', 'add', 'default', 'via', `${lan}.1`]);
    await this.exec(routerNs, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
    await this.applyNat(routerNs, variant);
    return { host: { ns: hostNs, address: `${lan}.2` }, router: { ns: routerNs, address: wanAddress, lanAddress: `${lan}.1`, variant } };
  }

  private async applyNat(ns: string, variant: NatVariant): Promise<void> {
    const ipt = (...args: string[]): Promise<string> => this.exec(ns, 'iptables', ['-w', ...args]);
    await ipt('-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan', '-j', 'MASQUERADE', ...(variant === 'symmetric' ? ['--random'] : []));
    await ipt('-A', 'FORWARD', '-i', 'wan', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT');
    await ipt('-A', 'FORWARD', '-i', 'wan', '-j', 'DROP');
    if (variant === 'open-input') return;
    await ipt('-A', 'INPUT', '-i', 'wan', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT');
    await ipt('-A', 'INPUT', '-i', 'wan', '-j', 'DROP');
  }

  /**
   * An /etc/hosts for one of this topology's namespaces: `ip netns exec` mounts /etc/netns/<ns>/hosts
   * over /etc/hosts for what it starts afterwards (names with A and AAAA records, say). Removed on
   * teardown.
   */
  hostsFile(ns: string, lines: readonly string[]): void {
    if (!this.namespaces.includes(ns)) throw new Error(`${ns} is not a namespace of this topology`);
    const dir = `/etc/netns/${ns}`;
    mkdirSync(dir, { recursive: true });
    this.etcDirs.push(dir);
    writeFileSync(`${dir}/hosts`, `${lines.join('\n')}\n`);
  }

  /** Runs a command inside ns to completion; a non-zero exit throws. */
  exec(ns: string, command: string, args: readonly string[], timeoutMs = EXEC_TIMEOUT_MS): Promise<string> {
    return must('ip', ['netns', 'exec', ns, command, ...args], timeoutMs);
  }

  /** Runs a command inside ns to completion and returns its outcome whatever the exit status. */
  tryExec(ns: string, command: string, args: readonly string[], timeoutMs = EXEC_TIMEOUT_MS): Promise<ExecResult> {
    return run('ip', ['netns', 'exec', ns, command, ...args], timeoutMs);
  }

  /**
   * Starts a long-running process inside ns (its own process group, so teardown also reaches its
   * children); it is killed on teardown. `asUser` runs it under another uid/gid through setpriv,
   * after `ip netns exec` (which needs root) has entered the namespace.
   */
  spawn(ns: string, command: string, args: readonly string[], options: SpawnOptions & { readonly asUser?: { uid: number; gid: number } } = {}): ChildProcess {
    const { asUser, ...spawnOptions } = options;
    const inner = asUser === undefined ? [command, ...args] : ['setpriv', `--reuid=${asUser.uid}`, `--regid=${asUser.gid}`, '--clear-groups', '--inh-caps=-all', command, ...args];
    const child = spawnProcess('ip', ['netns', 'exec', ns, ...inner], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...spawnOptions });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** Stops a spawned process: SIGTERM, then SIGKILL after graceMs; resolves when it is gone. */
  async stop(child: ChildProcess, graceMs = 3_000): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Kills every spawned process and deletes every namespace (with their links, bridges and rules). */
  async destroy(): Promise<void> {
    await Promise.all([...this.children].map((child) => this.stop(child, 1_500)));
    for (const ns of this.namespaces.splice(0).reverse()) await run('ip', ['netns', 'del', ns]);
    this.removeEtcDirs();
    live.delete(this);
  }

  /** The same, synchronously, for exit and signal handlers. */
  destroySync(): void {
    for (const child of this.children) signalGroup(child, 'SIGKILL');
    this.children.clear();
    for (const ns of this.namespaces.splice(0).reverse()) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: EXEC_TIMEOUT_MS });
      } catch {
        // Already gone.
      }
    }
    this.removeEtcDirs();
    live.delete(this);
  }

  private removeEtcDirs(): void {
    for (const dir of this.etcDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // Negative pid: the whole group (ip netns exec → node → its children).
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Gone already.
    }
  }
}
