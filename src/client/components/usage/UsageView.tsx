import { For, Show } from 'solid-js';
import { useCredits } from '../../services.ts';
import { PROVIDER_IDS, describeProviderError, planLabel, providerStatus } from '../../../providers/index.ts';
import type { KeyAccount } from '../../../credits/logic/types.ts';
import { AlertList } from './AlertList.tsx';
import { KeyBalance } from './KeyBalance.tsx';
import { UsageChart } from './UsageChart.tsx';
import './usage.css';

/**
 * The usage view: alerts, balance per key with plan, consumption per day, forecast, CSV export.
 * Reads CreditsContext and dispatches; plan names and retirement come from the provider registry.
 */
export function UsageView() {
  const credits = useCredits();
  const openFor = (keyId: string) =>
    credits.state.ledger.filter(
      (entry) => entry.keyId === keyId && (entry.outcome === 'pending' || entry.outcome === 'in-flight' || entry.outcome === 'unpriced'),
    );
  const retiredWords = (account: KeyAccount): string | undefined => {
    const status = providerStatus(account.provider, credits.state.now, account.retirement);
    return status.state === 'retired'
      ? describeProviderError({ kind: 'retired', provider: account.provider, retiredBy: status.by })
      : undefined;
  };
  // In the app's provider order (as in Keys), whatever order the store answers in.
  const accounts = () =>
    [...credits.state.accounts].sort(
      (a, b) => PROVIDER_IDS.indexOf(a.provider) - PROVIDER_IDS.indexOf(b.provider) || a.keyId.localeCompare(b.keyId),
    );
  // The sheet's own heading names this view.
  return (
    <section class="usage" aria-label="Usage and balances" data-testid="usage-view">
      <AlertList alerts={credits.alerts()} labelFor={credits.labelFor} onDismiss={(alert) => void credits.dismissAlert(alert)} />
      <Show when={credits.state.accounts.length > 0} fallback={<p class="hint">Add a provider key to see its balance here.</p>}>
        <div class="key-balances">
          <For each={accounts()}>
            {(account) => (
              <KeyBalance
                account={account}
                label={credits.labelFor(account.keyId)}
                planLabel={planLabel(account.provider, account.plan)}
                retired={retiredWords(account)}
                open={openFor(account.keyId)}
                forecast={credits.forecastFor(account.keyId)}
                now={credits.state.now}
                refreshing={credits.state.refreshing[account.keyId] === true}
                refreshNote={credits.state.refreshNote[account.keyId]}
                onRefresh={() => void credits.refresh(account.keyId)}
                onThreshold={(threshold) => void credits.setLowBalanceThreshold(account.keyId, threshold)}
              />
            )}
          </For>
        </div>
      </Show>
      <UsageChart usage={credits.usage()} />
      <button
        type="button"
        data-testid="download-ledger"
        disabled={credits.state.ledger.length === 0}
        onClick={() => credits.downloadCsv()}
      >
        Download ledger (CSV)
      </button>
    </section>
  );
}
