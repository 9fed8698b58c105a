import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { HelpActions, HelpState, HelpStore } from '../store/help-store.js';

export const HelpContext = createContext<HelpStore | undefined>(undefined);

/** Selects from the window's help store (given to <App>). */
export function useHelp<T>(select: (state: HelpState & HelpActions) => T): T {
  const store = useContext(HelpContext);
  if (store === undefined) throw new Error('useHelp outside <HelpContext>');
  return useStore(store, select);
}
