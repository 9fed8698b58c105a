// Receiver-side time-stamp checks of header-encrypted messages (PROTOCOL.md §6.4): a FROM_SUPERNODE
// message is checked against the sending member's record, anything else against the record of the
// edge it names; an unknown sender gets only the ±16 s window check (envelope.ts checkStamp).
import { checkStamp } from '../engine/protocol/envelope.js';
import type { EdgeRecord } from './community.js';
import type { SupernodeContext } from './context.js';
import type { InboundMessage, InboundPacket } from './inbound.js';

export function stampAccepted(ctx: SupernodeContext, inbound: InboundMessage | InboundPacket, edge: EdgeRecord | undefined, allowJitter: boolean): boolean {
  const holder = inbound.message.fromSupernode ? inbound.member : edge;
  const result = checkStamp(ctx.verifier, inbound.decryption?.stamp, holder, allowJitter);
  if (!result.ok) ctx.stats.drop('bad-timestamp', () => `${result.error}, type ${inbound.message.type}`);
  return result.ok;
}
