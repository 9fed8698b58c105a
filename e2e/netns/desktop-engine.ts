// The desktop engine (desktop/browser-main.ts: real TAP, real UDP, the port mapper) in a test
// namespace, driven as a local client drives it: JSON-RPC over its loopback management port with
// the management password from a 0600 curl config, never in process arguments. For the netns tests
// of homes that host, invite and join (first-contact.test.ts, ipv6-reach.test.ts).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reachability } from '../../engine/profiles/api.js';
import { homeRouterToolsMissing } from './home-router.js';
import { assertAlive, ping, REPO, startProgram, waitFor } from './kith.js';
import type { KithProcess, RunDir } from './kith.js';
import { netnsSkipReason } from './topology.js';
import type { Host, Topology } from './topology.js';

const BROWSER_MAIN = join(REPO, 'desktop', 'browser-main.ts');
const MGMT_PORT = 5644;
export const START_MS = 30_000;
/** Registration, punching and the router's answers on the shared 2-core machine. */
export const DIRECT_MS = 45_000;

/** Why the tests of desktop engines in homes behind miniupnpd routers cannot run here, if they cannot. */
export function homesSkipReason(): string | undefined {
  return netnsSkipReason() ?? homeRouterToolsMissing() ?? (existsSync('/usr/bin/curl') ? undefined : '/usr/bin/curl is missing (scripts/setup.sh installs it)');
}

export interface Engine {
  readonly name: string;
  readonly host: Host;
  readonly profilesDir: string;
  readonly proc: KithProcess;
  /** curl's config file holding the management credentials, so they stay out of process arguments. */
  readonly curlConfig: string;
}

export interface StatusView {
  readonly state: string;
  readonly reason?: string;
  readonly address?: string;
  readonly description: string;
  readonly supernode?: string;
}

export interface EnginePeerView {
  readonly mac: string;
  readonly path: 'direct' | 'relayed';
  readonly family?: 'IPv4' | 'IPv6';
  readonly socket?: string;
  readonly rttMs?: number;
  readonly description: string;
}

/** The VPN address of a status, without its prefix length. */
export const vpnAddress = (view: StatusView): string => (view.address ?? '').split('/')[0] ?? '';

export class DesktopEngines {
  constructor(
    private readonly topology: Topology,
    private readonly runDir: RunDir,
  ) {}

  /** A desktop engine in `host` with its own (fresh) profiles directory and a known management password. */
  async start(name: string, host: Host): Promise<Engine> {
    const profilesDir = this.runDir.file(`${name}-profiles`);
    const password = `${name}-management-${Math.random().toString(36).slice(2)}`;
    // As the desktop would make it (profile-store.ts managementPassword), known to the test.
    mkdirSync(profilesDir, { recursive: true, mode: 0o700 });
    writeFileSync(join(profilesDir, '.management-password'), `${password}\n`, { mode: 0o600 });
    const curlConfig = this.runDir.file(`${name}.curl`);
    writeFileSync(curlConfig, `user = "kith:${password}"\n`, { mode: 0o600 });
    const proc = startProgram(this.topology, this.runDir, host, name, { main: BROWSER_MAIN, args: ['--port', String(MGMT_PORT), '--reason', 'the netns tests drive it'], env: { KITH_PROFILES_DIR: profilesDir } });
    const started: Engine = { name, host, profilesDir, proc, curlConfig };
    await waitFor(`${name}'s engine`, async () => (assertAlive(proc), (await this.rpc(started, 'kith.status')) === undefined ? undefined : true), START_MS, 300);
    return started;
  }

  /** A JSON-RPC call over the engine's loopback TCP, as a local client makes it; undefined on any failure. */
  async rpc(target: Engine, method: string, params: unknown = null): Promise<unknown> {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
    const reply = await this.topology.tryExec(target.host.ns, 'curl', ['-s', '-m', '5', '-K', target.curlConfig, '-H', 'content-type: application/json', '--data-binary', body, `http://127.0.0.1:${MGMT_PORT}/v1`], 8_000);
    if (reply.code !== 0) return undefined;
    try {
      const parsed = JSON.parse(reply.stdout) as { result?: unknown; error?: { message: string } };
      return parsed.result ?? (parsed.error === undefined ? undefined : { rpcError: parsed.error.message });
    } catch {
      return undefined;
    }
  }

  async status(target: Engine): Promise<StatusView | undefined> {
    return (await this.rpc(target, 'kith.status')) as StatusView | undefined;
  }

  async peers(target: Engine): Promise<EnginePeerView[]> {
    return ((await this.rpc(target, 'kith.peers')) as EnginePeerView[] | undefined) ?? [];
  }

  /** Waits until the engine is registered (in `community`, when given) and has its VPN address. */
  registered(target: Engine, community?: string): Promise<StatusView> {
    return waitFor(
      `${target.name} to register${community === undefined ? '' : ` in ${community}`}`,
      async () => {
        assertAlive(target.proc);
        const view = await this.status(target);
        const settings = community === undefined ? undefined : ((await this.rpc(target, 'kith.settings.get')) as { settings: { community: string } } | undefined);
        return view?.state === 'registered' && view.address !== undefined && (community === undefined || settings?.settings.community === community) ? view : undefined;
      },
      DIRECT_MS,
      500,
    );
  }

  /** The reachability report once the router has answered. */
  reachability(target: Engine): Promise<Reachability> {
    return waitFor(
      `${target.name}'s router to answer`,
      async () => {
        const report = (await this.rpc(target, 'kith.reachability')) as Reachability | undefined;
        return report !== undefined && report.scope !== 'checking' ? report : undefined;
      },
      START_MS,
      500,
    );
  }

  /** The peer `description` once the engine lists it as direct with an RTT; the peer list and the engine's output on failure. */
  async directPeer(target: Engine, description: string): Promise<EnginePeerView> {
    let last: EnginePeerView[] = [];
    try {
      return await waitFor(
        `${target.name} to reach ${description} directly`,
        async () => {
          assertAlive(target.proc);
          last = await this.peers(target);
          return last.find((peer) => peer.description === description && peer.path === 'direct' && typeof peer.rttMs === 'number');
        },
        DIRECT_MS,
        250,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; peers: ${JSON.stringify(last)}\n${target.proc.output().slice(-3000)}`);
    }
  }

  /** Pings `address` over the VPN until it answers once, then three more times. */
  async pingOver(from: Engine, address: string): Promise<boolean> {
    await waitFor(`${from.name} to ping ${address}`, async () => ((await ping(this.topology, from.host.ns, address, 1)).ok ? true : undefined), DIRECT_MS, 200);
    return (await ping(this.topology, from.host.ns, address, 3)).ok;
  }
}
