import { describe, expect, it } from 'vitest';
import { computeAlerts, subscriptionUsed } from '../../../src/credits/logic/alerts.ts';
import { newAccount } from '../../../src/credits/logic/balance.ts';
import { ledgerToCsv } from '../../../src/credits/logic/csv.ts';
import { dailyUsage, dayKey, forecastRunOut } from '../../../src/credits/logic/insight.ts';
import { chooseRoute } from '../../../src/credits/logic/routing.ts';
import { alertMessage, routeAdvice } from '../../../src/client/format/credits.ts';
import type { RouteCandidate } from '../../../src/credits/logic/routing.ts';
import type { KeyAccount, LedgerEntry } from '../../../src/credits/logic/types.ts';
import { PhotoRoomAdapter } from '../../../src/providers/photoroom/adapter.ts';
import { RemoveBgAdapter } from '../../../src/providers/removebg/adapter.ts';
import { WithoutBgAdapter } from '../../../src/providers/withoutbg/adapter.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 21, 12);
const utc = (instant: number) => new Date(instant).toISOString();

function photoroom(available: number, subscription: number): KeyAccount {
  return {
    ...newAccount('pr', 'photoroom', 'image', 'basic'),
    available,
    reported: { unit: 'image', available, subscription, plan: 'basic', source: '/v2/account', at: NOW },
  };
}

function withoutbg(available: number, expiresAt: string): KeyAccount {
  return {
    ...newAccount('wb', 'withoutbg', 'credit'),
    available,
    reported: { unit: 'credit', available, expiresAt, source: '/available-credit', at: NOW },
  };
}

function spend(at: number, charged: number, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    id: `e${at}${charged}`,
    keyId: 'wb',
    provider: 'withoutbg',
    kind: 'call',
    at,
    operation: 'cutout',
    unit: 'credit',
    expectedCost: charged,
    charged,
    outcome: 'success',
    source: 'price-table',
    ...extra,
  };
}

describe('alerts', () => {
  it('fires at 80 % and at 100 % of the subscription used, not before', () => {
    expect(computeAlerts([photoroom(21, 100)], NOW)).toEqual([]);
    const at80 = computeAlerts([photoroom(20, 100)], NOW);
    expect(at80).toEqual([expect.objectContaining({ kind: 'subscription-80', severity: 'warning' })]);
    expect(alertMessage(at80[0]!)).toBe('PhotoRoom: 80 % of the subscription is used (80 of 100 images).');
    expect(computeAlerts([photoroom(0.2, 100)], NOW).map((alert) => alert.kind)).toEqual(['subscription-80']);
    const at100 = computeAlerts([photoroom(0, 100)], NOW);
    expect(at100).toEqual([expect.objectContaining({ kind: 'subscription-100', severity: 'critical' })]);
  });

  it('measures remove.bg against the largest subscription figure of the cycle', () => {
    const rbg: KeyAccount = { ...newAccount('rb', 'removebg', 'credit'), available: 60, subscriptionLeft: 10, subscriptionPeak: 50 };
    expect(subscriptionUsed(rbg)).toEqual({ used: 40, allowance: 50, share: 0.8 });
    expect(computeAlerts([rbg], NOW).map((alert) => alert.kind)).toEqual(['subscription-80']);
  });

  it('fires the low-balance alert at the user’s threshold', () => {
    const account = { ...withoutbg(6, '2099-01-01T00:00:00.000Z'), lowBalanceThreshold: 5 };
    expect(computeAlerts([account], NOW)).toEqual([]);
    const low = computeAlerts([{ ...account, available: 5 }], NOW);
    expect(low).toEqual([expect.objectContaining({ kind: 'low-balance', severity: 'warning' })]);
    expect(alertMessage(low[0]!)).toBe('withoutBG: 5 credits left, at or below your alert level of 5.');
    expect(computeAlerts([{ ...account, available: 0 }], NOW)[0]).toMatchObject({ kind: 'low-balance', severity: 'critical' });
  });

  it('warns 14 and 7 days before withoutBG credits expire, by UTC instants', () => {
    const expires = '2026-12-05T23:59:59.000Z';
    const at = Date.parse(expires);
    expect(computeAlerts([withoutbg(12, expires)], at - 14 * DAY - 1)).toEqual([]);
    const fourteen = computeAlerts([withoutbg(12, expires)], at - 14 * DAY);
    expect(fourteen).toEqual([expect.objectContaining({ kind: 'expiry-14', severity: 'warning', date: at })]);
    expect(alertMessage(fourteen[0]!, { formatDate: utc })).toBe(
      'withoutBG: your 12 credits expire on 2026-12-05T23:59:59.000Z (2026-12-05 23:59 UTC), in 14 days.',
    );
    expect(computeAlerts([withoutbg(12, expires)], at - 7 * DAY - 1)[0]!.kind).toBe('expiry-14');
    expect(computeAlerts([withoutbg(12, expires)], at - 7 * DAY)[0]!.kind).toBe('expiry-7');
    expect(alertMessage(computeAlerts([withoutbg(12, expires)], at - 1000)[0]!, { formatDate: utc })).toContain('in less than a day');
    expect(computeAlerts([withoutbg(12, expires)], at)[0]!.kind).toBe('expired');
  });

  it('shows the expiry in the local zone and in UTC', () => {
    const message = alertMessage(computeAlerts([withoutbg(3, '2026-12-01T23:30:00.000Z')], Date.parse('2026-11-28T00:00:00Z'))[0]!, {
      formatDate: (instant) =>
        new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', dateStyle: 'medium', timeStyle: 'short' }).format(instant),
    });
    expect(message).toBe('withoutBG: your 3 credits expire on 2 Dec 2026, 08:30 (2026-12-01 23:30 UTC), in 4 days.');
  });

  it('hides a dismissed alert until the condition comes back in a new form', () => {
    const account = photoroom(20, 100);
    const [alert] = computeAlerts([account], NOW);
    expect(computeAlerts([{ ...account, dismissedAlerts: [alert!.id] }], NOW)).toEqual([]);
    expect(computeAlerts([{ ...account, available: 0, dismissedAlerts: [alert!.id] }], NOW).map((found) => found.kind)).toEqual([
      'subscription-100',
    ]);
  });
});

