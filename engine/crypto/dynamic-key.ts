// Community fields and the user/password dynamic key (CRYPTO.md §5.5, PROTOCOL.md §7.3.5):
// DK = SPECK-128/128_{Kc}(P3(LE32(key_time))), Kc = P3(CF_comm) XOR P3(CF_fed), P3 = P128∘P128∘P128.
import { COMMUNITY_FIELD_SIZE } from './header-encryption.js';
import { pearson128 } from './pearson.js';
import { speckEncryptBlock, speckKeySchedule } from './speck.js';

const encoder = new TextEncoder();

/** The 20-byte community field: the name's bytes (at most 19), zero-padded. */
export function communityField(name: string): Uint8Array {
  const field = new Uint8Array(COMMUNITY_FIELD_SIZE);
  field.set(encoder.encode(name).subarray(0, COMMUNITY_FIELD_SIZE - 1));
  return field;
}

/** The federation's community field "*" ‖ name (name truncated to 18 bytes), zero-padded. */
export function federationField(name: string): Uint8Array {
  return communityField(`*${name}`);
}

/** n3n 3.4.5 computes its first dynamic keys with an all-zero federation field (CRYPTO.md §5.6). */
export const ZERO_FEDERATION_FIELD: Uint8Array = new Uint8Array(COMMUNITY_FIELD_SIZE);

function pearson128Thrice(data: Uint8Array): Uint8Array {
  return pearson128(pearson128(pearson128(data)));
}

/** The community's 16-byte dynamic key for keyTime (32-bit seconds, hashed little-endian). */
export function dynamicKey(community: Uint8Array, federation: Uint8Array, keyTime: number): Uint8Array {
  const cipherKey = pearson128Thrice(community);
  const federationHash = pearson128Thrice(federation);
  for (let i = 0; i < 16; i++) cipherKey[i] = cipherKey[i]! ^ federationHash[i]!;
  const time = new Uint8Array(4);
  new DataView(time.buffer).setUint32(0, keyTime >>> 0, true);
  const out = pearson128Thrice(time);
  speckEncryptBlock(speckKeySchedule(cipherKey), out, 0, out, 0);
  return out;
}
