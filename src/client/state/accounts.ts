/**
 * Provider keys and accounts (main thread): which keys are saved (masked), the base URLs the
 * adapters use, and every paid call and balance check, which go through the credits coordinator so
 * the balance stays right across tabs. Keys stay in the vault; a request decrypts its key just for
 * that request. Created per app instance and handed down by context.
 */
import { createMemo, createSignal, getOwner, onCleanup, runWithOwner, type Accessor } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { PROVIDER_IDS, PROVIDER_NAMES, isSandboxKey } from '../../providers/catalog.ts';
import { ProviderError } from '../../providers/errors.ts';
import { providerStatus, type ProviderStatus } from '../../providers/retirement.ts';
import type { ProcessResult, ProviderAdapter, ProviderId } from '../../providers/types.ts';
import { checkBaseUrl, createAdapters, emptyEndpoints, type AdapterSet, type ProviderEndpoints } from '../../providers/endpoints.ts';
import { openKeyVault, type KeyVault, type StoredKey } from '../../keys/vault.ts';
import { openEndpointStore, type EndpointStore } from '../../settings/provider-endpoints.ts';
import { createCreditsCoordinator, type CreditsCoordinator, type KeyRef } from '../../credits/coordinator/index.ts';
import type { Clock } from '../../credits/logic/types.ts';
import type { Preflight } from '../../credits/logic/preflight.ts';
import { openCreditsStore } from '../../credits/persistence/store.ts';
import { browserTabSync } from '../../credits/tabs.ts';
import { createCreditsUi, type CreditsUi } from './credits.ts';
import { blockedCallWords } from '../format/credits.ts';

export { PROVIDER_IDS };

