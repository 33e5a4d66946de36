import { describe, expect, it } from 'vitest';
import { WithoutBgAdapter } from '../../../src/providers/withoutbg/adapter.ts';
import { RemoveBgAdapter } from '../../../src/providers/removebg/adapter.ts';
import { beginCall, markRefreshAttempt, newAccount } from '../../../src/credits/logic/balance.ts';
import {
  MAX_PROCESSING_LOCK_MS,
  MAX_REFRESH_LOCK_MS,
  decideRefresh,
  processingReserve,
  processingWait,
  requestWeight,
  waitForSlot,
  windowUsage,
} from '../../../src/credits/logic/policy.ts';
import type { KeyAccount, LedgerEntry } from '../../../src/credits/logic/types.ts';

const WBG = new WithoutBgAdapter().rateLimit;
const RBG = new RemoveBgAdapter().rateLimit;
const T0 = Date.UTC(2026, 10, 21, 9);

/** A fake clock that only moves when told. */
function clock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function checked(at: number): KeyAccount {
  return {
    ...newAccount('k', 'withoutbg', 'credit'),
    available: 50,
    lastRefreshedAt: at,
    lastRefreshAttemptAt: at,
    requests: [{ at, weight: 1 }],
  };
}

describe('sliding-window request budget', () => {
  it('lets 7 withoutBG requests into a minute, the 8th waits for the oldest to leave', () => {
    const time = clock();
    let marks: Array<{ at: number; weight: number }> = [];
    for (let index = 0; index < 7; index++) {
      expect(waitForSlot(marks, time.now(), WBG, 1)).toBe(0);
      marks.push({ at: time.now(), weight: 1 });
      time.advance(5_000);
    }
    // t = 35 s: the first request (t = 0) leaves the window at 60 s.
    expect(windowUsage(marks, time.now(), WBG)).toBe(7);
    expect(waitForSlot(marks, time.now(), WBG, 1)).toBe(25_000);
    time.advance(24_999);
    expect(waitForSlot(marks, time.now(), WBG, 1)).toBe(1);
    time.advance(1);
    expect(waitForSlot(marks, time.now(), WBG, 1)).toBe(0);
    marks = marks.slice(1);
    expect(windowUsage(marks, time.now(), WBG)).toBe(6);
  });

  it('keeps a reserve for processing, and weighs remove.bg calls by megapixels', () => {
    expect(processingReserve(WBG)).toBe(1);
    expect(processingReserve(RBG)).toBe(100);
    const six = Array.from({ length: 6 }, (_, index) => ({ at: T0 + index, weight: 1 }));
    expect(waitForSlot(six, T0 + 10, WBG, 1, 0)).toBe(0);
    expect(waitForSlot(six, T0 + 10, WBG, 1, 1)).toBe(60_000 - 10);
    expect(requestWeight(RBG, 0.3)).toBe(1);
    expect(requestWeight(RBG, 25)).toBe(25);
    expect(requestWeight(WBG, 25)).toBe(1);
    const heavy = [{ at: T0, weight: 480 }];
    expect(waitForSlot(heavy, T0 + 1000, RBG, 25)).toBe(59_000);
    expect(waitForSlot([], T0, RBG, 501)).toBe(Number.POSITIVE_INFINITY);
  });

  it('makes processing wait out a 429 Retry-After', () => {
    const account = { ...checked(T0), rateLimitedUntil: T0 + 9_000 };
    expect(processingWait(account, T0 + 1_000, WBG, 1).ms).toBe(8_000);
    expect(processingWait(account, T0 + 1_000, WBG, 1).cause).toBe('server');
    expect(processingWait(account, T0 + 9_000, WBG, 1).ms).toBe(0);
  });

  it('obeys a Retry-After of a day only up to a cap, and lets balance checks through after a minute', () => {
    const account = { ...checked(T0), rateLimitedUntil: T0 + 86_400_000, rateLimitedAt: T0 };
    expect(processingWait(account, T0 + 1_000, WBG, 1)).toEqual({ ms: MAX_PROCESSING_LOCK_MS - 1_000, cause: 'server' });
    expect(processingWait(account, T0 + MAX_PROCESSING_LOCK_MS, WBG, 1).ms).toBe(0);
    expect(decideRefresh(account, [], 'user', T0 + 50_000, WBG)).toMatchObject({
      run: false,
      why: 'rate-limit',
      retryAt: T0 + MAX_REFRESH_LOCK_MS,
    });
    expect(decideRefresh(account, [], 'user', T0 + MAX_REFRESH_LOCK_MS, WBG)).toEqual({ run: true });
  });
});

