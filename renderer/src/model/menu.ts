// Keyboard handling of a small popup menu (WAI-ARIA menu button pattern): arrow keys move and wrap,
// Home/End jump, Escape and Tab close it. Closing always puts focus back on the menu button; for Tab
// the key then does its usual work from there, moving on to the control after (or before) it.

export type MenuMove = { readonly kind: 'focus'; readonly index: number } | { readonly kind: 'close'; readonly keepDefault: boolean } | { readonly kind: 'none' };

/** What a key pressed inside an open menu of `count` items does, the item at `index` focused. */
export function menuKey(key: string, index: number, count: number): MenuMove {
  if (count <= 0) return key === 'Escape' ? { kind: 'close', keepDefault: false } : { kind: 'none' };
  switch (key) {
    case 'ArrowDown':
      return { kind: 'focus', index: (index + 1 + count) % count };
    case 'ArrowUp':
      return { kind: 'focus', index: (index - 1 + count) % count };
    case 'Home':
    case 'PageUp':
      return { kind: 'focus', index: 0 };
    case 'End':
    case 'PageDown':
      return { kind: 'focus', index: count - 1 };
    case 'Escape':
      return { kind: 'close', keepDefault: false };
    case 'Tab':
      return { kind: 'close', keepDefault: true };
    default:
      return { kind: 'none' };
  }
}

/** The item a key on the closed menu button opens at: ArrowUp the last, the others the first. */
export function menuOpenIndex(key: string, count: number): number | undefined {
  if (key === 'ArrowDown' || key === 'Enter' || key === ' ') return 0;
  if (key === 'ArrowUp') return Math.max(0, count - 1);
  return undefined;
}
