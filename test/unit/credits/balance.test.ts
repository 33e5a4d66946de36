import { describe, expect, it } from 'vitest';
import type { RateLimitSpec } from '../../../src/providers/types.ts';
import {
  applyRefresh,
  beginCall,
  expireStaleCalls,
  finishCall,
  markRefreshAttempt,
  newAccount,
  reportedFrom,
  spendable,
} from '../../../src/credits/logic/balance.ts';
import type { BeginCall } from '../../../src/credits/logic/balance.ts';
import type { KeyAccount, LedgerEntry } from '../../../src/credits/logic/types.ts';

const SPEC: RateLimitSpec = { limit: 7, windowSeconds: 60, unit: 'requests', fallbackRetrySeconds: 60 };
const T0 = Date.UTC(2026, 10, 21, 9);

function funded(available: number, provider: KeyAccount['provider'] = 'withoutbg'): KeyAccount {
  const account = newAccount('k1', provider, provider === 'photoroom' ? 'image' : 'credit', provider === 'photoroom' ? 'basic' : undefined);
  return { ...account, available, lastRefreshedAt: T0 };
}

function call(id: string, cost = 1, extra: Partial<BeginCall> = {}): BeginCall {
  return { entryId: id, operation: 'cutout', unit: 'credit', expectedCost: cost, sandbox: false, weight: 1, ...extra };
}

/** Runs begin → finish and returns the account and the final entry. */
function run(account: KeyAccount, open: LedgerEntry[], id: string, outcome: Parameters<typeof finishCall>[2], cost = 1, at = T0) {
  const begun = beginCall(account, open, call(id, cost), at, SPEC);
  if (!begun.ok) throw new Error('cannot pay');
  const done = finishCall(begun.account, begun.entry, outcome, at + 500);
  return { account: done.account, entry: done.entries[0]! };
}

describe('debit', () => {
  it('debits on success by the price table when no header was readable', () => {
    const { account, entry } = run(funded(10), [], 'a', { kind: 'success', watermarked: false });
    expect(account.available).toBe(9);
    expect(entry).toMatchObject({ outcome: 'success', charged: 1, source: 'price-table', balanceAfter: 9 });
  });

  it('debits by the provider’s header figure when there is one', () => {
    const { account, entry } = run(funded(10, 'removebg'), [], 'a', { kind: 'success', charged: 0.25, watermarked: false });
    expect(account.available).toBe(9.75);
    expect(entry).toMatchObject({ charged: 0.25, source: 'header', expectedCost: 1 });
  });

  it('never debits an error, and asks for a refresh after a refusal', () => {
    const failed = run(funded(10), [], 'a', { kind: 'error', errorKind: 'unavailable', status: 500 });
    expect(failed.account.available).toBe(10);
    expect(failed.entry).toMatchObject({ outcome: 'error', charged: 0, errorKind: 'unavailable', status: 500 });
    expect(failed.account.refreshWanted).toBeUndefined();

    const refused = run(funded(10), [], 'b', { kind: 'error', errorKind: 'out-of-credits', status: 402 });
    expect(refused.account.available).toBe(10);
    expect(refused.account.refreshWanted).toBe('after-refusal');
    expect(run(funded(10), [], 'c', { kind: 'error', errorKind: 'credits-expired', status: 403 }).account.refreshWanted).toBe(
      'after-refusal',
    );
    expect(run(funded(10), [], 'd', { kind: 'error', errorKind: 'key-rejected', status: 403 }).account.refreshWanted).toBe('after-refusal');
    // A key refused before sending (empty key) says nothing about the balance.
    expect(run(funded(10), [], 'e', { kind: 'error', errorKind: 'key-rejected' }).account.refreshWanted).toBeUndefined();
  });

  it('remembers a 429 wait', () => {
    const limited = run(funded(10), [], 'a', { kind: 'error', errorKind: 'rate-limited', status: 429, retryAfterSeconds: 9 });
    expect(limited.account.rateLimitedUntil).toBe(T0 + 500 + 9000);
  });

  it('does not debit sandbox (watermarked) calls', () => {
    const begun = beginCall(funded(0, 'photoroom'), [], call('s', 5, { sandbox: true, unit: 'image' }), T0, SPEC);
    if (!begun.ok) throw new Error('sandbox calls need no balance');
    expect(begun.entry.expectedCost).toBe(0);
    const done = finishCall(begun.account, begun.entry, { kind: 'success', watermarked: true }, T0 + 1);
    expect(done.account.available).toBe(0);
    expect(done.entries[0]).toMatchObject({ charged: 0, outcome: 'success', sandbox: true });
  });

  it('subtracts 0.2-image steps without floating-point dust', () => {
    let account = funded(1, 'photoroom');
    for (let index = 0; index < 5; index++) account = run(account, [], `p${index}`, { kind: 'success', watermarked: false }, 0.2).account;
    expect(account.available).toBe(0);
  });

  it('reserves in-flight costs so a second call (another tab) cannot overspend', () => {
    const account = funded(1);
    const first = beginCall(account, [], call('a'), T0, SPEC);
    if (!first.ok) throw new Error('first call should start');
    const second = beginCall(first.account, [first.entry], call('b'), T0, SPEC);
    expect(second).toEqual({ ok: false, reason: 'cannot-pay', spendable: 0 });
    expect(spendable(first.account, [first.entry])).toBe(0);
  });

  it('ignores a finish for an entry that is no longer in flight (no double debit)', () => {
    const begun = beginCall(funded(5), [], call('a'), T0, SPEC);
    if (!begun.ok) throw new Error('should start');
    const once = finishCall(begun.account, begun.entry, { kind: 'success', watermarked: false }, T0 + 1);
    const twice = finishCall(once.account, once.entries[0]!, { kind: 'success', watermarked: false }, T0 + 2);
    expect(twice.account.available).toBe(4);
    expect(twice.entries).toEqual([]);
  });
});

