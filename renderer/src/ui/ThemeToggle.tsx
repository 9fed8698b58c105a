import { useEffect, useState } from 'react';
import { nextTheme, type ThemeChoice } from '../model/theme.js';

const STORAGE_KEY = 'kith.theme';

function stored(): ThemeChoice {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

/** Follows prefers-color-scheme until the person picks light or dark. */
export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(stored);
  useEffect(() => {
    if (choice === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = choice;
    try {
      if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
      else localStorage.setItem(STORAGE_KEY, choice);
    } catch {
      // Storage may be unavailable (private window): the choice lasts until the window closes.
    }
  }, [choice]);
  const label = choice === 'system' ? 'Theme: system' : choice === 'light' ? 'Theme: light' : 'Theme: dark';
  return (
    <button type="button" className="small theme-toggle" onClick={() => setChoice(nextTheme(choice))} title="Switch between system, light and dark">
      {label}
    </button>
  );
}
