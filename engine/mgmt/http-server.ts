// The management HTTP server shared by both daemons (MANAGEMENT.md §2): n3n's routes and reply
// framing over Node's HTTP parser, the daemon's JSON-RPC table plus the built-in `help` and
// `help.events`, event streams, metrics and an optional web UI, on any number of listeners.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { peerUid } from '../../native/peer-credentials.js';
import { err, ok, type Result } from '../../shared/result.js';
import { LOGIN_BODY_LIMIT, ManagementAccess, tooManyAttempts, unauthorisedFor, type AccessOptions, type Caller } from './access.js';
import { acceptedHosts, guardRefusal } from './browser-guard.js';
import { ConnectionPool, type Pooled } from './connection-pool.js';
import { EventHub, type EventTopicRow, type PublishError } from './events.js';
import { sendReply, serializeReply, textReply, type HttpReply } from './http-reply.js';
import { DEFAULT_LIMITS, type ManagementLimits } from './limits.js';
import {
  listenTcp,
  listenUnix,
  type Listener,
  type TcpListenError,
  type TcpListenOptions,
  type UnixListenError,
  type UnixListenOptions,
} from './listeners.js';
import { defineMethod, describeMethods, type HelpRow, type MethodSpec, type MethodTable } from './method-table.js';
import { MetricsRegistry } from './metrics.js';
import { dispatchRpc } from './rpc-dispatch.js';
import type { PayloadsOf, TopicSpecs } from './topics.js';
import type { AnyManagementExtension } from './extension.js';
import { readStaticFile } from './static-files.js';

/** Payload type per event topic, e.g. `{ test: { params: unknown }; peer: PeerEvent }`. */
export type EventPayloads = Readonly<Record<string, object>>;

// A type alias, not an interface, so that `T & BuiltinMethods` still fits `MethodTable`'s index signature.
export type BuiltinMethods = {
  readonly help: MethodSpec<unknown, HelpRow[]>;
  readonly 'help.events': MethodSpec<unknown, EventTopicRow[]>;
};

/** The methods a client can call on a server built from table `T`. */
export type ServedMethods<T extends MethodTable> = T & BuiltinMethods;

export interface ManagementServerOptions<T extends MethodTable, S extends TopicSpecs> {
  /** Printed as the `session` label of every metric. */
  readonly session: string;
  readonly methods: T;
  /** `management.password`; never logged. A TCP listener may be given its own (listenTcp). */
  readonly password: string;
  /** The daemon's topics (topics.ts); `debug` is built in and mirrors them all. */
  readonly topics: S;
  /** Methods and topics another part of the program adds to the same table (extension.ts). */
  readonly extension?: AnyManagementExtension;
  /** The daemon's own metrics; the server adds its request and connection counts. */
  readonly metrics?: MetricsRegistry;
  /** Directory of the built web UI served at `/`; without it those routes answer 404. */
  readonly webUiDir?: string;
  /** `management.enable_debug_pages` (MANAGEMENT.md §2.6). */
  readonly enableDebugPages?: boolean;
  /** See `RpcDispatchOptions.replyLimitBytes`. */
  readonly replyLimitBytes?: number;
  readonly limits?: Partial<ManagementLimits>;
  /** Password throttling and browser sessions; tests shorten them. */
  readonly access?: Pick<AccessOptions, 'throttle' | 'sessions'>;
  readonly log?: (line: string) => void;
}

export interface ManagementTcpOptions extends TcpListenOptions {
  /** The password this listener accepts instead of the server's (daemon-runtime.ts). */
  readonly password?: string;
}

