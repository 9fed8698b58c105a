#!/usr/bin/env node
// kithctl: the management client for kith-edge and kith-supernode (and n3n's daemons): n3n's
// methods everywhere (MANAGEMENT.md §6), Kith's `kith.*` methods on an edge when it has them.
import { createManagementClient, type CallError } from '../mgmt/index.js';
import type { AnyMethodSpec } from '../mgmt/method-table.js';
import { processOutput, versionBanner, type Output } from './daemon-cli.js';
import { parseArguments, UsageError, type Invocation } from './kithctl-args.js';
import { edgesTable, keyValues, peersTable, supernodesTable } from './kithctl-format.js';

const USAGE = `usage: kithctl [-s session | -u http://host:port | --socket path] [-k password | --password-file path] [--json] <command>
       kithctl -h | -V

  -s session    the daemon's session (default "edge"): socket <rundir>/<session>/mgmt
  -u url        the daemon's management TCP port (management.port), e.g. http://[::1]:5644
  --socket path the management socket itself
  -k password   the management password (management.password), for the commands marked *
  --password-file path
                the same, read from a file (e.g. <rundir>/<session>/mgmt-password), so it is
                not in this command line for other users to see
  --json        print the results as JSON instead of tables
  -h, --help    print this help
  -V, --version print kithctl's version

commands:
  status              the daemon at a glance
  peers               an edge's peers: path, RTT, traffic
  supernodes          an edge's supernodes
  edges               a supernode's registered edges
  verbose [level]     show the log level, or set it (*)
  stop                stop the daemon (*)
  connect             edge: join the community again (*)
  disconnect          edge: leave the community, keep running (*)
  raw <method> [params-json]
`;

/** The methods are the daemon's; kithctl only reads plain JSON from them. */
type AnyTable = Readonly<Record<string, AnyMethodSpec & { handler: (params: never) => unknown }>>;

/** A failure already phrased for the user. */
class CtlError extends Error {}


type Caller = (method: string, params?: unknown, auth?: boolean) => Promise<unknown>;

function explain(error: CallError, detail: string | undefined, method: string, invocation: Invocation): string {
  switch (error) {
    case 'connect-failed':
      return `no daemon at ${invocation.where}: is kith-edge (or kith-supernode) running?`;
    case 'timeout':
      return `the daemon at ${invocation.where} did not answer in time`;
    case 'unauthorised': {
      const problem = invocation.password === undefined ? `${method} needs the management password: add --password-file <file> (or -k <password>)` : 'wrong management password';
      // A TCP port never takes n3n's default password (engine/cli/daemon-runtime.ts).
      return 'socketPath' in invocation.target ? problem : `${problem}; without management.password set, the daemon's TCP port uses the random one in <rundir>/<session>/mgmt-password`;
    }
    case 'unknown-method':
      return `the daemon does not know the method ${method}`;
    default:
      return `${method} failed: ${detail ?? error}`;
  }
}

function caller(invocation: Invocation): { call: Caller; has: (method: string) => Promise<boolean> } {
  const client = createManagementClient<AnyTable>(invocation.target);
  const call: Caller = async (method, params, auth = false) => {
    const result = await client.call(method, params as never, auth && invocation.password !== undefined ? { password: invocation.password } : {});
    if (!result.ok) throw new CtlError(explain(result.error, result.detail, method, invocation));
    return result.value;
  };
  let methods: Set<string> | undefined;
  const has = async (method: string): Promise<boolean> => {
    methods ??= new Set(((await call('help')) as { method: string }[]).map((row) => row.method));
    return methods.has(method);
  };
  return { call, has };
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);

async function isSupernode(call: Caller): Promise<boolean> {
  return field(await call('get_info'), 'is_supernode') === 1;
}

