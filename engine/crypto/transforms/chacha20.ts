// ChaCha20 transform (ID 4, CRYPTO.md §2.4): output = IV ‖ (ChaCha20(pearson256(key), IV) ⊕ P).
// The 16-byte IV is OpenSSL's "32-bit LE block counter ‖ 96-bit nonce", so Node's 'chacha20' cipher
// computes it, except at a counter wrap (CRYPTO.md §1.5).
//
// Per packet, creating an OpenSSL context costs more than the cipher work itself, so contexts are
// kept running across packets (Keystream below). Sent IVs are random per context and then count up
// (each packet starts at the block after the previous one): every (nonce, counter) pair is still
// used once, and a receiver — Kith or n3n — decrypts each packet from its own IV as before.

import { createCipheriv } from 'node:crypto';
import type { Cipher } from 'node:crypto';
import { pearson256 } from '../pearson.js';
import { randomFill } from '../random.js';
import { TransformId } from '../transform.js';
import type { Transform } from '../transform.js';

const IV_BYTES = 16;
const BLOCK = 64;
const COUNTER_SPAN = 2 ** 32;
const NONCE_BYTES = 12;
/** The most keystream a receiving context skips to reach a packet (lost or reordered ones in between). */
const MAX_SKIP = 64 * 1024;
const ZEROS = new Uint8Array(MAX_SKIP);
/** Receiving contexts kept (one per sending peer in practice). */
const RECEIVE_CONTEXTS = 8;

function readCounter(iv: Uint8Array, offset: number): number {
  return (iv[offset]! | (iv[offset + 1]! << 8) | (iv[offset + 2]! << 16) | (iv[offset + 3]! << 24)) >>> 0;
}

/** Bytes that can be processed before the 32-bit block counter wraps. */
function bytesBeforeWrap(iv: Uint8Array, ivOffset: number): number {
  return (COUNTER_SPAN - readCounter(iv, ivOffset)) * BLOCK;
}

/**
 * dst[dstOffset..] = src[srcOffset, srcOffset + length) ⊕ ChaCha20(key, iv); src and dst may overlap.
 * CRYPTO.md §1.5: n3n's
 * built-in ChaCha20 wraps the counter word to 0 without carrying into word 13 (OpenSSL carries), so
 * at a wrap the call is split and restarted with counter 0 and the same nonce.
 */
export function chacha20Xor(
  key: Uint8Array,
  iv: Uint8Array,
  ivOffset: number,
  src: Uint8Array,
  srcOffset: number,
  length: number,
  dst: Uint8Array,
  dstOffset: number,
): void {
  const ivBytes = iv.subarray(ivOffset, ivOffset + IV_BYTES);
  const head = Math.min(length, bytesBeforeWrap(iv, ivOffset));
  const first = createCipheriv('chacha20', key, ivBytes).update(src.subarray(srcOffset, srcOffset + head));
  if (head < length) {
    const wrappedIv = Uint8Array.from(ivBytes);
    wrappedIv.fill(0, 0, 4);
    // Both parts are computed before dst is written: dst may overlap src.
    const rest = createCipheriv('chacha20', key, wrappedIv).update(src.subarray(srcOffset + head, srcOffset + length));
    dst.set(rest, dstOffset + head);
  }
  dst.set(first, dstOffset);
}

/**
 * One OpenSSL ChaCha20 context run over consecutive packets. Creating a context per packet (key
 * schedule, algorithm fetch, a JS wrapper object) costs more than the 1400 bytes it encrypts; a
 * packet whose IV is `counter ‖ nonce` is exactly the keystream from block `counter` on, so one
 * context started at block c0 serves every later packet with the same nonce and a counter ≥ its
 * position: the blocks in between are skipped by running the context over zeros.
 */
class Keystream {
  readonly nonce = new Uint8Array(NONCE_BYTES);
  private cipher: Cipher | undefined;
  /** The block counter the context started at and the bytes it has produced since. */
  private start = 0;
  private used = 0;

  constructor(private readonly key: Uint8Array) {}

