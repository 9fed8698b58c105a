// Bounds that keep a misbehaving management client from exhausting the daemon (MANAGEMENT.md §1.3
// lists n3n's much smaller fixed buffers; Kith is not memory-constrained but stays bounded).

export interface ManagementLimits {
  /** POST /v1 body; larger requests get 413. */
  readonly maxRequestBodyBytes: number;
  /** Request line plus headers; larger get 431. */
  readonly maxHeaderBytes: number;
  /** Open connections over all listeners, event streams included; more get 503. */
  readonly maxConnections: number;
  /** A connection silent this long is closed (n3n: 60 s). Event streams are exempt. */
  readonly idleTimeoutMs: number;
  /** Deadline for receiving one whole request, against clients trickling bytes. */
  readonly requestTimeoutMs: number;
  readonly maxSubscribersPerTopic: number;
  /** An event subscriber with this many unsent bytes is too slow and is disconnected. */
  readonly maxSubscriberBufferBytes: number;
}

export const DEFAULT_LIMITS: ManagementLimits = {
  maxRequestBodyBytes: 64 * 1024,
  maxHeaderBytes: 16 * 1024,
  maxConnections: 64,
  idleTimeoutMs: 60_000,
  requestTimeoutMs: 10_000,
  maxSubscribersPerTopic: 8,
  maxSubscriberBufferBytes: 1024 * 1024,
};
