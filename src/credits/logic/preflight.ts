/**
 * The check before every paid call, in words a person understands:
 * "Uses 5 of your 83 images (Basic plan: an AI edit costs 5)".
 */
import { PROVIDER_NAMES } from '../../providers/catalog.ts';
import { ProviderError } from '../../providers/errors.ts';
import { providerStatus } from '../../providers/retirement.ts';
import type { BalanceUnit, ProviderId } from '../../providers/types.ts';
import { EPSILON, formatAmount, formatUnits, formatUsd, unitWord } from './amounts.ts';
import { reservedCost, spendable } from './balance.ts';
import { DEFAULT_REFRESH_POLICY, isStale } from './policy.ts';
import type { RefreshPolicy } from './policy.ts';
import { isPriceError, quotePrice } from './prices.ts';
import type { PriceQuote, PriceSource } from './prices.ts';
import type { KeyAccount, LedgerEntry } from './types.ts';

export interface PreflightInput {
  provider: ProviderId;
  prices: PriceSource;
  account: KeyAccount | undefined;
  open: readonly LedgerEntry[];
  op: string;
  size?: string | undefined;
  /** The plan the key store knows; the provider's reported plan (on the account) wins. */
  plan?: string | undefined;
  sandbox: boolean;
  now: number;
  policy?: RefreshPolicy;
}

export interface Preflight {
  /** ok: go ahead. blocked: the balance cannot pay, no price is known or the provider retired: offer on-device. */
  status: 'ok' | 'blocked';
  /** Why it is blocked. */
  reason?: 'cannot-pay' | 'no-price' | 'retired';
  cost?: number;
  unit?: BalanceUnit;
  /** Our balance figure; undefined when never checked. */
  available?: number;
  /** The balance less what running and unsettled calls may take. */
  spendable?: number;
  quote?: PriceQuote;
  /** The sentence shown before paying. */
  sentence: string;
  /** The blocking message, naming the on-device alternative. */
  blockedMessage?: string;
  /** The balance is older than the stale limit (or was never checked). */
  stale: boolean;
  lastRefreshedAt?: number;
  /** The on-device cutout is the alternative whenever a paid call cannot run. */
  alternative: 'on-device';
}

const ON_DEVICE = 'or use the free on-device cutout';

export function preflight(input: PreflightInput): Preflight {
  const name = PROVIDER_NAMES[input.provider];
  const plan = input.account?.plan ?? input.plan;
  const stale = input.account === undefined || isStale(input.account, input.now, input.policy ?? DEFAULT_REFRESH_POLICY);
  const lastRefreshedAt = input.account?.lastRefreshedAt;
  const base = { stale, alternative: 'on-device' as const, ...(lastRefreshedAt === undefined ? {} : { lastRefreshedAt }) };

  const status = providerStatus(input.provider, input.now, input.account?.retirement);
  if (status.state === 'retired') {
    const message = new ProviderError({ kind: 'retired', provider: input.provider, retiredBy: status.by }).message;
    return { ...base, status: 'blocked', reason: 'retired', sentence: message, blockedMessage: message };
  }

  const priced = quotePrice(input.prices, { op: input.op, size: input.size, plan });
  if (isPriceError(priced)) {
    if (input.sandbox) return { ...base, status: 'ok', cost: 0, sentence: 'Free: a sandbox key, so the result carries a watermark.' };
    const message = `${priced.message} Nothing was sent to ${name}; ${ON_DEVICE}.`;
    return { ...base, status: 'blocked', reason: 'no-price', sentence: message, blockedMessage: message };
  }

  const { unit, noun } = priced;
  const cost = input.sandbox ? 0 : priced.cost;
  const planLabel = priced.plan ? planWords(priced) : name;
  const costClause = `${planLabel}: ${noun} costs ${formatAmount(priced.cost)}`;
  const available = input.account?.available;
  const left = input.account === undefined ? undefined : spendable(input.account, input.open);
  const reserved = reservedCost(input.open);
  const result = {
    ...base,
    cost,
    unit,
    quote: priced,
    ...(available === undefined ? {} : { available }),
    ...(left === undefined ? {} : { spendable: left }),
  };

  if (input.sandbox) {
    return {
      ...result,
      status: 'ok',
      sentence: `Free: a sandbox key, so the result carries a watermark (${planLabel}: ${noun} would cost ${formatAmount(priced.cost)}).`,
    };
  }

  if (!priced.exact) return moneyPreflight(result, priced, name, left);

  const pendingNote =
    reserved > EPSILON ? ` ${formatUnits(reserved, unit)} more are held for calls that are running or may have been charged.` : '';

  if (available === undefined || left === undefined) {
    return {
      ...result,
      status: 'ok',
      sentence: `Uses ${formatUnits(cost, unit)}; your ${name} balance has not been checked yet (${costClause}).`,
    };
  }

  if (left + EPSILON < cost) {
    const blockedMessage =
      `Not enough ${name} ${unitWord(unit, 2)}: ${noun} needs ${formatAmount(cost)} and ${formatAmount(Math.max(0, left))} ${left === 1 ? 'is' : 'are'} left ` +
      `(${priced.plan ? planWords(priced) : name}).${pendingNote} Nothing was sent. Top up your ${name} account, ${ON_DEVICE}.`;
    return { ...result, status: 'blocked', reason: 'cannot-pay', sentence: blockedMessage, blockedMessage };
  }

  return {
    ...result,
    status: 'ok',
    sentence: `Uses ${formatAmount(cost)} of your ${formatUnits(left, unit)} (${costClause}).${pendingNote}`,
  };
}

/** "Basic plan", "Basic plan assumed", or for a plan whose prices are unknown "plan assumed: Basic (…)". */
function planWords(quote: PriceQuote): string {
  const label = quote.plan?.label ?? '';
  if (quote.reportedPlan !== undefined)
    return `plan assumed: ${label}, the dearer known prices (your plan “${quote.reportedPlan}” has none published)`;
  return `${label} plan${quote.planAssumed ? ' assumed' : ''}`;
}

/**
 * A provider that prices calls in money but reports the balance in its own unit (Leonardo.Ai):
 * the call can run while the balance is above zero; what it takes is read at the next check.
 */
function moneyPreflight(
  result: Omit<Preflight, 'status' | 'sentence'>,
  quote: PriceQuote,
  name: string,
  left: number | undefined,
): Preflight {
  const price = quote.usd === undefined ? `${name}'s price` : `about ${formatUsd(quote.usd)}`;
  const what = `Uses 1 image, ${price} (${name} bills each cutout in US dollars and reports the exact cost with the result)`;
  if (left === undefined) return { ...result, status: 'ok', sentence: `${what}; your ${name} balance has not been checked yet.` };
  if (left <= EPSILON) {
    const blockedMessage = `Your ${name} balance is empty (${formatUnits(Math.max(0, left), quote.unit)}): ${name} stops API calls at zero. Nothing was sent. Top up your ${name} account, ${ON_DEVICE}.`;
    return { ...result, status: 'blocked', reason: 'cannot-pay', sentence: blockedMessage, blockedMessage };
  }
  return { ...result, status: 'ok', sentence: `${what}; your balance: ${formatUnits(left, quote.unit)}.` };
}

/** "checked 3 min ago" for a stale balance. */
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