export interface ManagementServer<E extends EventPayloads> {
  listenUnix(path: string, options?: UnixListenOptions): Promise<Result<Listener, UnixListenError>>;
  listenTcp(options: ManagementTcpOptions): Promise<Result<Listener, TcpListenError>>;
  /**
   * A new one-time token for a browser's login link (`http://<listener>/login#<token>`); the
   * previous one stops working. The link is for a terminal, never for a log.
   */
  issueLoginToken(): string;
  /** Sends `{"event":topic,...payload}` to the topic's and `debug`'s subscribers; ok = how many. */
  publish<K extends keyof E & string>(topic: K, payload: E[K]): Result<number, PublishError>;
  /** POST /v1's dispatch for a caller in this process (Electron's main process): same table, same checks. */
  call(method: string, params: unknown, options: { readonly authorised: boolean }): Promise<InProcessReply>;
  /** An event-stream subscription in this process; ok = the function that ends it. */
  subscribe(topic: string, listener: (event: object) => void): Result<() => void, 'unknown-topic'>;
  readonly metrics: MetricsRegistry;
  /** Closes event streams, connections and listeners; unlinks unix sockets. */
  close(): Promise<void>;
}

/** A JSON-RPC answer without the HTTP around it; `code` is the HTTP status / JSON-RPC error code. */
export type InProcessReply = { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly code: number; readonly message: string };

type Transport = 'unix' | 'tcp';

interface Connection extends Pooled, Caller {
  readonly transport: Transport;
  readonly remoteAddress: string;
  readonly openedAt: number;
  /** The Host values a TCP listener answers to; undefined on the unix socket. */
  readonly hosts: ReadonlySet<string> | undefined;
  requests: number;
  inFlight: number;
  topic: string | undefined;
  /** A parse error that must wait until the replies to earlier pipelined requests are out. */
  pendingError: Buffer | undefined;
}

interface Route {
  readonly method: string;
  readonly path: string;
  /** n3n matches `<method> <path> ` including the trailing space, i.e. exactly; or a prefix. */
  readonly exact: boolean;
  readonly description: string;
  /** `streaming` when the handler took over the response (event streams). */
  readonly handle: (req: IncomingMessage, res: ServerResponse, connection: Connection, authorised: boolean) => Promise<HttpReply | 'streaming'>;
}

const UNKNOWN_ENDPOINT = textReply(404, 'unknown endpoint\n');
/** The browser's sign-in page: the web UI's page, which sees the token in its URL fragment. */
const LOGIN_PATH = '/login';
/** The web UI's files may be fetched by anyone who names the host, but never framed by another page. */
const STATIC_HEADERS: readonly (readonly [string, string])[] = [
  ['Content-Security-Policy', "frame-ancestors 'none'"],
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'no-referrer'],
];
const STREAM_STALL_CHECK_MS = 5_000;
const SOCKET_SILENCE_MS = 60_000;

function inProcessReply(reply: HttpReply): InProcessReply {
  const text = reply.body.toString();
  if (reply.contentType !== 'application/json') return { ok: false, code: reply.status, message: text.trim() };
  const body = JSON.parse(text) as { result?: unknown; error?: { code: number; message: string } };
  return body.error === undefined ? { ok: true, result: body.result } : { ok: false, code: body.error.code, message: body.error.message };
}

function errnoCode(error: Error): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve('too-large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // A client that half-closes mid-body would otherwise leave the request waiting for the timeout.
    const onSocketEnd = (): void => finish('aborted');
    const finish = (outcome: Buffer | 'too-large' | 'aborted'): void => {
      req.socket.off('end', onSocketEnd);
      resolve(outcome);
    };
    req.socket.once('end', onSocketEnd);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        finish('too-large');
      } else {
        chunks.push(chunk);
      }
    });
    req.once('end', () => finish(Buffer.concat(chunks)));
    req.once('error', () => finish('aborted'));
    req.once('close', () => finish('aborted'));
  });
}

