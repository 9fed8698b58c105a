// Shared by the management tests: a fake method table returning the shapes captured from n3n
// (MANAGEMENT.md §6, Appendix A), a server on temporary sockets, and raw HTTP exchanges.
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManagementServer, type ManagementServer, type ManagementServerOptions } from './http-server.js';
import { defineMethod, RpcError, type MethodTable } from './method-table.js';
import { daemonControlMethods, N3N_TOPICS } from './n3n-shapes.js';
import { paginate } from './pagination.js';
import type { PayloadsOf } from './topics.js';

export const PASSWORD = 'n3n';

export type FakeEvents = PayloadsOf<typeof N3N_TOPICS>;

/** MANAGEMENT.md §6.4, the captured supernode row. */
export function edgeRow(index: number): Record<string, string | number> {
  return {
    mode: 'sn',
    community: 'test',
    ip4addr: '10.200.175.73/24',
    purgeable: 1,
    local: 0,
    macaddr: `02:00:00:77:00:${index.toString(16).padStart(2, '0').toUpperCase()}`,
    sockaddr: '127.0.0.1:7701',
    prefered_sockaddr: '0.0.0.0:0',
    desc: 'edge1',
    version: '',
    timeout: 0,
    uptime: 0,
    time_alloc: 1795638228,
    last_p2p: 0,
    last_sent_query: 0,
    last_seen: 1795638249,
  };
}

export function fakeMethods(state: { verbosity: number; stops: number; publish?: (params: unknown) => void }, edgeCount = 34) {
  const edges = Array.from({ length: edgeCount }, (_, i) => edgeRow(i));
  const control = daemonControlMethods({
    getVerbose: () => state.verbosity,
    setVerbose: (level) => (state.verbosity = level),
    publishTest: (params) => state.publish?.(params),
    requestStop: () => void state.stops++,
  });
  return {
    get_communities: defineMethod({
      description: 'Show current communities',
      needsAuth: false,
      handler: (): never => {
        throw new RpcError(403, 'Forbidden');
      },
    }),
    get_edges: defineMethod({
      description: 'List current edges/peers',
      needsAuth: false,
      paginated: true,
      handler: (params) => paginate(edges, params),
    }),
    get_info: defineMethod({ description: 'Provide basic edge information', needsAuth: false, handler: () => ({ version: '3.4.5' }) }),
    get_mac: defineMethod({ description: 'Show known mac addresses', needsAuth: false, paginated: true, handler: (): string[] => [] }),
    get_packetstats: defineMethod({
      description: 'traffic counters',
      needsAuth: false,
      handler: () => {
        throw new Error(`leaky message containing ${PASSWORD}`);
      },
    }),
    get_supernodes: defineMethod({ description: 'List current supernodes', needsAuth: false, handler: () => [] }),
    get_timestamps: defineMethod({ description: 'Event timestamps', needsAuth: false, handler: () => 10n }),
    get_verbose: control.get_verbose,
    'post.test': control['post.test'],
    reload_communities: defineMethod({ description: "Reloads communities and user's public keys", needsAuth: true, handler: () => -1 }),
    set_verbose: control.set_verbose,
    stop: control.stop,
  } satisfies MethodTable;
}

export type FakeMethods = ReturnType<typeof fakeMethods>;

export interface RunningServer {
  readonly server: ManagementServer<FakeEvents>;
  readonly socketPath: string;
  readonly tcp: { readonly host: string; readonly port: number };
  readonly state: { verbosity: number; stops: number };
  readonly dir: string;
  readonly logs: string[];
  stop(): Promise<void>;
}

export async function startServer(
  overrides: Partial<ManagementServerOptions<FakeMethods, typeof N3N_TOPICS>> = {},
  edgeCount?: number,
): Promise<RunningServer> {
  const dir = await mkdtemp(join(tmpdir(), 'kith-mgmt-'));
  const state: { verbosity: number; stops: number; publish?: (params: unknown) => void } = { verbosity: 2, stops: 0 };
  const logs: string[] = [];
  const server = createManagementServer({
    session: 'specedge1',
    methods: fakeMethods(state, edgeCount),
    password: PASSWORD,
    topics: N3N_TOPICS,
    log: (line) => logs.push(line),
    ...overrides,
  });
  state.publish = (params) => void server.publish('test', { params });
  const socketPath = join(dir, 'specedge1', 'mgmt');
  const unix = await server.listenUnix(socketPath);
  if (!unix.ok) throw new Error(`listenUnix: ${unix.error}`);
  const tcp = await server.listenTcp({ port: 0, host: '127.0.0.1' });
  if (!tcp.ok) throw new Error(`listenTcp: ${tcp.error}`);
  const port = Number(/:(\d+)$/.exec(tcp.value.addresses[0] ?? '')?.[1]);
  return {
    server,
    socketPath,
    tcp: { host: '127.0.0.1', port },
    state,
    dir,
    logs,
    stop: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export type Target = { readonly path: string } | { readonly host: string; readonly port: number };

export function unixTarget(running: RunningServer): Target {
  return { path: running.socketPath };
}

export function openSocket(target: Target): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = 'path' in target ? connect({ path: target.path }) : connect({ host: target.host, port: target.port });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Writes the bytes, half-closes and collects everything until the server closes (bounded: 10 s). */
export async function exchange(target: Target, bytes: string | Buffer): Promise<Buffer> {
  const socket = await openSocket(target);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = (): void => {
      clearTimeout(guard);
      resolve(Buffer.concat(chunks));
    };
    const guard = setTimeout(() => socket.destroy(), 10_000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.once('close', done);
    socket.end(bytes);
  });
}

export interface ParsedResponse {
  readonly status: number;
  readonly word: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

/**
 * Splits a byte stream into HTTP responses; undefined if any part is not a well-formed response
 * (status line, headers, Content-Length that matches the body; a stream without it runs to the end).
 */
export function parseResponses(data: Buffer): ParsedResponse[] | undefined {
  const responses: ParsedResponse[] = [];
  let offset = 0;
  for (let guard = 0; offset < data.length && guard < 1000; guard++) {
    const headEnd = data.indexOf('\r\n\r\n', offset, 'latin1');
    if (headEnd < 0) return undefined;
    const [statusLine = '', ...lines] = data.subarray(offset, headEnd).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.1 (\d{3}) ([a-z]+)$/.exec(statusLine);
    if (status === null) return undefined;
    const headers: [string, string][] = [];
    for (const line of lines) {
      const colon = line.indexOf(': ');
      if (colon <= 0) return undefined;
      headers.push([line.slice(0, colon), line.slice(colon + 2)]);
    }
    const length = headers.find(([name]) => name === 'Content-Length')?.[1];
    const bodyStart = headEnd + 4;
    const bodyEnd = length === undefined ? data.length : bodyStart + Number(length);
    if (bodyEnd > data.length) return undefined;
    responses.push({ status: Number(status[1]), word: status[2] ?? '', headers, body: data.subarray(bodyStart, bodyEnd) });
    offset = bodyEnd;
  }
  return responses;
}

export function postV1(body: string, extraHeaders = ''): string {
  return `POST /v1 HTTP/1.1\r\nHost: x\r\n${extraHeaders}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Polls a condition between event-loop turns; bounded, and no assertion on how long it took. */
export async function eventually(condition: () => boolean | Promise<boolean>, turns = 2000): Promise<boolean> {
  for (let i = 0; i < turns; i++) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return false;
}