  /** Starts a new context at iv (counter ‖ nonce). */
  reset(iv: Uint8Array, ivOffset: number): void {
    this.cipher = createCipheriv('chacha20', this.key, iv.subarray(ivOffset, ivOffset + IV_BYTES));
    this.nonce.set(iv.subarray(ivOffset + 4, ivOffset + IV_BYTES));
    this.start = readCounter(iv, ivOffset);
    this.used = 0;
  }

  /** Bytes to skip so the context stands at block counter; -1 if it cannot get there (behind, other nonce, too far). */
  distance(iv: Uint8Array, ivOffset: number): number {
    if (this.cipher === undefined) return -1;
    const nonce = this.nonce;
    for (let i = 0; i < NONCE_BYTES; i++) if (nonce[i] !== iv[ivOffset + 4 + i]) return -1;
    const skip = (readCounter(iv, ivOffset) - this.start) * BLOCK - this.used;
    return skip >= 0 && skip <= MAX_SKIP ? skip : -1;
  }

  /**
   * dst[dstOffset..] = src ⊕ the keystream after skipping skip bytes (from distance); the caller
   * keeps the packet inside one counter span. Every update() call has a fixed cost of its own, so a
   * short skip runs over the bytes in front of src (the packet header, a previous frame) in the
   * same call, and only the skipped part of the output is thrown away.
   */
  xor(skip: number, src: Uint8Array, dst: Uint8Array, dstOffset: number): void {
    const cipher = this.cipher!;
    this.used += skip + src.length;
    if (skip > 0 && src.byteOffset >= skip) {
      cipher.update(new Uint8Array(src.buffer, src.byteOffset - skip, skip + src.length)).copy(dst, dstOffset, skip);
      return;
    }
    if (skip > 0) cipher.update(ZEROS.subarray(0, skip));
    cipher.update(src).copy(dst, dstOffset);
  }

  /** The keystream XOR bytes, from the current position on (prepare lays out whole blocks). */
  run(bytes: Uint8Array): Buffer {
    this.used += bytes.length;
    return this.cipher!.update(bytes);
  }

  /** Block counter of the next whole block (where the next packet of a sender starts). */
  get nextCounter(): number {
    return this.start + Math.ceil(this.used / BLOCK);
  }
}

