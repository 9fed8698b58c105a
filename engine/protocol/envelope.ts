// The header-encryption envelope both daemons put around an encoded message (PROTOCOL.md §6,
// §7.3; CRYPTO.md §4.8): which key pair a message type uses, how much of a datagram is covered,
// the user/password trailer, opening a received datagram by trying the dynamic pair over N and the
// static pair over N − 16, and the time-stamp check of what was opened. Encoding and decoding the
// message itself stay with the codec; what each daemon does with a failure stays with it.
import { decryptHeader, encryptHeader } from '../crypto/header-encryption.js';
import type { HeaderDecryptError, HeaderKeys } from '../crypto/header-encryption.js';
import type { SpeckKeySchedule } from '../crypto/speck.js';
import type { SenderStampRecord, TimeStamp, TimeStampError, TimeStampVerifier } from '../crypto/timestamp.js';
import { appendAuthTrailer, AUTH_TRAILER_SIZE } from '../crypto/user-password.js';
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import { HEADER_SIZE, MessageType } from './constants.js';

export type KeyKind = 'static' | 'dynamic';

/** §6.1: REGISTER_SUPER, its ACK and NAK use the static pair; everything else the dynamic one. */
export function keyKindFor(type: MessageType): KeyKind {
  return type === MessageType.RegisterSuper || type === MessageType.RegisterSuperAck || type === MessageType.RegisterSuperNak
    ? 'static'
    : 'dynamic';
}

/** §9.2 step 4, §7.3.2: with users, only the registration messages may come under the static pair. */
export function staticKeyAllowed(type: MessageType, withUsers: boolean): boolean {
  return !withUsers || keyKindFor(type) === 'static';
}

/**
 * What follows a header-encrypted registration message with users (§7.3.3): E(P128(datagram)) under
 * the user's cipher for REGISTER_SUPER and its ACK; 16 zero bytes after a NAK (n3n sends stale buffer
 * contents there; edges do not check them).
 */
export type Trailer = SpeckKeySchedule | 'zeros' | undefined;

/**
 * §6.2: header-encrypts a message other than a PACKET in place, the whole of bytes[0, length), and
 * appends the trailer, if any (bytes needs AUTH_TRAILER_SIZE bytes of room after length then).
 * Returns the datagram's length.
 */
export function sealMessage(bytes: Uint8Array, length: number, keys: HeaderKeys, stamp: TimeStamp, trailer: Trailer): number {
  encryptHeader(bytes, length, length, stamp, keys);
  if (trailer === undefined) return length;
  if (trailer === 'zeros') {
    bytes.fill(0, length, length + AUTH_TRAILER_SIZE);
    return length + AUTH_TRAILER_SIZE;
  }
  return appendAuthTrailer(trailer, bytes, length);
}

/**
 * §6.2: header-encrypts a PACKET in place with the dynamic pair: its header, plus with users up to
 * 16 payload bytes (the payload cipher's IV, §5.3).
 */
export function sealPacket(datagram: Uint8Array, length: number, headerLength: number, keys: HeaderKeys, stamp: TimeStamp, withUsers: boolean): void {
  encryptHeader(datagram, length, withUsers ? Math.min(length, headerLength + 16) : headerLength, stamp, keys);
}

/** The key pairs tried on a received datagram; undefined: not tried. */
export interface KeyPairs {
  readonly dynamic: HeaderKeys | undefined;
  readonly static: HeaderKeys | undefined;
}

export interface Unsealed {
  /** The plaintext datagram in the caller's scratch, without the trailer when the static pair opened it. */
  readonly plain: Uint8Array;
  readonly stamp: TimeStamp;
  readonly keys: KeyKind;
}

/**
 * §6.3: tries the dynamic pair over the whole datagram, then the static pair over N − 16 (a
 * registration message may carry the user/password trailer, which is not covered). The plaintext
 * lands in scratch; raw is never modified. The error is the last attempt's.
 */
export function unseal(raw: Uint8Array, communityField: Uint8Array, pairs: KeyPairs, scratch: Uint8Array): Result<Unsealed, HeaderDecryptError> {
  let failure: HeaderDecryptError = 'too-short';
  const attempts: readonly [KeyKind, HeaderKeys | undefined, number][] = [
    ['dynamic', pairs.dynamic, raw.length],
    ['static', pairs.static, raw.length - AUTH_TRAILER_SIZE],
  ];
  for (const [kind, keys, covered] of attempts) {
    if (keys === undefined || covered < HEADER_SIZE) continue;
    const result = decryptHeader(raw, covered, communityField, keys, scratch);
    if (result.ok) return ok({ plain: scratch.subarray(0, covered), stamp: result.value.stamp, keys: kind });
    failure = result.error;
  }
  return err(failure);
}

const accepted: Result<true, TimeStampError> = ok(true);

/**
 * §6.4: the window check of a stamp and, for a known sender, the replay check against its record;
 * holder's record is created on first use. Without header encryption there is no stamp and nothing
 * to check.
 */
export function checkStamp(
  verifier: TimeStampVerifier,
  stamp: TimeStamp | undefined,
  holder: { stamp: SenderStampRecord | undefined } | undefined,
  allowJitter: boolean,
): Result<true, TimeStampError> {
  if (stamp === undefined) return accepted;
  if (holder !== undefined) holder.stamp ??= verifier.newRecord();
  return verifier.check(stamp, holder?.stamp, allowJitter);
}
