// The one typed client of the window: method names, params and results come from the engine's
// method table, whichever transport carries them.
import type { KithEvents, KithMethod, KithParams, KithResult, KithTopic } from './api-types.js';
import { findBridge, type KithBridge } from './bridge.js';
import { httpTransport } from './http-transport.js';
import { ipcTransport } from './ipc-transport.js';
import type { LinkListener, Transport } from './transport.js';

/** One event, its payload narrowed by topic. */
export type KithEvent = { readonly [T in KithTopic]: { readonly topic: T; readonly payload: KithEvents[T] } }[KithTopic];

export type KithEventHandler = (event: KithEvent) => void;

export interface KithClient {
  readonly transport: Transport['kind'];
  call<K extends KithMethod>(method: K, ...params: KithParams<K> extends null ? [] : [KithParams<K>]): Promise<KithResult<K>>;
  listen(topics: readonly KithTopic[], onEvent: KithEventHandler, onLink: LinkListener): () => void;
}

export function createClient(transport: Transport): KithClient {
  return {
    transport: transport.kind,
    call: (method, ...params) => transport.call(method, params[0] ?? null) as Promise<never>,
    listen: (topics, onEvent, onLink) => transport.listen(topics, (topic, payload) => onEvent({ topic, payload } as KithEvent), onLink),
  };
}

/** IPC inside Electron (the preload put `window.kith` there), HTTP in a browser. */
export function connectClient(bridge: KithBridge | undefined = findBridge(), onUnauthorised?: () => void): KithClient {
  return createClient(bridge === undefined ? httpTransport(onUnauthorised === undefined ? {} : { onUnauthorised }) : ipcTransport(bridge));
}