export interface Account {
  key: StoredKey;
  /** Why the key could not be checked when it was added, in words a person understands. */
  problem?: string;
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

type AnyRequest = { op: string; image: Blob };

/**
 * A request bound to the adapter that takes it: built by `bindRequest`, where the compiler checks
 * that they belong together, and passed on without a union of every provider's request type.
 */
export interface PaidRequest {
  provider: ProviderId;
  adapter: ProviderAdapter<AnyRequest>;
  request: AnyRequest;
}

export function bindRequest<Request extends AnyRequest>(adapter: ProviderAdapter<Request>, request: Request): PaidRequest {
  // Sound: the pair is checked here, and PaidRequest is only ever used as a pair.
  return { provider: adapter.id, adapter: adapter as unknown as ProviderAdapter<AnyRequest>, request };
}

export interface AccountsDeps {
  openVault?: () => Promise<KeyVault>;
  openEndpoints?: () => Promise<EndpointStore>;
  openCoordinator?: (
    secretFor: (keyId: string) => Promise<Pick<KeyRef, 'secret' | 'adapter'> | undefined>,
    clock: Clock,
  ) => Promise<CreditsCoordinator>;
  /** The app's clock: decides, among other things, whether a provider has retired. Never the test machine's date in tests. */
  clock?: Clock;
  /** How often time-dependent state (a provider's retirement) is looked at again. */
  tickMs?: number;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function openBrowserCoordinator(secretFor: (keyId: string) => Promise<Pick<KeyRef, 'secret' | 'adapter'> | undefined>, clock: Clock) {
  return createCreditsCoordinator({ store: await openCreditsStore(), ...browserTabSync(), secretFor, clock });
}

interface Opened {
  vault: KeyVault;
  endpointStore: EndpointStore;
  coordinator: CreditsCoordinator;
}

export function createAccounts(deps: AccountsDeps = {}) {
  const [state, setState] = createStore<AccountsState>({ ready: false, accounts: {}, endpoints: emptyEndpoints() });
  const adapters = createMemo<AdapterSet>(() => createAdapters(copyEndpoints(state.endpoints)));
  const [credits, setCredits] = createSignal<CreditsUi>();
  const owner = getOwner();
  const clock: Clock = deps.clock ?? { now: () => Date.now() };
  const [now, setNow] = createSignal(clock.now());
  const ticker = setInterval(() => setNow(clock.now()), deps.tickMs ?? 30_000);
  if (owner) onCleanup(() => clearInterval(ticker));

  async function secretFor(keyId: string): Promise<Pick<KeyRef, 'secret' | 'adapter'> | undefined> {
    const provider = PROVIDER_IDS.find((candidate) => state.accounts[candidate]?.key.id === keyId);
    if (!provider || !opened) return undefined;
    return { secret: await opened.vault.reveal(keyId), adapter: adapters()[provider] };
  }

  let opened: Opened | undefined;
  const ready: Promise<Opened | undefined> = (async () => {
    try {
      const [vault, endpointStore, coordinator] = await Promise.all([
        (deps.openVault ?? openKeyVault)(),
        (deps.openEndpoints ?? openEndpointStore)(),
        (deps.openCoordinator ?? openBrowserCoordinator)(secretFor, clock),
      ]);
      opened = { vault, endpointStore, coordinator };
      const [keys, endpoints] = await Promise.all([vault.list(), endpointStore.load()]);
      setState('endpoints', endpoints);
      for (const key of keys) setState('accounts', key.provider, { key });
      setState('ready', true);
      runWithOwner(owner, () =>
        setCredits(createCreditsUi(coordinator, { refreshKey: (keyId) => refreshKey(keyId, 'user'), now: () => clock.now() })),
      );
      return opened;
    } catch (error) {
      setState({ ready: true, unavailable: `Keys cannot be saved in this browser: ${describe(error)}` });
      return undefined;
    }
  })();
  // Balances may have moved since the last visit (other devices, the provider's dashboard).
  void ready.then(async (open) => {
    if (!open) return;
    // Retired providers are not asked (the coordinator refuses those refreshes anyway).
    const live = PROVIDER_IDS.filter((provider) => state.accounts[provider] && status(provider).state === 'active');
    const refs = await Promise.all(live.map((provider) => keyRef(provider)));
    await open.coordinator.refreshStale(refs);
  });

  async function requireOpened(): Promise<Opened> {
    const open = await ready;
    if (!open) throw new Error(state.unavailable ?? 'Keys cannot be used in this browser.');
    return open;
  }

  async function keyRef(provider: ProviderId): Promise<KeyRef> {
    const { vault } = await requireOpened();
    const account = state.accounts[provider];
    if (!account) throw new Error(`No ${PROVIDER_NAMES[provider]} key is saved. Add one in Keys.`);
    return { keyId: account.key.id, provider, secret: await vault.reveal(account.key.id), adapter: adapters()[provider] };
  }

  /** Whether the provider still serves API keys: its meta.ts date by the app's clock, or what its answers showed. */
  function status(provider: ProviderId): ProviderStatus {
    return providerStatus(provider, now(), balanceOf(provider)?.retirement);
  }

  /** Saves a key, then checks it with its provider's account endpoint; a rejected key is not kept. */
  async function addKey(provider: ProviderId, secret: string): Promise<AddKeyOutcome> {
    const trimmed = secret.trim();
    if (trimmed === '') return { saved: false, reason: `Paste your ${PROVIDER_NAMES[provider]} API key first.` };
    const current = providerStatus(provider, clock.now());
    if (current.state === 'retired') {
      return { saved: false, reason: new ProviderError({ kind: 'retired', provider, retiredBy: current.by }).message };
    }
    let open: Opened;
    try {
      open = await requireOpened();
    } catch (error) {
      return { saved: false, reason: describe(error) };
    }
    const previous = state.accounts[provider];
    // Checked under a fresh id before it replaces anything: a rejected key leaves the old one in place.
    const keyId = crypto.randomUUID();
    const outcome = await open.coordinator.addKey({ keyId, provider, secret: trimmed, adapter: adapters()[provider] });
    const error = outcome.status === 'failed' ? outcome.error : undefined;
    const sandbox = isSandboxKey(provider, trimmed);
    // A sandbox key may be refused by the account endpoints alone (PhotoRoom's are said not to serve them): it is kept.
    if (error instanceof ProviderError && (error.kind === 'key-rejected' || error.kind === 'retired') && !sandbox) {
      await open.coordinator.forgetKey(keyId, { dropLedger: true });
      return { saved: false, reason: error.message };
    }
    const key = await open.vault.add(provider, trimmed, { id: keyId, sandbox });
    if (previous) await open.coordinator.forgetKey(previous.key.id);
    // A provider we cannot reach now may still take the key later.
    const problem =
      error === undefined
        ? undefined
        : sandbox && error instanceof ProviderError && error.kind === 'key-rejected'
          ? 'Saved. Sandbox keys may not report a balance: calls with this key are free and their results watermarked.'
          : `Saved, but not checked yet: ${describe(error)}`;
    const account: Account = problem === undefined ? { key } : { key, problem };
    setState('accounts', provider, reconcile(account));
    return { saved: true, account };
  }

  async function forget(provider: ProviderId): Promise<void> {
    const account = state.accounts[provider];
    if (!account) return;
    const open = await requireOpened();
    await open.vault.forget(account.key.id);
    await open.coordinator.forgetKey(account.key.id);
    setState('accounts', provider, undefined);
  }

  async function refreshKey(keyId: string, reason: 'user' | 'after-refusal') {
    const provider = PROVIDER_IDS.find((candidate) => state.accounts[candidate]?.key.id === keyId);
    if (!provider) return undefined;
    const open = await requireOpened();
    return open.coordinator.refresh(await keyRef(provider), reason);
  }

  /** What this call would cost and whether the balance can pay, before anything is sent. */
  async function preflight(paid: PaidRequest): Promise<Preflight> {
    const open = await requireOpened();
    const ref = await keyRef(paid.provider);
    return open.coordinator.preflight({ ...ref, adapter: paid.adapter, request: paid.request });
  }

  /** One paid call through the credits coordinator: debited on success only, never on an error. */
  async function paidCall(
    paid: PaidRequest,
    options: { signal: AbortSignal; resultId: string; megapixels: number },
  ): Promise<ProcessResult> {
    const open = await requireOpened();
    const ref = await keyRef(paid.provider);
    const outcome = await open.coordinator.paidCall({ ...ref, adapter: paid.adapter, request: paid.request, ...options });
    if (outcome.status === 'done') return outcome.result;
    if (outcome.status === 'failed') {
      if (outcome.error.kind === 'ambiguous' || options.signal.aborted) options.signal.throwIfAborted();
      throw outcome.error;
    }
    throw new Error(blockedCallWords(outcome, clock.now()));
  }

  /** Saves one base URL ('' = back to the provider's own host); returns why not, if refused. */
  async function setEndpoint(provider: ProviderId, field: string, value: string): Promise<string | undefined> {
    let url = '';
    if (value.trim() !== '') {
      const checked = checkBaseUrl(value);
      if (!checked.ok) return checked.reason;
      url = checked.url;
    }
    let open: Opened;
    try {
      open = await requireOpened();
    } catch (error) {
      return describe(error);
    }
    const next: Record<string, string> = { ...state.endpoints[provider] };
    if (url) next[field] = url;
    else delete next[field];
    await open.endpointStore.save(provider, next);
    setState('endpoints', provider, reconcile(next));
    return undefined;
  }

  const balanceOf = (provider: ProviderId) => {
    const keyId = state.accounts[provider]?.key.id;
    return keyId === undefined ? undefined : credits()?.state.accounts.find((account) => account.keyId === keyId);
  };

  return {
    state,
    ready,
    now,
    status,
    adapters,
    credits: credits as Accessor<CreditsUi | undefined>,
    balanceOf,
    addKey,
    forget,
    refresh: (provider: ProviderId) => {
      const keyId = state.accounts[provider]?.key.id;
      return keyId === undefined ? Promise.resolve() : (credits()?.refresh(keyId) ?? Promise.resolve());
    },
    preflight,
    paidCall,
    setEndpoint,
  };
}

function copyEndpoints(endpoints: ProviderEndpoints): ProviderEndpoints {
  const copy = emptyEndpoints();
  for (const provider of PROVIDER_IDS) copy[provider] = { ...endpoints[provider] };
  return copy;
}

export type Accounts = ReturnType<typeof createAccounts>;
