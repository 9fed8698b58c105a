// SPECK-128/128 and SPECK-128/256 in the implementation-guide byte order, plus n3n's CTR mode
// (CRYPTO.md §1.2, PROTOCOL.md Appendix B). Node/OpenSSL have no Speck, so this is hand-written.
// 64-bit words are kept as 32-bit halves (no BigInt) and all state lives in preallocated typed
// arrays: the data path runs CTR over every packet payload and every encrypted header.

/** Expanded key: round keys as (high, low) 32-bit pairs, round r at [2r, 2r + 1]. */
export interface SpeckKeySchedule {
  readonly rounds: number;
  readonly roundKeys: Int32Array;
}

// Working block [yHi, yLo, xHi, xLo]; y = LE64(block[0..8)), x = LE64(block[8..16)).
const state = new Int32Array(4);
const keystream = new Uint8Array(16);

function readLE32(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24);
}

function writeLE32(b: Uint8Array, at: number, v: number): void {
  b[at] = v;
  b[at + 1] = v >>> 8;
  b[at + 2] = v >>> 16;
  b[at + 3] = v >>> 24;
}

function xorLE32(b: Uint8Array, at: number, v: number): void {
  b[at] = b[at]! ^ v;
  b[at + 1] = b[at + 1]! ^ (v >>> 8);
  b[at + 2] = b[at + 2]! ^ (v >>> 16);
  b[at + 3] = b[at + 3]! ^ (v >>> 24);
}

/**
 * One forward round on state with round key (kHi, kLo): x = (ROR(x, 8) + y) XOR k;
 * y = ROL(y, 3) XOR x. The key schedule is the same round with (l_i, k_i) as (x, y) and i as key.
 */
function round(s: Int32Array, kHi: number, kLo: number): void {
  const yHi = s[0]!;
  const yLo = s[1]!;
  const xHi = s[2]!;
  const xLo = s[3]!;
  // ROR(x, 8)
  const rHi = (xHi >>> 8) | (xLo << 24);
  const rLo = (xLo >>> 8) | (xHi << 24);
  // + y with carry out of the low half
  const sLo = (rLo + yLo) | 0;
  const carry = ((rLo & yLo) | ((rLo | yLo) & ~sLo)) >>> 31;
  const nxHi = ((rHi + yHi + carry) | 0) ^ kHi;
  const nxLo = sLo ^ kLo;
  // ROL(y, 3) XOR x
  s[0] = ((yHi << 3) | (yLo >>> 29)) ^ nxHi;
  s[1] = ((yLo << 3) | (yHi >>> 29)) ^ nxLo;
  s[2] = nxHi;
  s[3] = nxLo;
}

function encryptState(ks: SpeckKeySchedule): void {
  const rk = ks.roundKeys;
  for (let r = 0; r < 2 * ks.rounds; r += 2) round(state, rk[r]!, rk[r + 1]!);
}

function decryptState(ks: SpeckKeySchedule): void {
  const rk = ks.roundKeys;
  let yHi = state[0]!;
  let yLo = state[1]!;
  let xHi = state[2]!;
  let xLo = state[3]!;
  for (let r = 2 * ks.rounds - 2; r >= 0; r -= 2) {
    // y = ROR(y XOR x, 3)
    const tHi = yHi ^ xHi;
    const tLo = yLo ^ xLo;
    yHi = (tHi >>> 3) | (tLo << 29);
    yLo = (tLo >>> 3) | (tHi << 29);
    // x = ROL((x XOR k) − y, 8)
    const aHi = xHi ^ rk[r]!;
    const aLo = xLo ^ rk[r + 1]!;
    const dLo = (aLo - yLo) | 0;
    const borrow = aLo >>> 0 < yLo >>> 0 ? 1 : 0;
    const dHi = (aHi - yHi - borrow) | 0;
    xHi = (dHi << 8) | (dLo >>> 24);
    xLo = (dLo << 8) | (dHi >>> 24);
  }
  state[0] = yHi;
  state[1] = yLo;
  state[2] = xHi;
  state[3] = xLo;
}

