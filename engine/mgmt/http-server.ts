// The management HTTP server shared by both daemons (MANAGEMENT.md §2): n3n's routes and reply
// framing over Node's HTTP parser, the daemon's JSON-RPC table plus the built-in `help` and
// `help.events`, event streams, metrics and an optional web UI, on any number of listeners.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { err, ok, type Result } from '../result.js';
import { basicAuthorization, hasManagementPassword } from './auth.js';
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

export interface ManagementServerOptions<T extends MethodTable, E extends EventPayloads> {
  /** Printed as the `session` label of every metric. */
  readonly session: string;
  readonly methods: T;
  /** `management.password`; never logged. */
  readonly password: string;
  /** Description per topic, shown by `help.events`; `debug` is built in and mirrors them all. */
  readonly topics: { readonly [K in keyof E & string]: string };
  /** The daemon's own metrics; the server adds its request and connection counts. */
  readonly metrics?: MetricsRegistry;
  /** Directory of the built web UI served at `/`; without it those routes answer 404. */
  readonly webUiDir?: string;
  /** `management.enable_debug_pages` (MANAGEMENT.md §2.6). */
  readonly enableDebugPages?: boolean;
  /** See `RpcDispatchOptions.replyLimitBytes`. */
  readonly replyLimitBytes?: number;
  readonly limits?: Partial<ManagementLimits>;
  readonly log?: (line: string) => void;
}

