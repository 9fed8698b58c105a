// User/password authentication (auth scheme 2; CRYPTO.md §5.2–§5.4, PROTOCOL.md §7.3): key
// derivation, the 48-byte REGISTER_SUPER token and the supernode's answer, and the 16-byte trailer
// E(P128(header-encrypted datagram)) appended to REGISTER_SUPER / REGISTER_SUPER_ACK.
import { err, ok } from '../../shared/result.js';
import type { Result } from '../../shared/result.js';
import { pearson128, pearson256 } from './pearson.js';
import { speckDecryptBlock, speckEncryptBlock, speckKeySchedule } from './speck.js';
import type { SpeckKeySchedule } from './speck.js';
import { N3N_BASE_POINT, x25519 } from './x25519.js';
import type { X25519Error } from './x25519.js';

export const AUTH_TOKEN_SIZE = 48;
export const AUTH_TRAILER_SIZE = 16;
const KEY_SIZE = 32;
const BLOCK = 16;

const encoder = new TextEncoder();

function bytesOf(text: Uint8Array | string): Uint8Array {
  return typeof text === 'string' ? encoder.encode(text) : text;
}

function xorInto(target: Uint8Array, other: Uint8Array): Uint8Array {
  for (let i = 0; i < target.length; i++) target[i] = target[i]! ^ other[i]!;
  return target;
}

/** P256(P256(secret)): the password part of an edge key, and the whole federation key. */
function doubleHash(secret: Uint8Array | string): Uint8Array {
  return pearson256(pearson256(bytesOf(secret)));
}

/** Edge private key P256(P256(password)) XOR P256(username); username = the edge description. */
export function edgePrivateKey(username: Uint8Array | string, password: Uint8Array | string): Uint8Array {
  return xorInto(doubleHash(password), pearson256(bytesOf(username)));
}

/** Federation private key P256(P256(name)), name without the leading "*". */
export function federationPrivateKey(federationName: Uint8Array | string): Uint8Array {
  return doubleHash(federationName);
}

/** Public key X25519(private, 00…0009). */
export function publicKeyOf(privateKey: Uint8Array): Result<Uint8Array, X25519Error> {
  return x25519(privateKey, N3N_BASE_POINT);
}

/**
 * Shared secret P256(X25519(own private, other public)); the same at edge (edge private, federation
 * public) and supernode (federation private, edge public).
 */
export function sharedSecret(privateKey: Uint8Array, otherPublic: Uint8Array): Result<Uint8Array, X25519Error> {
  const raw = x25519(privateKey, otherPublic);
  return raw.ok ? ok(pearson256(raw.value)) : raw;
}

/** The token cipher E/D: SPECK-128/128 keyed with the first 16 bytes of the shared secret. */
export function tokenCipher(secret: Uint8Array): SpeckKeySchedule {
  return speckKeySchedule(secret.subarray(0, BLOCK));
}

/** The edge's REGISTER_SUPER / UNREGISTER_SUPER token: pub ‖ E(challenge) (CRYPTO.md §5.3). */
export function edgeAuthToken(publicKey: Uint8Array, challenge: Uint8Array, cipher: SpeckKeySchedule): Uint8Array {
  const token = new Uint8Array(AUTH_TOKEN_SIZE);
  token.set(publicKey.subarray(0, KEY_SIZE));
  speckEncryptBlock(cipher, challenge, 0, token, KEY_SIZE);
  return token;
}

/**
 * The supernode's answer (CRYPTO.md §5.4 step 4): E(token[32..48)) ‖ token[16..32) ‖
 * E(D(token[32..48)) XOR DK XOR SS[0..16)). Caller guarantees a 48-byte token.
 */
export function supernodeAnswerToken(
  edgeToken: Uint8Array,
  cipher: SpeckKeySchedule,
  secret: Uint8Array,
  dynamicKey: Uint8Array,
): Uint8Array {
  const answer = new Uint8Array(AUTH_TOKEN_SIZE);
  speckEncryptBlock(cipher, edgeToken, KEY_SIZE, answer, 0);
  answer.set(edgeToken.subarray(BLOCK, KEY_SIZE), BLOCK);
  const wrapped = answer.subarray(KEY_SIZE);
  speckDecryptBlock(cipher, edgeToken, KEY_SIZE, wrapped, 0);
  xorInto(xorInto(wrapped, dynamicKey), secret);
  speckEncryptBlock(cipher, wrapped, 0, wrapped, 0);
  return answer;
}

export type AnswerError = 'bad-token-size' | 'challenge-mismatch';

/**
 * Edge side of REGISTER_SUPER_ACK (CRYPTO.md §5.4): require D(D(A[0..16))) = challenge, then return
 * DK = D(A[32..48)) XOR challenge XOR SS[0..16).
 */
export function unwrapDynamicKey(
  answer: Uint8Array,
  challenge: Uint8Array,
  cipher: SpeckKeySchedule,
  secret: Uint8Array,
): Result<Uint8Array, AnswerError> {
  if (answer.length !== AUTH_TOKEN_SIZE) return err('bad-token-size');
  const echo = new Uint8Array(BLOCK);
  speckDecryptBlock(cipher, answer, 0, echo, 0);
  speckDecryptBlock(cipher, echo, 0, echo, 0);
  if (!equalBytes(echo, challenge.subarray(0, BLOCK))) return err('challenge-mismatch');
  const key = new Uint8Array(BLOCK);
  speckDecryptBlock(cipher, answer, KEY_SIZE, key, 0);
  return ok(xorInto(xorInto(key, challenge), secret));
}

function expectedTrailer(cipher: SpeckKeySchedule, datagram: Uint8Array, length: number): Uint8Array {
  const trailer = pearson128(datagram.subarray(0, length));
  speckEncryptBlock(cipher, trailer, 0, trailer, 0);
  return trailer;
}

/**
 * Writes E(P128(datagram[0, length))) to datagram[length, length + 16), after header encryption
 * (CRYPTO.md §5.3). Returns the new datagram length.
 */
export function appendAuthTrailer(cipher: SpeckKeySchedule, datagram: Uint8Array, length: number): number {
  datagram.set(expectedTrailer(cipher, datagram, length), length);
  return length + AUTH_TRAILER_SIZE;
}

/** Checks the trailer of a received datagram of totalLength bytes (trailer included). */
export function verifyAuthTrailer(cipher: SpeckKeySchedule, datagram: Uint8Array, totalLength: number): boolean {
  const length = totalLength - AUTH_TRAILER_SIZE;
  if (length < 0 || totalLength > datagram.length) return false;
  return equalBytes(expectedTrailer(cipher, datagram, length), datagram.subarray(length, totalLength));
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
