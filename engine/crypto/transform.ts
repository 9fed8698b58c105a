// The payload transform interface (PROTOCOL.md §5.1, CRYPTO.md §2). Every cipher module implements
// it; the registry in transforms/index.ts maps configuration names and wire ids to factories.
// The data path calls encrypt/decrypt once per packet, so both write into caller-owned buffers and
// report errors as string literals instead of allocating result objects.

/** Transform ids as carried in the PACKET header. */
export const TransformId = {
  Invalid: 0,
  Null: 1,
  Twofish: 2,
  Aes: 3,
  ChaCha20: 4,
  Speck: 5,
} as const;
export type TransformId = (typeof TransformId)[keyof typeof TransformId];

/** Configuration names (`community.cipher`), as n3n spells them. */
export type CipherName = 'null' | 'Twofish' | 'AES' | 'ChaCha20' | 'Speck';

export type TransformDecryptError =
  | 'too-short' // ciphertext shorter than the transform's fixed overhead
  | 'too-long' // plaintext would not fit the destination buffer
  | 'bad-padding'; // CBC ciphertext stealing: the recovered padding bytes were not zero

export interface Transform {
  readonly id: TransformId;
  readonly name: CipherName;
  /** Bytes added by encrypt: 0 for null, 16 for every cipher. */
  readonly overhead: number;
  /**
   * Encrypts src and writes the complete PACKET payload to dst at dstOffset.
   * dst must have room for src.length + overhead bytes. Returns the number of bytes written.
   */
  encrypt(src: Uint8Array, dst: Uint8Array, dstOffset: number): number;
  /**
   * Optional: the plaintexts about to be encrypted, in this order (a batch of TAP frames). A
   * transform may then do the work for all of them at once; encrypt() with exactly these views, in
   * this order, returns the results, and anything else simply works as without the hint.
   */
  prepare?(plains: readonly Uint8Array[]): void;
  /**
   * Decrypts a received PACKET payload into dst at dstOffset. Returns the plaintext length, or an
   * error for input that cannot be a valid payload. Never throws on any input.
   */
  decrypt(src: Uint8Array, dst: Uint8Array, dstOffset: number): number | TransformDecryptError;
}

/** Builds a transform from the raw bytes of the user's key string (`community.key`). */
export type TransformFactory = (key: Uint8Array) => Transform;