/** `status`: kith.status on a Kith edge; assembled from n3n's methods otherwise. */
async function status(call: Caller, has: (method: string) => Promise<boolean>): Promise<{ json: unknown; text: string }> {
  const info = await call('get_info');
  if (field(info, 'is_supernode') === 1) {
    const communities = list(await call('get_communities')).filter((row) => field(row, 'is_federation') !== 1);
    const edges = list(await call('get_edges')).filter((row) => field(row, 'community') !== '-/-');
    const json = { role: 'supernode', version: str(field(info, 'version')), communities: communities.length, edges: edges.length };
    return { json, text: keyValues([['role', 'supernode'], ['version', json.version], ['communities', String(json.communities)], ['edges', String(json.edges)]]) };
  }
  if (await has('kith.status')) {
    const s = await call('kith.status');
    const rttMs = field(s, 'supernodeRttMs');
    const supernode = str(field(s, 'supernode'));
    const address = str(field(s, 'address'));
    return {
      json: s,
      text: keyValues([
        ['state', `${str(field(s, 'state')) ?? '?'}${field(s, 'reason') === undefined ? '' : ` (${str(field(s, 'reason')) ?? ''})`}`],
        ['community', str(field(s, 'community'))],
        ['address', address === undefined ? undefined : `${address} (${str(field(s, 'addressMode')) ?? ''})`],
        ['mac', str(field(s, 'mac'))],
        ['tap', str(field(s, 'tap'))],
        ['supernode', supernode === undefined ? undefined : `${supernode}${typeof rttMs === 'number' ? ` (rtt ${rttMs.toFixed(1)} ms)` : ''}`],
        ['description', str(field(s, 'description'))],
        ['version', str(field(s, 'version'))],
      ]),
    };
  }
  const current = list(await call('get_supernodes')).find((row) => field(row, 'current') !== 0);
  const json = { role: 'edge', version: str(field(info, 'version')), mac: str(field(info, 'macaddr')), address: str(field(info, 'ip4addr')), supernode: str(field(current, 'sockaddr')) };
  return { json, text: keyValues([['role', 'edge (n3n)'], ['version', json.version], ['address', json.address], ['mac', json.mac], ['supernode', json.supernode]]) };
}

async function runCommand(invocation: Invocation, output: Output): Promise<void> {
  const { call, has } = caller(invocation);
  const now = Date.now();
  const print = (json: unknown, text: () => string): void => output.out(invocation.json ? `${JSON.stringify(json, null, 2)}\n` : text());
  const { command, args } = invocation;
  switch (command) {
    case 'status': {
      const result = await status(call, has);
      print(result.json, () => result.text);
      return;
    }
    case 'peers': {
      if (await isSupernode(call)) throw new CtlError('a supernode has no peers: use kithctl edges');
      const peers = list(await call((await has('kith.peers')) ? 'kith.peers' : 'get_edges'));
      print(peers, () => peersTable(peers, now));
      return;
    }
    case 'supernodes': {
      const supernodes = list(await call((await has('kith.supernodes')) ? 'kith.supernodes' : 'get_supernodes'));
      print(supernodes, () => supernodesTable(supernodes, now));
      return;
    }
    case 'edges': {
      const edges = list(await call('get_edges'));
      print(edges, () => (arePeerRows(edges) ? peersTable(edges, now) : edgesTable(edges, now)));
      return;
    }
    case 'verbose': {
      const level = args[0] === undefined ? await call('get_verbose') : await call('set_verbose', [args[0]], true);
      print(level, () => `${str(level) ?? ''}\n`);
      return;
    }
    case 'stop':
    case 'connect':
    case 'disconnect': {
      const method = command === 'stop' ? 'stop' : `kith.${command}`;
      if (command !== 'stop' && !(await has(method))) throw new CtlError(`${command} needs a Kith edge (the daemon has no ${method})`);
      const result = await call(method, undefined, true);
      print(result, () => `${str(result) ?? JSON.stringify(result)}\n`);
      return;
    }
    case 'raw': {
      const [method, paramsText] = args;
      if (method === undefined) throw new UsageError('raw needs a method name');
      let params: unknown;
      try {
        params = paramsText === undefined ? undefined : (JSON.parse(paramsText) as unknown);
      } catch {
        throw new UsageError(`params must be JSON: ${paramsText ?? ''}`);
      }
      output.out(`${JSON.stringify(await call(method, params, invocation.password !== undefined), null, 2)}\n`);
      return;
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

/** An edge's get_edges rows are peers (pSp/p2p); a supernode's are registered edges (sn). */
function arePeerRows(rows: readonly unknown[]): boolean {
  return rows.some((row) => field(row, 'mode') === 'p2p' || field(row, 'mode') === 'pSp');
}

async function runKithctl(argv: readonly string[], output: Output = processOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const request = parseArguments(argv, env);
    if (request === 'help') output.out(USAGE);
    else if (request === 'version') output.out(versionBanner('kithctl'));
    else await runCommand(request, output);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`kithctl: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof CtlError) {
      output.err(`kithctl: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

process.exit(await runKithctl(process.argv.slice(2)));
