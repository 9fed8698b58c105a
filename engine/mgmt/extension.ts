// Methods and topics that another part of the program adds to a daemon's table, so the daemon's
// management need not know them: the profile methods of an edge run from a profile.
import type { MethodTable } from './method-table.js';
import type { PayloadsOf, TopicSpecs } from './topics.js';

export type Publish<S extends TopicSpecs> = <K extends keyof S & string>(topic: K, payload: PayloadsOf<S>[K]) => void;

export interface ManagementExtension<T extends MethodTable, S extends TopicSpecs> {
  readonly methods: T;
  readonly topics: S;
  /**
   * Starts publishing the extension's events (and whatever the extension runs); returns the function
   * that stops it, which may return a promise the server's close() waits for.
   */
  publishTo(publish: Publish<S>): () => void | Promise<void>;
  /** What a topic of S looks like now: every new subscription starts with it (events.ts). */
  snapshot?(topic: keyof S & string): PayloadsOf<S>[keyof S] | undefined;
}

/** Any extension, as the server takes it: every typed one fits. */
export interface AnyManagementExtension {
  readonly methods: MethodTable;
  readonly topics: TopicSpecs;
  publishTo(publish: (topic: string, payload: object) => void): () => void | Promise<void>;
  snapshot?(topic: string): object | undefined;
}

/** Several extensions as one: their methods and topics side by side (names must not repeat). */
export function combineExtensions(...extensions: readonly AnyManagementExtension[]): AnyManagementExtension {
  const methods: Record<string, AnyManagementExtension['methods'][string]> = {};
  const topics: Record<string, TopicSpecs[string]> = {};
  for (const extension of extensions) {
    for (const [name, method] of Object.entries(extension.methods)) {
      if (Object.hasOwn(methods, name)) throw new Error(`method ${name} is added twice`);
      methods[name] = method;
    }
    for (const [name, spec] of Object.entries(extension.topics)) {
      if (Object.hasOwn(topics, name)) throw new Error(`topic ${name} is added twice`);
      topics[name] = spec;
    }
  }
  return {
    methods,
    topics,
    publishTo: (publish) => {
      const stops = extensions.map((extension) => extension.publishTo(publish));
      return async () => {
        for (const stop of stops) await stop();
      };
    },
    snapshot: (topic) => extensions.find((extension) => Object.hasOwn(extension.topics, topic))?.snapshot?.(topic),
  };
}
