/**
 * Credit-aware routing: of the keys that can do what the user asked, propose the one that costs
 * least on the user's plans and can pay; when none can, or the device is offline, the on-device cutout.
 */
import { PROVIDER_NAMES } from '../../providers/errors.ts';
import type { BalanceUnit, ProviderId } from '../../providers/types.ts';
import { EPSILON, formatUnits } from './amounts.ts';
import { spendable } from './balance.ts';
import { isPriceError, quotePrice } from './prices.ts';
import type { PriceSource } from './prices.ts';
import type { KeyAccount, LedgerEntry } from './types.ts';

/** What the user wants, independent of provider. */
export type Intent = 'cutout' | 'cutout-preview' | 'matte' | 'ai-edit';

/** How each provider does each intent: the adapter `op`, and the `size` where it decides the price. */
export const INTENT_REQUESTS: Readonly<Record<ProviderId, Partial<Record<Intent, { op: string; size?: string; channels?: 'alpha' }>>>> = {
  photoroom: {
    cutout: { op: 'segment', size: 'full' },
    'cutout-preview': { op: 'segment', size: 'preview' },
    matte: { op: 'segment', size: 'full', channels: 'alpha' },
    'ai-edit': { op: 'edit' },
  },
  removebg: {
    cutout: { op: 'removebg', size: 'full' },
    'cutout-preview': { op: 'removebg', size: 'preview' },
    matte: { op: 'removebg', size: 'full', channels: 'alpha' },
  },
  withoutbg: {
    cutout: { op: 'cutout' },
    'cutout-preview': { op: 'cutout' },
    matte: { op: 'alpha' },
  },
};

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
  unit: BalanceUnit;
  usd?: number;
  canPay: boolean;
  /** undefined when the balance was never checked: it may still pay. */
  spendable?: number;
  reason: string;
}

export interface RouteChoice {
  /** The proposed key, or undefined when on-device is proposed. */
  pick?: RankedRoute;
  onDevice: boolean;
  reason: string;
  ranked: RankedRoute[];
}

export function chooseRoute(intent: Intent, candidates: readonly RouteCandidate[], options: { online: boolean }): RouteChoice {
  if (!options.online) return { onDevice: true, reason: 'This device is offline: the on-device cutout works without a connection.', ranked: [] };

  const ranked: RankedRoute[] = [];
  for (const candidate of candidates) {
    const request = INTENT_REQUESTS[candidate.provider][intent];
    if (!request) continue;
    const quote = quotePrice(candidate.prices, { op: request.op, size: request.size, plan: candidate.account?.plan ?? candidate.plan });
    if (isPriceError(quote)) continue;
    const cost = candidate.sandbox ? 0 : quote.cost;
    const left = candidate.account === undefined ? undefined : spendable(candidate.account, candidate.open);
    const canPay = left === undefined || left + EPSILON >= cost;
    const unitPrice = candidate.usdPerUnit ?? quote.plan?.usdPerUnit;
    const name = PROVIDER_NAMES[candidate.provider];
    const route: RankedRoute = {
      keyId: candidate.keyId,
      provider: candidate.provider,
      op: request.op,
      cost,
      unit: quote.unit,
      canPay,
      reason: canPay
        ? `${name}: ${quote.noun} costs ${formatUnits(cost, quote.unit)}${left === undefined ? ' (balance not checked yet)' : `, ${formatUnits(left, quote.unit)} left`}.`
        : `${name}: ${quote.noun} costs ${formatUnits(cost, quote.unit)}, only ${formatUnits(Math.max(0, left ?? 0), quote.unit)} left.`,
    };
    if (request.size !== undefined) route.size = request.size;
    if (left !== undefined) route.spendable = left;
    if (unitPrice !== undefined) route.usd = cost * unitPrice;
    ranked.push(route);
  }

  // Money when every payable route has a known price; otherwise units, the only common measure left.
  const payable = ranked.filter((route) => route.canPay);
  const byMoney = payable.length > 0 && payable.every((route) => route.usd !== undefined);
  ranked.sort((a, b) => {
    if (a.canPay !== b.canPay) return a.canPay ? -1 : 1;
    const costA = byMoney ? (a.usd ?? Infinity) : a.cost;
    const costB = byMoney ? (b.usd ?? Infinity) : b.cost;
    if (Math.abs(costA - costB) > EPSILON) return costA - costB;
    // Known balances before unknown ones, then the fuller balance, then a stable order.
    return (b.spendable ?? -1) - (a.spendable ?? -1) || a.keyId.localeCompare(b.keyId);
  });

  const pick = ranked.find((route) => route.canPay);
  if (!pick) {
    return {
      onDevice: true,
      reason: ranked.length === 0 ? 'No key can do this: the on-device cutout can.' : 'No key has enough balance for this: the on-device cutout is free.',
      ranked,
    };
  }
  return { pick, onDevice: false, reason: pick.reason, ranked };
}
