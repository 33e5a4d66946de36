import { describe, expect, it } from 'vitest';
import { PhotoRoomAdapter } from '../../../src/providers/photoroom/adapter.ts';
import { RemoveBgAdapter } from '../../../src/providers/removebg/adapter.ts';
import { WithoutBgAdapter } from '../../../src/providers/withoutbg/adapter.ts';
import { isPriceError, quotePrice } from '../../../src/credits/logic/prices.ts';
import { preflight } from '../../../src/credits/logic/preflight.ts';
import { newAccount } from '../../../src/credits/logic/balance.ts';
import { preflightWords } from '../../../src/client/format/credits.ts';

const photoroom = new PhotoRoomAdapter();
const removebg = new RemoveBgAdapter();
const withoutbg = new WithoutBgAdapter();

// The published prices (providers.md §1e, §2d, withoutBG credits page), written out independently
// of the adapters so a wrong declaration fails here.
const TABLE: Array<{
  provider: string;
  adapter: typeof photoroom | typeof removebg | typeof withoutbg;
  plan?: string;
  op: string;
  size?: string;
  cost: number;
  unit: string;
}> = [
  { provider: 'photoroom', adapter: photoroom, plan: 'basic', op: 'segment', size: 'preview', cost: 1, unit: 'image' },
  { provider: 'photoroom', adapter: photoroom, plan: 'basic', op: 'segment', size: 'medium', cost: 1, unit: 'image' },
  { provider: 'photoroom', adapter: photoroom, plan: 'basic', op: 'segment', size: 'hd', cost: 1, unit: 'image' },
  { provider: 'photoroom', adapter: photoroom, plan: 'basic', op: 'segment', size: 'full', cost: 1, unit: 'image' },
  { provider: 'photoroom', adapter: photoroom, plan: 'basic', op: 'edit', cost: 5, unit: 'image' },
  { provider: 'photoroom', adapter: photoroom, plan: 'plus', op: 'segment', size: 'preview', cost: 0.2, unit: 'image' },
  { provider: 'photoroom', adapter: photoroom, plan: 'plus', op: 'segment', size: 'medium', cost: 0.2, unit: 'image' },
  { provider: 'photoroom', adapter: photoroom, plan: 'plus', op: 'segment', size: 'hd', cost: 0.2, unit: 'image' },
  { provider: 'photoroom', adapter: photoroom, plan: 'plus', op: 'segment', size: 'full', cost: 0.2, unit: 'image' },
  { provider: 'photoroom', adapter: photoroom, plan: 'plus', op: 'edit', cost: 1, unit: 'image' },
  { provider: 'removebg', adapter: removebg, op: 'removebg', size: 'preview', cost: 0.25, unit: 'credit' },
  { provider: 'removebg', adapter: removebg, op: 'removebg', size: 'medium', cost: 1, unit: 'credit' },
  { provider: 'removebg', adapter: removebg, op: 'removebg', size: 'hd', cost: 1, unit: 'credit' },
  { provider: 'removebg', adapter: removebg, op: 'removebg', size: 'full', cost: 1, unit: 'credit' },
  { provider: 'removebg', adapter: removebg, op: 'removebg', size: '50MP', cost: 1, unit: 'credit' },
  { provider: 'removebg', adapter: removebg, op: 'removebg', size: 'auto', cost: 1, unit: 'credit' },
  { provider: 'withoutbg', adapter: withoutbg, op: 'cutout', cost: 1, unit: 'credit' },
  { provider: 'withoutbg', adapter: withoutbg, op: 'alpha', cost: 1, unit: 'credit' },
];

