/**
 * Persistence of the provider base URLs (main thread; also read by the service worker to build the
 * Content-Security-Policy): IndexedDB database `cutwise-settings`, store `provider-endpoints`, one
 * record per provider whose string properties are base URLs. Not secret, but kept beside the keys
 * because a changed endpoint decides where a key is sent.
 */
import { openDB, type DBSchema } from 'idb';
import { emptyEndpoints, type ProviderEndpoints } from '../providers/endpoints.ts';
import { PROVIDER_IDS } from '../providers/catalog.ts';
import { ENDPOINTS_STORE, SETTINGS_DB } from '../shared/names.ts';
import type { ProviderId } from '../providers/types.ts';

interface SettingsSchema extends DBSchema {
  [ENDPOINTS_STORE]: { key: ProviderId; value: Record<string, string> };
}

export interface EndpointStore {
  load(): Promise<ProviderEndpoints>;
  save(provider: ProviderId, endpoints: ProviderEndpoints[ProviderId]): Promise<void>;
}

function onlyStrings(value: Record<string, unknown> | undefined): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [field, url] of Object.entries(value ?? {})) if (typeof url === 'string' && url !== '') clean[field] = url;
  return clean;
}

export async function openEndpointStore(name = SETTINGS_DB): Promise<EndpointStore> {
  const db = await openDB<SettingsSchema>(name, 1, {
    upgrade(database) {
      database.createObjectStore(ENDPOINTS_STORE);
    },
  });
  return {
    async load() {
      const endpoints = emptyEndpoints();
      for (const provider of PROVIDER_IDS) {
        Object.assign(endpoints[provider], onlyStrings(await db.get(ENDPOINTS_STORE, provider)));
      }
      return endpoints;
    },
    async save(provider, endpoints) {
      const clean = onlyStrings({ ...endpoints });
      if (Object.keys(clean).length === 0) await db.delete(ENDPOINTS_STORE, provider);
      else await db.put(ENDPOINTS_STORE, clean, provider);
    },
  };
}
