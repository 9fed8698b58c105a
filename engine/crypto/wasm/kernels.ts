// The WebAssembly crypto kernels (kernels.c, built by scripts/build-wasm.sh): Pearson lanes, Speck
// with n3n's CTR, ChaCha20 without counter carry and Twofish-256 CBC (CRYPTO.md §1.1, §1.2, §1.4,
// §1.5). The module is compiled and instantiated synchronously once, at import.
//
// Calling convention: each function copies its input range into the module's static I/O area
// (Uint8Array.set on a cached view of linear memory), runs one kernel, and copies the result back.
// Nothing is allocated per call beyond the subarray views that Uint8Array.set needs for ranges.
//
// Key slots: an expanded key lives in linear memory above __heap_base; the owning TypeScript
// object keeps only its address. Slots come from a bump allocator with one free list per slot
// size; a FinalizationRegistry returns a slot to its list once the owner is garbage-collected, so
// callers never free explicitly (a supernode may hold a key pair per community for its lifetime).

import { readFileSync } from 'node:fs';

// The slice of the WebAssembly JS API used here: the project's lib settings (ES2023, @types/node
// 20) declare none of it.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
declare const WebAssembly: {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object) => { readonly exports: unknown };
};

interface KernelExports {
  readonly memory: WasmMemory;
  readonly __heap_base: { readonly value: number };
  io_area(): number;
  io_bytes(): number;
  iv_area(): number;
  pearson_out_area(): number;
  pearson_reset(): void;
  pearson_update(lanes: number, length: number): void;
  pearson_final(lanes: number, length: number, totalLo: number, totalHi: number): void;
  speck_slot_bytes(): number;
  speck_expand(slot: number, keyBytes: number): void;
  speck_encrypt_block(slot: number): void;
  speck_decrypt_block(slot: number): void;
  speck_ctr(slot: number, length: number): void;
  twofish_slot_bytes(): number;
  twofish_expand(slot: number): void;
  twofish_cbc_encrypt(slot: number, length: number): void;
  twofish_cbc_decrypt(slot: number, length: number): void;
}

const wasm = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL('./kernels.wasm', import.meta.url))))
  .exports as KernelExports;

const IO = wasm.io_area();
const IO_BYTES = wasm.io_bytes();
const IV = wasm.iv_area();
const PEARSON_OUT = wasm.pearson_out_area();
const SPECK_SLOT_BYTES = wasm.speck_slot_bytes();
const TWOFISH_SLOT_BYTES = wasm.twofish_slot_bytes();
const WASM_PAGE = 65536;
const BLOCK = 16;

/** View of linear memory; replaced when a slot allocation grows memory (growing detaches it). */
let heap = new Uint8Array(wasm.memory.buffer);

// ---- key slots -------------------------------------------------------------------------------

let slotTop = (wasm.__heap_base.value + 15) & ~15;
const freeSlots = new Map<number, number[]>();
const slotReleases = new FinalizationRegistry<readonly [number, number]>(([slot, bytes]) => {
  freeListOf(bytes).push(slot);
});

function freeListOf(bytes: number): number[] {
  let list = freeSlots.get(bytes);
  if (list === undefined) {
    list = [];
    freeSlots.set(bytes, list);
  }
  return list;
}

/** A slot of `bytes` (a multiple of 16) that returns to the free list when owner is collected. */
function claimSlot(owner: object, bytes: number): number {
  let slot = freeListOf(bytes).pop();
  if (slot === undefined) {
    slot = slotTop;
    slotTop += bytes;
    const missing = slotTop - wasm.memory.buffer.byteLength;
    if (missing > 0) {
      wasm.memory.grow(Math.ceil(missing / WASM_PAGE));
      heap = new Uint8Array(wasm.memory.buffer);
    }
  }
  slotReleases.register(owner, [slot, bytes]);
  return slot;
}

// ---- copies between JavaScript arrays and linear memory ----------------------------------------

function copyIn(src: Uint8Array, start: number, end: number, to: number): void {
  heap.set(start === 0 && end === src.length ? src : src.subarray(start, end), to);
}

function copyOut(from: number, length: number, dst: Uint8Array, dstAt: number): void {
  dst.set(heap.subarray(from, from + length), dstAt);
}

/** IVs, single blocks: a loop is cheaper than creating subarray views for 16 bytes. */
function copyBlockIn(src: Uint8Array, at: number, to: number): void {
  if (at < 0 || at + BLOCK > src.length) throw new RangeError('16-byte block out of range');
  for (let i = 0; i < BLOCK; i++) heap[to + i] = src[at + i]!;
}

function copyBlockOut(from: number, dst: Uint8Array, at: number): void {
  if (at < 0 || at + BLOCK > dst.length) throw new RangeError('16-byte block out of range');
  for (let i = 0; i < BLOCK; i++) dst[at + i] = heap[from + i]!;
}

function checkRange(data: Uint8Array, start: number, end: number): void {
  if (start < 0 || end < start || end > data.length) throw new RangeError(`range [${start}, ${end}) out of bounds`);
}

// ---- Pearson (CRYPTO.md §1.1) ------------------------------------------------------------------