describe('price table: every provider × plan × operation × size', () => {
  for (const row of TABLE) {
    it(`${row.provider} ${row.plan ?? '-'} ${row.op} ${row.size ?? '-'} costs ${row.cost} ${row.unit}`, () => {
      const quote = quotePrice(row.adapter, { op: row.op, size: row.size, plan: row.plan });
      if (isPriceError(quote)) throw new Error(quote.message);
      expect(quote.cost).toBe(row.cost);
      expect(quote.unit).toBe(row.unit);
      expect(quote.planAssumed).toBe(false);
      // The adapter's own estimate agrees with the lookup: one table, two readers.
      const request = { op: row.op, size: row.size, image: new Blob() } as never;
      expect(row.adapter.estimateCost(request, row.plan)).toBe(row.cost);
    });
  }

  it('covers every operation and size the adapters declare', () => {
    for (const adapter of [photoroom, removebg, withoutbg]) {
      for (const operation of adapter.operations) {
        const sizes = Object.keys(operation.cost.bySize ?? {});
        const plans = Object.keys(operation.cost.byPlan ?? {});
        for (const size of sizes.length ? sizes : [undefined]) {
          for (const plan of plans.length ? plans : [undefined]) {
            const covered = TABLE.some(
              (row) =>
                row.adapter === adapter &&
                row.op === operation.op &&
                (size === undefined || row.size === size) &&
                (plan === undefined || row.plan === plan),
            );
            expect(covered, `${adapter.id} ${operation.op} ${size} ${plan}`).toBe(true);
          }
        }
      }
    }
  });

  it('reads the plan case-insensitively and assumes the first plan when none is known', () => {
    const upper = quotePrice(photoroom, { op: 'edit', plan: 'PLUS' });
    expect(!isPriceError(upper) && upper.cost).toBe(1);
    const assumed = quotePrice(photoroom, { op: 'edit' });
    if (isPriceError(assumed)) throw new Error(assumed.message);
    expect(assumed).toMatchObject({ cost: 5, planAssumed: true });
    expect(assumed.plan?.id).toBe('basic');
  });

  it('prices a plan name it does not know by the dearer known rule, saying the plan is assumed', () => {
    // PhotoRoom documents `plan` as a free string; free-tier, Enterprise and partner accounts exist.
    for (const op of ['edit', 'segment']) {
      const quote = quotePrice(photoroom, { op, plan: 'enterprise' });
      if (isPriceError(quote)) throw new Error(quote.message);
      expect(quote).toMatchObject({ cost: op === 'edit' ? 5 : 1, planAssumed: true, reportedPlan: 'enterprise' });
      expect(quote.plan?.id).toBe('basic');
    }
  });

  it('refuses unknown sizes and operations with a reason', () => {
    expect(quotePrice(removebg, { op: 'removebg', size: 'huge' })).toMatchObject({ error: 'unknown-size' });
    expect(quotePrice(removebg, { op: 'removebg' })).toMatchObject({ error: 'unknown-size' });
    expect(quotePrice(withoutbg, { op: 'teleport' })).toMatchObject({ error: 'unknown-operation' });
  });
});