describe('forecast and daily usage', () => {
  it('projects the run-out at the pace of the last 7 days', () => {
    const account = withoutbg(30, '2099-01-01T00:00:00.000Z');
    const entries = [
      spend(NOW - 6 * DAY, 10),
      spend(NOW - 3 * DAY, 20),
      spend(NOW - 30 * DAY, 500),
      spend(NOW - DAY, 0, { outcome: 'error' }),
    ];
    const forecast = forecastRunOut(account, entries, NOW);
    expect(forecast).toMatchObject({ perDay: 5, basisDays: 6, daysLeft: 6, runOutAt: NOW + 6 * DAY, expiresFirst: false });
  });

  it('takes at least one day as the basis, says when credits expire first, and has no run-out without spending', () => {
    const account = withoutbg(10, utc(NOW + 2 * DAY));
    const forecast = forecastRunOut(account, [spend(NOW - 3_600_000, 2)], NOW);
    expect(forecast).toMatchObject({ perDay: 2, basisDays: 1, daysLeft: 5, expiresFirst: true });
    expect(forecastRunOut(account, [], NOW)).toEqual({ perDay: 0, basisDays: 0 });
    expect(forecastRunOut(newAccount('x', 'withoutbg', 'credit'), [], NOW)).toBeUndefined();
  });

  it('sums charged amounts per day by provider and operation', () => {
    const entries = [
      spend(NOW, 1),
      spend(NOW - 1000, 1),
      spend(NOW - DAY, 1, { operation: 'alpha' }),
      spend(NOW - DAY, 5, { provider: 'photoroom', operation: 'edit', unit: 'image', keyId: 'pr' }),
      spend(NOW - 2 * DAY, 0.25, { provider: 'removebg', operation: 'removebg', outcome: 'settled', source: 'account-refresh' }),
      spend(NOW, 9, { kind: 'correction', operation: '' }),
      spend(NOW, 3, { outcome: 'pending' }),
    ];
    const usage = dailyUsage(entries, NOW, 3, 'UTC');
    expect(usage.days).toEqual(['2026-11-19', '2026-11-20', '2026-11-21']);
    expect(usage.series.map((line) => [line.id, line.values, line.total])).toEqual([
      ['photoroom:edit', [0, 5, 0], 5],
      ['removebg:removebg', [0.25, 0, 0], 0.25],
      ['withoutbg:alpha', [0, 1, 0], 1],
      ['withoutbg:cutout', [0, 0, 2], 2],
    ]);
  });

  it('groups by the day in the given time zone', () => {
    const lateUtc = Date.UTC(2026, 10, 20, 23, 30);
    expect(dayKey(lateUtc, 'UTC')).toBe('2026-11-20');
    expect(dayKey(lateUtc, 'Europe/Berlin')).toBe('2026-11-21');
  });
});