export function createChaCha20Transform(key: Uint8Array, fillRandom: typeof randomFill = randomFill): Transform {
  const cipherKey = pearson256(key);
  const iv = new Uint8Array(IV_BYTES);
  const sending = new Keystream(cipherKey);
  /** Most recently used first. */
  const receiving: Keystream[] = [];
  let sendCounter = COUNTER_SPAN;
  // A prepared batch (prepare): the ciphertexts of the frames expected next, in one update() output.
  let staging = new Uint8Array(64 * 1024);
  let prepared: Buffer | undefined;
  const preparedFrames: Uint8Array[] = [];
  const preparedAt: number[] = [];
  const preparedCounter: number[] = [];
  let preparedNext = 0;
  const dropPrepared = (): void => {
    prepared = undefined;
    preparedFrames.length = preparedAt.length = preparedCounter.length = 0;
    preparedNext = 0;
  };
  const writeIv = (counter: number): void => {
    iv[0] = counter & 0xff;
    iv[1] = (counter >>> 8) & 0xff;
    iv[2] = (counter >>> 16) & 0xff;
    iv[3] = (counter >>> 24) & 0xff;
  };
  /** Whether the next `blocks` blocks would run past the sending counter span (or it is used up). */
  const outOfRoom = (blocks: number): boolean => sendCounter >= COUNTER_SPAN || sendCounter + blocks > COUNTER_SPAN;
  /** Starts a context with a fresh random IV that has room for bytes; false if none was drawn. */
  const freshContext = (bytes: number): boolean => {
    // PROTOCOL.md §5.1.3: no counter wrap inside a packet, so n3n builds with and without OpenSSL agree.
    for (let attempt = 0; attempt < 64; attempt++) {
      fillRandom(iv, 0, IV_BYTES);
      if (bytesBeforeWrap(iv, 0) >= bytes) {
        sending.reset(iv, 0);
        sendCounter = readCounter(iv, 0);
        return true;
      }
    }
    return false;
  };

  /** Brings a context that can decrypt src (IV first) to receiving[0]; returns the bytes it skips. */
  const receivingFor = (src: Uint8Array): number => {
    for (let i = 0; i < receiving.length; i++) {
      const stream = receiving[i]!;
      const skip = stream.distance(src, 0);
      if (skip < 0) continue;
      for (let j = i; j > 0; j--) receiving[j] = receiving[j - 1]!;
      receiving[0] = stream;
      return skip;
    }
    const stream = receiving.length < RECEIVE_CONTEXTS ? new Keystream(cipherKey) : receiving.pop()!;
    stream.reset(src, 0);
    receiving.unshift(stream);
    return 0;
  };

  return {
    id: TransformId.ChaCha20,
    name: 'ChaCha20',
    overhead: IV_BYTES,
    prepare(plains) {
      dropPrepared();
      if (plains.length < 2) return;
      let total = 0;
      for (const plain of plains) total += Math.ceil(plain.length / BLOCK) * BLOCK;
      if (outOfRoom(total / BLOCK) && !freshContext(total)) return;
      writeIv(sendCounter);
      const skip = sending.distance(iv, 0);
      if (skip < 0) return;
      // [skip bytes][frame 0, padded to a block][frame 1, padded]…: one update() for all of them.
      if (staging.length < skip + total) staging = new Uint8Array(skip + total);
      let at = skip;
      for (const plain of plains) {
        staging.set(plain, at);
        preparedFrames.push(plain);
        preparedAt.push(at);
        preparedCounter.push(sendCounter + (at - skip) / BLOCK);
        at += Math.ceil(plain.length / BLOCK) * BLOCK;
      }
      prepared = sending.run(staging.subarray(0, at));
      sendCounter = sending.nextCounter;
    },
    encrypt(src, dst, dstOffset) {
      if (prepared !== undefined) {
        // Frames the data path did not send (filtered) are passed over; their keystream stays unused.
        for (let i = preparedNext; i < preparedFrames.length; i++) {
          if (preparedFrames[i] !== src) continue;
          writeIv(preparedCounter[i]!);
          const at = preparedAt[i]!;
          prepared.copy(dst, dstOffset + IV_BYTES, at, at + src.length);
          dst.set(iv, dstOffset);
          preparedNext = i + 1;
          if (preparedNext === preparedFrames.length) dropPrepared();
          return src.length + IV_BYTES;
        }
        // Not part of the batch (or already used): the rest of the batch is given up.
        dropPrepared();
      }
      // A fresh random nonce and starting counter when this packet does not fit the current span.
      if (outOfRoom(Math.ceil(src.length / BLOCK))) while (!freshContext(src.length));
      writeIv(sendCounter);
      let skip = sending.distance(iv, 0);
      if (skip < 0) {
        sending.reset(iv, 0);
        skip = 0;
      }
      // Ciphertext before IV: src may overlap dst.
      sending.xor(skip, src, dst, dstOffset + IV_BYTES);
      dst.set(iv, dstOffset);
      sendCounter = sending.nextCounter;
      return src.length + IV_BYTES;
    },
    decrypt(src, dst, dstOffset) {
      if (src.length < IV_BYTES) return 'too-short';
      const length = src.length - IV_BYTES;
      if (dst.length - dstOffset < length) return 'too-long';
      if (bytesBeforeWrap(src, 0) < length) {
        // The rare packet across the counter wrap (n3n's no-carry semantics): its own contexts.
        chacha20Xor(cipherKey, src, 0, src, IV_BYTES, length, dst, dstOffset);
        return length;
      }
      const skip = receivingFor(src);
      receiving[0]!.xor(skip, src.subarray(IV_BYTES), dst, dstOffset);
      return length;
    },
  };
}
