// The supernode list of a REGISTER_SUPER_ACK (PROTOCOL.md §9.3.1 step 8, §4.7).
import { NULL_MAC, socketEquals } from '../engine/protocol/index.js';
import type { Socket, SupernodeEntry } from '../engine/protocol/index.js';
import { MEMBER_NEW_MS } from './federation.js';
import type { FederationMember } from './federation.js';

/** §4.7: the reference's list buffer holds 44 entries. */
export const MAX_ADVERTISED_SUPERNODES = 44;

/**
 * Members seen within 60 s, except the requester itself, at most 44. n3n starts at a random member
 * so that, over time, every supernode gets advertised; Kith starts at a random member only when
 * the list would be cut, and wraps around instead of leaving out the members before the start.
 */
export function advertisedSupernodes(
  members: readonly FederationMember[],
  requester: Socket,
  nowMs: number,
  randomBelow: (n: number) => number,
): SupernodeEntry[] {
  const start = members.length > MAX_ADVERTISED_SUPERNODES ? randomBelow(members.length) : 0;
  const entries: SupernodeEntry[] = [];
  for (let i = 0; i < members.length && entries.length < MAX_ADVERTISED_SUPERNODES; i++) {
    const member = members[(start + i) % members.length]!;
    if (member.socket === undefined || socketEquals(member.socket, requester)) continue;
    if (nowMs - member.lastSeenMs >= MEMBER_NEW_MS) continue;
    entries.push({ socket: member.socket, mac: member.mac ?? NULL_MAC });
  }
  return entries;
}
