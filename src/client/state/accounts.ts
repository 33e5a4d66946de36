/**
 * Provider keys and accounts (main thread): which keys are saved (masked), each account's plan and
 * balance, and the base URLs the adapters use. Keys stay in the vault; a request decrypts its key
 * just for that request. Created per app instance and handed down by context.
 */
import { createMemo } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { ProviderError, PROVIDER_NAMES, isPhotoRoomSandboxKey } from '../../providers/index.ts';
import type { AccountBalance, ProviderId } from '../../providers/types.ts';
import { checkBaseUrl, createAdapters, emptyEndpoints, type AdapterSet, type ProviderEndpoints } from '../../providers/endpoints.ts';
import { openKeyVault, type KeyVault, type StoredKey } from '../../keys/vault.ts';
import { openEndpointStore, type EndpointStore } from '../../settings/provider-endpoints.ts';

export const PROVIDER_IDS = Object.keys(PROVIDER_NAMES) as ProviderId[];

export interface Account {
  key: StoredKey;
  balance?: AccountBalance;
  checkedAt?: number;
  /** Why the last check failed, in words a person understands. */
  problem?: string;
  checking: boolean;
}

export interface AccountsState {
  /** False until the vault and settings have been read. */
  ready: boolean;
  /** Why keys cannot be stored in this browser (e.g. private mode without IndexedDB). */
  unavailable?: string;
  accounts: Partial<Record<ProviderId, Account>>;
  endpoints: ProviderEndpoints;
}

export type AddKeyOutcome = { saved: true; account: Account } | { saved: false; reason: string };

export interface AccountsDeps {
  openVault?: () => Promise<KeyVault>;
  openEndpoints?: () => Promise<EndpointStore>;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function createAccounts(deps: AccountsDeps = {}) {
  const [state, setState] = createStore<AccountsState>({ ready: false, accounts: {}, endpoints: emptyEndpoints() });
  const adapters = createMemo<AdapterSet>(() => createAdapters(unwrapEndpoints(state.endpoints)));
  let vault: KeyVault | undefined;
  let endpointStore: EndpointStore | undefined;

  const ready = (async () => {
    try {
      [vault, endpointStore] = await Promise.all([
        (deps.openVault ?? openKeyVault)(),
        (deps.openEndpoints ?? openEndpointStore)(),
      ]);
      const [keys, endpoints] = await Promise.all([vault.list(), endpointStore.load()]);
      setState('endpoints', endpoints);
      for (const key of keys) setState('accounts', key.provider, { key, checking: false });
      setState('ready', true);
      return keys;
    } catch (error) {
      setState({ ready: true, unavailable: `Keys cannot be saved in this browser: ${describe(error)}` });
      return [];
    }
  })();
  // Balances may have moved since the last visit (other devices, the provider's dashboard).
  void ready.then((keys) => Promise.all(keys.map((key) => refresh(key.provider))));

  function requireVault(): KeyVault {
    if (!vault) throw new Error(state.unavailable ?? 'Keys are still loading.');
    return vault;
  }

  async function fetchBalance(provider: ProviderId, secret: string): Promise<AccountBalance> {
    return adapters()[provider].fetchAccount(secret);
  }

  /** Checks a key with its provider's account endpoint before saving it. */
  async function addKey(provider: ProviderId, secret: string): Promise<AddKeyOutcome> {
    await ready;
    const trimmed = secret.trim();
    if (trimmed === '') return { saved: false, reason: `Paste your ${PROVIDER_NAMES[provider]} API key first.` };
    let balance: AccountBalance | undefined;
    let problem: string | undefined;
    try {
      balance = await fetchBalance(provider, trimmed);
    } catch (error) {
      // A rejected key is not worth keeping; a provider we cannot reach now may still take it later.
      if (error instanceof ProviderError && error.kind === 'key-rejected') return { saved: false, reason: error.message };
      problem = `Saved, but not checked yet: ${describe(error)}`;
    }
    const key = await requireVault().add(provider, trimmed, { sandbox: provider === 'photoroom' && isPhotoRoomSandboxKey(trimmed) });
    const account: Account = { key, checking: false };
    if (balance) Object.assign(account, { balance, checkedAt: Date.now() });
    if (problem) account.problem = problem;
    setState('accounts', provider, reconcile(account));
    return { saved: true, account };
  }

  async function forget(provider: ProviderId): Promise<void> {
    const account = state.accounts[provider];
    if (!account) return;
    await requireVault().forget(account.key.id);
    setState('accounts', provider, undefined);
  }

  async function refresh(provider: ProviderId): Promise<void> {
    const account = state.accounts[provider];
    if (!account) return;
    setState('accounts', provider, 'checking', true);
    try {
      const balance = await withKey(provider, (secret) => fetchBalance(provider, secret));
      setState('accounts', provider, { balance, checkedAt: Date.now(), problem: undefined });
    } catch (error) {
      setState('accounts', provider, 'problem', describe(error));
    } finally {
      if (state.accounts[provider]) setState('accounts', provider, 'checking', false);
    }
  }

  /** Runs `use` with the decrypted key; the plain key lives only for that call. */
  async function withKey<T>(provider: ProviderId, use: (secret: string, adapters: AdapterSet) => Promise<T>): Promise<T> {
    await ready;
    const account = state.accounts[provider];
    if (!account) throw new Error(`No ${PROVIDER_NAMES[provider]} key is saved. Add one in Keys.`);
    return use(await requireVault().reveal(account.key.id), adapters());
  }

  /** Saves one base URL ('' = back to the provider's own host); returns why not, if refused. */
  async function setEndpoint(provider: ProviderId, field: string, value: string): Promise<string | undefined> {
    await ready;
    let url = '';
    if (value.trim() !== '') {
      const checked = checkBaseUrl(value);
      if (!checked.ok) return checked.reason;
      url = checked.url;
    }
    const next: Record<string, string> = { ...(state.endpoints[provider] as Record<string, string>) };
    if (url) next[field] = url;
    else delete next[field];
    if (!endpointStore) return state.unavailable ?? 'Settings are still loading.';
    await endpointStore.save(provider, next);
    setState('endpoints', provider, reconcile(next));
    return undefined;
  }

  return { state, ready, adapters, addKey, forget, refresh, withKey, setEndpoint };
}

function unwrapEndpoints(endpoints: ProviderEndpoints): ProviderEndpoints {
  return {
    photoroom: { ...endpoints.photoroom },
    removebg: { ...endpoints.removebg },
    withoutbg: { ...endpoints.withoutbg },
  };
}

export type Accounts = ReturnType<typeof createAccounts>;
