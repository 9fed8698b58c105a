// A typed client for the management interface, over the unix socket or TCP: the transport for
// kithctl and the web UI. Types come from the daemon's method table (`ServedMethods<typeof table>`).
import { request, type IncomingMessage, type RequestOptions } from 'node:http';
import { err, ok, type Result } from '../../shared/result.js';
import { basicAuthorization } from './auth.js';
import type { EventPayloads } from './http-server.js';
import type { MethodName, MethodParams, MethodResult, MethodTable } from './method-table.js';

export type ManagementTarget = { readonly socketPath: string } | { readonly host: string; readonly port: number };

export type CallError =
  | 'connect-failed'
  | 'timeout'
  | 'unauthorised' // 401: the method needs the management password
  | 'unknown-method'
  | 'rpc-error' // a JSON-RPC error object; detail has code and message
  | 'http-error'
  | 'bad-response';

export type SubscribeError = 'connect-failed' | 'unauthorised' | 'unknown-topic' | 'http-error' | 'bad-response';

export interface CallOptions {
  readonly password?: string;
}

export interface EventSubscription {
  /** Resolves when the stream ends: ok after `close()` or a clean end by the daemon. */
  readonly ended: Promise<Result<void, SubscribeError>>;
  close(): void;
}

export interface ClientOptions {
  /** n3nctl waits 5 s per request (MANAGEMENT.md §8). */
  readonly timeoutMs?: number;
  /** Replies and buffered partial event records larger than this are refused. */
  readonly maxResponseBytes?: number;
}

export type EventOf<E extends EventPayloads, K extends keyof E & string> = E[K] & { readonly event: K };

export interface ManagementClient<T extends MethodTable, E extends EventPayloads> {
  call<K extends MethodName<T>>(
    method: K,
    params?: MethodParams<T, K>,
    options?: CallOptions,
  ): Promise<Result<MethodResult<T, K>, CallError>>;
  /** `debug` receives every topic's events. Streams need the management password. */
  subscribe<K extends keyof E & string>(topic: K | 'debug', onEvent: (event: EventOf<E, K>) => void, options?: CallOptions): EventSubscription;
}

const RS = '\x1e';

function targetOptions(target: ManagementTarget): RequestOptions {
  return 'socketPath' in target ? { socketPath: target.socketPath } : { host: target.host, port: target.port };
}

function readLimited(res: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        res.destroy();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', () => resolve(undefined));
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function interpretReply(status: number, text: string, id: string): Result<unknown, CallError> {
  if (status === 401) return err('unauthorised');
  if (status === 404 && text === 'Unknown method\n') return err('unknown-method');
  const body = parseJson(text);
  if (typeof body !== 'object' || body === null) return err(status === 200 ? 'bad-response' : 'http-error', `${status}`);
  const reply = body as Record<string, unknown>;
  if (reply['id'] !== id) return err('bad-response', 'id mismatch');
  const error = reply['error'];
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as Record<string, unknown>;
    return err('rpc-error', `${String(code)} ${String(message)}`);
  }
  if (status !== 200 || !Object.hasOwn(reply, 'result')) return err('bad-response', `${status}`);
  return ok(reply['result']);
}

export function createManagementClient<T extends MethodTable, E extends EventPayloads = EventPayloads>(
  target: ManagementTarget,
  clientOptions: ClientOptions = {},
): ManagementClient<T, E> {
  const timeoutMs = clientOptions.timeoutMs ?? 5000;
  const maxBytes = clientOptions.maxResponseBytes ?? 16 * 1024 * 1024;
  let nextId = 1;

  const call = <K extends MethodName<T>>(
    method: K,
    params?: MethodParams<T, K>,
    options: CallOptions = {},
  ): Promise<Result<MethodResult<T, K>, CallError>> => {
    const id = String(nextId++);
    const body = JSON.stringify({ jsonrpc: '2.0', id, method, params: params ?? null });
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
    };
    if (options.password !== undefined) headers['Authorization'] = basicAuthorization(options.password);
    return new Promise((resolve) => {
      const req = request({ ...targetOptions(target), method: 'POST', path: '/v1', headers, agent: false, timeout: timeoutMs });
      req.once('timeout', () => {
        resolve(err('timeout'));
        req.destroy();
      });
      req.once('error', (error) => resolve(err('connect-failed', error.message)));
      req.once('response', (res) => {
        void readLimited(res, maxBytes).then((text) => {
          if (text === undefined) resolve(err('bad-response', 'reply too large or cut'));
          else resolve(interpretReply(res.statusCode ?? 0, text, id) as Result<MethodResult<T, K>, CallError>);
        });
      });
      req.end(body);
    });
  };

  const subscribe = <K extends keyof E & string>(topic: K | 'debug', onEvent: (event: EventOf<E, K>) => void, options: CallOptions = {}): EventSubscription => {
    let finish: (result: Result<void, SubscribeError>) => void = () => undefined;
    const ended = new Promise<Result<void, SubscribeError>>((resolve) => (finish = resolve));
    const headers = options.password === undefined ? {} : { Authorization: basicAuthorization(options.password) };
    const req = request({ ...targetOptions(target), method: 'GET', path: `/events/${encodeURIComponent(topic)}`, headers, agent: false });
    let closedByUs = false;
    req.once('error', (error) => finish(closedByUs ? ok(undefined) : err('connect-failed', error.message)));
    req.once('response', (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        finish(err(res.statusCode === 404 ? 'unknown-topic' : res.statusCode === 401 ? 'unauthorised' : 'http-error', String(res.statusCode)));
        return;
      }
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        pending += chunk;
        // RFC 7464: RS starts a record, LF ends it; an unfinished record waits for more data.
        const records = pending.split(RS);
        pending = records.pop() ?? '';
        if (pending.endsWith('\n')) {
          records.push(pending);
          pending = '';
        }
        for (const text of records) {
          const event = parseJson(text);
          // The one non-object record is n3n's `"replacing"` notice (MANAGEMENT.md §7.3).
          if (typeof event === 'object' && event !== null) onEvent(event as EventOf<E, K>);
        }
        if (pending.length > maxBytes) {
          finish(err('bad-response', 'event record too large'));
          req.destroy();
        }
      });
      res.once('end', () => finish(ok(undefined)));
      res.once('close', () => finish(ok(undefined)));
    });
    req.end();
    return {
      ended,
      close: () => {
        closedByUs = true;
        req.destroy();
      },
    };
  };

  return { call, subscribe };
}