describe('preflight sentence', () => {
  const now = Date.UTC(2026, 10, 21, 12);
  function account(provider: 'photoroom' | 'removebg' | 'withoutbg', available: number, plan?: string) {
    const value = newAccount('k1', provider, provider === 'photoroom' ? 'image' : 'credit', plan);
    value.available = available;
    value.lastRefreshedAt = now - 1000;
    return value;
  }

  it('says what the call uses, of what, and why, as the issue words it', () => {
    const check = preflight({
      provider: 'photoroom',
      prices: photoroom,
      account: account('photoroom', 83, 'basic'),
      open: [],
      op: 'edit',
      sandbox: false,
      now,
    });
    expect(check.status).toBe('ok');
    expect(preflightWords(check).sentence).toBe('Uses 5 of your 83 images (Basic plan: an AI edit costs 5).');
    expect(check.stale).toBe(false);
  });

  it('words remove.bg sizes and withoutBG credits', () => {
    expect(
      preflightWords(
        preflight({
          provider: 'removebg',
          prices: removebg,
          account: account('removebg', 42.25),
          open: [],
          op: 'removebg',
          size: 'preview',
          sandbox: false,
          now,
        }),
      ).sentence,
    ).toBe('Uses 0.25 of your 42.25 credits (remove.bg: a preview cutout (up to 0.25 MP) costs 0.25).');
    expect(
      preflightWords(
        preflight({
          provider: 'withoutbg',
          prices: withoutbg,
          account: account('withoutbg', 1),
          open: [],
          op: 'alpha',
          sandbox: false,
          now,
        }),
      ).sentence,
    ).toBe('Uses 1 of your 1 credit (withoutBG: an alpha matte costs 1).');
    expect(
      preflightWords(
        preflight({
          provider: 'photoroom',
          prices: photoroom,
          account: account('photoroom', 10, 'plus'),
          open: [],
          op: 'segment',
          size: 'full',
          sandbox: false,
          now,
        }),
      ).sentence,
    ).toBe('Uses 0.2 of your 10 images (Plus plan: a background removal costs 0.2).');
  });

  it('blocks with the on-device alternative when the balance cannot pay', () => {
    const check = preflight({
      provider: 'photoroom',
      prices: photoroom,
      account: account('photoroom', 3, 'basic'),
      open: [],
      op: 'edit',
      sandbox: false,
      now,
    });
    expect(check.status).toBe('blocked');
    expect(preflightWords(check).blockedMessage).toBe(
      'Not enough PhotoRoom images: an AI edit needs 5 and 3 are left (Basic plan). Nothing was sent. Top up your PhotoRoom account, or use the free on-device cutout.',
    );
    expect(check.alternative).toBe('on-device');
  });

  it('holds back running and unsettled calls, and blocks when they would overspend', () => {
    const open = [
      {
        id: 'a',
        keyId: 'k1',
        provider: 'withoutbg' as const,
        kind: 'call' as const,
        at: now,
        operation: 'cutout',
        unit: 'credit' as const,
        expectedCost: 1,
        charged: 0,
        outcome: 'pending' as const,
      },
    ];
    const check = preflight({
      provider: 'withoutbg',
      prices: withoutbg,
      account: account('withoutbg', 1),
      open,
      op: 'cutout',
      sandbox: false,
      now,
    });
    expect(check.status).toBe('blocked');
    expect(check.spendable).toBe(0);
    expect(preflightWords(check).blockedMessage).toContain('1 credit more are held for calls that are running or may have been charged');
  });

  it('is free for sandbox keys, and flags a stale or unchecked balance', () => {
    const sandbox = preflight({
      provider: 'photoroom',
      prices: photoroom,
      account: account('photoroom', 0, 'basic'),
      open: [],
      op: 'edit',
      sandbox: true,
      now,
    });
    expect(sandbox.status).toBe('ok');
    expect(sandbox.cost).toBe(0);
    expect(preflightWords(sandbox).sentence).toBe(
      'Free: a test key (PhotoRoom calls it a sandbox key), so the result carries a watermark (Basic plan: an AI edit would cost 5).',
    );

    const old = account('photoroom', 50, 'basic');
    old.lastRefreshedAt = now - 61_000;
    expect(preflight({ provider: 'photoroom', prices: photoroom, account: old, open: [], op: 'edit', sandbox: false, now }).stale).toBe(
      true,
    );
    old.lastRefreshedAt = now - 59_000;
    expect(preflight({ provider: 'photoroom', prices: photoroom, account: old, open: [], op: 'edit', sandbox: false, now }).stale).toBe(
      false,
    );

    const unchecked = preflight({
      provider: 'photoroom',
      prices: photoroom,
      account: undefined,
      open: [],
      op: 'edit',
      plan: 'plus',
      sandbox: false,
      now,
    });
    expect(unchecked).toMatchObject({ status: 'ok', stale: true });
    expect(preflightWords(unchecked).sentence).toBe(
      'Uses 1 image; your PhotoRoom balance has not been checked yet (Plus plan: an AI edit costs 1).',
    );
  });

  it('prefers the plan the provider reported over the key store’s, and says when a plan is assumed', () => {
    const reported = account('photoroom', 20, 'plus');
    expect(
      preflight({ provider: 'photoroom', prices: photoroom, account: reported, open: [], op: 'edit', plan: 'basic', sandbox: false, now })
        .cost,
    ).toBe(1);
    const unknown = account('photoroom', 20);
    expect(
      preflightWords(preflight({ provider: 'photoroom', prices: photoroom, account: unknown, open: [], op: 'edit', sandbox: false, now }))
        .sentence,
    ).toBe('Uses 5 of your 20 images (Basic plan assumed: an AI edit costs 5).');
  });
});