describe('CSV export', () => {
  it('writes every entry with a header row, UTC times and quoted text', () => {
    const csv = ledgerToCsv(
      [
        spend(Date.UTC(2026, 10, 21, 10), 1, { id: 'b', resultId: 'r-2', balanceAfter: 9 }),
        spend(Date.UTC(2026, 10, 21, 9), 0, { id: 'a', outcome: 'error', errorKind: 'out-of-credits', note: 'Failed, "nothing" charged' }),
        spend(Date.UTC(2026, 10, 21, 11), 0, { id: 'c', outcome: 'pending', expectedCost: 1 }),
      ],
      (keyId) => (keyId === 'wb' ? '=HYPERLINK("x")' : keyId),
    );
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'time_utc,key_id,provider,kind,operation,size,plan,unit,expected_cost,charged,source,outcome,error,balance_after,result_id,note',
    );
    expect(lines[1]).toBe(
      `2026-11-21T09:00:00.000Z,"'=HYPERLINK(""x"")",withoutbg,call,cutout,,,credit,0,0,price-table,error,out-of-credits,,,"Failed, ""nothing"" charged"`,
    );
    expect(lines[2]).toBe(`2026-11-21T10:00:00.000Z,"'=HYPERLINK(""x"")",withoutbg,call,cutout,,,credit,1,1,price-table,success,,9,r-2,`);
    // A pending call has no charged figure yet.
    expect(lines[3]!.split(',')[9]).toBe('');
    expect(lines).toHaveLength(4);
  });
});

describe('credit-aware routing', () => {
  const pr = new PhotoRoomAdapter();
  const rbg = new RemoveBgAdapter();
  const wbg = new WithoutBgAdapter();
  const candidate = (
    keyId: string,
    prices: RouteCandidate['prices'],
    provider: RouteCandidate['provider'],
    available: number | undefined,
    extra: Partial<RouteCandidate> = {},
  ): RouteCandidate => {
    const account = newAccount(keyId, provider, provider === 'photoroom' ? 'image' : 'credit', extra.plan);
    if (available !== undefined) account.available = available;
    return { keyId, provider, prices, account: available === undefined ? undefined : account, open: [], ...extra };
  };

  it('proposes the cheapest key on the user’s plans that can pay', () => {
    const choice = chooseRoute(
      'cutout',
      [candidate('basic', pr, 'photoroom', 50, { plan: 'basic' }), candidate('plus', pr, 'photoroom', 50, { plan: 'plus' })],
      { online: true },
    );
    expect(choice.pick?.keyId).toBe('basic');
    expect(choice.pick?.usd).toBeCloseTo(0.02);
    expect(choice.ranked.map((route) => [route.keyId, route.cost])).toEqual([
      ['basic', 1],
      ['plus', 0.2],
    ]);
  });

  it('skips keys that cannot pay and keys that cannot do the operation', () => {
    const choice = chooseRoute(
      'ai-edit',
      [
        candidate('pr', pr, 'photoroom', 3, { plan: 'basic' }),
        candidate('rbg', rbg, 'removebg', 100),
        candidate('pr2', pr, 'photoroom', 9, { plan: 'basic' }),
      ],
      { online: true },
    );
    expect(choice.pick?.keyId).toBe('pr2');
    expect(choice.ranked.map((route) => [route.keyId, route.canPay])).toEqual([
      ['pr2', true],
      ['pr', false],
    ]);
  });

  it('compares units when a price in money is unknown, cheaper first', () => {
    const choice = chooseRoute('cutout-preview', [candidate('wbg', wbg, 'withoutbg', 10), candidate('rbg', rbg, 'removebg', 10)], {
      online: true,
    });
    expect(choice.pick).toMatchObject({ keyId: 'rbg', cost: 0.25, size: 'preview' });
    // Named as the offer is everywhere: the provider's own cutout, never "HD".
    expect(routeAdvice(choice)).toBe(
      "Best value: remove.bg's cutout: a preview cutout (up to 0.25 MP) costs 0.25 credits, 10 credits left.",
    );
  });

  it('offers the on-device cutout when no key can pay, and when offline', () => {
    const broke = chooseRoute('cutout', [candidate('wbg', wbg, 'withoutbg', 0)], { online: true });
    expect(broke.onDevice).toBe(true);
    expect(broke.pick).toBeUndefined();
    expect(routeAdvice(broke)).toContain('on-device');
    const offline = chooseRoute('cutout', [candidate('wbg', wbg, 'withoutbg', 10)], { online: false });
    expect(offline).toMatchObject({ onDevice: true, ranked: [] });
  });

  it('treats an unchecked balance as possibly able to pay, after the checked ones', () => {
    const choice = chooseRoute('cutout', [candidate('new', wbg, 'withoutbg', undefined), candidate('old', wbg, 'withoutbg', 4)], {
      online: true,
    });
    expect(choice.ranked.map((route) => route.keyId)).toEqual(['old', 'new']);
  });
});
