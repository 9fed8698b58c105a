// PROTOCOL.md §8.2, §8.3: supernode host names are re-resolved periodically and when a supernode
// stops answering. This also covers an edge started before the network is up (a laptop at login):
// a name that did not resolve is tried again every few seconds instead of never.
//
// A name may have addresses in both families. n3n main uses the first IPv4 one and nothing else;
// Kith starts there too but, happy-eyeballs style, moves on to the name's next address (IPv6, say)
// when the one in use leaves the registration unanswered, so an edge whose IPv4 is cut off (behind
// a broken carrier-grade NAT) still registers over IPv6, and the other way round.
import { isIP } from 'node:net';
import { socketEquals, socketToString } from '../../protocol/index.js';
import { hostPortText } from '../../../shared/config/values.js';
import type { Socket } from '../../protocol/index.js';
import type { EdgeContext } from '../context.js';

import type { SupernodeRecord } from './supernode-selection.js';

/** What the resolver reads and updates: the supernode list, the current one, and whether it answers. */
export type ResolverContext = Pick<EdgeContext, 'supernodes' | 'logger' | 'current'> & { readonly registration: { readonly awaitingAck: boolean } };

/** A configured name that has no address yet is tried again this often. */
export const UNRESOLVED_RETRY_MS = 5_000;
/** While the current supernode does not answer (§8.3 sn_wait), names are looked up again this often. */
export const SILENT_RETRY_MS = 30_000;
/** Otherwise every name is looked up again this often (n3n: 300 s). */
export const RESOLVE_PERIOD_MS = 300_000;
/** The current supernode's next address is tried after the one in use has not answered for this long. */
export const NEXT_ADDRESS_AFTER_MS = 3_000;

/** Every address of host:port, IPv4 first (engine/resolve-host.ts); none when the lookup failed. */
export type HostResolver = (host: string, port: number) => Promise<readonly Socket[]>;

const byName = (record: SupernodeRecord): boolean => isIP(record.host) === 0;

/** A new address for a supernode: replay stamps are kept per sender (§6.3), and another address may be another process. */
function moveTo(record: SupernodeRecord, socket: Socket): void {
  record.socket = socket;
  record.stamp = undefined;
}

export class SupernodeResolver {
  private lastRun: number;
  private running = false;
  /** Since when the current supernode (silentRecord) has left the registration unanswered. */
  private silentSince = 0;
  private silentRecord: SupernodeRecord | undefined;

  constructor(
    private readonly ctx: ResolverContext,
    private readonly resolve: HostResolver,
    startedAt: number,
  ) {
    this.lastRun = startedAt;
  }

  /** Starts a lookup round when one is due; at most one round runs at a time. */
  tick(now: number): void {
    this.tryNextAddress(now);
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

  /** Moves the current supernode to its name's next address once the one in use has been silent for NEXT_ADDRESS_AFTER_MS. */
  private tryNextAddress(now: number): void {
    const record = this.ctx.current;
    if (record === undefined || !this.ctx.registration.awaitingAck || record.addresses.length < 2) {
      this.silentRecord = undefined;
      return;
    }
    if (this.silentRecord !== record) {
      this.silentRecord = record;
      this.silentSince = now;
    }
    if (now - this.silentSince < NEXT_ADDRESS_AFTER_MS) return;
    this.silentSince = now;
    const at = record.socket === undefined ? -1 : record.addresses.findIndex((socket) => socketEquals(socket, record.socket!));
    const next = record.addresses[(at + 1) % record.addresses.length]!;
    this.ctx.logger.normal(`supernode ${hostPortText(record.host, record.port)} does not answer at ${record.socket === undefined ? '-' : socketToString(record.socket)}, trying ${socketToString(next)}`);
    moveTo(record, next);
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
