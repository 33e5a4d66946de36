/**
 * What one call costs, read from the adapters' own declarations (providers/*.ts `operations` and
 * `plans`): the price table lives there and nowhere else.
 */
import type { BalanceUnit, OperationSpec, PlanSpec } from '../../providers/types.ts';
import { formatUnits } from './amounts.ts';

export interface PriceQuote {
  cost: number;
  unit: BalanceUnit;
  operation: OperationSpec;
  /** The plan the price was read for, when the price depends on one. */
  plan?: PlanSpec;
  /** True when the plan is unknown and the first declared plan (the cheapest subscription) was assumed. */
  planAssumed: boolean;
  /** How a person names this call: "an AI edit", "a preview cutout (up to 0.25 MP)". */
  noun: string;
}

export type PriceError = { error: 'unknown-operation' | 'unknown-size' | 'unknown-plan'; message: string };

export interface PriceRequest {
  op: string;
  size?: string;
  plan?: string;
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

  if (cost.byPlan) {
    const wanted = request.plan?.toLowerCase();
    let plan = wanted === undefined ? undefined : source.plans.find((candidate) => candidate.id === wanted);
    const price = wanted === undefined ? undefined : cost.byPlan[wanted];
    if (wanted !== undefined && price !== undefined) {
      const quote: PriceQuote = { cost: price, unit: operation.unit, operation, planAssumed: false, noun };
      if (plan) quote.plan = plan;
      return quote;
    }
    if (wanted !== undefined) {
      return { error: 'unknown-plan', message: `No price is known for the “${request.plan}” plan.` };
    }
    // Plan not known yet (e.g. only the legacy account endpoint answers): assume the first plan.
    plan = source.plans[0];
    const assumed = plan === undefined ? undefined : cost.byPlan[plan.id];
    if (plan === undefined || assumed === undefined) return { error: 'unknown-plan', message: 'The plan of this key is not known.' };
    return { cost: assumed, unit: operation.unit, operation, plan, planAssumed: true, noun };
  }
  if (cost.bySize) {
    const price = request.size === undefined ? undefined : cost.bySize[request.size];
    if (price === undefined) return { error: 'unknown-size', message: `No price is known for the size “${request.size ?? '(none)'}”.` };
    return { cost: price, unit: operation.unit, operation, planAssumed: false, noun };
  }
  if (cost.flat !== undefined) return { cost: cost.flat, unit: operation.unit, operation, planAssumed: false, noun };
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
  sandbox?: boolean;
  plan?: string;
  /** The balance now, in the operation's unit. */
  available?: number;
  /** The output size, where it decides the price (remove.bg). */
  size?: string;
}

/**
 * The cost of one call for a button label: "1 image (Basic plan) · 83 images left"; every plan's
 * price while the key's plan is not known yet; the dearest size when no size is chosen.
 */
export function costInWords(source: PriceSource, op: string, context: CostContext = {}): string {
  if (context.sandbox) return 'free (sandbox key, watermarked)';
  const quote = quotePrice(source, { op, ...(context.size === undefined ? {} : { size: context.size }), ...(context.plan === undefined ? {} : { plan: context.plan }) });
  const operation = source.operations.find((candidate) => candidate.op === op);
  if (!operation) return 'cost unknown';
  let words: string;
  if (!isPriceError(quote) && !quote.planAssumed) {
    words = formatUnits(quote.cost, quote.unit) + (quote.plan ? ` (${quote.plan.label} plan)` : '');
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
