// Header encryption (CRYPTO.md §4, PROTOCOL.md §6): SPECK-128/128-CTR over the first HL bytes of a
// datagram, with a Pearson checksum of the whole datagram and a 64-bit time stamp hidden in the IV.
// Runs for every datagram of a header-encrypted community, so key schedules are expanded once per
// key pair and all per-datagram work uses preallocated scratch buffers.
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import { pearson128, pearson64Into } from './pearson.js';
import { randomFill } from './random.js';
import { speckCtr, speckDecryptBlock, speckEncryptBlock, speckKeySchedule } from './speck.js';
import type { SpeckKeySchedule } from './speck.js';
import type { TimeStamp } from './timestamp.js';

/** An expanded header key pair: Kh for the CTR keystream, Kiv for the IV block. */
export interface HeaderKeys {
  readonly header: SpeckKeySchedule;
  readonly iv: SpeckKeySchedule;
}

export const COMMON_HEADER_SIZE = 24;
export const COMMUNITY_FIELD_SIZE = 20;
const COMMUNITY_AT = 4;
const MAGIC = 0x6e32; // "n2"
const MAX_HEADER_LEN = 0xffff;

/** Kh = P128(material), Kiv = P128(Kh) (CRYPTO.md §4.2). */
function keysFrom(material: Uint8Array): HeaderKeys {
  const header = pearson128(material);
  return { header: speckKeySchedule(header), iv: speckKeySchedule(pearson128(header)) };
}

/** The static pair of a community (or of the federation, "*name"), from its 20-byte field. */
export function staticHeaderKeys(communityField: Uint8Array): HeaderKeys {
  if (communityField.length !== COMMUNITY_FIELD_SIZE) {
    throw new RangeError(`community field must be ${COMMUNITY_FIELD_SIZE} bytes`);
  }
  return keysFrom(communityField);
}

/** The dynamic pair from a 16-byte dynamic key DK (user/password mode, CRYPTO.md §5.5). */
export function dynamicHeaderKeys(dynamicKey: Uint8Array): HeaderKeys {
  if (dynamicKey.length !== 16) throw new RangeError('dynamic key must be 16 bytes');
  return keysFrom(dynamicKey);
}

const checksum = new Uint32Array(2);
const preIv = new Uint8Array(16);
const block = new Uint8Array(16);

function readBE32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function writeBE32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}

/**
 * Header-encrypts datagram[0, length) in place, covering bytes [16, headerLen) with the keystream
 * (CRYPTO.md §4.3). randomTail supplies the 4 filler bytes of the pre-IV (tests); by default they
 * come from the CSPRNG pool.
 */
export function encryptHeader(
  datagram: Uint8Array,
  length: number,
  headerLen: number,
  stamp: TimeStamp,
  keys: HeaderKeys,
  randomTail?: Uint8Array,
): void {
  if (
    length > datagram.length ||
    headerLen < COMMON_HEADER_SIZE ||
    headerLen > length ||
    headerLen > MAX_HEADER_LEN
  ) {
    throw new RangeError(`header encryption needs 24 <= headerLen <= length (${headerLen}, ${length})`);
  }
  pearson64Into(datagram, 0, length, checksum);
  // CRYPTO.md §4.3 step 2: BE32(C >> 32) ‖ BE32(C mod 2^32 XOR S >> 32) ‖ BE32(S mod 2^32) ‖ R.
  writeBE32(preIv, 0, checksum[0]!);
  writeBE32(preIv, 4, checksum[1]! ^ stamp.hi);
  writeBE32(preIv, 8, stamp.lo);
  if (randomTail === undefined) randomFill(preIv, 12, 4);
  else preIv.set(randomTail.subarray(0, 4), 12);

  datagram.copyWithin(20, 0, 4);
  speckEncryptBlock(keys.iv, preIv, 0, datagram, 0);
  writeBE32(datagram, 16, ((MAGIC << 16) | headerLen) >>> 0);
  speckCtr(keys.header, datagram, 0, datagram, 16, headerLen);
}

export type HeaderDecryptError =
  | 'too-short' // fewer than 24 bytes
  | 'bad-magic' // the first keystream bytes do not reveal "n2": not this key (or not encrypted)
  | 'bad-header-length' // magic fine but HL < 24 or HL > length
  | 'bad-checksum' // decrypted, but the Pearson checksum does not match: corrupted or wrong key
  | 'scratch-too-small'; // caller's destination buffer cannot hold the datagram

export interface DecryptedHeader {
  readonly headerLen: number;
  readonly stamp: TimeStamp;
}

/**
 * The header length this key pair would reveal, or a negative number when the magic does not match.
 * Touches only the first keystream block; the datagram is not modified (PROTOCOL.md §6.3 step 2).
 */
function revealHeaderLength(src: Uint8Array, keys: HeaderKeys): number {
  speckEncryptBlock(keys.header, src, 0, block, 0);
  const word = (readBE32(src, 16) ^ readBE32(block, 0)) >>> 0;
  return word >>> 16 === MAGIC ? word & 0xffff : -1;
}

/**
 * Tries one key pair on src[0, length) and, if it matches, writes the restored plaintext datagram to
 * dst[0, length); src is never modified. length may be smaller than src.length: the static-key
 * attempt of user/password mode passes N − 16 to exclude the trailer (PROTOCOL.md §6.3).
 * communityField is the 20-byte field that identifies the community whose keys are tried.
 */
export function decryptHeader(
  src: Uint8Array,
  length: number,
  communityField: Uint8Array,
  keys: HeaderKeys,
  dst: Uint8Array,
): Result<DecryptedHeader, HeaderDecryptError> {
  if (length < COMMON_HEADER_SIZE || length > src.length) return err('too-short');
  const headerLen = revealHeaderLength(src, keys);
  if (headerLen < 0) return err('bad-magic');
  if (headerLen < COMMON_HEADER_SIZE || headerLen > length) return err('bad-header-length');
  if (dst.length < length) return err('scratch-too-small');

  dst.set(src.subarray(0, length));
  speckCtr(keys.header, src, 0, dst, 16, headerLen);
  speckDecryptBlock(keys.iv, src, 0, preIv, 0);
  dst.copyWithin(0, 20, 24);
  dst.set(communityField.subarray(0, COMMUNITY_FIELD_SIZE), COMMUNITY_AT);

  pearson64Into(dst, 0, length, checksum);
  if (readBE32(preIv, 0) !== checksum[0]) return err('bad-checksum');
  // CRYPTO.md §4.4 step 6: S = Sx XOR (C << 32).
  const stamp = { hi: (readBE32(preIv, 4) ^ checksum[1]!) >>> 0, lo: readBE32(preIv, 8) };
  return ok({ headerLen, stamp });
}

/**
 * PROTOCOL.md §2.4: the supernode's heuristic for a clear-text (not header-encrypted) datagram.
 */
export function looksLikeClearHeader(datagram: Uint8Array, length: number): boolean {
  if (length < COMMON_HEADER_SIZE) return false;
  const flagsAndType = (datagram[2]! << 8) | datagram[3]!;
  return datagram[23] === 0 && datagram[0] === 3 && (flagsAndType & 0x1f) <= 12 && flagsAndType < 0x80;
}
