/**
 * The check before every paid call, as codes and numbers: whether the balance can pay, what it costs
 * on the key's plan, what is held for other calls, how old the balance is. The client words it
 * (client/format/credits.ts: "Uses 5 of your 83 images (Basic plan: an AI edit costs 5)"). Pure.
 */
import type { RetiredBy } from '../../providers/errors.ts';
import { providerStatus } from '../../providers/retirement.ts';
import type { BalanceUnit, ProviderId } from '../../providers/types.ts';
import { EPSILON } from './amounts.ts';
import { reservedCost, spendable } from './balance.ts';
import { DEFAULT_REFRESH_POLICY, isStale } from './policy.ts';
import type { RefreshPolicy } from './policy.ts';
import { isPriceError, quotePrice } from './prices.ts';
import type { PriceError, PriceQuote, PriceSource } from './prices.ts';
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

export type BlockReason = 'cannot-pay' | 'no-price' | 'retired';

export interface Preflight {
  provider: ProviderId;
  /** ok: go ahead. blocked: the balance cannot pay, no price is known or the provider retired: offer on-device. */
  status: 'ok' | 'blocked';
  reason?: BlockReason;
  /** What this call will take (0 for a sandbox key). */
  cost?: number;
  unit?: BalanceUnit;
  /** Our balance figure; undefined when never checked. */
  available?: number;
  /** The balance less what running and unsettled calls may take. */
  spendable?: number;
  /** What running calls and calls that may have been charged hold back. */
  reserved: number;
  quote?: PriceQuote;
  /** Why no price could be quoted (reason 'no-price'). */
  priceError?: PriceError;
  /** How a retired provider showed it (reason 'retired'). */
  retiredBy?: RetiredBy;
  sandbox: boolean;
  /** The balance is older than the stale limit (or was never checked). */
  stale: boolean;
  lastRefreshedAt?: number;
  /** The on-device cutout is the alternative whenever a paid call cannot run. */
  alternative: 'on-device';
}

export function preflight(input: PreflightInput): Preflight {
  const stale = input.account === undefined || isStale(input.account, input.now, input.policy ?? DEFAULT_REFRESH_POLICY);
  const lastRefreshedAt = input.account?.lastRefreshedAt;
  const base: Preflight = {
    provider: input.provider,
    status: 'ok',
    reserved: reservedCost(input.open),
    sandbox: input.sandbox,
    stale,
    alternative: 'on-device',
    ...(lastRefreshedAt === undefined ? {} : { lastRefreshedAt }),
  };

  const status = providerStatus(input.provider, input.now, input.account?.retirement);
  if (status.state === 'retired') return { ...base, status: 'blocked', reason: 'retired', retiredBy: status.by };

  const priced = quotePrice(input.prices, { op: input.op, size: input.size, plan: input.account?.plan ?? input.plan });
  if (isPriceError(priced)) {
    // A sandbox call is free whatever the price table says.
    if (input.sandbox) return { ...base, cost: 0 };
    return { ...base, status: 'blocked', reason: 'no-price', priceError: priced };
  }

  const available = input.account?.available;
  const left = input.account === undefined ? undefined : spendable(input.account, input.open);
  const result: Preflight = {
    ...base,
    cost: input.sandbox ? 0 : priced.cost,
    unit: priced.unit,
    quote: priced,
    ...(available === undefined ? {} : { available }),
    ...(left === undefined ? {} : { spendable: left }),
  };
  if (input.sandbox || left === undefined) return result;
  // A price known only in money can run while the balance is above zero (the provider stops at zero).
  const canPay = priced.exact ? left + EPSILON >= priced.cost : left > EPSILON;
  return canPay ? result : { ...result, status: 'blocked', reason: 'cannot-pay' };
}
