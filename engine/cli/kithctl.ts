#!/usr/bin/env node
// kithctl: the management client for kith-edge and kith-supernode (and n3n's daemons): n3n's
// methods everywhere (MANAGEMENT.md §6), Kith's `kith.*` methods on an edge when it has them.
import { createManagementClient, type CallError, type MethodName, type MethodParams, type MethodResult, type MethodTable } from '../mgmt/index.js';
import type { DesktopApi } from '../profiles/api.js';
import { processOutput, versionBanner, type Output } from './daemon-cli.js';
import { parseArguments, UsageError, type Invocation } from './kithctl-args.js';
import { addressText, edgeLine, edgesTable, keyValues, macText, peerLine, peersTable, supernodeLine, supernodesTable } from './kithctl-format.js';

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

/**
 * What kithctl calls, typed from kith-edge's table (n3n's methods and Kith's own): a supernode and
 * n3n's daemons answer the n3n methods in the same shapes (MANAGEMENT.md §6). `raw` alone names
 * its method at run time.
 */
type Api = DesktopApi;
/** A failure already phrased for the user. */
class CtlError extends Error {}


type Call = <K extends MethodName<Api>>(method: K, params?: MethodParams<Api, K>, auth?: boolean) => Promise<MethodResult<Api, K>>;

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

interface Daemon {
  readonly call: Call;
  /** Any method by name, for `raw`. */
  readonly callByName: (method: string, params: unknown, auth: boolean) => Promise<unknown>;
  /** Whether the daemon's table has `method` (its `help`). */
  readonly has: (method: string) => Promise<boolean>;
  readonly isSupernode: () => Promise<boolean>;
}

function connect(invocation: Invocation): Daemon {
  const options = (auth: boolean) => (auth && invocation.password !== undefined ? { password: invocation.password } : {});
  const fail = (error: CallError, detail: string | undefined, method: string): never => {
    throw new CtlError(explain(error, detail, method, invocation));
  };
  const client = createManagementClient<Api>(invocation.target);
  const call: Call = async <K extends MethodName<Api>>(method: K, params?: MethodParams<Api, K>, auth = false): Promise<MethodResult<Api, K>> => {
    const result = await client.call(method, params, options(auth));
    if (!result.ok) return fail(result.error, result.detail, method);
    return result.value;
  };
  const anyClient = createManagementClient<MethodTable>(invocation.target);
  const callByName = async (method: string, params: unknown, auth: boolean): Promise<unknown> => {
    const result = await anyClient.call(method, params as never, options(auth));
    return result.ok ? result.value : fail(result.error, result.detail, method);
  };
  let methods: Promise<Set<string>> | undefined;
  let supernode: Promise<boolean> | undefined;
  return {
    call,
    callByName,
    has: async (method) => (await (methods ??= call('help').then((rows) => new Set(rows.map((row) => row.method))))).has(method),
    isSupernode: () => (supernode ??= call('get_info').then((info) => info.is_supernode === 1)),
  };
}

/** A verb of one kind of daemon asked of the other: said plainly, and a non-zero exit. */
function doesNotApply(command: string, daemon: 'edge' | 'supernode', instead: string): CtlError {
  const what = command === 'edges' ? "the edges registered at a supernode" : command === 'peers' ? "an edge's peers" : "the supernodes an edge uses";
  return new CtlError(`${command} lists ${what}, and this daemon is ${daemon === 'edge' ? 'an edge' : 'a supernode'}: use kithctl ${instead}`);
}

