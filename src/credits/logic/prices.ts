/**
 * What one call costs, read from the adapters' own declarations (providers/*.ts `operations` and
 * `plans`): the price table lives there and nowhere else.
 */
import type { BalanceUnit, OperationSpec, PlanSpec } from '../../providers/types.ts';
import { formatUnits, formatUsd } from './amounts.ts';

export interface PriceQuote {
  /** In the balance's unit; 0 when only a price in money is known (see `exact`). */
  cost: number;
  unit: BalanceUnit;
  operation: OperationSpec;
  /** The plan the price was read for, when the price depends on one. */
  plan?: PlanSpec;
  /**
   * True when the key's plan is not one whose prices are declared: not known yet (the first, cheapest
   * plan is assumed) or a name we do not know (the dearest plan is assumed, so a call is never underpriced).
   */
  planAssumed: boolean;
  /** The plan name the provider reported when it is not one whose prices are declared. */
  reportedPlan?: string;
  /** False when the balance-unit cost of a call is known only after it (Leonardo.Ai prices in dollars). */
  exact: boolean;
  /** The price of one call in US dollars, where the provider publishes one. */
  usd?: number;
  /** How a person names this call: "an AI edit", "a preview cutout (up to 0.25 MP)". */
  noun: string;
}

export type PriceError = { error: 'unknown-operation' | 'unknown-size' | 'unknown-plan'; message: string };

export interface PriceRequest {
  op: string;
  size?: string | undefined;
  plan?: string | undefined;
}

export interface PriceSource {
  operations: readonly OperationSpec[];
  plans: readonly PlanSpec[];
}

export function quotePrice(source: PriceSource, request: PriceRequest): PriceQuote | PriceError {
  const operation = source.operations.find((candidate) => candidate.op === request.op);
  if (!operation) return { error: 'unknown-operation', message: `No price is known for the operation “${request.op}”.` };
  const noun = (request.size !== undefined ? operation.sizeNouns?.[request.size] : undefined) ?? operation.noun;
  const { cost } = operation;
  const base = { unit: operation.unit, operation, noun, exact: true, planAssumed: false };

  if (cost.byPlan) {
    const byPlan = cost.byPlan;
    const priced = (plan: PlanSpec, assumed: boolean, reported?: string): PriceQuote | PriceError => {
      const price = byPlan[plan.id];
      if (price === undefined) return { error: 'unknown-plan', message: `No price is known for the “${plan.id}” plan.` };
      const quote: PriceQuote = { ...base, cost: price, plan, planAssumed: assumed };
      if (plan.usdPerUnit !== undefined) quote.usd = price * plan.usdPerUnit;
      if (reported !== undefined) quote.reportedPlan = reported;
      return quote;
    };
    const wanted = request.plan?.toLowerCase();
    const known = wanted === undefined ? undefined : source.plans.find((candidate) => candidate.id === wanted);
    if (known) return priced(known, false);
    const declared = source.plans.filter((plan) => byPlan[plan.id] !== undefined);
    if (wanted !== undefined) {
      // A plan name the provider reports but nobody documented (a free tier, Enterprise): price it by
      // the dearer known rule rather than block every call.
      const dearest = declared.reduce<PlanSpec | undefined>(
        (best, plan) => (best === undefined || (byPlan[plan.id] ?? 0) > (byPlan[best.id] ?? 0) ? plan : best),
        undefined,
      );
      if (!dearest) return { error: 'unknown-plan', message: `No price is known for the “${request.plan}” plan.` };
      return priced(dearest, true, request.plan);
    }
    // Plan not known yet (e.g. only the legacy account endpoint answers): assume the first plan.
    const first = declared[0];
    if (!first) return { error: 'unknown-plan', message: 'The plan of this key is not known.' };
    return priced(first, true);
  }
  if (cost.bySize) {
    const price = request.size === undefined ? undefined : cost.bySize[request.size];
    if (price === undefined) return { error: 'unknown-size', message: `No price is known for the size “${request.size ?? '(none)'}”.` };
    return { ...base, cost: price };
  }
  if (cost.flat !== undefined) return { ...base, cost: cost.flat, ...(cost.usd === undefined ? {} : { usd: cost.usd }) };
  if (cost.usd !== undefined) return { ...base, cost: 0, exact: false, usd: cost.usd };
  return { error: 'unknown-operation', message: `No price is declared for “${operation.label}”.` };
}

export function isPriceError(value: PriceQuote | PriceError): value is PriceError {
  return 'error' in value;
}

/** The size that decides the price, read from a request of any adapter. */
export function requestSize(request: { op: string }): string | undefined {
  const size = (request as { size?: unknown }).size;
  return typeof size === 'string' ? size : undefined;
}

export interface CostContext {
  /** PhotoRoom sandbox keys are free. */
  sandbox?: boolean | undefined;
  plan?: string | undefined;
  /** The balance now, in the operation's unit. */
  available?: number | undefined;
  /** The output size, where it decides the price (remove.bg). */
  size?: string | undefined;
}

/**
 * The cost of one call for a button label: "1 image (Basic plan) · 83 images left"; every plan's
 * price while the key's plan is not known yet; the dearest size when no size is chosen; "about $0.10"
 * where only a price in money is known.
 */
export function costInWords(source: PriceSource, op: string, context: CostContext = {}): string {
  if (context.sandbox) return 'free (test key, watermarked)';
  const quote = quotePrice(source, { op, size: context.size, plan: context.plan });
  const operation = source.operations.find((candidate) => candidate.op === op);
  if (!operation) return 'cost unknown';
  let words: string;
  if (!isPriceError(quote) && !quote.exact) {
    words = quote.usd === undefined ? 'cost unknown' : `about ${formatUsd(quote.usd)}`;
  } else if (!isPriceError(quote) && (!quote.planAssumed || quote.reportedPlan !== undefined)) {
    const plan = quote.plan ? ` (${quote.reportedPlan === undefined ? `${quote.plan.label} plan` : `priced as ${quote.plan.label}`})` : '';
    words = formatUnits(quote.cost, quote.unit) + plan;
  } else if (operation.cost.byPlan) {
    const byPlan = operation.cost.byPlan;
    words = source.plans
      .flatMap((plan) => (byPlan[plan.id] === undefined ? [] : [`${formatUnits(byPlan[plan.id] ?? 0, operation.unit)} on ${plan.label}`]))
      .join(', ');
  } else if (operation.cost.bySize) {
    words = formatUnits(Math.max(...Object.values(operation.cost.bySize)), operation.unit);
  } else {
    return 'cost unknown';
  }
  return context.available === undefined ? words : `${words} · ${formatUnits(context.available, operation.unit)} left`;
}
