/**
 * A key's balance in words, read from how its provider's account endpoint reports it (the provider's
 * meta.ts `balance`), so no view needs a branch per provider. Pure; main thread.
 */
import { formatAmount, formatUnits } from '../../credits/logic/amounts.ts';
import type { KeyAccount } from '../../credits/logic/types.ts';
import { planLabel, providerMeta } from '../../providers/catalog.ts';

/** "20 of 25 images left · Basic plan", "5 credits left (3 subscription, 2 pay-as-you-go at the last check) · 50 free previews this month". */
export function balanceSummary(account: KeyAccount): string {
  const spec = providerMeta(account.provider).balance;
  const reported = account.reported;
  const available = account.available ?? 0;
  let left = `${formatUnits(available, account.unit)} left`;
  if (spec.subscription === 'allowance' && reported?.subscription) {
    left = `${formatAmount(available)} of ${formatUnits(reported.subscription, account.unit)} left`;
  } else if (spec.subscription === 'part-of-total') {
    // The parts of the total as reported, not a monthly allowance.
    const split = [
      reported?.subscription ? `${formatAmount(reported.subscription)} subscription` : '',
      spec.parts?.includes('payg') && reported?.payg ? `${formatAmount(reported.payg)} pay-as-you-go` : '',
      spec.parts?.includes('enterprise') && reported?.enterprise ? `${formatAmount(reported.enterprise)} enterprise` : '',
    ].filter(Boolean);
    if (split.length > 0) left += ` (${split.join(', ')} at the last check)`;
  }
  const parts = [left];
  const plan = planLabel(account.provider, account.plan);
  if (plan) parts.push(`${plan} plan`);
  if (spec.freeCalls && reported?.freeCalls !== undefined) parts.push(`${reported.freeCalls} free previews this month`);
  if (spec.expires && reported?.expiresAt) parts.push(`expires ${new Date(reported.expiresAt).toLocaleDateString()}`);
  return parts.join(' · ');
}
