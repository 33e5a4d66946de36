/**
 * Saved provider keys (main thread): which are saved (masked), adding one (checked with its provider
 * first), forgetting one, whether its provider still serves keys, and the credits coordinator every
 * balance check and paid call goes through. Keys stay in the vault; a request decrypts its key just
 * for that request. Created once by the composition root.
 */
import { createRoot, createSignal, type Accessor } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import { PROVIDER_IDS, PROVIDER_NAMES, isSandboxKey } from '../../providers/catalog.ts';
import { ProviderError } from '../../providers/errors.ts';
import { providerStatus, type ProviderStatus } from '../../providers/retirement.ts';
import type { ProviderId } from '../../providers/types.ts';
import {
  KeyAddressChangedError,
  KeyLockedError,
  openKeyVault,
  type KeyVault,
  type ProtectionChange,
  type StoredKey,
  type VaultStatus,
} from '../../keys/vault.ts';
import { foreignHosts, keyBinding } from '../../providers/endpoints.ts';
import { createCreditsCoordinator, type CreditsCoordinator, type KeyRef } from '../../credits/coordinator/index.ts';
import type { Clock, KeyAccount } from '../../credits/logic/types.ts';
import { openCreditsStore } from '../../credits/persistence/store.ts';
import { browserTabSync } from '../../credits/tabs.ts';
import { createCreditsUi, type CreditsUi } from './credits.ts';
import { failureText } from './editor.ts';
import type { Endpoints } from './endpoints.ts';

export { PROVIDER_IDS };
export type { KeyProtection } from '../../keys/vault.ts';

/** A key saved for a provider, as the app knows it (never the key itself), and what its check said. */
export interface SavedKey {
  key: StoredKey;
  /** Why the key could not be checked when it was added, in words a person understands. */
  problem?: string;
}

export interface KeysState {
  /** False until the vault has been read. */
  ready: boolean;
  /** How keys are kept, and whether they are locked in this tab. */
  vault: VaultStatus;
  /** Why keys cannot be stored in this browser (e.g. private mode without IndexedDB). */
  unavailable?: string;
  saved: Partial<Record<ProviderId, SavedKey>>;
}

export type AddKeyOutcome = { saved: true; key: SavedKey } | { saved: false; reason: string };

type SecretFor = (keyId: string) => Promise<Pick<KeyRef, 'secret' | 'adapter'> | undefined>;

export interface KeysDeps {
  endpoints: Endpoints;
  /** The app's clock: decides, among other things, whether a provider has retired. */
  clock: Clock;
  /** The app's ticking "now", for state that changes with time (a provider's retirement). */
  now: Accessor<number>;
  openVault?: () => Promise<KeyVault>;
  openCoordinator?: (secretFor: SecretFor, clock: Clock) => Promise<CreditsCoordinator>;
  /** Subscribes to the person's activity (idle lock); the page's pointer and key events by default. */
  activity?: (onActivity: () => void) => () => void;
}

async function openBrowserCoordinator(secretFor: SecretFor, clock: Clock): Promise<CreditsCoordinator> {
  return createCreditsCoordinator({ store: await openCreditsStore(), ...browserTabSync(), secretFor, clock });
}

interface Opened {
  vault: KeyVault;
  coordinator: CreditsCoordinator;
}

