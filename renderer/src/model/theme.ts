export type ThemeChoice = 'system' | 'light' | 'dark';

/** The toggle cycles system → light → dark → system. */
export function nextTheme(choice: ThemeChoice): ThemeChoice {
  return choice === 'system' ? 'light' : choice === 'light' ? 'dark' : 'system';
}
