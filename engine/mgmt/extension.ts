// Methods and topics that another part of the program adds to a daemon's table, so the daemon's
// management need not know them: the profile methods of an edge run from a profile.
import type { MethodTable } from './method-table.js';
import type { PayloadsOf, TopicSpecs } from './topics.js';

export type Publish<S extends TopicSpecs> = <K extends keyof S & string>(topic: K, payload: PayloadsOf<S>[K]) => void;

export interface ManagementExtension<T extends MethodTable, S extends TopicSpecs> {
  readonly methods: T;
  readonly topics: S;
  /** Starts publishing the extension's events; returns the function that stops it. */
  publishTo(publish: Publish<S>): () => void;
}

/** Any extension, as the server takes it: every typed one fits. */
export interface AnyManagementExtension {
  readonly methods: MethodTable;
  readonly topics: TopicSpecs;
  publishTo(publish: (topic: string, payload: object) => void): () => void;
}
