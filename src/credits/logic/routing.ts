/**
 * Credit-aware routing: of the keys that can do what the user asked, propose the one that costs
 * least on the user's plans and can pay; when none can, or the device is offline, the on-device cutout.
 * Codes and numbers only; the client words the advice (client/format/credits.ts). Pure.
 */
import { providerMeta } from '../../providers/catalog.ts';
import { isRetired } from '../../providers/retirement.ts';
import type { BalanceUnit, Intent, ProviderId } from '../../providers/types.ts';
import { EPSILON } from './amounts.ts';
import { spendable } from './balance.ts';
import { isPriceError, quotePrice } from './prices.ts';
import type { PriceSource } from './prices.ts';
import type { KeyAccount, LedgerEntry } from './types.ts';

export type { Intent };

export interface RouteCandidate {
  keyId: string;
  provider: ProviderId;
  /** A name the user gave the key. */
  label?: string;
  prices: PriceSource;
  account: KeyAccount | undefined;
  open: readonly LedgerEntry[];
  /** The key store's plan, when the provider has not reported one. */
  plan?: string;
  sandbox?: boolean;
  /** What the user pays per unit, when they told us; else the plan's published price. */
  usdPerUnit?: number;
}

export interface RankedRoute {
  keyId: string;
  provider: ProviderId;
  op: string;
  size?: string;
  cost: number;
  /** False when the balance-unit cost is known only after the call (a price in money). */
  exact: boolean;
  unit: BalanceUnit;
  usd?: number;
  canPay: boolean;
  /** undefined when the balance was never checked: it may still pay. */
  spendable?: number;
  /** How a person names the call: "a background removal". */
  noun: string;
}

export interface RouteChoice {
  /** The proposed key, or undefined when on-device is proposed. */
  pick?: RankedRoute;
  onDevice: boolean;
  /** Why on-device is proposed: offline, no key can do it, or none can pay. */
  onDeviceReason?: 'offline' | 'no-key' | 'cannot-pay';
  ranked: RankedRoute[];
}

/**
 * `now` decides whether a provider has retired (its meta.ts date, or what its answers showed):
 * a retired provider is never proposed.
 */
export function chooseRoute(
  intent: Intent,
  candidates: readonly RouteCandidate[],
  options: { online: boolean; now?: number },
): RouteChoice {
  if (!options.online) return { onDevice: true, onDeviceReason: 'offline', ranked: [] };

  const ranked: RankedRoute[] = [];
  for (const candidate of candidates) {
    if (options.now !== undefined && isRetired(candidate.provider, options.now, candidate.account?.retirement)) continue;
    const request = providerMeta(candidate.provider).intents[intent];
    if (!request) continue;
    const quote = quotePrice(candidate.prices, { op: request.op, size: request.size, plan: candidate.account?.plan ?? candidate.plan });
    if (isPriceError(quote)) continue;
    const cost = candidate.sandbox ? 0 : quote.cost;
    const left = candidate.account === undefined ? undefined : spendable(candidate.account, candidate.open);
    // A price known only in money can be paid while the balance is above zero (the provider stops at zero).
    const canPay = left === undefined || (quote.exact ? left + EPSILON >= cost : left > EPSILON);
    const usd = candidate.sandbox
      ? 0
      : quote.exact
        ? candidate.usdPerUnit === undefined
          ? quote.usd
          : cost * candidate.usdPerUnit
        : quote.usd;
    const route: RankedRoute = {
      keyId: candidate.keyId,
      provider: candidate.provider,
      op: request.op,
      cost,
      exact: quote.exact,
      unit: quote.unit,
      canPay,
      noun: quote.noun,
    };
    if (request.size !== undefined) route.size = request.size;
    if (left !== undefined) route.spendable = left;
    if (usd !== undefined) route.usd = usd;
    ranked.push(route);
  }

  // Money when every payable route has a known price; otherwise units, the only common measure left
  // (a cost known only in money comes after every known one there).
  const payable = ranked.filter((route) => route.canPay);
  const byMoney = payable.length > 0 && payable.every((route) => route.usd !== undefined);
  ranked.sort((a, b) => {
    if (a.canPay !== b.canPay) return a.canPay ? -1 : 1;
    const costA = byMoney ? (a.usd ?? Infinity) : a.exact ? a.cost : Infinity;
    const costB = byMoney ? (b.usd ?? Infinity) : b.exact ? b.cost : Infinity;
    if (costA !== costB && !(Math.abs(costA - costB) <= EPSILON)) return costA < costB ? -1 : 1;
    // Known balances before unknown ones, then the fuller balance, then a stable order.
    return (b.spendable ?? -1) - (a.spendable ?? -1) || a.keyId.localeCompare(b.keyId);
  });

  const pick = ranked.find((route) => route.canPay);
  if (!pick) return { onDevice: true, onDeviceReason: ranked.length === 0 ? 'no-key' : 'cannot-pay', ranked };
  return { pick, onDevice: false, ranked };
}
