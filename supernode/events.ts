// Notifications for the management layer (MANAGEMENT.md §7 "peer" events and community changes).
import { EventEmitter } from 'node:events';

export type EdgeRemovalReason = 'unregistered' | 'purged' | 'evicted' | 'rejected-by-federation' | 'connection-closed' | 'reloaded';

export interface EdgeEvent {
  readonly community: string;
  /** 'aa:bb:cc:dd:ee:ff' */
  readonly mac: string;
  /** 'a.b.c.d:port' / '[v6]:port', 'TCP/' prefixed for TCP edges. */
  readonly sockaddr: string;
  /** Seconds since the edge record was created. */
  readonly age: number;
}

export interface SupernodeEventMap {
  'edge-registered': [EdgeEvent];
  'edge-removed': [EdgeEvent & { readonly reason: EdgeRemovalReason }];
  'community-added': [{ readonly community: string }];
  'community-removed': [{ readonly community: string }];
}

/** A typed EventEmitter, like the edge's (engine/edge/api/events.ts); listeners run synchronously and must not throw. */
export class SupernodeEvents extends EventEmitter<SupernodeEventMap> {}
