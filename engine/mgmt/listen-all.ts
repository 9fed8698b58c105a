// Both daemons' management servers follow their engine's events for as long as they serve; this
// adds a set of listeners to a typed emitter and hands back the one call that removes them again.
import type { EventEmitter } from 'node:events';

/** Listeners for some of an emitter's events, by event name. */
export type ListenerMap<T extends Record<keyof T, unknown[]>> = { readonly [K in keyof T]?: (...args: T[K]) => void };

/** Adds each listener; the returned function removes them all. */
export function listenAll<T extends Record<keyof T, unknown[]>>(emitter: EventEmitter<T>, listeners: NoInfer<ListenerMap<T>>): () => void {
  // Node's typed overloads take one event name at a time; the map above already ties each listener to its event.
  const plain = emitter as unknown as EventEmitter;
  const entries = Object.entries(listeners) as [string, (...args: unknown[]) => void][];
  for (const [name, listener] of entries) plain.on(name, listener);
  return () => {
    for (const [name, listener] of entries) plain.off(name, listener);
  };
}