export function createManagementServer<T extends MethodTable, S extends TopicSpecs>(options: ManagementServerOptions<T, S>): ManagementServer<PayloadsOf<S>> {
  const limits: ManagementLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? (() => undefined);
  const extension = options.extension;
  const hub = new EventHub(
    { ...options.topics, ...extension?.topics },
    { maxSubscribersPerTopic: limits.maxSubscribersPerTopic, maxBufferedBytes: limits.maxSubscriberBufferBytes },
    (topic) => (extension !== undefined && Object.hasOwn(extension.topics, topic) ? extension.snapshot?.(topic) : undefined),
  );
  const access = new ManagementAccess({ ...options.access, log });
  const pool = new ConnectionPool<Connection>(limits);
  const metrics = options.metrics ?? new MetricsRegistry();
  const requestCount = metrics.counter('kith_mgmt_requests', 'Management requests by endpoint', ['endpoint']);
  const connectionGauge = metrics.gauge('kith_mgmt_connections', 'Open management connections');
  const connections = new Map<Socket, Connection>();
  const listeners = new Set<Listener>();
  let unixConnections = 0;

  for (const name of ['help', 'help.events', ...Object.keys(options.methods)]) {
    if (extension !== undefined && Object.hasOwn(extension.methods, name)) throw new Error(`method ${name} is the daemon's own`);
  }
  for (const builtin of ['help', 'help.events']) {
    if (Object.hasOwn(options.methods, builtin)) throw new Error(`method ${builtin} is built in`);
  }
  const table: MethodTable = {
    ...options.methods,
    ...extension?.methods,
    help: defineMethod({ description: 'Show JsonRPC methods', needsAuth: false, handler: () => describeMethods(table) }),
    'help.events': defineMethod({ description: 'Show available event topics', needsAuth: false, handler: () => hub.describe() }),
  };

  /** `/login` is the UI's page: the page reads the token from the URL fragment, which no server sees. */
  const serveStatic = async (req: IncomingMessage): Promise<HttpReply> => {
    if (options.webUiDir === undefined) return UNKNOWN_ENDPOINT;
    const target = req.url === LOGIN_PATH ? '/' : (req.url ?? '');
    const file = await readStaticFile(options.webUiDir, target);
    return file === undefined ? UNKNOWN_ENDPOINT : { ...file, headers: STATIC_HEADERS };
  };

  /** The body of a POST, or the reply that refuses it (413 closes the connection afterwards). */
  const body = async (req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer | HttpReply> => {
    const read = await readBody(req, limit);
    if (read === 'aborted') return textReply(400, 'request aborted\n');
    if (read === 'too-large') {
      // The unread rest of the body cannot be told apart from a next request: close afterwards.
      res.shouldKeepAlive = false;
      req.resume();
      return textReply(413, 'request too large\n');
    }
    return read;
  };

  const handleRpc = async (req: IncomingMessage, res: ServerResponse, connection: Connection, authorised: boolean): Promise<HttpReply> => {
    const read = await body(req, res, limits.maxRequestBodyBytes);
    if (!Buffer.isBuffer(read)) return read;
    connection.busy = true;
    const context = { transport: connection.transport, remoteAddress: connection.remoteAddress, authorised };
    const reply = await dispatchRpc(table, read.toString('utf8'), context, {
      log,
      ...(options.replyLimitBytes === undefined ? {} : { replyLimitBytes: options.replyLimitBytes }),
    });
    return reply.status === 401 ? unauthorisedFor(req) : reply;
  };

  const login = async (req: IncomingMessage, res: ServerResponse, connection: Connection): Promise<HttpReply> => {
    if (connection.transport !== 'tcp' || req.method !== 'POST') return UNKNOWN_ENDPOINT;
    const read = await body(req, res, LOGIN_BODY_LIMIT);
    return Buffer.isBuffer(read) ? access.login(read, connection) : read;
  };

  const subscribe = (req: IncomingMessage, res: ServerResponse, connection: Connection, authorised: boolean): Promise<HttpReply | 'streaming'> => {
    const topic = (req.url ?? '').slice('/events/'.length);
    if (!hub.hasTopic(topic)) return Promise.resolve(textReply(404, 'unknown topic\n'));
    // A stream holds a connection for as long as the client likes: only for the password's holders.
    if (!authorised) return Promise.resolve(unauthorisedFor(req));
    // MANAGEMENT.md §7.1: headers without Content-Length, then records until either side closes.
    res.sendDate = false;
    res.removeHeader('Connection');
    res.removeHeader('Transfer-Encoding');
    res.writeHead(200, 'event', { 'Content-Type': 'application/json' });
    res.flushHeaders();
    req.socket.setTimeout(0);
    connection.topic = topic;
    connection.busy = false;
    connection.lastActive = Date.now();
    pool.toStream(connection);
    let stalledSince: number | undefined;
    const sink = {
      label: connection.transport === 'unix' ? 'AF(1)' : connection.remoteAddress,
      write: (record: string): void => void res.write(record),
      bufferedBytes: (): number => res.writableLength,
      close: (): void => void res.destroy(),
    };
    hub.subscribe(topic, sink);
    // A subscriber that stops reading is closed once its pending bytes have waited too long.
    const stallCheck = setInterval(() => {
      if (res.writableLength === 0) stalledSince = undefined;
      else if (stalledSince === undefined) stalledSince = Date.now();
      else if (Date.now() - stalledSince > limits.subscriberStallMs) res.destroy();
    }, Math.min(STREAM_STALL_CHECK_MS, limits.subscriberStallMs));
    stallCheck.unref();
    res.once('close', () => {
      clearInterval(stallCheck);
      hub.unsubscribe(topic, sink);
    });
    // The client's EOF ends the stream now rather than at the next failed write.
    req.socket.once('end', () => res.destroy());
    return Promise.resolve('streaming');
  };

  const debugSlots = (): HttpReply => {
    if (options.enableDebugPages !== true) return textReply(403, 'enable_debug_pages is false\n');
    const now = Date.now();
    const lines = [...connections.values()].map(
      (c, index) =>
        `${index} ${c.transport} ${c.remoteAddress || '-'} requests=${c.requests} in_flight=${c.inFlight} ` +
        `${c.topic === undefined ? 'http' : `events:${c.topic}`} age=${Math.floor((now - c.openedAt) / 1000)}s`,
    );
    return textReply(200, ['slot transport remote state', ...lines, ''].join('\n'));
  };

  const page = (reply: () => HttpReply) => (): Promise<HttpReply> => Promise.resolve(reply());
  const staticRoute = (req: IncomingMessage): Promise<HttpReply> => serveStatic(req);
  const routes: Route[] = [
    { method: 'POST', path: '/v1', exact: true, description: 'JsonRPC', handle: handleRpc },
    ...(options.webUiDir === undefined ? [] : [{ method: 'GET', path: '/', exact: true, description: 'Human interface', handle: staticRoute }]),
    { method: 'GET', path: '/debug/slots', exact: true, description: 'Internal slots dump', handle: page(debugSlots) },
    { method: 'GET', path: '/events/', exact: false, description: 'Subscribe to events', handle: subscribe },
    { method: 'GET', path: '/help', exact: true, description: 'Describe available endpoints', handle: page(() => helpPage) },
    {
      method: 'GET',
      path: '/metrics',
      exact: true,
      description: 'Fetch metrics data',
      handle: page(() => textReply(200, metrics.render(options.session))),
    },
    ...(options.webUiDir === undefined ? [] : [{ method: 'GET', path: '/script.js', exact: true, description: 'javascript helpers', handle: staticRoute }]),
    // MANAGEMENT.md §2.4: n3n answers `TODO`; reaching this handler is itself the health signal.
    { method: 'GET', path: '/status', exact: true, description: 'Quick health check', handle: page(() => textReply(200, 'ok\n')) },
  ];
  // MANAGEMENT.md §2.3: the raw match prefix, trailing space included, then `, ` and the text.
  const helpPage = textReply(
    200,
    ['endpoint, desc', ...routes.map((r) => `${r.method} ${r.path}${r.exact ? ' ' : ''}, ${r.description}`), ''].join('\n'),
  );

  const route = (req: IncomingMessage): Route | undefined => {
    const url = req.url ?? '';
    return routes.find((r) => r.method === req.method && (r.exact ? url === r.path : url.startsWith(r.path)));
  };

  /** What answers a request that no n3n route matched: the sign-in exchange, or one of the UI's files. */
  const unrouted = (req: IncomingMessage, res: ServerResponse, connection: Connection): Promise<HttpReply> => {
    if (req.method === 'POST' && req.url === LOGIN_PATH) return login(req, res, connection);
    // Other GET paths may be assets of the web UI (a bundler's /assets/…).
    return req.method === 'GET' ? serveStatic(req) : Promise.resolve(UNKNOWN_ENDPOINT);
  };

  const handleRequest = async (req: IncomingMessage, res: ServerResponse, connection: Connection): Promise<void> => {
    const matched = route(req);
    requestCount.inc({ endpoint: matched === undefined ? 'other' : matched.path });
    const isStatic = req.method === 'GET' && (matched === undefined || matched.handle === staticRoute);
    const posting = req.method === 'POST' && (matched !== undefined || req.url === LOGIN_PATH);
    if (!posting) {
      req.resume();
      connection.busy = true;
    }
    // The unix socket is n3n's (a browser cannot reach it); TCP is open to every page the user opens.
    const refusal = connection.hosts === undefined ? undefined : guardRefusal(req, connection.hosts, !isStatic);
    if (refusal !== undefined && posting) {
      res.shouldKeepAlive = false;
      req.resume();
    }
    let reply: HttpReply | 'streaming';
    if (refusal !== undefined) {
      reply = refusal;
    } else if (matched === undefined) {
      reply = await unrouted(req, res, connection);
    } else {
      const credentials = access.credentials(req, connection);
      reply = typeof credentials === 'object' ? tooManyAttempts(credentials.retryAfterMs) : await matched.handle(req, res, connection, credentials === 'authorised');
    }
    if (reply === 'streaming') return;
    // sendReply drops Node's Connection header, which also drops Node's own close-after-last-reply
    // for a client that already half-closed; restore it for the last reply owed to such a client.
    if (connection.inFlight === 1 && req.socket.readableEnded) res.shouldKeepAlive = false;
    sendReply(res, reply);
    // Answered: a client that does not read its reply holds no slot that cannot be taken back.
    connection.busy = false;
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const connection = connections.get(req.socket);
    // Refused for capacity: the 503 is on its way and the socket closes after it.
    if (connection === undefined) return;
    // MANAGEMENT.md §7.1: an event stream is no longer read; a request on it ends the stream.
    if (connection.topic !== undefined) {
      req.socket.destroy();
      return;
    }
    connection.requests++;
    connection.inFlight++;
    res.once('close', () => {
      connection.inFlight--;
      if (connection.inFlight === 0) {
        connection.busy = false;
        connection.lastActive = Date.now();
      }
      if (connection.inFlight === 0 && connection.pendingError !== undefined) req.socket.end(connection.pendingError);
    });
    handleRequest(req, res, connection).catch(() => {
      if (res.headersSent) res.destroy();
      else sendReply(res, textReply(500, 'internal error\n'));
    });
  };

  /** Per uid where the kernel tells it (SO_PEERCRED), else each unix connection counts alone. */
  const unixClient = (socket: Socket): string => {
    const uid = peerUid(socket);
    return uid === undefined ? `unix:#${++unixConnections}` : `uid:${uid}`;
  };

  const onConnection = (transport: Transport, password: string, socket: Socket): void => {
    const now = Date.now();
    const local = transport === 'tcp' && socket.localAddress !== undefined && socket.localPort !== undefined ? { address: socket.localAddress, port: socket.localPort } : undefined;
    const connection: Connection = {
      transport,
      client: transport === 'tcp' ? `tcp:${socket.remoteAddress ?? '?'}` : unixClient(socket),
      password,
      remoteAddress: transport === 'tcp' ? (socket.remoteAddress ?? '') : '',
      hosts: transport === 'tcp' ? acceptedHosts(local ?? { address: '127.0.0.1', port: 0 }) : undefined,
      openedAt: now,
      lastActive: now,
      busy: false,
      evict: () => socket.destroy(),
      requests: 0,
      inFlight: 0,
      topic: undefined,
      pendingError: undefined,
    };
    if (!pool.admit(connection)) {
      socket.end(serializeReply(textReply(503, 'full\n')));
      return;
    }
    connections.set(socket, connection);
    connectionGauge.set({}, connections.size);
    socket.once('close', () => {
      connections.delete(socket);
      pool.remove(connection);
      connectionGauge.set({}, connections.size);
    });
  };

  const onClientError = (error: Error, socket: Socket): void => {
    const code = errnoCode(error);
    const connection = connections.get(socket);
    // Refused for capacity: the 503 already ends this socket.
    if (connection === undefined) return;
    if (connection.topic !== undefined || !socket.writable || code === 'ECONNRESET' || code === 'EPIPE') {
      socket.destroy();
      return;
    }
    const reply =
      code === 'HPE_HEADER_OVERFLOW'
        ? textReply(431, 'request header too large\n')
        : code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? textReply(408, 'request timeout\n')
          : textReply(400, 'bad request\n');
    // A request cut short by the client's EOF is answered by its own handler ("request aborted").
    const bytes = code === 'HPE_INVALID_EOF_STATE' && connection.inFlight > 0 ? Buffer.alloc(0) : serializeReply(reply);
    if (connection.inFlight === 0) socket.end(bytes);
    else connection.pendingError = bytes;
  };

  const makeServer = (transport: Transport, password: string): Server => {
    const server = createServer(
      {
        maxHeaderSize: limits.maxHeaderBytes,
        // MANAGEMENT.md §3.1: the munin plugin sends no Host header.
        requireHostHeader: false,
        // Also the deadline for a connection that sends nothing at all; checked every second, so
        // silent and trickling sockets go within about a second of their deadline.
        headersTimeout: limits.headersTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.idleTimeoutMs,
        connectionsCheckingInterval: 1_000,
      },
      onRequest,
    );
    // The last resort for a socket gone silent in any state (n3n: 60 s); the timeouts above end
    // idle and slow clients much sooner, and a handler may take longer than the idle timeout.
    server.timeout = SOCKET_SILENCE_MS;
    // Still answer clients that half-close after sending (`printf … | nc -N -U mgmt`); Node's
    // default drops their in-flight replies. Not in @types/node, but a long-standing server field.
    Object.assign(server, { httpAllowHalfOpen: true });
    server.on('connection', (socket: Socket) => onConnection(transport, password, socket));
    server.on('clientError', onClientError);
    return server;
  };

  const track = <E2 extends string>(result: Result<Listener, E2>): Result<Listener, E2> => {
    if (!result.ok) return result;
    const listener = result.value;
    const tracked: Listener = {
      addresses: listener.addresses,
      close: async () => {
        listeners.delete(tracked);
        await listener.close();
      },
    };
    listeners.add(tracked);
    return { ok: true, value: tracked };
  };

  const stopExtension = extension?.publishTo((topic, payload) => void hub.publish(topic, payload)) ?? (() => undefined);
  return {
    metrics,
    listenUnix: async (path, unixOptions) => track(await listenUnix(makeServer('unix', options.password), path, unixOptions)),
    listenTcp: async ({ password, ...tcpOptions }) => track(await listenTcp(() => makeServer('tcp', password ?? options.password), tcpOptions)),
    issueLoginToken: () => access.issueLoginToken(),
    publish: (topic, payload) => hub.publish(topic, payload),
    call: async (method, params, callOptions) => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: params ?? null });
      const reply = await dispatchRpc(table, body, { transport: 'in-process', remoteAddress: '', authorised: callOptions.authorised }, { log });
      return inProcessReply(reply);
    },
    subscribe: (topic, listener) => {
      const sink = {
        label: 'in-process',
        // Records are RS + JSON + LF (§7.2); the JSON is what a stream client would parse.
        write: (record: string): void => {
          const event: unknown = JSON.parse(record.slice(1));
          if (typeof event !== 'object' || event === null) return;
          try {
            listener(event);
          } catch {
            // The engine publishes synchronously; a failing listener must not break its caller.
            log(`mgmt: an in-process listener of ${topic} failed`);
          }
        },
        bufferedBytes: (): number => 0,
        close: (): void => undefined,
      };
      if (!hub.subscribe(topic, sink)) return err('unknown-topic');
      return ok(() => hub.unsubscribe(topic, sink));
    },
    close: async () => {
      await stopExtension();
      hub.closeAll();
      await Promise.all([...listeners].map((listener) => listener.close()));
    },
  };
}
