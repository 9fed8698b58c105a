// Real daemons for the management-API attack tests: kith-supernode started from its TypeScript
// entry point in this network namespace, on loopback, with its own run and config directories and
// (optionally) a management TCP port; kith-edge, which needs a TAP, in a namespace of its own
// (e2e/netns); raw HTTP to either. Every wait is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicAuthorization, createManagementClient } from '../../engine/mgmt/index.js';
import type { AnyMethodSpec } from '../../engine/mgmt/method-table.js';
import { exchange, parseResponses, type ParsedResponse, type Target } from '../../engine/mgmt/test-support.js';
import {
  REPO,
  SETTLE_MS,
  startEdge as startNetnsEdge,
  startNetwork,
  stopNetwork,
  SUPERNODE_MAIN,
  waitFor,
  waitForRegistered,
  type EdgeSpec,
  type KithProcess,
  type Network,
} from '../netns/kith.js';
import type { Host, Topology } from '../netns/topology.js';

export { basicAuthorization, REPO, waitFor };
export type { ParsedResponse, Target };

/** The daemons' tables are their own; the tests only read plain JSON from them. */
type LooseTable = Readonly<Record<string, AnyMethodSpec & { handler: (params: never) => unknown }>>;

const START_LIMIT_MS = 20_000;

/** A management call over a unix socket; undefined when refused or unanswered. */
export async function managementCall(socketPath: string, method: string, params?: unknown, password?: string): Promise<unknown> {
  const client = createManagementClient<LooseTable>({ socketPath }, { timeoutMs: 3_000 });
  const result = await client.call(method, params as never, password === undefined ? {} : { password });
  return result.ok ? result.value : undefined;
}

/** A loopback TCP port nobody listens on at the time of asking. */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Daemon {
  readonly child: ChildProcess;
  readonly session: string;
  readonly runDir: string;
  readonly socketPath: string;
  /** `management.port`, when the daemon was given one. */
  readonly tcp: { readonly host: string; readonly port: number } | undefined;
  output(): string;
  /** A management call over the unix socket; undefined when refused or unanswered. */
  call(method: string, params?: unknown, password?: string): Promise<unknown>;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  readonly session?: string;
  /** Further command-line words (`-O…`). */
  readonly args?: readonly string[];
  /** Serve the management API on a free loopback TCP port as well. */
  readonly tcp?: boolean;
  /** Readable by every user, so a test can connect as another one. */
  readonly openRunDir?: boolean;
}

/** Starts kith-supernode and waits until its unix socket answers. */
export async function startSupernodeDaemon(options: DaemonOptions = {}): Promise<Daemon> {
  const session = options.session ?? 'sec';
  const root = mkdtempSync(join(tmpdir(), 'kith-sec-'));
  const runDir = join(root, 'run');
  const configDir = join(root, 'config');
  if (options.openRunDir === true) chmodSync(root, 0o755);
  const port = options.tcp === true ? await freeTcpPort() : 0;
  const args = ['start', session, '-Oconnection.bind=127.0.0.1:0', ...(port === 0 ? [] : [`-Omanagement.port=${port}`]), ...(options.args ?? [])];
  const env: NodeJS.ProcessEnv = { ...process.env, KITH_RUN_DIR: runDir, KITH_CONFIG_DIR: configDir };
  for (const name of ['N3N_FEDERATION', 'KITH_FEDERATION', 'N3N_KEY', 'KITH_KEY', 'KITH_KEY_FILE', 'N3N_PASSWORD', 'KITH_PASSWORD']) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', SUPERNODE_MAIN, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  const keep = (chunk: Buffer): void => void (chunks.length < 2_000 && chunks.push(chunk.toString('utf8')));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const socketPath = join(runDir, session, 'mgmt');
  const daemon: Daemon = {
    child,
    session,
    runDir,
    socketPath,
    tcp: port === 0 ? undefined : { host: '127.0.0.1', port },
    output: () => chunks.join(''),
    call: (method, params, password) => managementCall(socketPath, method, params, password),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const guard = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(guard);
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(
      'the supernode to answer',
      async () => {
        if (child.exitCode !== null) throw new Error(`kith-supernode exited ${child.exitCode}:\n${daemon.output()}`);
        return (await daemon.call('get_verbose')) === undefined ? undefined : true;
      },
      START_LIMIT_MS,
      100,
    );
  } catch (error) {
    await daemon.stop();
    throw error;
  }
  return daemon;
}

