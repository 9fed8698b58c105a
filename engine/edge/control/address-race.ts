// Happy eyeballs for a UDP registration (RFC 8305's idea): a supernode name with several addresses
// is registered with at the one in use first (IPv4 first, as n3n main prefers A over AAAA); while no
// REGISTER_SUPER_ACK has come, each further address joins after one more stagger, alternating
// families, and the first address whose ACK passes the checks becomes the one in use
// (supernode-registration.ts handleAck). A round is one REGISTER_SUPER on the §8.3 schedule: every
// address gets at most one per round, so the wire carries at most the schedule's sends times the
// number of addresses. n3n uses the first IPv4 address and nothing else.
import { socketEquals } from '../../protocol/index.js';
import type { Socket } from '../../protocol/index.js';
import type { SupernodeRecord } from './supernode-selection.js';

/**
 * RFC 8305's recommended connection attempt delay. An ACK from a reachable supernode comes well
 * within it, so a working first address almost never lets a second one join; and it is short beside
 * the §8.3 fast retry (register_interval/10: 2 s by default), so an unreachable first address costs a
 * fraction of a retry rather than whole retries. staggerMs shortens it when the retry is faster.
 */
export const STAGGER_MS = 250;

/** The stagger for a round: every address joins before the next fast retry (retryMs) replaces the round. */
export function staggerMs(retryMs: number, addresses: number): number {
  return Math.min(STAGGER_MS, Math.floor(retryMs / Math.max(addresses, 1)));
}

/** The addresses after `first`, alternating families starting with the other one (RFC 8305 §4), each family in its own order. */
export function joinOrder(first: Socket, addresses: readonly Socket[]): Socket[] {
  const rest = addresses.filter((socket) => !socketEquals(socket, first));
  const other = rest.filter((socket) => socket.family !== first.family);
  const same = rest.filter((socket) => socket.family === first.family);
  const order: Socket[] = [];
  for (let i = 0; i < Math.max(other.length, same.length); i++) {
    const [fromOther, fromSame] = [other[i], same[i]];
    if (fromOther !== undefined) order.push(fromOther);
    if (fromSame !== undefined) order.push(fromSame);
  }
  return order;
}

/** A new address for a supernode: replay stamps are kept per sender (§6.3), and another address may be another process. */
export function moveTo(record: SupernodeRecord, socket: Socket, stamp: SupernodeRecord['stamp'] = undefined): void {
  record.socket = socket;
  record.stamp = stamp;
}

/** One registration round's further addresses: when each is due, and which have joined. */
export class AddressRace {
  private record: SupernodeRecord | undefined;
  private waiting: Socket[] = [];
  private joined: Socket[] = [];
  private startedAt = 0;
  private stagger = STAGGER_MS;

  /** A REGISTER_SUPER went to record's address in use at now; retryMs is when the schedule sends the next one. */
  start(record: SupernodeRecord, now: number, retryMs: number): void {
    this.stop();
    if (record.socket === undefined || record.addresses.length < 2) return;
    this.record = record;
    this.waiting = joinOrder(record.socket, record.addresses);
    this.startedAt = now;
    this.stagger = staggerMs(retryMs, record.addresses.length);
  }

  /** No further address joins, and ACKs from those that did are no longer taken. */
  stop(): void {
    this.record = undefined;
    this.waiting = [];
    this.joined = [];
  }

  /** The addresses whose turn has come by now; each is returned once per round. */
  due(now: number): Socket[] {
    const due: Socket[] = [];
    while (this.waiting.length > 0 && now - this.startedAt >= (this.joined.length + 1) * this.stagger) {
      const next = this.waiting.shift()!;
      this.joined.push(next);
      due.push(next);
    }
    return due;
  }

  /** The supernode whose further address `source` joined this round, if any. */
  entrantAt(source: Socket): SupernodeRecord | undefined {
    return this.joined.some((socket) => socketEquals(socket, source)) ? this.record : undefined;
  }
}
