/**
 * Credits in words: the preflight sentence, route advice, alert texts and the age of a balance, from
 * the codes and numbers credits/logic computes. Pure; main thread.
 */
import { EPSILON, formatAmount, formatUnits, formatUsd, unitWord } from '../../credits/logic/amounts.ts';
import type { CreditAlert } from '../../credits/logic/alerts.ts';
import type { Preflight } from '../../credits/logic/preflight.ts';
import type { PriceQuote } from '../../credits/logic/prices.ts';
import type { RankedRoute, RouteChoice } from '../../credits/logic/routing.ts';
import { PROVIDER_NAMES, providerMeta } from '../../providers/catalog.ts';
import { describeProviderError, humanDuration } from '../../providers/errors.ts';
import { providerCutoutName } from '../../providers/offers.ts';
import type { ProviderId } from '../../providers/types.ts';

const ON_DEVICE = 'or use the free on-device cutout';
/** PhotoRoom's word is "sandbox"; said once in plain words. */
const TEST_KEY = 'a test key (PhotoRoom calls it a sandbox key)';

export interface PreflightWords {
  /** What is shown before paying: the cost and balance, or why it cannot run. */
  sentence: string;
  /** Set when the call cannot run; names the on-device alternative. */
  blockedMessage?: string;
}

/** "Uses 5 of your 83 images (Basic plan: an AI edit costs 5)." or why the call cannot run. */
export function preflightWords(preflight: Preflight): PreflightWords {
  const name = PROVIDER_NAMES[preflight.provider];
  const blocked = (text: string): PreflightWords => ({ sentence: text, blockedMessage: text });
  if (preflight.reason === 'retired') {
    return blocked(describeProviderError({ kind: 'retired', provider: preflight.provider, retiredBy: preflight.retiredBy ?? 'date' }));
  }
  if (preflight.reason === 'no-price') {
    return blocked(`${preflight.priceError?.message ?? 'No price is known for this call.'} Nothing was sent to ${name}; ${ON_DEVICE}.`);
  }
  const quote = preflight.quote;
  if (!quote) return { sentence: `Free: ${TEST_KEY}, so the result carries a watermark.` };
  const planLabel = quote.plan ? planWords(quote) : name;
  const costClause = `${planLabel}: ${quote.noun} costs ${formatAmount(quote.cost)}`;
  if (preflight.sandbox) {
    return {
      sentence: `Free: ${TEST_KEY}, so the result carries a watermark (${planLabel}: ${quote.noun} would cost ${formatAmount(quote.cost)}).`,
    };
  }
  const left = preflight.spendable;
  if (!quote.exact) return moneyWords(preflight, quote, name, left);

  const cost = preflight.cost ?? quote.cost;
  const pendingNote =
    preflight.reserved > EPSILON
      ? ` ${formatUnits(preflight.reserved, quote.unit)} more are held for calls that are running or may have been charged.`
      : '';
  if (left === undefined)
    return { sentence: `Uses ${formatUnits(cost, quote.unit)}; your ${name} balance has not been checked yet (${costClause}).` };
  if (preflight.status === 'blocked') {
    return blocked(
      `Not enough ${name} ${unitWord(quote.unit, 2)}: ${quote.noun} needs ${formatAmount(cost)} and ${formatAmount(Math.max(0, left))} ${left === 1 ? 'is' : 'are'} left ` +
        `(${quote.plan ? planWords(quote) : name}).${pendingNote} Nothing was sent. Top up your ${name} account, ${ON_DEVICE}.`,
    );
  }
  return { sentence: `Uses ${formatAmount(cost)} of your ${formatUnits(left, quote.unit)} (${costClause}).${pendingNote}` };
}

/** "Basic plan", "Basic plan assumed", or for a plan whose prices are unknown "plan assumed: Basic (…)". */
function planWords(quote: PriceQuote): string {
  const label = quote.plan?.label ?? '';
  if (quote.reportedPlan !== undefined)
    return `plan assumed: ${label}, the dearer known prices (your plan “${quote.reportedPlan}” has none published)`;
  return `${label} plan${quote.planAssumed ? ' assumed' : ''}`;
}

/** A provider that prices calls in money but reports the balance in its own unit (Leonardo.Ai). */
function moneyWords(preflight: Preflight, quote: PriceQuote, name: string, left: number | undefined): PreflightWords {
  const price = quote.usd === undefined ? `${name}'s price` : `about ${formatUsd(quote.usd)}`;
  const what = `Uses 1 image, ${price} (${name} bills each cutout in US dollars and reports the exact cost with the result)`;
  if (left === undefined) return { sentence: `${what}; your ${name} balance has not been checked yet.` };
  if (preflight.status === 'blocked') {
    const text = `Your ${name} balance is empty (${formatUnits(Math.max(0, left), quote.unit)}): ${name} stops API calls at zero. Nothing was sent. Top up your ${name} account, ${ON_DEVICE}.`;
    return { sentence: text, blockedMessage: text };
  }
  return { sentence: `${what}; your balance: ${formatUnits(left, quote.unit)}.` };
}