/** Sends raw request bytes and returns the first response (undefined when none came). */
export async function rawHttp(target: Target, bytes: string): Promise<ParsedResponse | undefined> {
  return parseResponses(await exchange(target, bytes))?.[0];
}

/** A request as raw bytes; Content-Length is added for a body. */
export function httpRequest(method: string, path: string, headers: Readonly<Record<string, string>>, body = ''): string {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  const length = method === 'GET' && body === '' ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}${length}\r\n${body}`;
}

export function rpcBody(method: string, params: unknown = null): string {
  return JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
}

/** Raw request bytes to 127.0.0.1:<port> inside a namespace (a short node script there), bounded. */
export async function rawHttpIn(topology: Topology, ns: string, port: number, bytes: string): Promise<ParsedResponse | undefined> {
  const script = `
const socket = require('node:net').connect(Number(process.argv[1]), '127.0.0.1');
const chunks = [];
socket.on('data', (chunk) => chunks.push(chunk));
socket.on('error', () => undefined);
socket.on('close', () => process.stdout.write(Buffer.concat(chunks).toString('base64')));
socket.setTimeout(5000, () => socket.destroy());
socket.end(Buffer.from(process.argv[2], 'base64'));`;
  const result = await topology.tryExec(ns, process.execPath, ['-e', script, String(port), Buffer.from(bytes).toString('base64')], 10_000);
  return result.code === 0 ? parseResponses(Buffer.from(result.stdout.trim(), 'base64'))?.[0] : undefined;
}

export interface WorldEdge extends KithProcess {
  readonly host: Host;
  call(method: string, params?: unknown, password?: string): Promise<unknown>;
}

export interface EdgeWorld extends Network {
  /** A kith-edge in a namespace of its own, registered with the world's supernode. */
  edge(session: string, spec: Omit<EdgeSpec, 'supernodes'> & { readonly role?: string }): Promise<WorldEdge>;
  destroy(): Promise<void>;
}

/** e2e/netns's network of one kith-supernode (its community file lists `communities`), and edges in it. */
export async function edgeWorld(communities: readonly string[] = []): Promise<EdgeWorld> {
  const network = await startNetwork((runDir) => {
    if (communities.length === 0) return [];
    const list = runDir.file('communities.list');
    writeFileSync(list, communities.map((name) => `${name}\n`).join(''));
    return [`-Osupernode.community_file=${list}`];
  });
  let hosts = 0;
  return {
    ...network,
    edge: async (session, spec) => {
      const host = await network.topology.publicHost(spec.role ?? `e${++hosts}`);
      const proc = startNetnsEdge(network.topology, network.runDir, host, session, { ...spec, supernodes: [network.supernode], extra: ['-Oconnection.register_interval=3', ...(spec.extra ?? [])] });
      await waitForRegistered(proc, SETTLE_MS);
      return { ...proc, host, call: (method, params, password) => managementCall(proc.socketPath, method, params, password) };
    },
    destroy: () => stopNetwork(network),
  };
}

/** Runs a TypeScript entry point (`node --import tsx …`) to its end, killed after 30 s; status and output. */
export function runToEnd(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve) => {
    // A run that outlives this (a daemon that kept running) is stopped and reported as code null.
    const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('close', (code) => {
      clearTimeout(guard);
      resolve({ code, output });
    });
  });
}