/** Expands a 16-byte (SPECK-128/128, 32 rounds) or 32-byte (SPECK-128/256, 34 rounds) key. */
export function speckKeySchedule(key: Uint8Array): SpeckKeySchedule {
  if (key.length !== 16 && key.length !== 32) {
    throw new RangeError(`SPECK key must be 16 or 32 bytes, got ${key.length}`);
  }
  const m = key.length / 8;
  const rounds = m === 2 ? 32 : 34;
  // l holds (hi, lo) pairs of l_0 .. l_{rounds+m-2}; key word K_i = LE64(key[8i..8i+8)).
  const l = new Int32Array(2 * (rounds + m));
  for (let i = 1; i < m; i++) {
    l[2 * (i - 1)] = readLE32(key, 8 * i + 4);
    l[2 * (i - 1) + 1] = readLE32(key, 8 * i);
  }
  const roundKeys = new Int32Array(2 * rounds);
  const s = new Int32Array(4);
  s[0] = readLE32(key, 4);
  s[1] = readLE32(key, 0);
  for (let i = 0; i < rounds - 1; i++) {
    roundKeys[2 * i] = s[0];
    roundKeys[2 * i + 1] = s[1]!;
    // Appendix B: l_{i+m-1} = (ROR(l_i, 8) + k_i) XOR i; k_{i+1} = ROL(k_i, 3) XOR l_{i+m-1}.
    s[2] = l[2 * i]!;
    s[3] = l[2 * i + 1]!;
    round(s, 0, i);
    l[2 * (i + m - 1)] = s[2];
    l[2 * (i + m - 1) + 1] = s[3];
  }
  roundKeys[2 * (rounds - 1)] = s[0];
  roundKeys[2 * (rounds - 1) + 1] = s[1]!;
  return { rounds, roundKeys };
}

function loadBlock(src: Uint8Array, at: number): void {
  state[0] = readLE32(src, at + 4);
  state[1] = readLE32(src, at);
  state[2] = readLE32(src, at + 12);
  state[3] = readLE32(src, at + 8);
}

function storeBlock(dst: Uint8Array, at: number): void {
  writeLE32(dst, at, state[1]!);
  writeLE32(dst, at + 4, state[0]!);
  writeLE32(dst, at + 8, state[3]!);
  writeLE32(dst, at + 12, state[2]!);
}

/** Encrypts the 16-byte block src[srcAt..) into dst[dstAt..); src and dst may be the same. */
export function speckEncryptBlock(
  ks: SpeckKeySchedule,
  src: Uint8Array,
  srcAt: number,
  dst: Uint8Array,
  dstAt: number,
): void {
  loadBlock(src, srcAt);
  encryptState(ks);
  storeBlock(dst, dstAt);
}

/** Decrypts the 16-byte block src[srcAt..) into dst[dstAt..); src and dst may be the same. */
export function speckDecryptBlock(
  ks: SpeckKeySchedule,
  src: Uint8Array,
  srcAt: number,
  dst: Uint8Array,
  dstAt: number,
): void {
  loadBlock(src, srcAt);
  decryptState(ks);
  storeBlock(dst, dstAt);
}

/**
 * n3n's SPECK-CTR over data[start, end) in place (encryption = decryption). The initial counter
 * block is iv[ivAt, ivAt + 16); it is read before any byte is written, so it may lie inside data.
 * CRYPTO.md §1.2: block j encrypts the IV with LE64(IV[0..8)) + j (mod 2^64); bytes 8..15 of the
 * counter never change (no carry).
 */
export function speckCtr(
  ks: SpeckKeySchedule,
  iv: Uint8Array,
  ivAt: number,
  data: Uint8Array,
  start: number,
  end: number,
): void {
  let cLo = readLE32(iv, ivAt);
  let cHi = readLE32(iv, ivAt + 4);
  const xLo = readLE32(iv, ivAt + 8);
  const xHi = readLE32(iv, ivAt + 12);
  let at = start;
  for (; at + 16 <= end; at += 16) {
    state[0] = cHi;
    state[1] = cLo;
    state[2] = xHi;
    state[3] = xLo;
    encryptState(ks);
    xorLE32(data, at, state[1]);
    xorLE32(data, at + 4, state[0]);
    xorLE32(data, at + 8, state[3]);
    xorLE32(data, at + 12, state[2]);
    cLo = (cLo + 1) | 0;
    if (cLo === 0) cHi = (cHi + 1) | 0;
  }
  if (at < end) {
    state[0] = cHi;
    state[1] = cLo;
    state[2] = xHi;
    state[3] = xLo;
    encryptState(ks);
    storeBlock(keystream, 0);
    for (let i = 0; at + i < end; i++) data[at + i] = data[at + i]! ^ keystream[i]!;
  }
}
