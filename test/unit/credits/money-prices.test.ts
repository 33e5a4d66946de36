/**
 * Prices known only in money (Leonardo.Ai), plan names without published prices (PhotoRoom), and
 * what routing and the ledger make of them. Pure logic, clock passed in.
 */
import { describe, expect, it } from 'vitest';
import { applyRefresh, beginCall, finishCall, newAccount, reportedFrom } from '../../../src/credits/logic/balance.ts';
import { preflight } from '../../../src/credits/logic/preflight.ts';
import { costInWords, isPriceError, quotePrice } from '../../../src/credits/logic/prices.ts';
import { chooseRoute, type RouteCandidate } from '../../../src/credits/logic/routing.ts';
import type { KeyAccount, LedgerEntry } from '../../../src/credits/logic/types.ts';
import { LeonardoAdapter } from '../../../src/providers/leonardo/adapter.ts';
import { PhotoRoomAdapter } from '../../../src/providers/photoroom/adapter.ts';
import { RemoveBgAdapter } from '../../../src/providers/removebg/adapter.ts';
import { WithoutBgAdapter } from '../../../src/providers/withoutbg/adapter.ts';
import { preflightWords } from '../../../src/client/format/credits.ts';

const leonardo = new LeonardoAdapter();
const photoroom = new PhotoRoomAdapter();
const removebg = new RemoveBgAdapter();
const withoutbg = new WithoutBgAdapter();
const BEFORE = Date.parse('2026-11-30T12:00:00Z');
const AFTER = Date.parse('2026-12-01T08:00:00Z');

function funded(
  keyId: string,
  provider: KeyAccount['provider'],
  unit: KeyAccount['unit'],
  available: number | undefined,
  plan?: string,
): KeyAccount {
  const account = newAccount(keyId, provider, unit, plan);
  return available === undefined ? account : { ...account, available, lastRefreshedAt: BEFORE };
}

describe('a price known only in dollars (Leonardo.Ai)', () => {
  it('quotes the dollars and says the balance-unit cost is not known before the call', () => {
    const quote = quotePrice(leonardo, { op: 'remove-bg', size: 'full' });
    if (isPriceError(quote)) throw new Error(quote.message);
    expect(quote).toMatchObject({ exact: false, usd: 0.1047, unit: 'token', cost: 0 });
    expect(costInWords(leonardo, 'remove-bg', { available: 5000 })).toBe('about $0.10 · 5000 API credits left');
  });

  it('lets a call run while the balance is above zero, and blocks at zero', () => {
    const input = { provider: 'leonardo' as const, prices: leonardo, open: [], op: 'remove-bg', size: 'full', sandbox: false, now: BEFORE };
    expect(preflight({ ...input, account: funded('l', 'leonardo', 'token', 3) }).status).toBe('ok');
    const empty = preflight({ ...input, account: funded('l', 'leonardo', 'token', 0) });
    expect(empty).toMatchObject({ status: 'blocked', reason: 'cannot-pay' });
    expect(preflightWords(empty).blockedMessage).toMatch(/Leonardo\.Ai balance is empty .* Nothing was sent/);
    expect(preflightWords(preflight({ ...input, account: undefined })).sentence).toMatch(
      /^Uses 1 image, about \$0\.10 .*has not been checked yet\.$/,
    );
  });

  it('records a success unpriced with what the provider reported, and settles it from the balance fall', () => {
    const account = funded('l', 'leonardo', 'token', 5000);
    const spec = leonardo.rateLimit;
    const entries: LedgerEntry[] = [];
    let current = account;
    for (const id of ['a', 'b']) {
      const begun = beginCall(
        current,
        entries,
        { entryId: id, operation: 'remove-bg', unit: 'token', expectedCost: 0, costKnown: false, sandbox: false, weight: 1 },
        BEFORE,
        spec,
      );
      if (!begun.ok) throw new Error('blocked');
      const done = finishCall(
        begun.account,
        begun.entry,
        { kind: 'success', watermarked: false, reportedCost: { amount: 0.1047, unit: 'DOLLARS' } },
        BEFORE + 1,
      );
      expect(done.entries[0]).toMatchObject({ outcome: 'unpriced', charged: 0, reportedCost: { amount: 0.1047, unit: 'DOLLARS' } });
      expect(done.account.refreshWanted).toBe('unpriced');
      current = done.account;
      entries.push(done.entries[0]!);
    }
    expect(current.available).toBe(5000);
    const settled = applyRefresh(
      current,
      entries,
      reportedFrom({ provider: 'leonardo', unit: 'token', available: 4791, source: '/me' }, BEFORE + 60_000),
      { newEntryId: 'x' },
      BEFORE + 60_000,
    );
    expect(settled.entries.map((entry) => [entry.id, entry.outcome, entry.charged])).toEqual([
      ['a', 'success', 104.5],
      ['b', 'success', 104.5],
    ]);
    expect(settled.account.available).toBe(4791);
    // When the balance did not fall (a refund, a free call), they took nothing and no correction is invented.
    const unchanged = applyRefresh(
      current,
      entries,
      reportedFrom({ provider: 'leonardo', unit: 'token', available: 5000, source: '/me' }, BEFORE + 60_000),
      { newEntryId: 'y' },
      BEFORE + 60_000,
    );
    expect(unchanged.entries.map((entry) => entry.charged)).toEqual([0, 0]);
    expect(unchanged.entries.some((entry) => entry.kind === 'correction')).toBe(false);
  });

  it('is ranked by money against PhotoRoom, and after known unit prices when money is not comparable', () => {
    const candidate = (
      keyId: string,
      provider: RouteCandidate['provider'],
      prices: RouteCandidate['prices'],
      unit: KeyAccount['unit'],
      available: number,
      plan?: string,
    ): RouteCandidate => ({
      keyId,
      provider,
      prices,
      account: funded(keyId, provider, unit, available, plan),
      open: [],
    });
    const money = chooseRoute(
      'cutout',
      [candidate('leo', 'leonardo', leonardo, 'token', 5000), candidate('pr', 'photoroom', photoroom, 'image', 10, 'basic')],
      { online: true, now: BEFORE },
    );
    expect(money.ranked.map((route) => [route.keyId, route.usd])).toEqual([
      ['pr', 0.02],
      ['leo', 0.1047],
    ]);
    const units = chooseRoute(
      'cutout',
      [candidate('leo', 'leonardo', leonardo, 'token', 5000), candidate('wbg', 'withoutbg', withoutbg, 'credit', 10)],
      { online: true, now: BEFORE },
    );
    expect(units.pick?.keyId).toBe('wbg');
    const broke = chooseRoute('cutout', [candidate('leo', 'leonardo', leonardo, 'token', 0)], { online: true, now: BEFORE });
    expect(broke.onDevice).toBe(true);
  });
});

