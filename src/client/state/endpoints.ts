/**
 * Where each provider is reached (main thread): the base URLs a person set under Keys → Advanced,
 * kept in IndexedDB (settings/), and the adapters built from them. Created once by the composition root.
 */
import { createMemo, type Accessor } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { PROVIDER_IDS } from '../../providers/catalog.ts';
import { checkBaseUrl, createAdapters, emptyEndpoints, type AdapterSet, type ProviderEndpoints } from '../../providers/endpoints.ts';
import type { ProviderId } from '../../providers/types.ts';
import { openEndpointStore, type EndpointStore } from '../../settings/provider-endpoints.ts';
import { failureText } from './editor.ts';

export interface EndpointsDeps {
  openStore?: () => Promise<EndpointStore>;
}

export function createEndpoints(deps: EndpointsDeps = {}) {
  const [state, setState] = createStore<{ values: ProviderEndpoints; unavailable?: string }>({ values: emptyEndpoints() });
  const adapters: Accessor<AdapterSet> = createMemo(() => {
    const copy = emptyEndpoints();
    for (const provider of PROVIDER_IDS) copy[provider] = { ...state.values[provider] };
    return createAdapters(copy);
  });

  /** Resolves once the saved addresses are in place (or could not be read: the defaults stand). */
  const ready: Promise<EndpointStore | undefined> = (deps.openStore ?? openEndpointStore)().then(
    async (store) => {
      setState('values', await store.load());
      return store;
    },
    (error: unknown) => {
      setState('unavailable', `Addresses cannot be saved in this browser: ${failureText(error)}`);
      return undefined;
    },
  );

  /** Saves one base URL ('' = back to the provider's own host); returns why not, if refused. */
  async function set(provider: ProviderId, field: string, value: string): Promise<string | undefined> {
    let url = '';
    if (value.trim() !== '') {
      const checked = checkBaseUrl(value, provider);
      if (!checked.ok) return checked.reason;
      url = checked.url;
    }
    const store = await ready;
    if (!store) return state.unavailable;
    const next: Record<string, string> = { ...state.values[provider] };
    if (url) next[field] = url;
    else delete next[field];
    await store.save(provider, next);
    setState('values', provider, reconcile(next));
    return undefined;
  }

  return { state, ready, adapters, set };
}

export type Endpoints = ReturnType<typeof createEndpoints>;
