// The browser transport: JSON-RPC 2.0 over `POST /v1` (MANAGEMENT.md §3) and the RFC 7464 event
// stream `GET /events/<topic>` (§7). The browser proves who it is with the session cookie it got
// at sign-in (login.ts), which it sends with same-origin requests only; without one the engine
// answers 401 and the page goes to the sign-in page.
import { AUTH_MESSAGE, ClientError, errorFromCode, OFFLINE_MESSAGE } from './errors.js';
import { JsonSeqParser } from './json-seq.js';
import type { Transport } from './transport.js';

export interface HttpTransportOptions {
  /** Where `/v1` and `/events/` live; '' = the page's own origin. */
  readonly base?: string;
  readonly fetch?: typeof fetch;
  /** Reconnect delays in ms: first, and the cap the doubling stops at. */
  readonly backoff?: { readonly first: number; readonly max: number };
  readonly setTimer?: (run: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
  /** The engine answered 401: the browser has no session (yet, or any more). */
  readonly onUnauthorised?: () => void;
}

/**
 * Events arrive on the `debug` topic, which mirrors every topic (§7.3): one long-lived connection
 * instead of one per topic keeps well inside a browser's six connections per origin, and a topic
 * the engine does not publish yet cannot make the subscription fail with 404.
 */
export const EVENT_STREAM_TOPIC = 'debug';

/** Delay before reconnect attempt `attempt` (0-based): doubling from `first`, capped at `max`. */
export function backoffDelay(attempt: number, first: number, max: number): number {
  return Math.min(max, first * 2 ** Math.min(attempt, 20));
}

export function httpTransport(options: HttpTransportOptions = {}): Transport {
  const base = options.base ?? '';
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const backoff = options.backoff ?? { first: 500, max: 10_000 };
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  const clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  const onUnauthorised = options.onUnauthorised ?? (() => undefined);
  let nextId = 1;

  async function call(method: string, params: unknown): Promise<unknown> {
    const id = String(nextId++);
    let response: Response;
    try {
      response = await doFetch(`${base}/v1`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method, params: params ?? null }),
      });
    } catch {
      throw new ClientError('offline', OFFLINE_MESSAGE);
    }
    const text = await response.text().catch(() => '');
    if (response.status === 401) {
      onUnauthorised();
      throw new ClientError('auth', AUTH_MESSAGE, 401);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // §3.4: unknown endpoint / method and unparseable requests answer in plain text.
      if (response.ok) throw new ClientError('protocol', 'The engine sent a reply that is not JSON', response.status);
      throw errorFromCode(response.status, text);
    }
    if (typeof body === 'object' && body !== null) {
      const reply = body as { result?: unknown; error?: { code?: unknown; message?: unknown } };
      if (reply.error !== undefined) {
        const code = typeof reply.error.code === 'number' ? reply.error.code : response.status;
        throw errorFromCode(code, typeof reply.error.message === 'string' ? reply.error.message : '');
      }
      if (response.ok && 'result' in reply) return reply.result;
    }
    if (!response.ok) throw errorFromCode(response.status, text);
    throw new ClientError('protocol', 'The engine sent a reply without a result', response.status);
  }

  function listen(topics: readonly string[], onEvent: (topic: string, payload: unknown) => void, onLink: (link: 'up' | 'down') => void): () => void {
    const wanted = new Set(topics);
    let stopped = false;
    let attempt = 0;
    let timer: unknown;
    let abort: AbortController | undefined;

    const retry = (): void => {
      if (stopped) return;
      onLink('down');
      timer = setTimer(() => void open(), backoffDelay(attempt++, backoff.first, backoff.max));
    };

    const open = async (): Promise<void> => {
      if (stopped) return;
      abort = new AbortController();
      try {
        const response = await doFetch(`${base}/events/${EVENT_STREAM_TOPIC}`, { credentials: 'same-origin', signal: abort.signal });
        if (!response.ok || response.body === null) {
          await response.body?.cancel().catch(() => undefined);
          if (response.status === 401) onUnauthorised();
          retry();
          return;
        }
        attempt = 0;
        onLink('up');
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        const parser = new JsonSeqParser();
        for (;;) {
          const { done, value } = await reader.read();
          if (done || stopped) break;
          for (const record of parser.push(value)) {
            // §7.4: every record names its topic in `event`; `"replacing"` and others are not ours.
            if (typeof record !== 'object' || record === null) continue;
            const topic = (record as { event?: unknown }).event;
            if (typeof topic === 'string' && wanted.has(topic)) onEvent(topic, record);
          }
        }
      } catch {
        // Network gone or aborted: fall through to the retry below.
      }
      retry();
    };

    void open();
    return () => {
      stopped = true;
      clearTimer(timer);
      abort?.abort();
    };
  }

  return { kind: 'http', call, listen };
}
