// A daemon's JSON-RPC methods, declared once: the server dispatches from this table and the
// typed client derives its call signatures from the same types (MANAGEMENT.md §6).
import type { Result } from '../../shared/result.js';

export interface MethodContext {
  readonly transport: 'unix' | 'tcp' | 'in-process';
  /** Peer IP address for TCP, `""` for the unix socket and in-process calls. */
  readonly remoteAddress: string;
  /**
   * The caller proved it holds the management password (or a browser session opened with it).
   * Methods open to everyone use it to leave out what only the password's holder may see.
   */
  readonly authorised: boolean;
}

export interface MethodSpec<P, R> {
  readonly description: string;
  /** MANAGEMENT.md §4: only mutating methods ask for the management password. */
  readonly needsAuth: boolean;
  /** MANAGEMENT.md §5: the result is an array the client may page through with offset/limit. */
  readonly paginated?: boolean;
  /**
   * Checks that the untrusted `params` member (`null` when absent) has the shape `P` clients send;
   * `P` is also what the typed client accepts, so it must describe the wire (e.g. `[number | string]`
   * for set_verbose, MANAGEMENT.md §6.11). The error text becomes a 400 reply's message (§3.4,
   * e.g. "expecting array"). Without it the handler receives the raw value as `unknown`.
   */
  readonly parseParams?: (raw: unknown) => Result<P, string>;
  readonly handler: (params: P, context: MethodContext) => R | Promise<R>;
}

/** What any method fits into; `never` lets every concrete handler parameter type through. */
export interface AnyMethodSpec {
  readonly description: string;
  readonly needsAuth: boolean;
  readonly paginated?: boolean;
  readonly parseParams?: (raw: unknown) => Result<unknown, string>;
  readonly handler: (params: never, context: MethodContext) => unknown;
}

export type MethodTable = Readonly<Record<string, AnyMethodSpec>>;

export type MethodName<T extends MethodTable> = keyof T & string;
export type MethodParams<T extends MethodTable, K extends MethodName<T>> = Parameters<T[K]['handler']>[0];
export type MethodResult<T extends MethodTable, K extends MethodName<T>> = Awaited<ReturnType<T[K]['handler']>>;

/**
 * Declares one method; its handler's `params` are inferred from `parseParams`. `NoInfer` keeps a
 * surrounding `satisfies MethodTable` from inferring `never` for them.
 */
export function defineMethod<P = unknown, R = unknown>(spec: MethodSpec<P, R>): MethodSpec<NoInfer<P>, NoInfer<R>> {
  return spec;
}

/**
 * Thrown by a handler to answer with a JSON-RPC error whose code is also the HTTP status
 * (MANAGEMENT.md §3.4: 400 "missing param", 403 "Forbidden", 507 "overflow").
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export interface HelpRow {
  readonly method: string;
  readonly desc: string;
}

/** MANAGEMENT.md §6.1: `[{method, desc}]` in byte order of the name, which is n3n's order. */
export function describeMethods(table: MethodTable): HelpRow[] {
  return Object.keys(table)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((method) => ({ method, desc: table[method]?.description ?? '' }));
}
