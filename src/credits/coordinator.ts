/**
 * The one entry point the UI uses for paid calls and balance refreshes (main thread). It runs the
 * preflight, the provider call, the debit or pending entry and the refreshes the policy allows, keeps
 * everything in IndexedDB, and tells other tabs. Per key, a lock (Web Locks across tabs) serialises
 * the start of a call, its end (debit and state write in one transaction) and each refresh; the
 * provider call itself runs outside the lock so tabs work in parallel.
 *
 * Secrets are passed in per call, used for that call only, and never stored or logged here.
 */
import { isSandboxKey, providerMeta } from '../providers/catalog.ts';
import { ProviderError } from '../providers/errors.ts';
import { isRetired } from '../providers/retirement.ts';
import type { RetirementEvidence } from '../providers/retirement.ts';
import type { ProcessResult, ProviderAdapter, ProviderBase, ProviderId } from '../providers/types.ts';
import {
  applyRefresh,
  beginCall,
  expireStaleCalls,
  finishCall,
  markRateLimited,
  markRefreshAttempt,
  newAccount,
  reportedFrom,
} from './logic/balance.ts';
import type { CallOutcome } from './logic/balance.ts';
import { ledgerToCsv } from './logic/csv.ts';
import { DEFAULT_REFRESH_POLICY, decideRefresh, processingWait, requestWeight } from './logic/policy.ts';
import type { RefreshDecision, RefreshPolicy } from './logic/policy.ts';
import { preflight } from './logic/preflight.ts';
import type { Preflight } from './logic/preflight.ts';
import { requestSize } from './logic/prices.ts';
import type { Clock, KeyAccount, LedgerEntry, RefreshReason } from './logic/types.ts';
import type { CreditsStore } from './persistence/store.ts';
import { lockName } from './tabs.ts';
import type { ChangeChannel, LockProvider } from './tabs.ts';

type AnyRequest = { op: string; image: Blob };
// Held as its base, an adapter can report prices and balances but cannot be handed a request:
// paid calls take a ProviderAdapter<Request> instead.
type AnyAdapter = ProviderBase;

export interface KeyRef {
  keyId: string;
  provider: ProviderId;
  /** The plan the key store knows (PhotoRoom); the provider's reported plan wins once known. */
  plan?: string;
  /** Used for this call only. */
  secret: string;
  adapter: AnyAdapter;
}

export interface PaidCallInput<Request extends AnyRequest> extends KeyRef {
  adapter: ProviderAdapter<Request>;
  request: Request;
  /** Links the ledger entry to the result it pays for. */
  resultId?: string;
  /** remove.bg's rate limit weighs calls by megapixels. */
  megapixels?: number;
  signal?: AbortSignal;
}

export type PaidCallResult =
  | { status: 'done'; result: ProcessResult; entry: LedgerEntry; preflight: Preflight }
  | { status: 'failed'; error: ProviderError; entry: LedgerEntry; preflight: Preflight }
  | {
      status: 'blocked';
      reason: 'cannot-pay' | 'no-price' | 'rate-limit' | 'retired';
      message: string;
      preflight: Preflight;
      retryAt?: number;
    };

export type RefreshOutcome =
  | { status: 'refreshed'; account: KeyAccount }
  | { status: 'skipped'; decision: Exclude<RefreshDecision, { run: true }> }
  | { status: 'failed'; error: unknown };

export interface CreditsView {
  accounts: KeyAccount[];
  /** Every ledger entry, oldest first. */
  ledger: LedgerEntry[];
}

export interface CoordinatorDeps {
  store: CreditsStore;
  locks: LockProvider;
  channel: ChangeChannel;
  clock?: Clock;
  policy?: RefreshPolicy;
  newId?: () => string;
  /** Waits for the rate limit; rejects when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A paid call waits this long at most for a rate-limit slot, then is refused with the wait. */
  maxRateWaitMs?: number;
  /** The account endpoint gets this long before the refresh counts as failed. */
  accountTimeoutMs?: number;
  /**
   * Gives a key's secret for a refresh that comes due later (after the 45 s gap, after calls in
   * flight). Without it, such a refresh runs at the next paid call or refresh of that key.
   */
  secretFor?: (keyId: string) => Promise<{ secret: string; adapter: AnyAdapter } | undefined>;
  setTimer?: (callback: () => void, ms: number) => () => void;
}

