// The helper's pointer on the shared picture (help contract: data channel `pointer`, {x, y} in
// 0..1 of the picture's width and height). The helped side draws it; what arrives is hostile, so
// decoding never throws and refuses anything but two finite numbers in range.
import { isPointerMark, type PointerMark } from '../../../shared/pointer-mark.js';

export type { PointerMark } from '../../../shared/pointer-mark.js';

/** Messages on the channel stay tiny; anything longer is not a pointer. */
const MAX_MESSAGE = 128;

/** Where a point of an element (client coordinates) falls on the picture, clamped to it. */
export function pointerOnPicture(clientX: number, clientY: number, box: { readonly left: number; readonly top: number; readonly width: number; readonly height: number }): PointerMark | undefined {
  if (box.width <= 0 || box.height <= 0) return undefined;
  const clamp = (value: number): number => Math.min(1, Math.max(0, value));
  return { x: clamp((clientX - box.left) / box.width), y: clamp((clientY - box.top) / box.height) };
}

export function encodePointer(mark: PointerMark): string {
  // Four decimals place the mark within a pixel on a 10 000-pixel-wide screen.
  return JSON.stringify({ x: Math.round(mark.x * 1e4) / 1e4, y: Math.round(mark.y * 1e4) / 1e4 });
}

export function decodePointer(message: unknown): PointerMark | undefined {
  if (typeof message !== 'string' || message.length > MAX_MESSAGE) return undefined;
  try {
    const value: unknown = JSON.parse(message);
    return isPointerMark(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
