// The helper's pointer on a shared screen (issue 13): where on the picture, as fractions of its
// width and height. It crosses the VPN in the help session's data channel and, in the desktop
// app, the IPC to the overlay window drawn above everything: both ends check it with this.

export interface PointerMark {
  readonly x: number;
  readonly y: number;
}

/** Exactly two finite numbers from 0 to 1, named x and y, and nothing else. */
export function isPointerMark(value: unknown): value is PointerMark {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length !== 2) return false;
  const { x, y } = value as { x?: unknown; y?: unknown };
  return isUnit(x) && isUnit(y);
}

function isUnit(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1;
}