/** `status`: kith.status on a Kith edge; assembled from n3n's methods otherwise. */
async function status(daemon: Daemon): Promise<{ json: unknown; text: string }> {
  const { call } = daemon;
  const info = await call('get_info');
  if (info.is_supernode === 1) {
    // A supernode's community rows say which are federations (an edge's have no such member).
    const communities = (await call('get_communities')).filter((row) => !('is_federation' in row && row.is_federation === 1));
    const edges = (await call('get_edges')).filter((row) => row.community !== '-/-');
    const json = { role: 'supernode', version: info.version, communities: communities.length, edges: edges.length };
    return { json, text: keyValues([['role', 'supernode'], ['version', json.version], ['communities', String(json.communities)], ['edges', String(json.edges)]]) };
  }
  if (await daemon.has('kith.status')) {
    const s = await call('kith.status');
    return {
      json: s,
      text: keyValues([
        ['state', `${s.state}${s.reason === undefined ? '' : ` (${s.reason})`}`],
        ['community', s.community],
        ['address', s.address === undefined ? undefined : `${s.address} (${s.addressMode})`],
        ['mac', macText(s.mac)],
        ['tap', s.tap],
        ['supernode', s.supernode === undefined ? undefined : `${s.supernode}${s.supernodeRttMs === undefined ? '' : ` (rtt ${s.supernodeRttMs.toFixed(1)} ms)`}`],
        ['description', s.description],
        ['express lane', s.express === undefined ? undefined : `${s.express.framesOut} frames out, ${s.express.framesIn} in (the engine took ${s.express.passedOut} out, ${s.express.passedIn} in)`],
        ['version', s.version],
      ]),
    };
  }
  const current = (await call('get_supernodes')).find((row) => row.current !== 0);
  const json = { role: 'edge', version: info.version, mac: macText(info.macaddr), address: addressText(info.ip4addr), supernode: current?.sockaddr };
  return { json, text: keyValues([['role', 'edge (n3n)'], ['version', json.version], ['address', json.address], ['mac', json.mac], ['supernode', json.supernode]]) };
}

async function runCommand(invocation: Invocation, output: Output): Promise<void> {
  const daemon = connect(invocation);
  const { call, has } = daemon;
  const now = Date.now();
  const print = (json: unknown, text: () => string): void => output.out(invocation.json ? `${JSON.stringify(json, null, 2)}\n` : text());
  const { command, args } = invocation;
  switch (command) {
    case 'status': {
      const result = await status(daemon);
      print(result.json, () => result.text);
      return;
    }
    case 'peers': {
      if (await daemon.isSupernode()) throw doesNotApply(command, 'supernode', 'edges');
      const peers = (await has('kith.peers')) ? (await call('kith.peers')).map(peerLine) : (await call('get_edges')).map(peerLine);
      print(peers, () => peersTable(peers, now));
      return;
    }
    case 'supernodes': {
      if (await daemon.isSupernode()) throw doesNotApply(command, 'supernode', 'edges');
      const supernodes = (await has('kith.supernodes')) ? (await call('kith.supernodes')).map(supernodeLine) : (await call('get_supernodes')).map(supernodeLine);
      print(supernodes, () => supernodesTable(supernodes, now));
      return;
    }
    case 'edges': {
      if (!(await daemon.isSupernode())) throw doesNotApply(command, 'edge', 'peers');
      const edges = (await call('get_edges')).map(edgeLine);
      print(edges, () => edgesTable(edges, now));
      return;
    }
    case 'verbose': {
      const level = args[0] === undefined ? await call('get_verbose') : await call('set_verbose', [args[0]], true);
      print(level, () => `${level}\n`);
      return;
    }
    case 'stop': {
      const result = await call('stop', undefined, true);
      print(result, () => `${result}\n`);
      return;
    }
    case 'connect':
    case 'disconnect': {
      const method = command === 'connect' ? 'kith.connect' : 'kith.disconnect';
      if (!(await has(method))) throw new CtlError(`${command} needs a Kith edge (the daemon has no ${method})`);
      const state = await call(method, undefined, true);
      print(state, () => `${state}\n`);
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
      output.out(`${JSON.stringify(await daemon.callByName(method, params, invocation.password !== undefined), null, 2)}\n`);
      return;
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
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
