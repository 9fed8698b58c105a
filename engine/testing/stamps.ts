// Header-encryption time stamps as one 64-bit number, the form the vectors and traces write them in.
import type { TimeStamp } from '../crypto/timestamp.js';

export function stampToBigInt(stamp: TimeStamp): bigint {
  return (BigInt(stamp.hi) << 32n) | BigInt(stamp.lo);
}

export function stampFromBigInt(value: bigint): TimeStamp {
  return { hi: Number((value >> 32n) & 0xffffffffn), lo: Number(value & 0xffffffffn) };
}