describe('refresh policy', () => {
  it('refreshes on start only when the balance is older than 60 s', () => {
    const account = checked(T0);
    expect(decideRefresh(account, [], 'app-start', T0 + 59_999, WBG)).toEqual({ run: false, why: 'fresh' });
    expect(decideRefresh(account, [], 'app-start', T0 + 60_000, WBG)).toEqual({ run: true });
    expect(decideRefresh(newAccount('k', 'withoutbg', 'credit'), [], 'app-start', T0, WBG)).toEqual({ run: true });
  });

  it('never calls the account endpoint twice within 45 s, whatever the reason', () => {
    const account = checked(T0);
    for (const reason of ['user', 'after-refusal', 'ambiguous', 'key-added'] as const) {
      expect(decideRefresh(account, [], reason, T0 + 44_999, WBG)).toEqual({ run: false, why: 'too-soon', retryAt: T0 + 45_000 });
      expect(decideRefresh(account, [], reason, T0 + 45_000, WBG)).toEqual({ run: true });
    }
  });

  it('counts failed attempts toward the 45 s gap', () => {
    const account = markRefreshAttempt(newAccount('k', 'withoutbg', 'credit'), T0, WBG);
    expect(decideRefresh(account, [], 'user', T0 + 10_000, WBG)).toMatchObject({ run: false, why: 'too-soon' });
  });

  it('waits while a call is in flight, so a snapshot never half-includes a call', () => {
    const account = checked(T0 - 100_000);
    const begun = beginCall(
      account,
      [],
      { entryId: 'a', operation: 'cutout', unit: 'credit', expectedCost: 1, sandbox: false, weight: 1 },
      T0,
      WBG,
    );
    if (!begun.ok) throw new Error('should start');
    const open: LedgerEntry[] = [begun.entry];
    expect(decideRefresh(begun.account, open, 'user', T0 + 1000, WBG)).toEqual({ run: false, why: 'in-flight', retryAt: T0 + 180_000 });
    // Once stale, the call no longer blocks (it is expired into pending by the caller).
    expect(decideRefresh(begun.account, open, 'user', T0 + 180_000, WBG)).toEqual({ run: true });
  });

  it('gives processing the rate budget first: a routine refresh leaves the reserve, an urgent one may use it', () => {
    const time = clock(T0 + 100_000);
    const account = {
      ...checked(T0),
      requests: Array.from({ length: 6 }, (_, index) => ({ at: time.now() - 1000 * (6 - index), weight: 1 })),
    };
    expect(decideRefresh(account, [], 'stale', time.now(), WBG)).toMatchObject({ run: false, why: 'rate-limit' });
    expect(decideRefresh(account, [], 'user', time.now(), WBG)).toMatchObject({ run: false, why: 'rate-limit' });
    expect(decideRefresh(account, [], 'after-refusal', time.now(), WBG)).toEqual({ run: true });
    const full = { ...account, requests: [...account.requests, { at: time.now(), weight: 1 }] };
    expect(decideRefresh(full, [], 'after-refusal', time.now(), WBG)).toMatchObject({
      run: false,
      why: 'rate-limit',
      retryAt: time.now() - 6000 + 60_000,
    });
  });

  it('respects a 429 on the account endpoint', () => {
    const account = { ...checked(T0), rateLimitedUntil: T0 + 120_000 };
    expect(decideRefresh(account, [], 'user', T0 + 60_000, WBG)).toEqual({ run: false, why: 'rate-limit', retryAt: T0 + 120_000 });
  });
});

describe('balance lag', () => {
  it('does not read remove.bg’s balance within its documented delay after a call; others at once', () => {
    const rbg = {
      ...newAccount('r', 'removebg', 'credit'),
      available: 5,
      lastRefreshedAt: T0 - 120_000,
      lastRefreshAttemptAt: T0 - 120_000,
      lastCallAt: T0 - 4_000,
    };
    expect(decideRefresh(rbg, [], 'verify', T0, RBG)).toEqual({ run: false, why: 'too-soon', retryAt: T0 + 6_000 });
    expect(decideRefresh(rbg, [], 'verify', T0 + 6_000, RBG)).toEqual({ run: true });
    const wbg = { ...rbg, keyId: 'w', provider: 'withoutbg' as const };
    expect(decideRefresh(wbg, [], 'verify', T0, WBG)).toEqual({ run: true });
  });
});