describe('refresh, reconcile and pending settlement', () => {
  const report = (available: number, extra: Record<string, unknown> = {}) =>
    reportedFrom({ provider: 'withoutbg', unit: 'credit', available, source: '/available-credit', ...extra }, T0 + 10_000);

  it('takes the first figure as the opening balance', () => {
    const result = applyRefresh(newAccount('k1', 'withoutbg', 'credit'), [], report(138), { newEntryId: 'o' }, T0);
    expect(result.account).toMatchObject({ available: 138, lastRefreshedAt: T0 });
    expect(result.entries).toEqual([expect.objectContaining({ id: 'o', kind: 'opening', charged: 0, balanceAfter: 138 })]);
  });

  it('changes nothing visible when the server agrees', () => {
    const { account } = run(funded(10), [], 'a', { kind: 'success', watermarked: false });
    const result = applyRefresh(account, [], report(9), { newEntryId: 'x' }, T0 + 60_000);
    expect(result.entries).toEqual([]);
    expect(result.account.available).toBe(9);
  });

  it('lets the server win and records the difference as a visible correction', () => {
    const spentElsewhere = applyRefresh(funded(10), [], report(7), { newEntryId: 'c1' }, T0 + 60_000);
    expect(spentElsewhere.account.available).toBe(7);
    expect(spentElsewhere.entries).toEqual([
      expect.objectContaining({ id: 'c1', kind: 'correction', charged: 3, source: 'account-refresh', balanceAfter: 7 }),
    ]);
    expect(spentElsewhere.entries[0]!.note).toContain('3 credits less than counted');

    const toppedUp = applyRefresh(funded(10), [], report(110), { newEntryId: 'c2' }, T0 + 60_000);
    expect(toppedUp.entries[0]).toMatchObject({ charged: -100, balanceAfter: 110 });
    expect(toppedUp.entries[0]!.note).toContain('100 credits more');
  });

  it('settles an ambiguous call as charged when the balance fell by its cost, without charging twice', () => {
    const broken = run(funded(10), [], 'a', { kind: 'ambiguous', status: 200 });
    expect(broken.entry.outcome).toBe('pending');
    expect(broken.account.available).toBe(10);
    expect(broken.account.refreshWanted).toBe('ambiguous');
    expect(spendable(broken.account, [broken.entry])).toBe(9);

    const settled = applyRefresh(broken.account, [broken.entry], report(9), { newEntryId: 'x' }, T0 + 60_000);
    expect(settled.account.available).toBe(9);
    expect(settled.account.refreshWanted).toBeUndefined();
    expect(settled.entries).toEqual([
      expect.objectContaining({ id: 'a', outcome: 'settled', charged: 1, source: 'account-refresh', balanceAfter: 9 }),
    ]);
  });

  it('settles an ambiguous call as not charged when the balance did not move', () => {
    const broken = run(funded(10), [], 'a', { kind: 'ambiguous' });
    const settled = applyRefresh(broken.account, [broken.entry], report(10), { newEntryId: 'x' }, T0 + 60_000);
    expect(settled.entries).toEqual([expect.objectContaining({ id: 'a', outcome: 'settled', charged: 0 })]);
  });

  it('settles several pending calls oldest first and reports only the rest as a correction', () => {
    const pending = (id: string, at: number, cost: number): LedgerEntry => ({
      id,
      keyId: 'k1',
      provider: 'photoroom',
      kind: 'call',
      at,
      operation: 'edit',
      unit: 'image',
      expectedCost: cost,
      charged: 0,
      outcome: 'pending',
    });
    const open = [pending('late', T0 + 2, 1), pending('early', T0 + 1, 5)];
    const result = applyRefresh(
      funded(20, 'photoroom'),
      open,
      reportedFrom({ provider: 'photoroom', unit: 'image', available: 13, subscription: 100, plan: 'basic', source: '/v2/account' }, T0),
      { newEntryId: 'c' },
      T0 + 60_000,
    );
    expect(result.entries.map((entry) => [entry.id, entry.charged])).toEqual([
      ['early', 5],
      ['late', 1],
      ['c', 1],
    ]);
    expect(result.account.available).toBe(13);
  });

  it('expires in-flight calls of a tab that went away into pending ones', () => {
    const begun = beginCall(funded(10), [], call('a'), T0, SPEC);
    if (!begun.ok) throw new Error('should start');
    expect(expireStaleCalls(begun.account, [begun.entry], T0 + 179_000, { inFlightStaleMs: 180_000 }).entries).toEqual([]);
    const expired = expireStaleCalls(begun.account, [begun.entry], T0 + 180_000, { inFlightStaleMs: 180_000 });
    expect(expired.entries[0]!.outcome).toBe('pending');
    expect(expired.account.refreshWanted).toBe('ambiguous');
  });

  it('keeps remove.bg’s parts as reported and tracks subscription credits between checks', () => {
    const rbg = newAccount('r', 'removebg', 'credit');
    const first = applyRefresh(
      rbg,
      [],
      reportedFrom(
        {
          provider: 'removebg',
          unit: 'credit',
          available: 200,
          subscription: 150,
          payg: 50,
          enterprise: 0,
          freeCalls: 50,
          source: '/v1.0/account',
        },
        T0,
      ),
      { newEntryId: 'o' },
      T0,
    );
    expect(first.account.reported).toMatchObject({ available: 200, subscription: 150, payg: 50, enterprise: 0, freeCalls: 50 });
    expect(first.account).toMatchObject({ subscriptionLeft: 150, subscriptionPeak: 150 });
    const begun = beginCall(first.account, [], call('a', 1), T0 + 1, {
      limit: 500,
      windowSeconds: 60,
      unit: 'megapixel-images',
      fallbackRetrySeconds: 5,
    });
    if (!begun.ok) throw new Error('should start');
    const done = finishCall(begun.account, begun.entry, { kind: 'success', charged: 1, watermarked: false }, T0 + 2);
    expect(done.account).toMatchObject({ available: 199, subscriptionLeft: 149, subscriptionPeak: 150 });
    // A renewal raises the subscription credits and starts a new peak.
    const renewed = applyRefresh(
      done.account,
      [],
      reportedFrom(
        { provider: 'removebg', unit: 'credit', available: 230, subscription: 180, payg: 50, enterprise: 0, source: '/v1.0/account' },
        T0,
      ),
      { newEntryId: 'c' },
      T0 + 100_000,
    );
    expect(renewed.account).toMatchObject({ subscriptionLeft: 180, subscriptionPeak: 180 });
  });

  it('keeps withoutBG’s expiry as a UTC instant and PhotoRoom’s plan', () => {
    const wbg = applyRefresh(
      newAccount('w', 'withoutbg', 'credit'),
      [],
      reportedFrom(
        {
          provider: 'withoutbg',
          unit: 'credit',
          available: 138,
          expiresAt: new Date(Date.UTC(2026, 8, 5, 23, 59, 59)),
          source: '/available-credit',
        },
        T0,
      ),
      { newEntryId: 'o' },
      T0,
    );
    expect(wbg.account.reported?.expiresAt).toBe('2026-09-05T23:59:59.000Z');
    const pr = applyRefresh(
      newAccount('p', 'photoroom', 'image', 'basic'),
      [],
      reportedFrom({ provider: 'photoroom', unit: 'image', available: 83, subscription: 100, plan: 'Plus', source: '/v2/account' }, T0),
      { newEntryId: 'o' },
      T0,
    );
    expect(pr.account.plan).toBe('plus');
  });

  it('marks refresh attempts in the shared rate window', () => {
    const marked = markRefreshAttempt(funded(1), T0, SPEC);
    expect(marked.lastRefreshAttemptAt).toBe(T0);
    expect(marked.requests).toEqual([{ at: T0, weight: 1 }]);
  });
});
