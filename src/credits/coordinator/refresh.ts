/**
 * Balance refreshes: admitted by the policy under the key's lock (the 45 s gap, the rate window, no
 * call in flight), reconciled with the ledger in one transaction, and, when they cannot run yet,
 * scheduled for when they can.
 */
import { isSandboxKey } from '../../providers/catalog.ts';
import { ProviderError, describeBalanceCheckFailure } from '../../providers/errors.ts';
import { isRetired } from '../../providers/retirement.ts';
import { applyRefresh, expireStaleCalls, markRateLimited, markRefreshAttempt, reportedFrom } from '../logic/balance.ts';
import { retirementShown } from '../logic/outcome.ts';
import { decideRefresh, type RefreshDecision } from '../logic/policy.ts';
import type { KeyAccount, RefreshReason } from '../logic/types.ts';
import { lockName } from '../tabs.ts';
import type { Kernel } from './kernel.ts';
import type { KeyRef, RefreshOutcome } from './types.ts';

export interface Refresher {
  refresh(key: KeyRef, reason: RefreshReason): Promise<RefreshOutcome>;
  /** Stops a scheduled refresh of a key (it is being forgotten). */
  cancel(keyId: string): void;
  dispose(): void;
}

export function createRefresher(kernel: Kernel): Refresher {
  const timers = new Map<string, () => void>();

  async function refresh(key: KeyRef, reason: RefreshReason): Promise<RefreshOutcome> {
    const outcome = await kernel.locks.withLock(lockName(key.keyId), () => refreshLocked(key, reason));
    await kernel.changed([key.keyId]);
    schedule(key.keyId, outcome);
    return outcome;
  }

  async function refreshLocked(key: KeyRef, reason: RefreshReason): Promise<RefreshOutcome> {
    const admitted = await admit(key, reason);
    if (!admitted.run) return { status: 'skipped', decision: admitted };
    try {
      const balance = await key.adapter.fetchAccount(key.secret, AbortSignal.timeout(kernel.accountTimeoutMs));
      // The key's finished calls, so a difference can be put on the one call since the last check.
      const recent = await kernel.store.listLedger(key.keyId);
      const account = await kernel.store.update(key.keyId, (stored, open) => {
        const now = kernel.clock.now();
        const ids = { newEntryId: kernel.newId() };
        const result = applyRefresh(kernel.ensure(stored, key), open, reportedFrom(balance, now), ids, now, recent);
        delete result.account.lastRefreshError;
        return { account: result.account, entries: result.entries, value: result.account };
      });
      return { status: 'refreshed', account };
    } catch (caught) {
      return { status: 'failed', ...(await recordFailure(key, reason, caught)) };
    }
  }

  /** The policy's verdict, with the attempt marked in the rate window when it runs. */
  function admit(key: KeyRef, reason: RefreshReason): Promise<RefreshDecision> {
    return kernel.store.update<RefreshDecision>(key.keyId, (stored, open) => {
      const now = kernel.clock.now();
      // A provider that closed its API is not asked for a balance it no longer has: the last one stays.
      if (isRetired(key.provider, now, stored?.retirement)) return { value: { run: false, why: 'retired' } };
      const expired = expireStaleCalls(kernel.ensure(stored, key), open, now, kernel.policy);
      const openNow = open.map((entry) => expired.entries.find((changed) => changed.id === entry.id) ?? entry);
      const decision = decideRefresh(expired.account, openNow, reason, now, key.adapter.rateLimit, kernel.policy);
      if (decision.run) {
        return { account: markRefreshAttempt(expired.account, now, key.adapter.rateLimit), entries: expired.entries, value: decision };
      }
      // Refreshes that must still happen are remembered; a routine one is simply not needed now.
      const keep = decision.why !== 'fresh' && reason !== 'stale' && reason !== 'app-start';
      const account = keep ? { ...expired.account, refreshWanted: expired.account.refreshWanted ?? reason } : expired.account;
      return { account, entries: expired.entries, value: decision };
    });
  }

  /** Keeps what went wrong on the account, and whether the balance still needs checking. */
  function recordFailure(key: KeyRef, reason: RefreshReason, caught: unknown): Promise<{ error: unknown; message: string }> {
    return kernel.store.update(key.keyId, (stored) => {
      const now = kernel.clock.now();
      const shown = retirementShown(key.provider, kernel.ensure(stored, key), caught, now);
      let account: KeyAccount = kernel.ensure(stored, key);
      if (shown.evidence) {
        account = { ...account, retirement: shown.evidence };
        delete account.refreshWanted;
      }
      const error = shown.error;
      if (error instanceof ProviderError && error.kind === 'rate-limited') account = markRateLimited(account, now, error.retryAfterSeconds);
      const { kind, message } = describeBalanceCheckFailure(error, key.provider, kernel.accountTimeoutMs);
      // Keep the wish: the balance still needs checking once the provider answers. Not for a provider
      // that is gone, nor a sandbox key (PhotoRoom's account endpoints may refuse those for good).
      const keepWish = !shown.evidence && !isSandboxKey(key.provider, key.secret);
      const wanted = keepWish ? { refreshWanted: account.refreshWanted ?? reason } : {};
      return { account: { ...account, lastRefreshError: { kind, message, at: now }, ...wanted }, value: { error, message } };
    });
  }

  /**
   * A refresh that could not run now runs when its wait is over; one that failed (offline, no answer)
   * is tried again after the gap between checks, as long as the account still wants it. Either needs a
   * secret then.
   */
  function schedule(keyId: string, outcome: RefreshOutcome): void {
    if (kernel.isDisposed() || !kernel.secretFor || outcome.status === 'refreshed') return;
    const retryAt =
      outcome.status === 'failed'
        ? kernel.clock.now() + kernel.policy.minGapMs
        : outcome.decision.why === 'fresh'
          ? undefined
          : outcome.decision.retryAt;
    if (retryAt === undefined) return;
    cancel(keyId);
    const wait = Math.max(0, retryAt - kernel.clock.now()) + 10;
    timers.set(
      keyId,
      kernel.setTimer(() => {
        timers.delete(keyId);
        void runWanted(keyId);
      }, wait),
    );
  }

  async function runWanted(keyId: string): Promise<void> {
    if (kernel.isDisposed() || !kernel.secretFor) return;
    const account = await kernel.store.getAccount(keyId);
    if (!account?.refreshWanted) return;
    const found = await kernel.secretFor(keyId);
    if (!found) return;
    await refresh({ keyId, provider: account.provider, plan: account.plan, ...found }, account.refreshWanted);
  }

  function cancel(keyId: string): void {
    timers.get(keyId)?.();
    timers.delete(keyId);
  }

  return {
    refresh,
    cancel,
    dispose() {
      for (const stop of timers.values()) stop();
      timers.clear();
    },
  };
}
