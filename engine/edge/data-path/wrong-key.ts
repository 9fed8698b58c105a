// Wrong-key detection (Kith): PACKETs from a peer that do not decrypt to a plausible frame put the
// edge into its error state — but only from a sender that could not have been made up.
//
// What a stranger can forge: without header encryption every header field is clear text and the
// community's name is in every datagram, so anyone who can reach the supernode can have it relay a
// PACKET with any srcMac and a garbage payload to every edge of the community, from any (spoofed)
// source address, which the supernode then inserts as the sender's socket (PROTOCOL.md §9.3.3; it
// checks no registration, n3n's neither). With header encryption the header is sealed with a key
// derived from the community's name and carries a fresh time stamp (§6): someone without the name
// cannot forge one, but every member and the supernode can, again with any srcMac and source. A
// garbage payload fails exactly like a wrong key, so neither case tells a wrong key from an attack.
// What nobody can forge without registering is the supernode's own table: a PEER_INFO answering our
// QUERY_PEER names the address an edge with that MAC registered from (peer-trust.ts, "vouched").
// So undecryptable PACKETs count only from an address the supernode vouched for that MAC; the
// PACKETs of a sender not yet vouched for are counted aside, and count once its PEER_INFO arrives
// (the first PACKETs of a real peer with a wrong key come before its PEER_INFO does).
import type { EdgeContext } from '../context.js';
import type { PeerRecord } from '../control/peer-table.js';
import { isVouched } from '../control/peer-trust.js';

/** PACKETs in a row from one vouched peer that did not decrypt before the edge reports a key problem. */
export const WRONG_KEY_THRESHOLD = 3;
export const WRONG_KEY_REASON = 'wrong key: packets from peers do not decrypt';
export const WRONG_CIPHER_REASON = 'wrong cipher: peers use a different community.cipher';

/** Why a received payload is not a frame of ours: a wrong key or cipher most likely. */
export type Undecryptable = 'transform-mismatch' | 'decrypt-failed' | 'decompress-failed' | 'implausible-frame';

/**
 * A PACKET from record, received from (or relayed for) address, did not decrypt. Returns true when
 * the supernode has not vouched for that address yet: the caller asks it (QUERY_PEER).
 */
export function noteUndecryptable(ctx: EdgeContext, record: PeerRecord, address: string, reason: Undecryptable): boolean {
  const trouble = record.keyTrouble;
  // A run of failures is one sender's: a new address starts the count again.
  if (trouble === undefined || trouble.address !== address) record.keyTrouble = { count: 1, address, cipher: reason === 'transform-mismatch' };
  else {
    trouble.count++;
    trouble.cipher = reason === 'transform-mismatch';
  }
  review(ctx, record);
  return !isVouched(record, address);
}

/** The supernode has just vouched for record: PACKETs it counted aside may now count. */
export function review(ctx: EdgeContext, record: PeerRecord): void {
  const trouble = record.keyTrouble;
  if (trouble === undefined || trouble.count < WRONG_KEY_THRESHOLD || !isVouched(record, trouble.address) || ctx.keyError !== undefined) return;
  ctx.keyError = trouble.cipher ? WRONG_CIPHER_REASON : WRONG_KEY_REASON;
  ctx.logger.error(ctx.keyError);
}

/** A PACKET decrypted (from record, when it has one): the run ends, and the key problem with it. */
export function noteDecrypted(ctx: EdgeContext, record: PeerRecord | undefined): void {
  if (record !== undefined) record.keyTrouble = undefined;
  ctx.keyError = undefined;
}