/** A paid call refused before sending because the key's rate window is full. */
export function rateLimitWords(provider: ProviderId, limit: number, windowSeconds: number, waitMs: number): string {
  return `${PROVIDER_NAMES[provider]} allows only ${limit} requests per ${windowSeconds} s with one key; the next one fits in ${Math.ceil(waitMs / 1000)} s. Nothing was sent.`;
}

/** Why a paid call was refused before anything was sent. */
export function blockedCallWords(
  blocked: { reason: string; preflight: Preflight; retryAt?: number; rateLimitBy?: 'server' | 'window' },
  now: number,
): string {
  if (blocked.reason === 'rate-limit') {
    const provider = blocked.preflight.provider;
    const waitMs = (blocked.retryAt ?? now) - now;
    if (blocked.rateLimitBy === 'server') {
      return `${PROVIDER_NAMES[provider]} asked to wait ${humanDuration(waitMs / 1000)} before the next call from this key. Nothing was sent; the free on-device cutout works meanwhile.`;
    }
    const { limit, windowSeconds } = providerMeta(provider).rateLimit;
    return rateLimitWords(provider, limit, windowSeconds, waitMs);
  }
  const words = preflightWords(blocked.preflight);
  return words.blockedMessage ?? words.sentence;
}

/** "PhotoRoom's cutout: a background removal costs 1 image, 83 images left." */
export function routeReason(route: RankedRoute): string {
  const name = providerCutoutName(route.provider);
  const price = route.exact
    ? formatUnits(route.cost, route.unit)
    : route.usd === undefined
      ? 'an amount known after the call'
      : `about ${formatUsd(route.usd)}`;
  const left = route.spendable;
  if (route.exact && route.cost === 0) return `${name}: free with a test key (the result is watermarked).`;
  if (!route.canPay) return `${name}: ${route.noun} costs ${price}, only ${formatUnits(Math.max(0, left ?? 0), route.unit)} left.`;
  return `${name}: ${route.noun} costs ${price}${left === undefined ? ' (balance not checked yet)' : `, ${formatUnits(left, route.unit)} left`}.`;
}

/** The advice under the provider-cutout buttons. */
export function routeAdvice(choice: RouteChoice): string {
  if (choice.pick) return `Best value: ${routeReason(choice.pick)}`;
  switch (choice.onDeviceReason) {
    case 'offline':
      return 'This device is offline: the on-device cutout works without a connection.';
    case 'no-key':
      return 'No key can do this: the on-device cutout can.';
    case 'cannot-pay':
    case undefined:
      return 'No key has enough balance for this: the on-device cutout is free.';
  }
}

export function defaultDateFormat(instant: number): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(instant);
}

export function formatUtc(instant: number): string {
  return `${new Date(instant).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const DAY_MS = 86_400_000;

function daysText(ms: number): string {
  const days = Math.ceil(ms / DAY_MS);
  return days === 1 ? 'less than a day' : `${days} days`;
}

/** An alert's text; `label` names the key ("Shop key", or the provider). */
export function alertMessage(alert: CreditAlert, options: { label?: string; formatDate?: (instant: number) => string } = {}): string {
  const name = options.label ?? PROVIDER_NAMES[alert.provider];
  const format = options.formatDate ?? defaultDateFormat;
  const { unit } = alert;
  switch (alert.kind) {
    case 'subscription-100':
      return `${name}: the whole subscription is used (${formatAmount(alert.used ?? 0)} of ${formatUnits(alert.allowance ?? 0, unit)}).`;
    case 'subscription-80':
      return `${name}: ${Math.floor((alert.share ?? 0) * 100)} % of the subscription is used (${formatAmount(alert.used ?? 0)} of ${formatUnits(alert.allowance ?? 0, unit)}).`;
    case 'low-balance':
      return `${name}: ${formatUnits(alert.available ?? 0, unit)} left, at or below your alert level of ${formatAmount(alert.threshold ?? 0)}.`;
    case 'expired':
    case 'expiry-7':
    case 'expiry-14': {
      const date = alert.date ?? 0;
      const when = `${format(date)} (${formatUtc(date)})`;
      const credits = alert.available === undefined ? 'credits' : formatUnits(alert.available, unit);
      if (alert.kind === 'expired') return `${name}: your ${credits} expired on ${when}. Topping up reactivates them.`;
      return `${name}: your ${credits} expire on ${when}, in ${daysText(date - alert.at)}.`;
    }
  }
}

/** "checked 3 min ago" for a balance. */
export function describeAge(lastRefreshedAt: number | undefined, now: number): string {
  if (lastRefreshedAt === undefined) return 'never checked';
  const seconds = Math.max(0, Math.round((now - lastRefreshedAt) / 1000));
  if (seconds < 60) return `checked ${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `checked ${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `checked ${hours} h ago`;
  return `checked ${Math.round(hours / 24)} days ago`;
}