export function createKeys(deps: KeysDeps) {
  const { endpoints, clock, now } = deps;
  const [state, setState] = createStore<KeysState>({
    ready: false,
    vault: { protection: 'device', locked: false, idleLockMinutes: 15 },
    saved: {},
  });
  const [credits, setCredits] = createSignal<CreditsUi>();
  let disposeCredits: (() => void) | undefined;
  let opened: Opened | undefined;

  const providerOf = (keyId: string): ProviderId | undefined => PROVIDER_IDS.find((provider) => state.saved[provider]?.key.id === keyId);

  /** The origins a provider's key goes to with the addresses set now. */
  const bindingOf = (provider: ProviderId): string => keyBinding(provider, endpoints.state.values[provider]);

  /**
   * The origins each provider was reached at when this page loaded. The page's security policy (CSP)
   * was built from them and holds until a reload, so a changed address cannot be reached before one.
   */
  let loadedBindings: Partial<Record<ProviderId, string>> | undefined;
  void endpoints.ready.then(() => {
    loadedBindings = Object.fromEntries(PROVIDER_IDS.map((provider) => [provider, bindingOf(provider)]));
  });

  /** True when a provider's address was changed after this page loaded: it is reachable only after a reload. */
  function waitsForReload(provider: ProviderId): boolean {
    const loaded = loadedBindings?.[provider];
    return loaded !== undefined && loaded !== bindingOf(provider);
  }

  /** The key in clear, for one request to the provider's current address; a clear reason if it cannot be. */
  async function reveal(vault: KeyVault, provider: ProviderId, keyId: string): Promise<string> {
    try {
      const secret = await vault.reveal(keyId, bindingOf(provider));
      idle.touch();
      return secret;
    } catch (error) {
      if (error instanceof KeyLockedError) void syncVault();
      if (error instanceof KeyAddressChangedError)
        throw new Error(addressChangeWords(provider, error.savedFor, error.now), { cause: error });
      throw error;
    }
  }

  async function secretFor(keyId: string): Promise<Pick<KeyRef, 'secret' | 'adapter'> | undefined> {
    const provider = providerOf(keyId);
    if (!provider || !opened) return undefined;
    return { secret: await reveal(opened.vault, provider, keyId), adapter: endpoints.adapters()[provider] };
  }

  async function syncVault(): Promise<void> {
    if (opened) setState('vault', await opened.vault.status());
  }

  // Passphrase mode: locks after the person's idle time (any use of a key counts as activity).
  const idle = idleLock({
    minutes: () => (state.vault.protection === 'passphrase' ? state.vault.idleLockMinutes : 0),
    lock: () => lock(),
    ...(deps.activity ? { activity: deps.activity } : {}),
  });

  async function open(): Promise<Opened | undefined> {
    try {
      const [vault, coordinator] = await Promise.all([
        (deps.openVault ?? openKeyVault)(),
        (deps.openCoordinator ?? openBrowserCoordinator)(secretFor, clock),
        endpoints.ready,
      ]);
      opened = { vault, coordinator };
      setState('vault', await vault.status());
      for (const key of await vault.list()) setState('saved', key.provider, { key });
      setState('ready', true);
      // The usage view's state lives in its own root, disposed with the app.
      createRoot((dispose) => {
        disposeCredits = dispose;
        setCredits(createCreditsUi(coordinator, { refreshKey: (keyId) => refreshKey(keyId), now: () => clock.now() }));
      });
      return opened;
    } catch (error) {
      setState({ ready: true, unavailable: `Keys cannot be saved in this browser: ${failureText(error)}` });
      return undefined;
    }
  }

  const ready = open();

  /**
   * Balances may have moved since the last visit (other devices, the provider's dashboard): stale ones
   * are read again at start (or at unlock). Only keys sent to their provider's own address: a key for
   * a relay or gateway goes out only when the person asks for something. Retired providers are not asked.
   */
  async function refreshOnStart(done: Opened): Promise<void> {
    if (state.vault.locked) return;
    const live = PROVIDER_IDS.filter((provider) => {
      const saved = state.saved[provider];
      return (
        saved &&
        status(provider).state === 'active' &&
        bindingOf(provider) === keyBinding(provider) &&
        saved.key.boundTo === bindingOf(provider)
      );
    });
    const refs = await Promise.all(live.map((provider) => keyRef(provider).catch(() => undefined)));
    await done.coordinator.refreshStale(refs.filter((ref): ref is KeyRef => ref !== undefined));
  }
  void ready.then((done) => done && refreshOnStart(done));

  async function requireOpened(): Promise<Opened> {
    const done = await ready;
    if (!done) throw new Error(state.unavailable ?? 'Keys cannot be used in this browser.');
    return done;
  }

  /** The key of a provider, decrypted for one request to that provider. */
  async function keyRef(provider: ProviderId): Promise<KeyRef> {
    const { vault } = await requireOpened();
    const saved = state.saved[provider];
    if (!saved) throw new Error(`No ${PROVIDER_NAMES[provider]} key is saved. Add one in Keys.`);
    return { keyId: saved.key.id, provider, secret: await reveal(vault, provider, saved.key.id), adapter: endpoints.adapters()[provider] };
  }

  const balanceOf = (provider: ProviderId): KeyAccount | undefined => {
    const keyId = state.saved[provider]?.key.id;
    return keyId === undefined ? undefined : credits()?.state.accounts.find((account) => account.keyId === keyId);
  };

  /** Whether the provider still serves API keys: its meta.ts date by the app's clock, or what its answers showed. */
  function status(provider: ProviderId): ProviderStatus {
    return providerStatus(provider, now(), balanceOf(provider)?.retirement);
  }

  /** Saves a key, then checks it with its provider's account endpoint; a rejected key is not kept. */
  async function add(provider: ProviderId, secret: string): Promise<AddKeyOutcome> {
    const trimmed = secret.trim();
    if (trimmed === '') return { saved: false, reason: `Paste your ${PROVIDER_NAMES[provider]} API key first.` };
    const current = providerStatus(provider, clock.now());
    if (current.state === 'retired')
      return { saved: false, reason: new ProviderError({ kind: 'retired', provider, retiredBy: current.by }).message };
    let done: Opened;
    try {
      done = await requireOpened();
    } catch (error) {
      return { saved: false, reason: failureText(error) };
    }
    const previous = state.saved[provider];
    // Checked under a fresh id before it replaces anything: a rejected key leaves the old one in place.
    const keyId = crypto.randomUUID();
    const outcome = await done.coordinator.addKey({ keyId, provider, secret: trimmed, adapter: endpoints.adapters()[provider] });
    const error = outcome.status === 'failed' ? outcome.error : undefined;
    const checkWords = outcome.status === 'failed' ? outcome.message : '';
    const sandbox = isSandboxKey(provider, trimmed);
    // A sandbox key may be refused by the account endpoints alone (PhotoRoom's are said not to serve them): it is kept.
    if (error instanceof ProviderError && (error.kind === 'key-rejected' || error.kind === 'retired') && !sandbox) {
      await done.coordinator.forgetKey(keyId, { dropLedger: true });
      return { saved: false, reason: error.message };
    }
    let key: StoredKey;
    try {
      key = await done.vault.add(provider, trimmed, { id: keyId, sandbox, boundTo: bindingOf(provider) });
    } catch (error) {
      await done.coordinator.forgetKey(keyId, { dropLedger: true });
      if (error instanceof KeyLockedError) void syncVault();
      return { saved: false, reason: failureText(error) };
    }
    if (previous) await done.coordinator.forgetKey(previous.key.id);
    // A provider we cannot reach now may still take the key later.
    const problem =
      error === undefined
        ? undefined
        : sandbox && error instanceof ProviderError && error.kind === 'key-rejected'
          ? 'Saved. Test (sandbox) keys may not report a balance: calls with this key are free and their results watermarked.'
          : error instanceof ProviderError && error.kind === 'blocked-by-browser' && waitsForReload(provider)
            ? reloadFirstWords(provider)
            : `Saved, but not checked yet. ${checkWords}`;
    const saved: SavedKey = problem === undefined ? { key } : { key, problem };
    setState('saved', provider, reconcile(saved));
    return { saved: true, key: saved };
  }

  /** Who would see the key, when the address set now is not the provider's own (undefined when it is). */
  function recipientWords(provider: ProviderId): string | undefined {
    const hosts = foreignHosts(provider, bindingOf(provider));
    if (hosts.length === 0) return undefined;
    const list = hosts.join(' and ');
    return `Your ${PROVIDER_NAMES[provider]} key will be sent to ${list}, not to ${PROVIDER_NAMES[provider]}'s own address: whoever runs ${list} can read it and spend your credits.`;
  }

  /** When a saved key was saved for other addresses than the ones set now: what the person should do. */
  function addressChange(provider: ProviderId): string | undefined {
    const saved = state.saved[provider];
    if (!saved || saved.key.boundTo === bindingOf(provider)) return undefined;
    return addressChangeWords(provider, saved.key.boundTo, bindingOf(provider));
  }

  async function unlock(passphrase: string): Promise<{ unlocked: boolean; reason?: string }> {
    const done = await requireOpened();
    if (passphrase === '') return { unlocked: false, reason: 'Type your passphrase first.' };
    const ok = await done.vault.unlock(passphrase);
    await syncVault();
    if (!ok) {
      return {
        unlocked: false,
        reason: 'That passphrase does not unlock your keys. Nothing was changed; check it and try again.',
      };
    }
    idle.touch();
    void refreshOnStart(done);
    return { unlocked: true };
  }

  function lock(): void {
    opened?.vault.lock();
    void syncVault();
  }

  /** Moves the saved keys to another protection; why not, in words, if it cannot. */
  async function protect(change: ProtectionChange): Promise<string | undefined> {
    if (change.protection === 'passphrase' && change.passphrase.length < 8) return 'Use a passphrase of at least 8 characters.';
    const done = await requireOpened();
    try {
      await done.vault.protect(change);
    } catch (error) {
      return failureText(error);
    } finally {
      await syncVault();
    }
    for (const key of await done.vault.list()) if (!state.saved[key.provider]) setState('saved', key.provider, { key });
    idle.touch();
    return undefined;
  }

  async function setIdleLockMinutes(minutes: number): Promise<void> {
    const done = await requireOpened();
    await done.vault.setIdleLockMinutes(minutes);
    await syncVault();
    idle.touch();
  }

  async function forget(provider: ProviderId): Promise<void> {
    const saved = state.saved[provider];
    if (!saved) return;
    const done = await requireOpened();
    await done.vault.forget(saved.key.id);
    await done.coordinator.forgetKey(saved.key.id);
    setState('saved', provider, undefined);
  }

  /** A balance check the person asked for (the credits view shows its outcome). */
  async function refreshKey(keyId: string) {
    const provider = providerOf(keyId);
    if (!provider) return undefined;
    const done = await requireOpened();
    return done.coordinator.refresh(await keyRef(provider), 'user');
  }

  return {
    state,
    ready,
    credits: credits as Accessor<CreditsUi | undefined>,
    coordinator: async () => (await requireOpened()).coordinator,
    keyRef,
    balanceOf,
    status,
    add,
    forget,
    /** Checks a provider's balance now (within its limits), through the credits view so it shows. */
    refresh: (provider: ProviderId) => {
      const keyId = state.saved[provider]?.key.id;
      return keyId === undefined ? Promise.resolve() : (credits()?.refresh(keyId) ?? Promise.resolve());
    },
    unlock,
    lock,
    protect,
    setIdleLockMinutes,
    recipientWords,
    addressChange,
    waitsForReload,
    dispose: () => {
      idle.dispose();
      disposeCredits?.();
    },
  };
}

