import { Show } from 'solid-js';
import { formatAmount, formatUnits, unitWord } from '../../../credits/logic/amounts.ts';
import type { Forecast } from '../../../credits/logic/insight.ts';
import { describeAge, formatUtc } from '../../format/credits.ts';
import type { KeyAccount, LedgerEntry } from '../../../credits/logic/types.ts';
import { PROVIDER_NAMES, providerMeta } from '../../../providers/catalog.ts';

export interface KeyBalanceProps {
  account: KeyAccount;
  label: string;
  /** Plan names by id, from the adapter's `plans` (PhotoRoom: Basic, Plus). */
  planLabel?: string;
  open: readonly LedgerEntry[];
  forecast?: Forecast;
  now: number;
  refreshing: boolean;
  refreshNote?: string;
  /** Set when the provider has closed its API: what happened, in words. Its last balance and history stay. */
  retired?: string;
  onRefresh: () => void;
  onThreshold: (threshold: number | undefined) => void;
}

const localDate = (instant: number) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(instant);

/** One key's balance as the provider reports it, with plan, age, forecast and alert level. */
export function KeyBalance(props: KeyBalanceProps) {
  const reported = () => props.account.reported;
  const spec = () => providerMeta(props.account.provider).balance;
  const pending = () => props.open.filter((entry) => entry.outcome === 'pending').length;
  const running = () => props.open.filter((entry) => entry.outcome === 'in-flight').length;
  const unpriced = () => props.open.filter((entry) => entry.outcome === 'unpriced').length;
  const expires = () => (reported()?.expiresAt === undefined ? undefined : Date.parse(reported()!.expiresAt!));
  return (
    <article class="key-balance" data-testid="key-balance" data-key-id={props.account.keyId} data-provider={props.account.provider}>
      <header>
        <strong>{props.label}</strong>
        <span class="hint">
          <Show when={props.label !== PROVIDER_NAMES[props.account.provider]}>{PROVIDER_NAMES[props.account.provider]}</Show>
          <Show when={props.label !== PROVIDER_NAMES[props.account.provider] && props.planLabel}> · </Show>
          <Show when={props.planLabel}>{props.planLabel} plan</Show>
        </span>
      </header>
      <p class="balance">
        <Show
          when={props.account.available !== undefined}
          fallback={
            <span data-testid="key-balance-amount" data-value="">
              Not checked yet
            </span>
          }
        >
          <span data-testid="key-balance-amount" data-value={String(props.account.available)}>
            {formatAmount(props.account.available!)}
          </span>{' '}
          {unitWord(props.account.unit, 2)} left
          <Show when={props.retired}> at the last check</Show>
        </Show>
        <Show when={reported()?.subscription !== undefined && spec().subscription === 'allowance'}>
          <span class="hint"> of {formatAmount(reported()!.subscription!)} this month</span>
        </Show>
      </p>
      <Show when={props.retired}>
        {(text) => (
          <p class="hint" data-testid="retired">
            {text()}
          </p>
        )}
      </Show>
      <Show when={spec().subscription === 'part-of-total' && reported()}>
        {(figures) => (
          <p class="hint" data-testid="removebg-parts">
            Subscription {formatAmount(figures().subscription ?? 0)} · pay-as-you-go {formatAmount(figures().payg ?? 0)} · enterprise{' '}
            {formatAmount(figures().enterprise ?? 0)}
            <Show when={figures().freeCalls !== undefined}> · {figures().freeCalls} free previews this month</Show> (as of the last check)
          </p>
        )}
      </Show>
      <Show when={expires()}>
        {(instant) => (
          <p class="hint" data-testid="expiry">
            Credits expire {localDate(instant())} ({formatUtc(instant())})
          </p>
        )}
      </Show>
      <Show when={pending() > 0 || running() > 0 || unpriced() > 0}>
        <p class="hint" data-testid="open-calls">
          <Show when={running() > 0}>{running()} running. </Show>
          <Show when={pending() > 0}>{pending()} interrupted call(s) may have been charged; the next balance check settles them. </Show>
          <Show when={unpriced() > 0}>
            {unpriced()} finished call(s) were billed in dollars; the next balance check shows what they took.
          </Show>
        </p>
      </Show>
      <Show when={props.forecast && props.forecast.perDay > 0 ? props.forecast : undefined}>
        {(forecast) => (
          <p class="hint" data-testid="forecast">
            At the recent pace ({formatUnits(forecast().perDay, props.account.unit)} a day) this runs out
            <Show when={forecast().runOutAt !== undefined}> around {localDate(forecast().runOutAt!)}</Show>
            <Show when={forecast().expiresFirst}>, but the credits expire before that</Show>.
          </p>
        )}
      </Show>
      <footer class="key-balance-tools">
        <span class="hint">{describeAge(props.account.lastRefreshedAt, props.now)}</span>
        <Show when={!props.retired}>
          <button type="button" data-testid="refresh-balance" disabled={props.refreshing} onClick={() => props.onRefresh()}>
            {props.refreshing ? 'Checking…' : 'Refresh'}
          </button>
          <label class="threshold">
            Alert at or below
            <input
              type="number"
              min="0"
              step="any"
              inputmode="decimal"
              data-testid="low-balance-threshold"
              value={props.account.lowBalanceThreshold ?? ''}
              onChange={(event) => {
                const text = event.currentTarget.value.trim();
                const value = text === '' ? undefined : Number(text);
                props.onThreshold(value === undefined || !Number.isFinite(value) || value < 0 ? undefined : value);
              }}
            />
          </label>
        </Show>
      </footer>
      <Show when={props.refreshNote || props.account.lastRefreshError}>
        <p class="hint" role="status" data-testid="refresh-note">
          {props.refreshNote || props.account.lastRefreshError?.message}
        </p>
      </Show>
    </article>
  );
}
