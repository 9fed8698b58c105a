// The TAP offload's segmentation and coalescing on plain bytes (native/src/offload.h): what a
// TapDevice opened with `offload` does on every read and batch write, callable without a device so
// tests can check it on frames captured from the kernel and benchmarks can time it. Linux builds.
import { loadAddon } from './tap.js';

/** The virtio-net header in front of every frame on a TAP with IFF_VNET_HDR (TUNSETVNETHDRSZ). */
export const VNET_HDR_LEN = 12;

interface OffloadAddon {
  vnetSplit?: (input: Uint8Array, slab: Uint8Array, offsets: Uint32Array, lengths: Uint32Array) => number | string;
  vnetCoalesce?: (
    buf: Uint8Array,
    offsets: Uint32Array,
    lengths: Uint32Array,
    count: number,
    out: Uint8Array,
    outOffsets: Uint32Array,
    outLengths: Uint32Array,
  ) => number;
}

function addon(): Required<OffloadAddon> | undefined {
  const loaded = loadAddon();
  if (!loaded.ok) return undefined;
  const a = loaded.value as OffloadAddon;
  return a.vnetSplit !== undefined && a.vnetCoalesce !== undefined ? (a as Required<OffloadAddon>) : undefined;
}

/** True where the addon has the offload code (Linux, built). */
export function offloadSupported(): boolean {
  return addon() !== undefined;
}

const MAX_FRAME = 65536 + 64;

/**
 * The ordinary frames one read from the device (virtio-net header + frame) stands for, or why it
 * makes no sense ('short', 'bad-gso-type', 'bad-headers', 'bad-checksum-span').
 */
export function splitVnetFrame(input: Uint8Array): Uint8Array[] | string {
  const a = addon();
  if (a === undefined) return 'unsupported';
  const limit = Math.max(1, input.length);
  const slab = new Uint8Array(limit * 2 + MAX_FRAME);
  const offsets = new Uint32Array(limit);
  const lengths = new Uint32Array(limit);
  const n = a.vnetSplit(input, slab, offsets, lengths);
  if (typeof n === 'string') return n;
  return Array.from({ length: n }, (_, i) => slab.slice(offsets[i], offsets[i]! + lengths[i]!));
}

/** What writeBatch hands the kernel for these frames: each item a virtio-net header and a frame. */
export function coalesceFrames(frames: readonly Uint8Array[]): Uint8Array[] {
  const a = addon();
  if (a === undefined) throw new Error('the addon has no offload code on this platform');
  const offsets = new Uint32Array(frames.length);
  const lengths = new Uint32Array(frames.length);
  let total = 0;
  for (const [i, f] of frames.entries()) {
    offsets[i] = total;
    lengths[i] = f.length;
    total += f.length;
  }
  const buf = new Uint8Array(total);
  for (const [i, f] of frames.entries()) buf.set(f, offsets[i]);
  const out = new Uint8Array(total + frames.length * VNET_HDR_LEN);
  const outOffsets = new Uint32Array(Math.max(1, frames.length));
  const outLengths = new Uint32Array(Math.max(1, frames.length));
  const n = a.vnetCoalesce(buf, offsets, lengths, frames.length, out, outOffsets, outLengths);
  return Array.from({ length: n }, (_, i) => out.slice(outOffsets[i], outOffsets[i]! + outLengths[i]!));
}
