/** How a paid call ended, mapped to what the ledger books: every ending, without a network. */
import { describe, expect, it } from 'vitest';
import { newAccount } from '../../../src/credits/logic/balance.ts';
import { outcomeOf, retirementShown } from '../../../src/credits/logic/outcome.ts';
import { ProviderError } from '../../../src/providers/errors.ts';

const result = { image: new Blob(), output: 'cutout' as const, watermarked: false, meta: {} };

describe('outcomeOf', () => {
  it('books an answer as a success with what the provider reported', () => {
    expect(outcomeOf({ kind: 'answered', result: { ...result, charged: 0.25 } }, 'r1')).toEqual({
      kind: 'success',
      watermarked: false,
      charged: 0.25,
      resultId: 'r1',
    });
    expect(outcomeOf({ kind: 'answered', result: { ...result, reportedCost: { amount: 0.1047, unit: 'DOLLARS' } } })).toEqual({
      kind: 'success',
      watermarked: false,
      reportedCost: { amount: 0.1047, unit: 'DOLLARS' },
    });
  });

  it('books a refusal as an error (nothing charged) and an ambiguous break as pending', () => {
    const limited = new ProviderError({ kind: 'rate-limited', provider: 'photoroom', status: 429, retryAfterSeconds: 30 });
    expect(outcomeOf({ kind: 'refused', error: limited })).toEqual({
      kind: 'error',
      errorKind: 'rate-limited',
      status: 429,
      retryAfterSeconds: 30,
    });
    const cut = new ProviderError({ kind: 'ambiguous', provider: 'withoutbg', status: 200 });
    expect(outcomeOf({ kind: 'refused', error: cut })).toEqual({ kind: 'ambiguous', status: 200 });
  });

  it('a cancel before sending cost nothing; a break while the request was out may have', () => {
    expect(outcomeOf({ kind: 'cancelled-before-send', reason: new DOMException('x', 'AbortError') })).toEqual({
      kind: 'error',
      errorKind: 'cancelled',
    });
    expect(outcomeOf({ kind: 'broke', reason: new DOMException('x', 'AbortError') })).toEqual({ kind: 'ambiguous' });
  });
});

describe('retirementShown', () => {
  const worked = { ...newAccount('k', 'removebg', 'credit'), available: 3, lastRefreshedAt: 1 };
  it('takes a refused key that had worked, at a retiring provider, as its closing', () => {
    const refused = new ProviderError({ kind: 'key-rejected', provider: 'removebg', status: 403 });
    const shown = retirementShown('removebg', worked, refused, 10);
    expect(shown.evidence).toEqual({ at: 10, by: 'refused', status: 403 });
    expect(shown.error).toMatchObject({ kind: 'retired', retiredBy: 'refused' });
  });

  it('leaves every other failure as it is', () => {
    const refused = new ProviderError({ kind: 'key-rejected', provider: 'removebg', status: 403 });
    expect(retirementShown('removebg', newAccount('k', 'removebg', 'credit'), refused, 10)).toEqual({ error: refused });
    const photoroom = new ProviderError({ kind: 'key-rejected', provider: 'photoroom', status: 403 });
    expect(retirementShown('photoroom', worked, photoroom, 10)).toEqual({ error: photoroom });
    const down = new ProviderError({ kind: 'unavailable', provider: 'removebg', status: 503 });
    expect(retirementShown('removebg', worked, down, 10)).toEqual({ error: down });
  });
});
