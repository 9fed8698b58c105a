// PROTOCOL.md §8.2, §8.3: supernode host names are re-resolved periodically and when a supernode
// stops answering. This also covers an edge started before the network is up (a laptop at login):
// a name that did not resolve is tried again every few seconds instead of never.
//
// A name may have addresses in both families: the resolver keeps them all (record.addresses), and
// registration races them happy-eyeballs style (address-race.ts), so an edge whose IPv4 is cut off
// (behind a broken carrier-grade NAT) still registers over IPv6, and the other way round.
import { isIP } from 'node:net';
import { socketEquals, socketToString } from '../../protocol/index.js';
import { moveTo } from './address-race.js';
import { hostPortText } from '../../../shared/config/values.js';
import type { Socket } from '../../protocol/index.js';
import type { EdgeContext } from '../context.js';

import type { SupernodeRecord } from './supernode-selection.js';

/** What the resolver reads and updates: the supernode list, and whether the current one answers. */
export type ResolverContext = Pick<EdgeContext, 'supernodes' | 'logger'> & { readonly registration: { readonly awaitingAck: boolean } };

/** A configured name that has no address yet is tried again this often. */
export const UNRESOLVED_RETRY_MS = 5_000;
/** While the current supernode does not answer (§8.3 sn_wait), names are looked up again this often. */
export const SILENT_RETRY_MS = 30_000;
/** Otherwise every name is looked up again this often (n3n: 300 s). */
export const RESOLVE_PERIOD_MS = 300_000;

/** Every address of host:port, IPv4 first (engine/resolve-host.ts); none when the lookup failed. */
export type HostResolver = (host: string, port: number) => Promise<readonly Socket[]>;

const byName = (record: SupernodeRecord): boolean => isIP(record.host) === 0;

export class SupernodeResolver {
  private lastRun: number;
  private running = false;

  constructor(
    private readonly ctx: ResolverContext,
    private readonly resolve: HostResolver,
    startedAt: number,
  ) {
    this.lastRun = startedAt;
  }

  /** Starts a lookup round when one is due; at most one round runs at a time. */
  tick(now: number): void {
    if (this.running || !this.due(now)) return;
    this.lastRun = now;
    this.running = true;
    void this.round().finally(() => (this.running = false));
  }

  private due(now: number): boolean {
    const named = this.ctx.supernodes.filter(byName);
    if (named.length === 0) return false;
    const since = now - this.lastRun;
    if (named.some((record) => record.socket === undefined)) return since >= UNRESOLVED_RETRY_MS;
    if (this.ctx.registration.awaitingAck) return since >= SILENT_RETRY_MS;
    return since >= RESOLVE_PERIOD_MS;
  }

  private async round(): Promise<void> {
    for (const record of this.ctx.supernodes.filter(byName)) {
      const found = await this.resolve(record.host, record.port);
      // A failed lookup keeps the last known address: DNS trouble alone does not cut the edge off.
      if (found.length === 0) continue;
      record.addresses = found;
      // The address in use stays while the name still has it (an answering IPv6 one after a fallback, say).
      const current = record.socket;
      if (current !== undefined && found.some((socket) => socketEquals(socket, current))) continue;
      this.ctx.logger.normal(`supernode ${hostPortText(record.host, record.port)} now resolves to ${socketToString(found[0]!)}`);
      moveTo(record, found[0]!);
    }
  }
}
