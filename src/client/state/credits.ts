/**
 * The credit state for the UI: a Solid store fed by the coordinator's subscription (this tab and
 * others), derived alerts, chart data and forecasts, and the actions the usage components dispatch.
 * Created by the key store once it is open, in its own root; components reach it through useCredits().
 */
import { createMemo, getOwner, onCleanup } from 'solid-js';
import type { Accessor } from 'solid-js';
import { createStore, reconcile } from 'solid-js/store';
import type { CreditsCoordinator, RefreshOutcome } from '../../credits/coordinator/index.ts';
import { computeAlerts } from '../../credits/logic/alerts.ts';
import type { CreditAlert } from '../../credits/logic/alerts.ts';
import { dailyUsage, forecastRunOut } from '../../credits/logic/insight.ts';
import type { DailyUsage, Forecast } from '../../credits/logic/insight.ts';
import type { KeyAccount, LedgerEntry } from '../../credits/logic/types.ts';
import { PROVIDER_NAMES } from '../../providers/catalog.ts';
import { saveWithLink } from './save-file.ts';

export interface CreditsUiOptions {
  /** Refreshes one key: the key store looks up the secret and calls coordinator.refresh(…, 'user'). */
  refreshKey: (keyId: string) => Promise<RefreshOutcome | void>;
  now?: () => number;
  /** Saves a file for the user (an <a download> click in the browser). */
  save?: (blob: Blob, fileName: string) => void;
  /** How often relative times ("checked 2 min ago") and expiry alerts are re-evaluated. */
  tickMs?: number;
  /** Days shown in the chart. */
  chartDays?: number;
  /** For tests; the device's zone by default. */
  timeZone?: string;
}

export interface CreditsUiState {
  accounts: KeyAccount[];
  ledger: LedgerEntry[];
  now: number;
  /** keyIds with a refresh running from this tab. */
  refreshing: Record<string, boolean>;
  /** The last refresh outcome per key, in words, for the balance list. */
  refreshNote: Record<string, string>;
}

export interface CreditsUi {
  state: CreditsUiState;
  alerts: Accessor<CreditAlert[]>;
  usage: Accessor<DailyUsage>;
  forecastFor(keyId: string): Forecast | undefined;
  labelFor(keyId: string): string;
  refresh(keyId: string): Promise<void>;
  dismissAlert(alert: CreditAlert): Promise<void>;
  setLowBalanceThreshold(keyId: string, threshold: number | undefined): Promise<void>;
  downloadCsv(): void;
  dispose(): void;
}

export function createCreditsUi(coordinator: CreditsCoordinator, options: CreditsUiOptions): CreditsUi {
  const now = options.now ?? (() => Date.now());
  const save = options.save ?? saveWithLink;
  const initial = coordinator.view();
  const [state, setState] = createStore<CreditsUiState>({
    accounts: initial.accounts,
    ledger: initial.ledger,
    now: now(),
    refreshing: {},
    refreshNote: {},
  });
  const unsubscribe = coordinator.subscribe((view) => {
    setState('accounts', reconcile(view.accounts, { key: 'keyId' }));
    setState('ledger', reconcile(view.ledger, { key: 'id' }));
    setState('now', now());
  });
  const ticker = setInterval(() => setState('now', now()), options.tickMs ?? 30_000);

  const labelFor = (keyId: string): string => {
    const account = state.accounts.find((candidate) => candidate.keyId === keyId);
    return account ? PROVIDER_NAMES[account.provider] : keyId;
  };

  const alerts = createMemo(() => computeAlerts(state.accounts, state.now));
  const usage = createMemo(() => dailyUsage(state.ledger, state.now, options.chartDays ?? 14, options.timeZone));

  function dispose() {
    unsubscribe();
    clearInterval(ticker);
  }
  if (getOwner()) onCleanup(dispose);

  return {
    state,
    alerts,
    usage,
    forecastFor(keyId) {
      const account = state.accounts.find((candidate) => candidate.keyId === keyId);
      return account ? forecastRunOut(account, state.ledger, state.now) : undefined;
    },
    labelFor,
    async refresh(keyId) {
      setState('refreshing', keyId, true);
      try {
        const outcome = await options.refreshKey(keyId);
        setState('refreshNote', keyId, outcome ? describeRefresh(outcome, now()) : '');
      } catch (error) {
        setState('refreshNote', keyId, error instanceof Error ? error.message : 'The balance could not be checked.');
      } finally {
        setState('refreshing', keyId, false);
      }
    },
    dismissAlert: (alert) => coordinator.dismissAlert(alert.keyId, alert.id),
    setLowBalanceThreshold: (keyId, threshold) => coordinator.setLowBalanceThreshold(keyId, threshold),
    downloadCsv() {
      const csv = coordinator.exportCsv(labelFor);
      const day = new Date(now()).toISOString().slice(0, 10);
      save(new Blob([csv], { type: 'text/csv;charset=utf-8' }), `cutwise-credits-${day}.csv`);
    },
    dispose,
  };
}

export function describeRefresh(outcome: RefreshOutcome, now: number): string {
  if (outcome.status === 'refreshed') return 'Balance checked just now.';
  if (outcome.status === 'failed') return outcome.message;
  const { why, retryAt } = outcome.decision;
  const wait = retryAt === undefined ? undefined : Math.max(1, Math.ceil((retryAt - now) / 1000));
  switch (why) {
    case 'fresh':
      return 'The balance was checked less than a minute ago.';
    case 'too-soon':
      return `Checked moments ago; the next check is possible in ${wait ?? 45} s. It will run then.`;
    case 'rate-limit':
      return `The provider's rate limit is in use by cutouts; the check runs in ${wait ?? 60} s.`;
    case 'in-flight':
      return 'A paid call is running; the balance is checked once it ends.';
    case 'retired':
      return 'This provider has closed its API: the last balance it reported is kept with your history.';
  }
}
