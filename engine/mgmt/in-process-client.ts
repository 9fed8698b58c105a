// The typed client for a caller in the daemon's own process (Electron's main process): the same
// method table and checks as POST /v1 and the event streams, with names, params, results and event
// payloads typed from the table and topics instead of strings and casts.
import type { Result } from '../../shared/result.js';
import type { EventOf } from './client.js';
import type { EventPayloads, InProcessReply, ManagementServer } from './http-server.js';
import type { MethodName, MethodParams, MethodResult, MethodTable } from './method-table.js';

export type TypedReply<R> = { readonly ok: true; readonly result: R } | Extract<InProcessReply, { readonly ok: false }>;

export interface InProcessClient<T extends MethodTable, E extends EventPayloads> {
  call<K extends MethodName<T>>(method: K, params?: MethodParams<T, K>): Promise<TypedReply<MethodResult<T, K>>>;
  /** A topic with a snapshot calls `listener` with it before this returns (events.ts). */
  subscribe<K extends keyof E & string>(topic: K, listener: (event: EventOf<E, K>) => void): Result<() => void, 'unknown-topic'>;
}

export function inProcessClient<T extends MethodTable, E extends EventPayloads>(
  server: Pick<ManagementServer<E>, 'call' | 'subscribe'>,
  options: { readonly authorised: boolean },
): InProcessClient<T, E> {
  return {
    // The table produced the result for this method: its type is the handler's.
    call: (method, params) => server.call(method, params, options) as Promise<never>,
    subscribe: (topic, listener) => server.subscribe(topic, (event) => listener(event as EventOf<E, typeof topic>)),
  };
}
