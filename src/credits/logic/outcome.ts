/**
 * What a paid call's end means for the ledger, decided from how it ended — pure, so every ending is
 * tested without a network: answered, refused by the provider, cancelled before anything left, or
 * broken while the request was out (which may have been billed).
 */
import { providerMeta } from '../../providers/catalog.ts';
import { ProviderError } from '../../providers/errors.ts';
import type { RetirementEvidence } from '../../providers/retirement.ts';
import type { ProcessResult, ProviderId } from '../../providers/types.ts';
import type { CallOutcome } from './balance.ts';
import type { KeyAccount } from './types.ts';

export type SendResult =
  | { kind: 'answered'; result: ProcessResult }
  | { kind: 'refused'; error: ProviderError }
  /** Aborted before the request was handed to the network: certainly not billed. */
  | { kind: 'cancelled-before-send'; reason: unknown }
  /** Aborted (or failed outside the provider layer) while the request was out: the provider may have billed it. */
  | { kind: 'broke'; reason: unknown };

export function outcomeOf(sent: SendResult, resultId?: string): CallOutcome {
  switch (sent.kind) {
    case 'answered': {
      const { result } = sent;
      return {
        kind: 'success',
        watermarked: result.watermarked,
        ...(result.charged === undefined ? {} : { charged: result.charged }),
        ...(result.reportedCost === undefined ? {} : { reportedCost: result.reportedCost }),
        ...(resultId === undefined ? {} : { resultId }),
      };
    }
    case 'refused': {
      const { error } = sent;
      const status = error.status === undefined ? {} : { status: error.status };
      if (error.kind === 'ambiguous') return { kind: 'ambiguous', ...status };
      return {
        kind: 'error',
        errorKind: error.kind,
        ...status,
        ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
      };
    }
    case 'cancelled-before-send':
      return { kind: 'error', errorKind: 'cancelled' };
    case 'broke':
      return { kind: 'ambiguous' };
  }
}

/**
 * Whether a failure shows that a provider with an announced closing has closed (before its date):
 * its host said the API is gone, or it refused a key that had worked (a balance was read with it).
 * The failure is then reported as 'retired', and the evidence is kept on the account.
 */
export function retirementShown(
  provider: ProviderId,
  account: KeyAccount,
  error: unknown,
  now: number,
): { error: unknown; evidence?: RetirementEvidence } {
  if (!(error instanceof ProviderError) || providerMeta(provider).retirement === undefined) return { error };
  const status = error.status === undefined ? {} : { status: error.status };
  if (error.kind === 'retired') return { error, evidence: { at: now, by: error.retiredBy === 'refused' ? 'refused' : 'gone', ...status } };
  const workedBefore = account.lastRefreshedAt !== undefined;
  if (error.kind === 'key-rejected' && error.status !== undefined && workedBefore) {
    const retired = new ProviderError({
      kind: 'retired',
      provider,
      retiredBy: 'refused',
      status: error.status,
      providerMessage: error.providerMessage,
      cause: error,
    });
    return { error: retired, evidence: { at: now, by: 'refused', ...status } };
  }
  return { error };
}
