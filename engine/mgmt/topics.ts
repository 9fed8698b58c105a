// Event topics (MANAGEMENT.md §7), each declared once: the description `help.events` shows and, as
// a type, the payload it carries. The server, the typed clients and every list of topics a
// subscriber wants are derived from these declarations.

export interface TopicSpec<P extends object> {
  readonly description: string;
  /** Never set: it only carries the payload's type. */
  readonly payload?: P;
}

export type TopicSpecs = Readonly<Record<string, TopicSpec<object>>>;

/** Declares a topic whose events carry P (after the `event` member the server puts first, §7.4). */
export function topic<P extends object>(description: string): TopicSpec<P> {
  return { description };
}

/** The payload type of every topic of S, as the server publishes and clients receive them. */
export type PayloadsOf<S extends TopicSpecs> = { readonly [K in keyof S]: S[K] extends TopicSpec<infer P> ? P : never };

/** The topics of S whose names start with `prefix`, e.g. Kith's own (`kith.`). */
export function topicsStartingWith<S extends TopicSpecs, Prefix extends string>(specs: S, prefix: Prefix): Extract<keyof S, `${Prefix}${string}`>[] {
  return Object.keys(specs).filter((name): name is Extract<keyof S, `${Prefix}${string}`> => name.startsWith(prefix));
}