export type PearsonLanes = 1 | 2 | 4;

/** Hashes data[start, end) with `lanes` lanes; read the result with pearsonOutput / pearson64High. */
export function pearsonHash(lanes: PearsonLanes, data: Uint8Array, start: number, end: number): void {
  checkRange(data, start, end);
  wasm.pearson_reset();
  let at = start;
  // Non-final chunks are multiples of 8 bytes (IO_BYTES is), as the word loop requires.
  for (; end - at > IO_BYTES; at += IO_BYTES) {
    copyIn(data, at, at + IO_BYTES, IO);
    wasm.pearson_update(lanes, IO_BYTES);
  }
  copyIn(data, at, end, IO);
  const total = end - start;
  wasm.pearson_final(lanes, end - at, total >>> 0, Math.floor(total / 2 ** 32));
}

/** The last hash as BE64(h_lanes) ‖ … ‖ BE64(h_1), a new array. */
export function pearsonOutput(lanes: PearsonLanes): Uint8Array {
  return heap.slice(PEARSON_OUT, PEARSON_OUT + 8 * lanes);
}

function readBE32(at: number): number {
  return ((heap[at]! << 24) | (heap[at + 1]! << 16) | (heap[at + 2]! << 8) | heap[at + 3]!) >>> 0;
}

/** High 32 bits of h_1 from the last one-lane hash. */
export function pearson64High(): number {
  return readBE32(PEARSON_OUT);
}

/** Low 32 bits of h_1 from the last one-lane hash. */
export function pearson64Low(): number {
  return readBE32(PEARSON_OUT + 4);
}

// ---- Speck (CRYPTO.md §1.2) ----------------------------------------------------------------------

/** Expands a 16- or 32-byte key into a new slot owned by owner; returns the slot address. */
export function speckExpand(owner: object, key: Uint8Array): number {
  const slot = claimSlot(owner, SPECK_SLOT_BYTES);
  copyIn(key, 0, key.length, IO);
  wasm.speck_expand(slot, key.length);
  return slot;
}

/** Copy of the round keys k_0 .. k_{rounds-1} as little-endian 64-bit words (inspection, tests). */
export function speckRoundKeys(slot: number, rounds: number): Uint8Array {
  return heap.slice(slot + 8, slot + 8 + 8 * rounds);
}

/** One block from src[srcAt..srcAt + 16) to dst[dstAt..); the ranges may overlap. */
export function speckBlock(
  slot: number,
  decrypt: boolean,
  src: Uint8Array,
  srcAt: number,
  dst: Uint8Array,
  dstAt: number,
): void {
  copyBlockIn(src, srcAt, IO);
  if (decrypt) wasm.speck_decrypt_block(slot);
  else wasm.speck_encrypt_block(slot);
  copyBlockOut(IO, dst, dstAt);
}

/** n3n's Speck CTR over data[start, end) in place, first counter block iv[ivAt, ivAt + 16). */
export function speckCtrXor(slot: number, iv: Uint8Array, ivAt: number, data: Uint8Array, start: number, end: number): void {
  checkRange(data, start, end);
  // The IV is copied before any data byte is written, so it may lie inside data.
  copyBlockIn(iv, ivAt, IV);
  for (let at = start; at < end; at += IO_BYTES) {
    const length = Math.min(IO_BYTES, end - at);
    copyIn(data, at, at + length, IO);
    wasm.speck_ctr(slot, length);
    copyOut(IO, length, data, at);
  }
}

// ---- Twofish-256 (CRYPTO.md §1.4) --------------------------------------------------------------

/** Expands a 32-byte key (round subkeys and full-keyed g() tables) into a new slot owned by owner. */
export function twofishExpand(owner: object, key: Uint8Array): number {
  const slot = claimSlot(owner, TWOFISH_SLOT_BYTES);
  copyIn(key, 0, 32, IO);
  wasm.twofish_expand(slot);
  return slot;
}

/**
 * CBC over src[srcAt, srcAt + length) (a multiple of 16) into dst[dstAt..), chained from
 * iv[ivAt, ivAt + 16) or from zero when iv is undefined. Chunks run front to back, so dst may share
 * memory with src only if it starts at or before src.
 */
export function twofishCbc(
  slot: number,
  decrypt: boolean,
  src: Uint8Array,
  srcAt: number,
  length: number,
  iv: Uint8Array | undefined,
  ivAt: number,
  dst: Uint8Array,
  dstAt: number,
): void {
  checkRange(src, srcAt, srcAt + length);
  if (iv === undefined) heap.fill(0, IV, IV + BLOCK);
  else copyBlockIn(iv, ivAt, IV);
  for (let offset = 0; offset < length; offset += IO_BYTES) {
    const chunk = Math.min(IO_BYTES, length - offset);
    copyIn(src, srcAt + offset, srcAt + offset + chunk, IO);
    if (decrypt) wasm.twofish_cbc_decrypt(slot, chunk);
    else wasm.twofish_cbc_encrypt(slot, chunk);
    copyOut(IO, chunk, dst, dstAt + offset);
  }
}
