/**
 * The declared price of one call, read from a provider's own `operations` (its meta.ts): the price
 * table lives there and nowhere else. Pure. (credits/logic/prices.ts quotes it for people.)
 */
import type { OperationSpec } from './types.ts';

export function declaredCost(
  operations: readonly OperationSpec[],
  op: string,
  context: { plan?: string | undefined; size?: string | undefined },
): number | undefined {
  const cost = operations.find((operation) => operation.op === op)?.cost;
  if (!cost) return undefined;
  if (cost.byPlan) return context.plan === undefined ? undefined : cost.byPlan[context.plan.toLowerCase()];
  if (cost.bySize) return context.size === undefined ? undefined : cost.bySize[context.size];
  return cost.flat;
}
