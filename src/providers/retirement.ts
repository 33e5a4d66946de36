/**
 * Whether a provider still serves self-serve API keys: a provider that announced a closing date
 * (meta.ts `retirement`) is retired from that instant, by an injected clock, never the machine's
 * date; and before it whenever its host said the API is gone or refused a key that had worked.
 * Pure; runs anywhere.
 */
import { isProviderId, providerMeta } from './catalog.ts';
import type { ProviderId } from './catalog.ts';
import type { RetiredBy } from './errors.ts';

/** What a provider's answers showed before its date. */
export interface RetirementEvidence {
  at: number;
  by: Exclude<RetiredBy, 'date'>;
  status?: number;
}

export type ProviderStatus =
  | { state: 'active'; /** When it closes, if it announced a date. */ retiresAt?: number }
  | { state: 'retired'; since: number; by: RetiredBy; successor?: ProviderId };

export function providerStatus(id: ProviderId, now: number, evidence?: RetirementEvidence): ProviderStatus {
  const retirement = providerMeta(id).retirement;
  if (!retirement) return { state: 'active' };
  const at = Date.parse(retirement.at);
  const successor = isProviderId(retirement.successor) ? retirement.successor : undefined;
  const withSuccessor = successor === undefined ? {} : { successor };
  if (now >= at) return { state: 'retired', since: at, by: 'date', ...withSuccessor };
  if (evidence) return { state: 'retired', since: evidence.at, by: evidence.by, ...withSuccessor };
  return { state: 'active', retiresAt: at };
}

export function isRetired(id: ProviderId, now: number, evidence?: RetirementEvidence): boolean {
  return providerStatus(id, now, evidence).state === 'retired';
}
