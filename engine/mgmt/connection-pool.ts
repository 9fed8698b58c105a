// Who may hold a management connection (limits.ts). Connections for calls and event streams are
// counted apart, per client and in total. A connection that is not answering a request at the
// moment (idle keep-alive, a request head still trickling in) can be closed to make room: the one
// quiet the longest, taken from the client holding the most. So idle or slow sockets, however
// many, never keep a client with a real request out; only requests being answered cannot be
// displaced, and each of those is bounded by the request timeout.

export interface PoolLimits {
  readonly maxConnections: number;
  readonly maxConnectionsPerClient: number;
  readonly maxEventStreams: number;
  readonly maxEventStreamsPerClient: number;
}

export interface Pooled {
  /** `uid:<n>` on the unix socket, `tcp:<address>` on TCP. */
  readonly client: string;
  /** A request of this connection is being answered: it is not closed to make room. */
  busy: boolean;
  /** When the connection opened or last finished a request (ms). */
  lastActive: number;
  /** Closes the connection; the server then calls `remove`. */
  readonly evict: () => void;
}

/** The connection to give up: not busy, of the client with the most, quiet the longest. */
function quietest<T extends Pooled>(candidates: Iterable<T>, within: ReadonlySet<T>): T | undefined {
  const held = new Map<string, number>();
  for (const connection of within) held.set(connection.client, (held.get(connection.client) ?? 0) + 1);
  let best: T | undefined;
  for (const connection of candidates) {
    if (connection.busy) continue;
    if (best === undefined) {
      best = connection;
      continue;
    }
    const more = (held.get(connection.client) ?? 0) - (held.get(best.client) ?? 0);
    if (more > 0 || (more === 0 && connection.lastActive < best.lastActive)) best = connection;
  }
  return best;
}

export class ConnectionPool<T extends Pooled> {
  private readonly calls = new Set<T>();
  private readonly streams = new Set<T>();

  constructor(private readonly limits: PoolLimits) {}

  /** Makes room for a new connection by closing quiet ones; false when it must be refused (503). */
  admit(connection: T): boolean {
    const own = [...this.calls].filter((c) => c.client === connection.client);
    if (own.length >= this.limits.maxConnectionsPerClient && !this.evictFrom(this.calls, own)) return false;
    if (this.calls.size >= this.limits.maxConnections && !this.evictFrom(this.calls, this.calls)) return false;
    this.calls.add(connection);
    return true;
  }

  /** An authenticated connection becomes an event stream: its client's oldest stream, or the biggest holder's, makes room. */
  toStream(connection: T): void {
    this.calls.delete(connection);
    const own = [...this.streams].filter((c) => c.client === connection.client);
    if (own.length >= this.limits.maxEventStreamsPerClient) this.evictFrom(this.streams, own);
    if (this.streams.size >= this.limits.maxEventStreams) this.evictFrom(this.streams, this.streams);
    this.streams.add(connection);
  }

  remove(connection: T): void {
    this.calls.delete(connection);
    this.streams.delete(connection);
  }

  get size(): { readonly calls: number; readonly streams: number } {
    return { calls: this.calls.size, streams: this.streams.size };
  }

  private evictFrom(pool: Set<T>, candidates: Iterable<T>): boolean {
    const victim = quietest(candidates, pool);
    if (victim === undefined) return false;
    pool.delete(victim);
    victim.evict();
    return true;
  }
}
