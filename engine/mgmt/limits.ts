// Bounds that keep a misbehaving management client from exhausting the daemon (MANAGEMENT.md §1.3
// lists n3n's much smaller fixed buffers; Kith is not memory-constrained but stays bounded). Calls
// and event streams have separate pools, and each client (a uid on the unix socket, an address on
// TCP) only a share of each, so no one user can hold the API for everyone else.

export interface ManagementLimits {
  /** POST /v1 body; larger requests get 413. */
  readonly maxRequestBodyBytes: number;
  /** Request line plus headers; larger get 431. */
  readonly maxHeaderBytes: number;
  /** Open connections for calls over all listeners; beyond it a quiet one is closed, or 503. */
  readonly maxConnections: number;
  /** Open connections for calls of one client. */
  readonly maxConnectionsPerClient: number;
  /** Event streams over all listeners (authenticated clients only). */
  readonly maxEventStreams: number;
  /** Event streams of one client; its oldest is closed for a new one. */
  readonly maxEventStreamsPerClient: number;
  /** A connection silent this long between requests is closed (n3n: 60 s, for anything silent). */
  readonly idleTimeoutMs: number;
  /** Deadline for a request's head, from the connection's start or the previous reply. */
  readonly headersTimeoutMs: number;
  /** Deadline for receiving one whole request, against clients trickling bytes. */
  readonly requestTimeoutMs: number;
  readonly maxSubscribersPerTopic: number;
  /** An event subscriber with this many unsent bytes is too slow and is disconnected. */
  readonly maxSubscriberBufferBytes: number;
  /** An event subscriber that has not taken its pending bytes for this long is disconnected. */
  readonly subscriberStallMs: number;
}

export const DEFAULT_LIMITS: ManagementLimits = {
  maxRequestBodyBytes: 64 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxConnections: 64,
  maxConnectionsPerClient: 16,
  maxEventStreams: 32,
  maxEventStreamsPerClient: 8,
  idleTimeoutMs: 15_000,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  maxSubscribersPerTopic: 8,
  maxSubscriberBufferBytes: 1024 * 1024,
  subscriberStallMs: 30_000,
};
