// Pearson block hashes P32 / P64 / P128 / P256 (CRYPTO.md §1.1, PROTOCOL.md Appendix A).
// Lanes are 64-bit; JavaScript has no fast 64-bit integers, so every lane is a pair of 32-bit halves
// and the 64×64→64 multiplies of the splitmix64 finaliser are assembled from 16-bit partial products.
// The header-encryption checksum hashes every datagram, hence the allocation-free pearson64Into.

// splitmix64 "Mix13" multipliers, split into 32-bit halves and the low half into 16-bit pieces.
const M1_HI = 0xbf58476d;
const M1_LO = 0x1ce4e5b9;
const M1_LO_HI16 = M1_LO >>> 16;
const M1_LO_LO16 = M1_LO & 0xffff;
const M2_HI = 0x94d049bb;
const M2_LO = 0x133111eb;
const M2_LO_HI16 = M2_LO >>> 16;
const M2_LO_LO16 = M2_LO & 0xffff;

/** High 32 bits of the unsigned product a × b, where b = bHi16 << 16 | bLo16. */
function mulHigh32(a: number, bHi16: number, bLo16: number): number {
  const aHi16 = a >>> 16;
  const aLo16 = a & 0xffff;
  const ll = aLo16 * bLo16;
  const lh = aLo16 * bHi16;
  const hl = aHi16 * bLo16;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (aHi16 * bHi16 + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * One lane step h = mix((h XOR v) − lane) on state[2·index] (high half) and state[2·index + 1]
 * (low half). CRYPTO.md §1.1.
 */
function step(state: Uint32Array, index: number, vHi: number, vLo: number, lane: number): void {
  let hi = state[2 * index]! ^ vHi;
  let lo = state[2 * index + 1]! ^ vLo;
  // − lane (mod 2^64): borrow from the high half when the low half underflows.
  if (lo >>> 0 < lane) hi = (hi - 1) | 0;
  lo = (lo - lane) | 0;

  // x ^= x >> 30
  lo ^= (lo >>> 30) | (hi << 2);
  hi ^= hi >>> 30;
  // x *= M1
  let pHi = (mulHigh32(lo, M1_LO_HI16, M1_LO_LO16) + Math.imul(lo, M1_HI) + Math.imul(hi, M1_LO)) | 0;
  lo = Math.imul(lo, M1_LO);
  hi = pHi;
  // x ^= x >> 27
  lo ^= (lo >>> 27) | (hi << 5);
  hi ^= hi >>> 27;
  // x *= M2
  pHi = (mulHigh32(lo, M2_LO_HI16, M2_LO_LO16) + Math.imul(lo, M2_HI) + Math.imul(hi, M2_LO)) | 0;
  lo = Math.imul(lo, M2_LO);
  hi = pHi;
  // x ^= x >> 31
  lo ^= (lo >>> 31) | (hi << 1);
  hi ^= hi >>> 31;

  state[2 * index] = hi;
  state[2 * index + 1] = lo;
}

function complement(state: Uint32Array): void {
  for (let i = 0; i < state.length; i++) state[i] = ~state[i]!;
}

/**
 * Runs the lanes over data[start, end). state holds 2 words per lane (high, low), lane j+1 at
 * index j; it is reset here, so callers may reuse it.
 */
function hashLanes(data: Uint8Array, start: number, end: number, state: Uint32Array): void {
  const lanes = state.length >>> 1;
  state.fill(0);
  const wordsEnd = start + ((end - start) & ~7);
  let i = start;
  for (; i < wordsEnd; i += 8) {
    const lo = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    const hi = data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24);
    for (let j = 0; j < lanes; j++) step(state, j, hi, lo, j + 1);
  }
  complement(state);
  for (; i < end; i++) {
    const b = data[i]!;
    for (let j = 0; j < lanes; j++) step(state, j, 0, b, j + 1);
  }
  complement(state);
  // The total length as a 64-bit value; datagrams are far below 2^32 bytes.
  const length = end - start;
  for (let j = 0; j < lanes; j++) step(state, j, 0, length, j + 1);
}

/** Lane states, most significant lane first in the byte outputs (BE64(h_n) ‖ … ‖ BE64(h_1)). */
function lanesToBytes(state: Uint32Array): Uint8Array {
  const lanes = state.length >>> 1;
  const out = new Uint8Array(8 * lanes);
  const view = new DataView(out.buffer);
  for (let j = 0; j < lanes; j++) {
    const at = 8 * (lanes - 1 - j);
    view.setUint32(at, state[2 * j]!);
    view.setUint32(at + 4, state[2 * j + 1]!);
  }
  return out;
}

const oneLane = new Uint32Array(2);

/**
 * P64 of data[start, end) without allocating: out[0] = high 32 bits, out[1] = low 32 bits.
 * The data path's checksum (CRYPTO.md §4.3).
 */
export function pearson64Into(data: Uint8Array, start: number, end: number, out: Uint32Array): void {
  hashLanes(data, start, end, oneLane);
  out[0] = oneLane[0]!;
  out[1] = oneLane[1]!;
}

/** P256: BE64(h4) ‖ BE64(h3) ‖ BE64(h2) ‖ BE64(h1), 32 bytes. */
export function pearson256(data: Uint8Array): Uint8Array {
  const state = new Uint32Array(8);
  hashLanes(data, 0, data.length, state);
  return lanesToBytes(state);
}

/** P128: BE64(h2) ‖ BE64(h1), 16 bytes. */
export function pearson128(data: Uint8Array): Uint8Array {
  const state = new Uint32Array(4);
  hashLanes(data, 0, data.length, state);
  return lanesToBytes(state);
}

/** P64 as a bigint (control path and tests). */
export function pearson64(data: Uint8Array): bigint {
  hashLanes(data, 0, data.length, oneLane);
  return (BigInt(oneLane[0]!) << 32n) | BigInt(oneLane[1]!);
}

/** P32: the low 32 bits of P64, unsigned. */
export function pearson32(data: Uint8Array): number {
  hashLanes(data, 0, data.length, oneLane);
  return oneLane[1]!;
}
