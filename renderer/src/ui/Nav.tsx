import { useRef, type KeyboardEvent } from 'react';

export const SCREENS = ['Connect', 'Peers', 'Ask for help', 'Supernodes', 'Networks', 'Network settings', 'Invite', 'Diagnostics'] as const;
export type Screen = (typeof SCREENS)[number];

export function tabId(screen: Screen): string {
  return `tab-${screen.toLowerCase().replace(/\s+/g, '-')}`;
}
export function panelId(screen: Screen): string {
  return `panel-${screen.toLowerCase().replace(/\s+/g, '-')}`;
}

/** A vertical tablist: arrow keys move between screens, Home/End jump, Tab leaves the list. */
export function Nav({ current, onSelect }: { current: Screen; onSelect: (screen: Screen) => void }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const index = SCREENS.indexOf(current);
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowRight: index + 1, ArrowUp: index - 1, ArrowLeft: index - 1, Home: 0, End: SCREENS.length - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = (target + SCREENS.length) % SCREENS.length;
    const screen = SCREENS[next];
    if (screen === undefined) return;
    onSelect(screen);
    refs.current[next]?.focus();
  };
  return (
    <div className="nav" role="tablist" aria-orientation="vertical" aria-label="Screens" onKeyDown={onKeyDown}>
      {SCREENS.map((screen, index) => (
        <button
          key={screen}
          ref={(element) => {
            refs.current[index] = element;
          }}
          id={tabId(screen)}
          role="tab"
          type="button"
          aria-selected={screen === current}
          aria-controls={panelId(screen)}
          tabIndex={screen === current ? 0 : -1}
          className="nav-item"
          onClick={() => onSelect(screen)}
        >
          {screen}
        </button>
      ))}
    </div>
  );
}
