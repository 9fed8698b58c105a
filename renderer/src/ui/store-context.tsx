import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { KithActions, KithState, KithStore } from '../store/store.js';

export const StoreContext = createContext<KithStore | undefined>(undefined);

/** Selects from the window's store (zustand's useStore over the store given to <App>). */
export function useKith<T>(select: (state: KithState & KithActions) => T): T {
  const store = useContext(StoreContext);
  if (store === undefined) throw new Error('useKith outside <StoreContext>');
  return useStore(store, select);
}
