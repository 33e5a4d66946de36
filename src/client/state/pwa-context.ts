import { createContext, useContext } from 'solid-js';
import type { AppUpdate } from './app-update.ts';
import type { Connectivity } from './connectivity.ts';
import type { OfflineModelStore } from './offline-model.ts';

/** The installed-app side of the page: service worker, offline model, network state. */
export interface Pwa {
  update: AppUpdate;
  offlineModel: OfflineModelStore;
  connectivity: Connectivity;
}

export const PwaContext = createContext<Pwa>();

export function usePwa(): Pwa {
  const pwa = useContext(PwaContext);
  if (!pwa) throw new Error('usePwa() outside <PwaContext.Provider>');
  return pwa;
}
