/**
 * The one entry point the UI uses for paid calls and balance refreshes (main thread). It runs the
 * preflight, the provider call, the debit or pending entry and the refreshes the policy allows, keeps
 * everything in IndexedDB, and tells other tabs. Per key, a lock (Web Locks across tabs) serialises
 * the start of a call, its end (debit and state write in one transaction) and each refresh; the
 * provider call itself runs outside the lock so tabs work in parallel.
 *
 * The steps live beside this file: kernel.ts (shared state and reads), refresh.ts, paid-call.ts.
 * Secrets are passed in per call, used for that call only, and never stored or logged here.
 */
import { ledgerToCsv } from '../logic/csv.ts';
import type { KeyAccount } from '../logic/types.ts';
import { createKernel } from './kernel.ts';
import { createPaidCall } from './paid-call.ts';
import { createRefresher } from './refresh.ts';
import type { CoordinatorDeps, CreditsCoordinator, RefreshOutcome } from './types.ts';

export type * from './types.ts';

export async function createCreditsCoordinator(deps: CoordinatorDeps): Promise<CreditsCoordinator> {
  const kernel = createKernel(deps);
  const refresher = createRefresher(kernel);
  const paidCall = createPaidCall(kernel, refresher);

  async function updateAccount(keyId: string, change: (account: KeyAccount) => KeyAccount): Promise<void> {
    await kernel.store.update(keyId, (stored) => (stored ? { account: change(stored), value: undefined } : { value: undefined }));
    await kernel.changed([keyId]);
  }

  await kernel.reload();

  return {
    view: kernel.view,
    subscribe: kernel.subscribe,
    reload: kernel.reload,
    async preflight(input) {
      const { account, open } = await kernel.load(input);
      return kernel.check(input, account, open);
    },
    paidCall,
    refresh: refresher.refresh,
    async addKey(key) {
      await kernel.store.update(key.keyId, (stored) => ({ account: kernel.ensure(stored, key), value: undefined }));
      return refresher.refresh(key, 'key-added');
    },
    async refreshStale(keys) {
      const outcomes: RefreshOutcome[] = [];
      for (const key of keys) outcomes.push(await refresher.refresh(key, 'app-start'));
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
      refresher.cancel(keyId);
      await kernel.store.removeAccount(keyId, options);
      await kernel.changed([keyId]);
    },
    exportCsv: (labelFor) => ledgerToCsv(kernel.view().ledger, labelFor),
    dispose() {
      refresher.dispose();
      kernel.dispose();
    },
  };
}
