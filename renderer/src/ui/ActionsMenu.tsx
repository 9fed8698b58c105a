import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { menuKey, menuOpenIndex } from '../model/menu.js';

export interface MenuAction {
  /** The visible text. */
  readonly text: string;
  /** The accessible name, when the text alone would be ambiguous in a list of rows. */
  readonly label: string;
  readonly run: () => void;
}

/**
 * A menu button and its popup menu (WAI-ARIA menu button pattern): Enter, Space or ArrowDown open it
 * at the first item, ArrowUp at the last; arrows, Home and End move; Escape closes it and returns
 * focus to the button; Tab or a click elsewhere closes it. The popup lives at the end of the page,
 * fixed to the viewport, so neither a scrolling table nor a sticky column can clip or cover it.
 */
export function ActionsMenu({ label, actions }: { label: string; actions: readonly MenuAction[] }) {
  const [open, setOpen] = useState<number | undefined>(undefined);
  const [place, setPlace] = useState<{ top: number; right: number } | undefined>(undefined);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const menuId = useId();

  const close = (restoreFocus: boolean): void => {
    setOpen(undefined);
    if (restoreFocus) button.current?.focus();
  };

  // Placed below the button (above it when the window has no room), its right edge on the button's.
  useLayoutEffect(() => {
    if (open === undefined || button.current === null) return;
    const rect = button.current.getBoundingClientRect();
    const height = menu.current?.offsetHeight ?? 0;
    const below = rect.bottom + 4;
    const top = below + height > window.innerHeight && rect.top - 4 - height >= 0 ? rect.top - 4 - height : below;
    setPlace({ top, right: Math.max(4, window.innerWidth - rect.right) });
  }, [open]);

  useEffect(() => {
    if (open === undefined) return;
    items.current[open]?.focus();
  }, [open, place]);

  // A click outside, a scroll or a resize closes the menu (its fixed place would be stale).
  useEffect(() => {
    if (open === undefined) return;
    const onPointer = (event: PointerEvent): void => {
      const target = event.target as Node | null;
      if (target !== null && (menu.current?.contains(target) || button.current?.contains(target))) return;
      setOpen(undefined);
    };
    const onMove = (): void => setOpen(undefined);
    document.addEventListener('pointerdown', onPointer);
    window.addEventListener('resize', onMove);
    document.addEventListener('scroll', onMove, true);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      window.removeEventListener('resize', onMove);
      document.removeEventListener('scroll', onMove, true);
    };
  }, [open]);

  const onButtonKey = (event: KeyboardEvent<HTMLButtonElement>): void => {
    const index = menuOpenIndex(event.key, actions.length);
    if (index === undefined) return;
    event.preventDefault();
    setOpen(index);
  };

  const onMenuKey = (event: KeyboardEvent<HTMLDivElement>): void => {
    const current = items.current.findIndex((item) => item === document.activeElement);
    const move = menuKey(event.key, current < 0 ? 0 : current, actions.length);
    if (move.kind === 'none') return;
    if (move.kind === 'focus') {
      event.preventDefault();
      setOpen(move.index);
      items.current[move.index]?.focus();
      return;
    }
    // Tab keeps its default: with focus back on the button, it moves on from the button's place.
    if (!move.keepDefault) event.preventDefault();
    close(true);
  };

  return (
    <>
      <button
        ref={button}
        type="button"
        className="small menu-button"
        aria-label={label}
        title={label}
        aria-haspopup="menu"
        aria-expanded={open !== undefined}
        {...(open === undefined ? {} : { 'aria-controls': menuId })}
        onClick={() => (open === undefined ? setOpen(0) : close(false))}
        onKeyDown={onButtonKey}
      >
        <span aria-hidden="true">More</span>
        <span aria-hidden="true" className="menu-caret">
          ▾
        </span>
      </button>
      {open !== undefined &&
        createPortal(
          <div ref={menu} id={menuId} role="menu" aria-label={label} className="menu" style={place === undefined ? { visibility: 'hidden' } : { top: place.top, right: place.right }} onKeyDown={onMenuKey}>
            {actions.map((action, index) => (
              <button
                key={action.label}
                ref={(element) => {
                  items.current[index] = element;
                }}
                type="button"
                role="menuitem"
                tabIndex={-1}
                aria-label={action.label}
                className="menu-item"
                onClick={() => {
                  close(true);
                  action.run();
                }}
              >
                {action.text}
              </button>
            ))}
          </div>,
          document.body,
        )}
    </>
  );
}
