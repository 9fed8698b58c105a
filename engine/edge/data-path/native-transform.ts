// The data path's payload transform on the addon's batched ciphers (native/crypto.ts), where the
// addon has this cipher (builds on Node's OpenSSL, chosen at run time; Electron's BoringSSL has
// none and keeps the TypeScript transforms). The wire bytes are the same: native/crypto.test.ts
// and native-transform.test.ts run both.
//
// Decryption: one context serves every packet whatever IVs the sender draws. n3n draws a fresh
// random IV per packet, which costs the TypeScript ChaCha20 a new OpenSSL context each time.
// Encryption, for the ciphers whose every packet draws random bytes (AES, Speck, Twofish): a batch
// of TAP frames (prepare) in one call, the frames read straight from the device's slab. ChaCha20
// keeps its TypeScript sender, whose IVs count up so that a receiver without the addon can keep
// its context running (chacha20.ts), and batches through one OpenSSL update() already.
import { NativeCipherResult, openNativeCipher } from '../../../native/crypto.js';
import type { NativeCipher } from '../../../native/crypto.js';
import { TransformId } from '../../crypto/transform.js';
import type { Transform, TransformDecryptError } from '../../crypto/transform.js';

const NATIVE_ERRORS: Record<number, TransformDecryptError> = {
  [NativeCipherResult.TooShort]: 'too-short',
  [NativeCipherResult.TooLong]: 'too-long',
  [NativeCipherResult.BadPadding]: 'bad-padding',
};

/** Room per prepared ciphertext beyond its frame: the transform's overhead and a block of padding. */
const SLACK = 32;

/** A batch call of the addon for one packet: all of src into dst from dstOffset. */
type OnePacket = (src: Uint8Array, dst: Uint8Array, dstOffset: number) => number;

/** Runs a batch call (native.encrypt or native.decrypt) on one packet; its length or a NativeCipherResult. */
function onePacket(call: (src: Uint8Array, srcSpans: Uint32Array, dst: Uint8Array, dstSpans: Int32Array, count: number) => number): OnePacket {
  const srcSpans = new Uint32Array(2);
  const dstSpans = new Int32Array(2);
  return (src, dst, dstOffset) => {
    srcSpans[1] = src.length;
    dstSpans[0] = dstOffset;
    dstSpans[1] = dst.length - dstOffset;
    call(src, srcSpans, dst, dstSpans, 1);
    return dstSpans[1];
  };
}

/** transform with the addon doing its work where it can; transform itself where it cannot. */
export function nativeTransform(transform: Transform, key: Uint8Array): Transform {
  if (transform.id === TransformId.Null) return transform;
  const native = openNativeCipher(transform.id, key);
  if (typeof native === 'string') return transform;
  const decryptOne = onePacket(native.decrypt.bind(native));
  const decrypt = (src: Uint8Array, dst: Uint8Array, dstOffset: number): number | TransformDecryptError => {
    // The addon needs separate memory; in place (no caller does so today) stays in TypeScript.
    if (src.buffer === dst.buffer) return transform.decrypt(src, dst, dstOffset);
    const result = decryptOne(src, dst, dstOffset);
    return result >= 0 ? result : (NATIVE_ERRORS[result] ?? 'too-short');
  };
  if (transform.id === TransformId.ChaCha20) {
    return {
      id: transform.id,
      name: transform.name,
      overhead: transform.overhead,
      encrypt: (src, dst, dstOffset) => transform.encrypt(src, dst, dstOffset),
      prepare: (plains) => transform.prepare?.(plains),
      decrypt,
    };
  }
  return { id: transform.id, name: transform.name, overhead: transform.overhead, ...batchEncryption(transform, native), decrypt };
}

/** encrypt/prepare over the addon: prepare encrypts the whole batch, encrypt hands out its results. */
function batchEncryption(transform: Transform, native: NativeCipher): Pick<Transform, 'encrypt' | 'prepare'> {
  const encryptOne = onePacket(native.encrypt.bind(native));
  let srcSpans = new Uint32Array(0);
  let dstSpans = new Int32Array(0);
  let out = new Uint8Array(0);
  let gathered = new Uint8Array(0);
  const frames: Uint8Array[] = [];
  let next = 0;
  return {
    prepare(plains) {
      frames.length = next = 0;
      const count = plains.length;
      if (count < 2) return;
      if (srcSpans.length < 2 * count) [srcSpans, dstSpans] = [new Uint32Array(2 * count), new Int32Array(2 * count)];
      // Frames of one device read share its slab: the addon reads them there.
      const first = plains[0]!;
      let src: Uint8Array = first;
      let low = first.byteOffset;
      let high = 0;
      let total = 0;
      for (const plain of plains) {
        if (plain.buffer !== first.buffer) low = -1;
        else if (low >= 0) {
          low = Math.min(low, plain.byteOffset);
          high = Math.max(high, plain.byteOffset + plain.length);
        }
        total += plain.length;
      }
      if (low >= 0) {
        src = new Uint8Array(first.buffer, low, high - low);
        for (let i = 0; i < count; i++) {
          srcSpans[2 * i] = plains[i]!.byteOffset - low;
          srcSpans[2 * i + 1] = plains[i]!.length;
        }
      } else {
        if (gathered.length < total) gathered = new Uint8Array(total);
        let at = 0;
        for (let i = 0; i < count; i++) {
          gathered.set(plains[i]!, at);
          srcSpans[2 * i] = at;
          srcSpans[2 * i + 1] = plains[i]!.length;
          at += plains[i]!.length;
        }
        src = gathered;
      }
      if (out.length < total + SLACK * count) out = new Uint8Array(total + SLACK * count);
      let at = 0;
      for (let i = 0; i < count; i++) {
        const room = plains[i]!.length + SLACK;
        dstSpans[2 * i] = at;
        dstSpans[2 * i + 1] = room;
        at += room;
      }
      native.encrypt(src, srcSpans, out, dstSpans, count);
      frames.push(...plains);
    },
    encrypt(src, dst, dstOffset) {
      // Frames the data path did not send (filtered) are passed over.
      for (let i = next; i < frames.length; i++) {
        if (frames[i] !== src) continue;
        next = i + 1;
        const length = dstSpans[2 * i + 1]!;
        if (length < 0) break;
        const from = dstSpans[2 * i]!;
        dst.set(out.subarray(from, from + length), dstOffset);
        return length;
      }
      if (src.buffer === dst.buffer) return transform.encrypt(src, dst, dstOffset);
      const length = encryptOne(src, dst, dstOffset);
      // The caller leaves room for the overhead; a refusal cannot happen, but never return garbage.
      return length >= 0 ? length : transform.encrypt(src, dst, dstOffset);
    },
  };
}