export interface CreditsCoordinator {
  /** The current accounts and ledger; listeners hear every change, from this tab or another. */
  view(): CreditsView;
  subscribe(listener: (view: CreditsView) => void): () => void;
  /** Reloads from IndexedDB (done automatically on start and on every change). */
  reload(): Promise<CreditsView>;
  /** What a call would cost and whether it can run, in words, without sending anything. */
  preflight<Request extends AnyRequest>(
    input: Omit<PaidCallInput<Request>, 'secret' | 'signal' | 'resultId' | 'megapixels'>,
  ): Promise<Preflight>;
  paidCall<Request extends AnyRequest>(input: PaidCallInput<Request>): Promise<PaidCallResult>;
  /** A refresh for `reason`, when the policy allows it now; otherwise remembered for later. */
  refresh(key: KeyRef, reason: RefreshReason): Promise<RefreshOutcome>;
  /** On a key being added: registers it and checks its balance at once. */
  addKey(key: KeyRef): Promise<RefreshOutcome>;
  /** On app start: refreshes keys whose balance is older than 60 s. */
  refreshStale(keys: readonly KeyRef[]): Promise<RefreshOutcome[]>;
  setLowBalanceThreshold(keyId: string, threshold: number | undefined): Promise<void>;
  setPlan(keyId: string, plan: string | undefined): Promise<void>;
  dismissAlert(keyId: string, alertId: string): Promise<void>;
  forgetKey(keyId: string, options?: { dropLedger?: boolean }): Promise<void>;
  exportCsv(labelFor?: (keyId: string) => string): string;
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

export async function createCreditsCoordinator(deps: CoordinatorDeps): Promise<CreditsCoordinator> {
  const { store, locks, channel } = deps;
  const clock = deps.clock ?? { now: () => Date.now() };
  const policy = deps.policy ?? DEFAULT_REFRESH_POLICY;
  const newId = deps.newId ?? (() => crypto.randomUUID());
  const sleep = deps.sleep ?? defaultSleep;
  const maxRateWaitMs = deps.maxRateWaitMs ?? 60_000;
  const accountTimeoutMs = deps.accountTimeoutMs ?? 20_000;
  const setTimer = deps.setTimer ?? defaultTimer;
  const origin = newId();
  const listeners = new Set<(view: CreditsView) => void>();
  const timers = new Map<string, () => void>();
  let current: CreditsView = { accounts: [], ledger: [] };
  let disposed = false;
  let reloading: Promise<CreditsView> | undefined;
  let reloadAgain = false;

  async function reload(): Promise<CreditsView> {
    // Coalesce bursts of change messages into one read, but never miss the last change.
    if (reloading) {
      reloadAgain = true;
      return reloading;
    }
    reloading = (async () => {
      let view: CreditsView;
      do {
        reloadAgain = false;
        const [accounts, ledger] = await Promise.all([store.listAccounts(), store.listLedger()]);
        view = { accounts: accounts.sort((a, b) => a.keyId.localeCompare(b.keyId)), ledger };
      } while (reloadAgain);
      current = view;
      for (const listener of listeners) listener(view);
      return view;
    })();
    try {
      return await reloading;
    } finally {
      reloading = undefined;
    }
  }

  async function changed(keyIds: string[]): Promise<void> {
    if (!disposed) channel.post({ type: 'changed', keyIds, origin });
    await reload();
  }

  const unsubscribe = channel.subscribe((message) => {
    if (message.origin !== origin) void reload();
  });

  function ensure(account: KeyAccount | undefined, key: Pick<KeyRef, 'keyId' | 'provider' | 'plan' | 'adapter'>): KeyAccount {
    if (account) return account;
    const unit = key.adapter.operations[0]?.unit ?? 'credit';
    return newAccount(key.keyId, key.provider, unit, key.plan);
  }

  /** Expires dead in-flight calls, then gives the account and its open entries as they are now. */
  async function load(key: Pick<KeyRef, 'keyId' | 'provider' | 'plan' | 'adapter'>): Promise<{ account: KeyAccount; open: LedgerEntry[] }> {
    return store.update(key.keyId, (stored, open) => {
      const account = ensure(stored, key);
      const expired = expireStaleCalls(account, open, clock.now(), policy);
      const byId = new Map(open.map((entry) => [entry.id, entry]));
      for (const entry of expired.entries) byId.set(entry.id, entry);
      return {
        account: expired.account,
        entries: expired.entries,
        value: { account: expired.account, open: [...byId.values()] },
      };
    });
  }

  async function refreshLocked(key: KeyRef, reason: RefreshReason): Promise<RefreshOutcome> {
    const admitted = await store.update<RefreshDecision>(key.keyId, (stored, open) => {
      const now = clock.now();
      // A provider that closed its API is not asked for a balance it no longer has: the last one stays.
      if (isRetired(key.provider, now, stored?.retirement)) return { value: { run: false, why: 'retired' } };
      const expired = expireStaleCalls(ensure(stored, key), open, now, policy);
      const openNow = open.map((entry) => expired.entries.find((changedEntry) => changedEntry.id === entry.id) ?? entry);
      const decision = decideRefresh(expired.account, openNow, reason, now, key.adapter.rateLimit, policy);
      if (!decision.run) {
        // Refreshes that must still happen are remembered; a routine one is simply not needed now.
        const keep = decision.why !== 'fresh' && reason !== 'stale' && reason !== 'app-start';
        const account = keep ? { ...expired.account, refreshWanted: expired.account.refreshWanted ?? reason } : expired.account;
        return { account, entries: expired.entries, value: decision };
      }
      return { account: markRefreshAttempt(expired.account, now, key.adapter.rateLimit), entries: expired.entries, value: decision };
    });
    if (!admitted.run) return { status: 'skipped', decision: admitted };

    try {
      const balance = await key.adapter.fetchAccount(key.secret, AbortSignal.timeout(accountTimeoutMs));
      const account = await store.update(key.keyId, (stored, open) => {
        const now = clock.now();
        const result = applyRefresh(ensure(stored, key), open, reportedFrom(balance, now), { newEntryId: newId() }, now);
        delete result.account.lastRefreshError;
        return { account: result.account, entries: result.entries, value: result.account };
      });
      return { status: 'refreshed', account };
    } catch (caught) {
      const error = await store.update(key.keyId, (stored) => {
        const now = clock.now();
        let account = ensure(stored, key);
        const failure = retirementShown(key.provider, account, caught, now);
        if (failure.evidence) {
          account = { ...account, retirement: failure.evidence };
          delete account.refreshWanted;
        }
        if (failure.error instanceof ProviderError && failure.error.kind === 'rate-limited')
          account = markRateLimited(account, now, failure.error.retryAfterSeconds);
        const kind = failure.error instanceof ProviderError ? failure.error.kind : 'unavailable';
        const message = failure.error instanceof Error ? failure.error.message : 'The balance could not be checked.';
        // Keep the wish: the balance still needs checking once the provider answers. Not for a provider
        // that is gone, nor a sandbox key (PhotoRoom's account endpoints may refuse those for good).
        const wanted = failure.evidence || isSandboxKey(key.provider, key.secret) ? {} : { refreshWanted: account.refreshWanted ?? reason };
        return { account: { ...account, lastRefreshError: { kind, message, at: now }, ...wanted }, value: failure.error };
      });
      return { status: 'failed', error };
    }
  }

  async function refresh(key: KeyRef, reason: RefreshReason): Promise<RefreshOutcome> {
    const outcome = await locks.withLock(lockName(key.keyId), () => refreshLocked(key, reason));
    await changed([key.keyId]);
    scheduleWanted(key.keyId, outcome);
    return outcome;
  }

  /** A refresh that could not run now runs when its wait is over, if a secret can be had then. */
  function scheduleWanted(keyId: string, outcome: RefreshOutcome): void {
    if (disposed || !deps.secretFor || outcome.status !== 'skipped') return;
    const retryAt = outcome.decision.retryAt;
    if (retryAt === undefined || outcome.decision.why === 'fresh') return;
    timers.get(keyId)?.();
    const cancel = setTimer(
      () => {
        timers.delete(keyId);
        void runWanted(keyId);
      },
      Math.max(0, retryAt - clock.now()) + 10,
    );
    timers.set(keyId, cancel);
  }

  async function runWanted(keyId: string): Promise<void> {
    if (disposed || !deps.secretFor) return;
    const account = await store.getAccount(keyId);
    if (!account?.refreshWanted) return;
    const found = await deps.secretFor(keyId);
    if (!found) return;
    await refresh(
      { keyId, provider: account.provider, plan: account.plan, secret: found.secret, adapter: found.adapter },
      account.refreshWanted,
    );
  }

  async function runPreflight<Request extends AnyRequest>(
    input: Omit<PaidCallInput<Request>, 'secret' | 'signal' | 'resultId' | 'megapixels'>,
  ): Promise<Preflight> {
    const { account, open } = await load(input);
    return check(input, account, open);
  }

  function check(
    input: Pick<KeyRef, 'provider' | 'plan' | 'adapter'> & { request: AnyRequest; secret?: string },
    account: KeyAccount,
    open: LedgerEntry[],
  ): Preflight {
    const sandbox = input.secret !== undefined && isSandboxKey(input.provider, input.secret);
    const size = requestSize(input.request);
    return preflight({
      provider: input.provider,
      prices: input.adapter,
      account,
      open,
      op: input.request.op,
      ...(size === undefined ? {} : { size }),
      ...(input.plan === undefined ? {} : { plan: input.plan }),
      sandbox,
      now: clock.now(),
      policy,
    });
  }

  async function paidCall<Request extends AnyRequest>(input: PaidCallInput<Request>): Promise<PaidCallResult> {
    const { keyId, adapter, request, signal } = input;

    // A stale balance (or one a refusal or broken call left in doubt) is checked first, when allowed.
    // Sandbox calls are free, and sandbox keys may get no balance at all: they are never held up by one.
    let state = await load(input);
    const due = state.account.refreshWanted ?? (check(input, state.account, state.open).stale ? 'stale' : undefined);
    if (due && !isSandboxKey(input.provider, input.secret)) {
      await refresh(input, due);
      state = await load(input);
    }

    let first = check(input, state.account, state.open);
    if (first.status === 'blocked') {
      return { status: 'blocked', reason: first.reason ?? 'cannot-pay', message: first.blockedMessage ?? first.sentence, preflight: first };
    }

    const weight = requestWeight(adapter.rateLimit, input.megapixels);
    const waitStarted = clock.now();
    let entry: LedgerEntry | undefined;
    for (;;) {
      const attempt = await locks.withLock(lockName(keyId), () =>
        store.update<StartAttempt>(keyId, (stored, open) => {
          const now = clock.now();
          const account = ensure(stored, input);
          const wait = processingWait(account, now, adapter.rateLimit, weight);
          if (wait > 0) return { value: { kind: 'wait', wait, preflight: check(input, account, open) } };
          const decided = check(input, account, open);
          if (decided.status === 'blocked' || decided.cost === undefined || decided.unit === undefined)
            return { value: { kind: 'blocked', preflight: decided } };
          // (The unit is undefined only for a sandbox call with no price: free either way.)
          const begun = beginCall(
            account,
            open,
            {
              entryId: newId(),
              operation: request.op,
              ...(requestSize(request) === undefined ? {} : { size: requestSize(request) }),
              ...(decided.quote?.plan ? { plan: decided.quote.plan.id } : {}),
              unit: decided.unit,
              expectedCost: decided.quote?.cost ?? decided.cost,
              costKnown: decided.quote?.exact ?? true,
              sandbox: isSandboxKey(input.provider, input.secret),
              ...(input.resultId === undefined ? {} : { resultId: input.resultId }),
              weight,
            },
            now,
            adapter.rateLimit,
          );
          if (!begun.ok) return { value: { kind: 'blocked', preflight: decided } };
          return { account: begun.account, entries: begun.entries, value: { kind: 'begun', entry: begun.entry, preflight: decided } };
        }),
      );
      if (attempt.kind === 'begun') {
        entry = attempt.entry;
        first = attempt.preflight;
        break;
      }
      if (attempt.kind === 'blocked') {
        // Another tab spent the balance between our check and our start.
        return {
          status: 'blocked',
          reason: attempt.preflight.reason ?? 'cannot-pay',
          message: attempt.preflight.blockedMessage ?? attempt.preflight.sentence,
          preflight: attempt.preflight,
        };
      }
      const retryAt = clock.now() + attempt.wait;
      if (retryAt - waitStarted > maxRateWaitMs) {
        const seconds = Math.ceil(attempt.wait / 1000);
        return {
          status: 'blocked',
          reason: 'rate-limit',
          retryAt,
          preflight: attempt.preflight,
          message: `${adapter.displayName} allows only ${adapter.rateLimit.limit} requests per ${adapter.rateLimit.windowSeconds} s with one key; the next one fits in ${seconds} s. Nothing was sent.`,
        };
      }
      await sleep(attempt.wait, signal);
    }
    await changed([keyId]);

    let outcome: CallOutcome;
    let result: ProcessResult | undefined;
    let failure: ProviderError | undefined;
    let rethrow: unknown;
    try {
      // Cancelled before anything was sent: certainly not billed.
      if (signal?.aborted) {
        rethrow = signal.reason;
        throw new ProviderError({ kind: 'offline', provider: input.provider, hint: 'Cancelled before sending.' });
      }
      result = await adapter.process(request, input.secret, signal);
      outcome = {
        kind: 'success',
        watermarked: result.watermarked,
        ...(result.charged === undefined ? {} : { charged: result.charged }),
        ...(result.reportedCost === undefined ? {} : { reportedCost: result.reportedCost }),
        ...(input.resultId === undefined ? {} : { resultId: input.resultId }),
      };
    } catch (error) {
      if (rethrow !== undefined) {
        outcome = { kind: 'error', errorKind: 'cancelled' };
      } else if (error instanceof ProviderError) {
        failure = error;
        outcome =
          error.kind === 'ambiguous'
            ? { kind: 'ambiguous', ...(error.status === undefined ? {} : { status: error.status }) }
            : {
                kind: 'error',
                errorKind: error.kind,
                ...(error.status === undefined ? {} : { status: error.status }),
                ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
              };
      } else {
        // Cancelled (or a bug) while the request was out: the provider may have done and billed it.
        rethrow = error;
        outcome = { kind: 'ambiguous' };
      }
    }

    const started = entry;
    if (!started) throw new Error('unreachable: the call loop ended without an entry');
    const finished = await locks.withLock(lockName(keyId), () =>
      store.update(keyId, (stored, open) => {
        const live = open.find((candidate) => candidate.id === started.id);
        if (!stored || !live) return { value: started };
        const now = clock.now();
        const shown = failure ? retirementShown(input.provider, stored, failure, now) : undefined;
        if (shown?.evidence && shown.error instanceof ProviderError) {
          failure = shown.error;
          outcome = { kind: 'error', errorKind: 'retired', ...(failure.status === undefined ? {} : { status: failure.status }) };
        }
        const done = finishCall(stored, live, outcome, now);
        const account = shown?.evidence ? { ...done.account, retirement: shown.evidence } : done.account;
        if (shown?.evidence) delete account.refreshWanted;
        return { account, entries: done.entries, value: done.entries[0] ?? live };
      }),
    );
    await changed([keyId]);

    // After a refusal or a broken call, the account endpoint settles it once calls in flight are done.
    const after = await store.getAccount(keyId);
    if (after?.refreshWanted) await refresh(input, after.refreshWanted);

    if (rethrow !== undefined) throw rethrow;
    if (failure) return { status: 'failed', error: failure, entry: finished, preflight: first };
    if (!result) throw new Error('unreachable: a call ended with neither result nor error');
    return { status: 'done', result, entry: finished, preflight: first };
  }

  async function updateAccount(keyId: string, change: (account: KeyAccount) => KeyAccount): Promise<void> {
    await store.update(keyId, (stored) => (stored ? { account: change(stored), value: undefined } : { value: undefined }));
    await changed([keyId]);
  }

  await reload();

  return {
    view: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reload,
    preflight: runPreflight,
    paidCall,
    refresh,
    async addKey(key) {
      await store.update(key.keyId, (stored) => ({ account: ensure(stored, key), value: undefined }));
      return refresh(key, 'key-added');
    },
    async refreshStale(keys) {
      const outcomes: RefreshOutcome[] = [];
      for (const key of keys) outcomes.push(await refresh(key, 'app-start'));
      return outcomes;
    },
    setLowBalanceThreshold: (keyId, threshold) =>
      updateAccount(keyId, (account) => {
        const next = { ...account };
        if (threshold === undefined || !Number.isFinite(threshold) || threshold < 0) delete next.lowBalanceThreshold;
        else next.lowBalanceThreshold = threshold;
        return next;
      }),
    setPlan: (keyId, plan) =>
      updateAccount(keyId, (account) => {
        const next = { ...account };
        // The provider's reported plan is the truth; the user's choice only fills in when it is silent.
        if (account.reported?.plan !== undefined) return next;
        if (plan === undefined) delete next.plan;
        else next.plan = plan.toLowerCase();
        return next;
      }),
    dismissAlert: (keyId, alertId) =>
      updateAccount(keyId, (account) =>
        account.dismissedAlerts.includes(alertId) ? account : { ...account, dismissedAlerts: [...account.dismissedAlerts, alertId] },
      ),
    async forgetKey(keyId, options) {
      timers.get(keyId)?.();
      timers.delete(keyId);
      await store.removeAccount(keyId, options);
      await changed([keyId]);
    },
    exportCsv: (labelFor) => ledgerToCsv(current.ledger, labelFor),
    dispose() {
      disposed = true;
      for (const cancel of timers.values()) cancel();
      timers.clear();
      unsubscribe();
      listeners.clear();
    },
  };
}

type StartAttempt =
  | { kind: 'wait'; wait: number; preflight: Preflight }
  | { kind: 'blocked'; preflight: Preflight }
  | { kind: 'begun'; entry: LedgerEntry; preflight: Preflight };

/**
 * Whether a failure shows that a provider with an announced closing has closed (before its date):
 * its host said the API is gone, or it refused a key that had worked (a balance was read with it).
 * The failure is then reported as 'retired', and the evidence kept on the account.
 */
function retirementShown(
  provider: ProviderId,
  account: KeyAccount,
  error: unknown,
  now: number,
): { error: unknown; evidence?: RetirementEvidence } {
  if (!(error instanceof ProviderError) || providerMeta(provider).retirement === undefined) return { error };
  const status = error.status === undefined ? {} : { status: error.status };
  if (error.kind === 'retired') return { error, evidence: { at: now, by: error.retiredBy === 'refused' ? 'refused' : 'gone', ...status } };
  const workedBefore = account.lastRefreshedAt !== undefined;
  if (error.kind === 'key-rejected' && error.status !== undefined && workedBefore) {
    const retired = new ProviderError({
      kind: 'retired',
      provider,
      retiredBy: 'refused',
      status: error.status,
      providerMessage: error.providerMessage,
      cause: error,
    });
    return { error: retired, evidence: { at: now, by: 'refused', ...status } };
  }
  return { error };
}