describe('routing and remove.bg’s closing', () => {
  it('never proposes remove.bg from 2026-12-01T08:00Z, whatever its balance', () => {
    const rbg: RouteCandidate = {
      keyId: 'rbg',
      provider: 'removebg',
      prices: removebg,
      account: funded('rbg', 'removebg', 'credit', 500),
      open: [],
    };
    const leo: RouteCandidate = {
      keyId: 'leo',
      provider: 'leonardo',
      prices: leonardo,
      account: funded('leo', 'leonardo', 'token', 100),
      open: [],
    };
    expect(chooseRoute('cutout', [rbg, leo], { online: true, now: AFTER - 1 }).pick?.keyId).toBe('rbg');
    const after = chooseRoute('cutout', [rbg, leo], { online: true, now: AFTER });
    expect(after.pick?.keyId).toBe('leo');
    expect(after.ranked.map((route) => route.keyId)).toEqual(['leo']);
    expect(chooseRoute('cutout', [rbg], { online: true, now: AFTER })).toMatchObject({ onDevice: true });
  });

  it('blocks a remove.bg preflight after the date with the successor named', () => {
    const check = preflight({
      provider: 'removebg',
      prices: removebg,
      account: funded('rbg', 'removebg', 'credit', 5),
      open: [],
      op: 'removebg',
      size: 'full',
      sandbox: false,
      now: AFTER,
    });
    expect(check).toMatchObject({ status: 'blocked', reason: 'retired' });
    expect(preflightWords(check).blockedMessage).toMatch(/Leonardo\.Ai/);
  });
});

describe('PhotoRoom plan names without published prices', () => {
  it('are priced by the dearer rule with the plan said to be assumed, instead of blocking', () => {
    const account = funded('pr', 'photoroom', 'image', 40, 'free');
    const check = preflight({ provider: 'photoroom', prices: photoroom, account, open: [], op: 'edit', sandbox: false, now: BEFORE });
    expect(check.status).toBe('ok');
    expect(check.cost).toBe(5);
    expect(preflightWords(check).sentence).toBe(
      'Uses 5 of your 40 images (plan assumed: Basic, the dearer known prices (your plan “free” has none published): an AI edit costs 5).',
    );
    expect(costInWords(photoroom, 'segment', { plan: 'enterprise', available: 40 })).toBe('1 image (priced as Basic) · 40 images left');
  });

  it('a sandbox key is free whatever the plan, checked before any price', () => {
    const check = preflight({
      provider: 'photoroom',
      prices: photoroom,
      account: funded('pr', 'photoroom', 'image', 0, 'enterprise'),
      open: [],
      op: 'edit',
      sandbox: true,
      now: BEFORE,
    });
    expect(check).toMatchObject({ status: 'ok', cost: 0 });
    expect(preflightWords(check).sentence).toMatch(/^Free: a test key \(PhotoRoom calls it a sandbox key\)/);
  });
});
