import { For, Show } from 'solid-js';
import { useCredits } from '../../state/credits.ts';
import { AlertList } from './AlertList.tsx';
import { KeyBalance } from './KeyBalance.tsx';
import { UsageChart } from './UsageChart.tsx';
import './usage.css';

/**
 * The usage view: alerts, balance per key with plan, consumption per day, forecast, CSV export.
 * Reads CreditsContext and dispatches; `planLabels` maps a provider plan id to its name
 * (from the adapters' `plans`).
 */
export function UsageView(props: { planLabels?: Readonly<Record<string, string>> }) {
  const credits = useCredits();
  const openFor = (keyId: string) =>
    credits.state.ledger.filter((entry) => entry.keyId === keyId && (entry.outcome === 'pending' || entry.outcome === 'in-flight'));
  return (
    <section class="usage" aria-label="Usage and balances" data-testid="usage-view">
      <h2>Usage</h2>
      <AlertList alerts={credits.alerts()} onDismiss={(alert) => void credits.dismissAlert(alert)} />
      <Show when={credits.state.accounts.length > 0} fallback={<p class="hint">Add a provider key to see its balance here.</p>}>
        <div class="key-balances">
          <For each={credits.state.accounts}>
            {(account) => (
              <KeyBalance
                account={account}
                label={credits.labelFor(account.keyId)}
                planLabel={account.plan === undefined ? undefined : (props.planLabels?.[account.plan] ?? account.plan)}
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
      <button type="button" data-testid="download-ledger" disabled={credits.state.ledger.length === 0} onClick={() => credits.downloadCsv()}>
        Download ledger (CSV)
      </button>
    </section>
  );
}