/**
 * A key added after its provider's address changed, before the reload that lets the page reach the
 * new address: the browser blocked the check, and neither the network nor the provider is to blame.
 */
function reloadFirstWords(provider: ProviderId): string {
  return `Saved, but not checked yet: the ${PROVIDER_NAMES[provider]} address you set is used only after a reload, so this page could not reach it. Reload the page, then press Refresh here to check the key. Nothing was charged.`;
}

/** What to do when a key was saved for other addresses than the ones set now. */
function addressChangeWords(provider: ProviderId, savedFor: string, now: string): string {
  const hosts = (binding: string) =>
    binding
      .split(' ')
      .map((origin) => new URL(origin).host)
      .join(' and ');
  return `Your ${PROVIDER_NAMES[provider]} key was saved for ${hosts(savedFor)}; the address is now ${hosts(now)}. It is not sent there until you enter it again in Keys.`;
}

/**
 * Calls `lock` after `minutes()` without activity (0 = never). Activity: the person using the page
 * (pointer or keys) and any use of a key.
 */
function idleLock(options: { minutes: () => number; lock: () => void; activity?: (onActivity: () => void) => () => void }) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const touch = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const minutes = options.minutes();
    if (minutes > 0) timer = setTimeout(options.lock, minutes * 60_000);
  };
  const stop = (options.activity ?? pageActivity)(touch);
  return {
    touch,
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      stop();
    },
  };
}

function pageActivity(onActivity: () => void): () => void {
  if (typeof window === 'undefined') return () => undefined;
  const events = ['pointerdown', 'keydown'] as const;
  for (const name of events) window.addEventListener(name, onActivity, { passive: true });
  return () => {
    for (const name of events) window.removeEventListener(name, onActivity);
  };
}

export type Keys = ReturnType<typeof createKeys>;
