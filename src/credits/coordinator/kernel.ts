/**
 * What every step of the coordinator shares: the store, locks and clock with their defaults, the
 * view of accounts and ledger kept in step with IndexedDB and other tabs, and the per-key reads.
 */
import { isSandboxKey } from '../../providers/catalog.ts';
import { expireStaleCalls, newAccount } from '../logic/balance.ts';
import { DEFAULT_REFRESH_POLICY } from '../logic/policy.ts';
import type { RefreshPolicy } from '../logic/policy.ts';
import { preflight, type Preflight } from '../logic/preflight.ts';
import { requestSize } from '../logic/prices.ts';
import type { Clock, KeyAccount, LedgerEntry } from '../logic/types.ts';
import type { CreditsStore } from '../persistence/store.ts';
import type { ChangeChannel, LockProvider } from '../tabs.ts';
import type { AnyRequest, CoordinatorDeps, CreditsView, KeyRef } from './types.ts';

export type KeyParts = Pick<KeyRef, 'keyId' | 'provider' | 'plan' | 'adapter'>;

export interface Kernel {
  store: CreditsStore;
  locks: LockProvider;
  clock: Clock;
  policy: RefreshPolicy;
  newId: () => string;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  maxRateWaitMs: number;
  accountTimeoutMs: number;
  setTimer: (callback: () => void, ms: number) => () => void;
  secretFor: CoordinatorDeps['secretFor'];
  /** The stored account, or a fresh one for a key seen for the first time. */
  ensure(account: KeyAccount | undefined, key: KeyParts): KeyAccount;
  /** Expires dead in-flight calls, then gives the account and its open entries as they are now. */
  load(key: KeyParts): Promise<{ account: KeyAccount; open: LedgerEntry[] }>;
  /** The preflight of a request against an account and its open entries. */
  check(
    input: KeyParts & { request: AnyRequest; secret?: string; sandbox?: boolean },
    account: KeyAccount,
    open: readonly LedgerEntry[],
  ): Preflight;
  view(): CreditsView;
  subscribe(listener: (view: CreditsView) => void): () => void;
  reload(): Promise<CreditsView>;
  /** Tells other tabs, then reloads this one. */
  changed(keyIds: string[]): Promise<void>;
  isDisposed(): boolean;
  dispose(): void;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function defaultTimer(callback: () => void, ms: number): () => void {
  const timer = setTimeout(callback, ms);
  return () => clearTimeout(timer);
}

export function createKernel(deps: CoordinatorDeps): Kernel {
  const { store, channel } = deps;
  const clock = deps.clock ?? { now: () => Date.now() };
  const policy = deps.policy ?? DEFAULT_REFRESH_POLICY;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const origin = newId();
  const listeners = new Set<(view: CreditsView) => void>();
  let current: CreditsView = { accounts: [], ledger: [] };
  let disposed = false;
  const views = createViewReader(store, (view) => {
    current = view;
    for (const listener of listeners) listener(view);
  });
  const unsubscribe = subscribeOthers(channel, origin, () => void views.reload());

  function ensure(account: KeyAccount | undefined, key: KeyParts): KeyAccount {
    if (account) return account;
    return newAccount(key.keyId, key.provider, key.adapter.operations[0]?.unit ?? 'credit', key.plan);
  }

  return {
    store,
    locks: deps.locks,
    clock,
    policy,
    newId,
    sleep: deps.sleep ?? defaultSleep,
    maxRateWaitMs: deps.maxRateWaitMs ?? 60_000,
    accountTimeoutMs: deps.accountTimeoutMs ?? 20_000,
    setTimer: deps.setTimer ?? defaultTimer,
    secretFor: deps.secretFor,
    ensure,
    load: (key) =>
      store.update(key.keyId, (stored, open) => {
        const expired = expireStaleCalls(ensure(stored, key), open, clock.now(), policy);
        const byId = new Map(open.map((entry) => [entry.id, entry]));
        for (const entry of expired.entries) byId.set(entry.id, entry);
        return { account: expired.account, entries: expired.entries, value: { account: expired.account, open: [...byId.values()] } };
      }),
    check(input, account, open) {
      return preflight({
        provider: input.provider,
        prices: input.adapter,
        account,
        open,
        op: input.request.op,
        size: requestSize(input.request),
        plan: input.plan,
        // The key store's flag when the caller has it: a preflight never needs the key decrypted.
        sandbox: input.sandbox ?? (input.secret !== undefined && isSandboxKey(input.provider, input.secret)),
        now: clock.now(),
        policy,
      });
    },
    view: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload: views.reload,
    async changed(keyIds) {
      if (!disposed) channel.post({ type: 'changed', keyIds, origin });
      await views.reload();
    },
    isDisposed: () => disposed,
    dispose() {
      disposed = true;
      unsubscribe();
      listeners.clear();
    },
  };
}

/** Reads accounts and ledger; bursts of change messages coalesce into one read, the last change is never missed. */
function createViewReader(store: CreditsStore, publish: (view: CreditsView) => void): { reload(): Promise<CreditsView> } {
  let reading: Promise<CreditsView> | undefined;
  let again = false;
  async function readUntilQuiet(): Promise<CreditsView> {
    let view: CreditsView;
    do {
      again = false;
      const [accounts, ledger] = await Promise.all([store.listAccounts(), store.listLedger()]);
      view = { accounts: accounts.sort((a, b) => a.keyId.localeCompare(b.keyId)), ledger };
    } while (again);
    publish(view);
    return view;
  }
  return {
    async reload() {
      if (reading) {
        again = true;
        return reading;
      }
      reading = readUntilQuiet();
      try {
        return await reading;
      } finally {
        reading = undefined;
      }
    },
  };
}

function subscribeOthers(channel: ChangeChannel, origin: string, onChange: () => void): () => void {
  return channel.subscribe((message) => {
    if (message.origin !== origin) onChange();
  });
}
