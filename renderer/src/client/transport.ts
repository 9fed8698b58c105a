// What the typed client needs from a transport: a call and a way to hear events. Two
// implementations: Electron IPC (ipc-transport.ts) and HTTP JSON-RPC + event stream (http-transport.ts).

export type EventListener = (topic: string, payload: unknown) => void;

/** 'up' when events flow (again): whoever keeps state must re-read a full snapshot then. */
export type LinkListener = (link: 'up' | 'down') => void;

export interface Transport {
  readonly kind: 'ipc' | 'http';
  /** Resolves with the method's result or rejects with a ClientError. */
  call(method: string, params: unknown): Promise<unknown>;
  /** Starts delivering events of the given topics; returns a function that stops it. */
  listen(topics: readonly string[], onEvent: EventListener, onLink: LinkListener): () => void;
}