export interface ManagementServer<E extends EventPayloads> {
  listenUnix(path: string, options?: UnixListenOptions): Promise<Result<Listener, UnixListenError>>;
  listenTcp(options: TcpListenOptions): Promise<Result<Listener, TcpListenError>>;
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

interface Connection {
  readonly transport: Transport;
  readonly remoteAddress: string;
  readonly openedAt: number;
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
  readonly handle: (req: IncomingMessage, res: ServerResponse, connection: Connection) => Promise<HttpReply | 'streaming'>;
}

const UNKNOWN_ENDPOINT = textReply(404, 'unknown endpoint\n');
/** The browser asks for the management password once for the whole UI (realm per the brief of §2.7). */
const UI_UNAUTHORISED: HttpReply = { ...textReply(401, 'unauthorised\n'), realm: 'Kith' };

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

export function createManagementServer<T extends MethodTable, E extends EventPayloads = EventPayloads>(
  options: ManagementServerOptions<T, E>,
): ManagementServer<E> {
  const limits: ManagementLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const log = options.log ?? (() => undefined);
  const hub = new EventHub(options.topics, {
    maxSubscribersPerTopic: limits.maxSubscribersPerTopic,
    maxBufferedBytes: limits.maxSubscriberBufferBytes,
  });
  const metrics = options.metrics ?? new MetricsRegistry();
  const requestCount = metrics.counter('kith_mgmt_requests', 'Management requests by endpoint', ['endpoint']);
  const connectionGauge = metrics.gauge('kith_mgmt_connections', 'Open management connections');
  const connections = new Map<Socket, Connection>();
  const listeners = new Set<Listener>();

  for (const builtin of ['help', 'help.events']) {
    if (Object.hasOwn(options.methods, builtin)) throw new Error(`method ${builtin} is built in`);
  }
  const table: MethodTable = {
    ...options.methods,
    help: defineMethod({ description: 'Show JsonRPC methods', needsAuth: false, handler: () => describeMethods(table) }),
    'help.events': defineMethod({ description: 'Show available event topics', needsAuth: false, handler: () => hub.describe() }),
  };

  const serveStatic = async (req: IncomingMessage, connection: Connection): Promise<HttpReply> => {
    if (options.webUiDir === undefined) return UNKNOWN_ENDPOINT;
    // Any local process or web page can reach the TCP port; the UI (which holds keys) is the password's.
    if (connection.transport === 'tcp' && !hasManagementPassword(req.headers.authorization, options.password)) return UI_UNAUTHORISED;
    return (await readStaticFile(options.webUiDir, req.url ?? '')) ?? UNKNOWN_ENDPOINT;
  };
  const serveStaticRoute = (req: IncomingMessage, _res: ServerResponse, connection: Connection): Promise<HttpReply> => serveStatic(req, connection);

  const handleRpc = async (req: IncomingMessage, res: ServerResponse, connection: Connection): Promise<HttpReply> => {
    const body = await readBody(req, limits.maxRequestBodyBytes);
    if (body === 'aborted') return textReply(400, 'request aborted\n');
    if (body === 'too-large') {
      // The unread rest of the body cannot be told apart from a next request: close afterwards.
      res.shouldKeepAlive = false;
      req.resume();
      return textReply(413, 'request too large\n');
    }
    const context = { transport: connection.transport, remoteAddress: connection.remoteAddress };
    return dispatchRpc(table, body.toString('utf8'), req.headers.authorization, context, {
      password: options.password,
      log,
      ...(options.replyLimitBytes === undefined ? {} : { replyLimitBytes: options.replyLimitBytes }),
    });
  };

  const subscribe = (req: IncomingMessage, res: ServerResponse, connection: Connection): Promise<HttpReply | 'streaming'> => {
    const topic = (req.url ?? '').slice('/events/'.length);
    if (!hub.hasTopic(topic)) return Promise.resolve(textReply(404, 'unknown topic\n'));
    // MANAGEMENT.md §7.1: headers without Content-Length, then records until either side closes.
    res.sendDate = false;
    res.removeHeader('Connection');
    res.removeHeader('Transfer-Encoding');
    res.writeHead(200, 'event', { 'Content-Type': 'application/json' });
    res.flushHeaders();
    req.socket.setTimeout(0);
    connection.topic = topic;
    const sink = {
      label: connection.transport === 'unix' ? 'AF(1)' : connection.remoteAddress,
      write: (record: string): void => void res.write(record),
      bufferedBytes: (): number => res.writableLength,
      close: (): void => void res.destroy(),
    };
    hub.subscribe(topic, sink);
    res.once('close', () => hub.unsubscribe(topic, sink));
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
  const routes: Route[] = [
    { method: 'POST', path: '/v1', exact: true, description: 'JsonRPC', handle: handleRpc },
    ...(options.webUiDir === undefined ? [] : [{ method: 'GET', path: '/', exact: true, description: 'Human interface', handle: serveStaticRoute }]),
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
    ...(options.webUiDir === undefined ? [] : [{ method: 'GET', path: '/script.js', exact: true, description: 'javascript helpers', handle: serveStaticRoute }]),
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

  const handleRequest = async (req: IncomingMessage, res: ServerResponse, connection: Connection): Promise<void> => {
    const matched = route(req);
    requestCount.inc({ endpoint: matched === undefined ? 'other' : matched.path });
    if (matched?.method !== 'POST') req.resume();
    // Other GET paths may be assets of the web UI (a bundler's /assets/…).
    const reply =
      matched !== undefined ? await matched.handle(req, res, connection) : req.method === 'GET' ? await serveStatic(req, connection) : UNKNOWN_ENDPOINT;
    if (reply === 'streaming') return;
    // sendReply drops Node's Connection header, which also drops Node's own close-after-last-reply
    // for a client that already half-closed; restore it for the last reply owed to such a client.
    if (connection.inFlight === 1 && req.socket.readableEnded) res.shouldKeepAlive = false;
    sendReply(res, reply);
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
      if (connection.inFlight === 0 && connection.pendingError !== undefined) req.socket.end(connection.pendingError);
    });
    handleRequest(req, res, connection).catch(() => {
      if (res.headersSent) res.destroy();
      else sendReply(res, textReply(500, 'internal error\n'));
    });
  };

  const onConnection = (transport: Transport, socket: Socket): void => {
    if (connections.size >= limits.maxConnections) {
      socket.end(serializeReply(textReply(503, 'full\n')));
      return;
    }
    connections.set(socket, {
      transport,
      remoteAddress: transport === 'tcp' ? (socket.remoteAddress ?? '') : '',
      openedAt: Date.now(),
      requests: 0,
      inFlight: 0,
      topic: undefined,
      pendingError: undefined,
    });
    connectionGauge.set({}, connections.size);
    socket.once('close', () => {
      connections.delete(socket);
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

  const makeServer = (transport: Transport): Server => {
    const server = createServer(
      {
        maxHeaderSize: limits.maxHeaderBytes,
        // MANAGEMENT.md §3.1: the munin plugin sends no Host header.
        requireHostHeader: false,
        headersTimeout: limits.requestTimeoutMs,
        requestTimeout: limits.requestTimeoutMs,
        keepAliveTimeout: limits.idleTimeoutMs,
      },
      onRequest,
    );
    server.timeout = limits.idleTimeoutMs;
    // Still answer clients that half-close after sending (`printf … | nc -N -U mgmt`); Node's
    // default drops their in-flight replies. Not in @types/node, but a long-standing server field.
    Object.assign(server, { httpAllowHalfOpen: true });
    server.on('connection', (socket: Socket) => onConnection(transport, socket));
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

  return {
    metrics,
    listenUnix: async (path, unixOptions) => track(await listenUnix(makeServer('unix'), path, unixOptions)),
    listenTcp: async (tcpOptions) => track(await listenTcp(() => makeServer('tcp'), tcpOptions)),
    publish: (topic, payload) => hub.publish(topic, payload),
    call: async (method, params, callOptions) => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: params ?? null });
      const authorization = callOptions.authorised ? basicAuthorization(options.password) : undefined;
      const reply = await dispatchRpc(table, body, authorization, { transport: 'in-process', remoteAddress: '' }, { password: options.password, log });
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
      hub.closeAll();
      await Promise.all([...listeners].map((listener) => listener.close()));
    },
  };
}
