// What the e2e/security tests of kith-tap and the TAP share: a copy of the built kith-tap with the
// one capability the packages give it (cap_net_admin=ep, never setuid) that any user may run,
// /dev/net/tun opened to users as distributions ship it, the user those tests act as, and a
// namespace with kith-tap's agent serving in it.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kithTap } from '../../native/test-fixtures/host.js';
import { waitFor } from '../netns/kith.js';
import { netnsSkipReason, Topology, type ExecResult } from '../netns/topology.js';

/** Debian's `nobody` / `nogroup`: an account that owns nothing else on the machine. */
export const NOBODY = { uid: 65534, gid: 65534 };

/** `setpriv` as `uid` (gid the same), no supplementary groups, no capabilities inherited. */
export const asUser = (uid: number): string[] => ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--inh-caps=-all', '--'];

/** Why these tests cannot run here, or undefined. */
export function kithTapSkipReason(): string | undefined {
  if (!existsSync(kithTap)) return 'kith-tap is not built (npm run build:native)';
  if (spawnSync('setcap', ['-v', 'cap_net_admin=ep', '/nonexistent'], { timeout: 10_000 }).error !== undefined) return 'setcap is unavailable (apt-get install libcap2-bin)';
  return netnsSkipReason();
}

export interface CapableCopy {
  /** The copy's path, in a directory every user can traverse. */
  readonly path: string;
  /** Removes the copy and gives /dev/net/tun its mode back. */
  remove(): void;
}

/**
 * A copy of kith-tap with cap_net_admin=ep, as installed, and /dev/net/tun at 0666 (some images
 * tighten it to 0600, which would stop an owner attaching to its own TAP) until remove().
 */
export function capableKithTap(): CapableCopy {
  const dir = mkdtempSync(join(tmpdir(), 'kith-caps-'));
  chmodSync(dir, 0o755);
  const path = join(dir, 'kith-tap');
  copyFileSync(kithTap, path);
  chmodSync(path, 0o755);
  const setcap = spawnSync('setcap', ['cap_net_admin=ep', path], { encoding: 'utf8', timeout: 10_000 });
  if (setcap.status !== 0) throw new Error(`setcap: ${setcap.stderr}`);
  const tunMode = statSync('/dev/net/tun').mode & 0o777;
  chmodSync('/dev/net/tun', 0o666);
  return {
    path,
    remove() {
      chmodSync('/dev/net/tun', tunMode);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One request line to kith-tap's agent from a plain node process (no tsx): prints the reply. */
const AGENT_CLIENT = `const s = require('node:net').connect(process.argv[1], () => s.write(process.argv[2] + '\\n')); let r = ''; s.setEncoding('latin1'); s.on('data', (d) => (r += d)); s.on('close', () => process.stdout.write(r));`;

export interface KithTapWorld {
  readonly topology: Topology;
  readonly ns: string;
  /** The capable copy of kith-tap. */
  readonly helper: string;
  /** kith-tap serve, as root in the namespace, and its socket. */
  readonly agent: ChildProcess;
  readonly socket: string;
  /** What the agent has logged (its stderr) so far. */
  agentLog(): string;
  /** A command in the namespace as uid (gid the same). */
  asUser(uid: number, args: readonly string[]): Promise<ExecResult>;
  /** One request to the agent from a process of uid (its peer credentials decide); the reply. */
  askAgent(uid: number, line: string): Promise<string>;
  destroy(): Promise<void>;
}

/** A namespace `kith-<role>-<run>` with the capable copy ready and kith-tap's agent serving. */
export async function kithTapWorld(role: string): Promise<KithTapWorld> {
  const topology = Topology.create();
  const ns = await topology.namespace(role);
  const copy = capableKithTap();
  const agentDir = mkdtempSync(join(tmpdir(), 'kith-agent-'));
  chmodSync(agentDir, 0o755);
  const socket = join(agentDir, 'tapd.sock');
  const agent = topology.spawn(ns, kithTap, ['serve', socket]);
  let log = '';
  agent.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('latin1')));
  const inNsAs = (uid: number, args: readonly string[]): Promise<ExecResult> => topology.tryExec(ns, 'setpriv', [...asUser(uid).slice(1), ...args]);
  const world: KithTapWorld = {
    topology,
    ns,
    helper: copy.path,
    agent,
    socket,
    agentLog: () => log,
    asUser: inNsAs,
    askAgent: async (uid, line) => (await inNsAs(uid, [process.execPath, '-e', AGENT_CLIENT, socket, line])).stdout,
    async destroy() {
      await topology.destroy();
      copy.remove();
      rmSync(agentDir, { recursive: true, force: true });
    },
  };
  await waitFor('the agent socket', () => (existsSync(socket) ? true : undefined), 10_000, 50).catch(async (error: unknown) => {
    await world.destroy();
    throw error;
  });
  return world;
}
