/**
 * remove.bg's closing and its successor through the credits coordinator, against the fakes, a real
 * IndexedDB (fake-indexeddb) and a clock the test sets on either side of 2026-12-01T08:00Z — never
 * the machine's date.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockedCallWords, preflightWords } from '../../../src/client/format/credits.ts';
import { createCreditsCoordinator } from '../../../src/credits/coordinator/index.ts';
import type { CreditsCoordinator, KeyRef } from '../../../src/credits/coordinator/index.ts';
import { openCreditsStore } from '../../../src/credits/persistence/store.ts';
import type { CreditsStore } from '../../../src/credits/persistence/store.ts';
import { broadcastChannel, inProcessLocks } from '../../../src/credits/tabs.ts';
import { LeonardoAdapter } from '../../../src/providers/leonardo/adapter.ts';
import { PhotoRoomAdapter } from '../../../src/providers/photoroom/adapter.ts';
import { RemoveBgAdapter, type RemoveBgRequest } from '../../../src/providers/removebg/adapter.ts';
import { startFakeProvider } from '../../fakes/index.mjs';
import type { LeonardoFake, PhotoRoomFake, RemoveBgFake } from '../../fakes/index.mjs';
import { subjectOnWhite } from '../providers/images.ts';

const RETIREMENT = Date.parse('2026-12-01T08:00:00Z');
const RBG_KEY = 'rbg_retiring_key';
const LEO_KEY = '0b9e7c1a-2f3d-4e5f-8a9b-0c1d2e3f4a5b';
const PR_SANDBOX = 'sandbox_pr_live_key';

let removebg: RemoveBgFake;
let leonardo: LeonardoFake;
let photoroom: PhotoRoomFake;
let now = 0;
const clock = { now: () => now };
const tabs: Array<{ coordinator: CreditsCoordinator; store: CreditsStore }> = [];
let counter = 0;
let keys: {
  rbg: KeyRef & { adapter: RemoveBgAdapter };
  leo: KeyRef & { adapter: LeonardoAdapter };
  sandbox: KeyRef & { adapter: PhotoRoomAdapter };
};

async function openTab(): Promise<CreditsCoordinator> {
  const store = await openCreditsStore(`retirement-${++counter}`);
  const coordinator = await createCreditsCoordinator({
    store,
    locks: inProcessLocks(),
    channel: broadcastChannel(`retirement-${counter}-${Math.random()}`),
    clock,
    sleep: async (ms) => {
      now += ms;
    },
  });
  tabs.push({ coordinator, store });
  return coordinator;
}

beforeEach(async () => {
  [removebg, leonardo, photoroom] = await Promise.all([
    startFakeProvider('removebg'),
    startFakeProvider('leonardo'),
    startFakeProvider('photoroom'),
  ]);
  removebg.setCredits(RBG_KEY, { subscription: 5, payg: 2 });
  leonardo.setBalanceUsd(LEO_KEY, 5);
  photoroom.setBalance('pr_live_key', 50);
  now = RETIREMENT - 3_600_000;
  keys = {
    rbg: {
      keyId: 'key-rbg',
      provider: 'removebg',
      secret: RBG_KEY,
      adapter: new RemoveBgAdapter({ base: removebg.url, isOnline: () => true }),
    },
    leo: {
      keyId: 'key-leo',
      provider: 'leonardo',
      secret: LEO_KEY,
      adapter: new LeonardoAdapter({ base: leonardo.url, isOnline: () => true }),
    },
    sandbox: {
      keyId: 'key-sandbox',
      provider: 'photoroom',
      secret: PR_SANDBOX,
      adapter: new PhotoRoomAdapter({ segmentBase: photoroom.url, imageApiBase: photoroom.url, isOnline: () => true }),
    },
  };
});

afterEach(async () => {
  for (const tab of tabs.splice(0)) {
    tab.coordinator.dispose();
    tab.store.close();
  }
  await Promise.all([removebg.close(), leonardo.close(), photoroom.close()]);
});

const image = () => subjectOnWhite(40, 30);
const account = (tab: CreditsCoordinator, keyId: string) => tab.view().accounts.find((candidate) => candidate.keyId === keyId);
const hd: RemoveBgRequest = { op: 'removebg', image: image(), size: 'full' };

describe('remove.bg, before and after 2026-12-01T08:00Z', () => {
  it('works exactly as before one millisecond ahead of the date', async () => {
    now = RETIREMENT - 1;
    const tab = await openTab();
    expect((await tab.addKey(keys.rbg)).status).toBe('refreshed');
    const call = await tab.paidCall({ ...keys.rbg, request: hd });
    expect(call.status).toBe('done');
    expect(account(tab, 'key-rbg')?.available).toBe(6);
  });

  it('from the date on: never called, no balance refresh, every attempt says it moved to Leonardo.Ai; the history stays', async () => {
    const tab = await openTab();
    await tab.addKey(keys.rbg);
    await tab.paidCall({ ...keys.rbg, request: hd });
    const history = tab.view().ledger.length;
    removebg.clearRequests();

    now = RETIREMENT;
    const blocked = await tab.paidCall({ ...keys.rbg, request: hd });
    expect(blocked).toMatchObject({ status: 'blocked', reason: 'retired' });
    if (blocked.status !== 'blocked') return;
    const words = blockedCallWords(blocked, now);
    expect(words).toMatch(/Leonardo\.Ai/);
    expect(words).toMatch(/create a Leonardo\.Ai API key .* add it under Keys/);
    expect(words).not.toMatch(/Copy the key again/);
    now += 120_000;
    expect(await tab.refresh(keys.rbg, 'user')).toMatchObject({ status: 'skipped', decision: { why: 'retired' } });
    expect(await tab.refreshStale([keys.rbg])).toEqual([expect.objectContaining({ status: 'skipped' })]);
    expect((await tab.preflight({ ...keys.rbg, request: hd })).reason).toBe('retired');
    expect(removebg.requests).toEqual([]);
    // History and the last balance stay; the key can still be forgotten.
    expect(tab.view().ledger.length).toBe(history);
    expect(account(tab, 'key-rbg')?.available).toBe(6);
    await tab.forgetKey('key-rbg');
    expect(account(tab, 'key-rbg')).toBeUndefined();
    expect(tab.view().ledger.length).toBe(history);
  });

  it.each([403, 410, 404] as const)(
    'before the date, a host answering %s for a key that worked is taken as the closing',
    async (status) => {
      const tab = await openTab();
      await tab.addKey(keys.rbg);
      removebg.configure({ closed: status });
      const failed = await tab.paidCall({ ...keys.rbg, request: hd });
      expect(failed.status).toBe('failed');
      if (failed.status !== 'failed') return;
      expect(failed.error.kind).toBe('retired');
      expect(failed.error.message).toMatch(/Leonardo\.Ai/);
      expect(failed.error.message).not.toMatch(/Copy the key again/);
      expect(failed.entry).toMatchObject({ outcome: 'error', charged: 0 });
      expect(account(tab, 'key-rbg')?.retirement).toMatchObject({ by: status === 403 ? 'refused' : 'gone', status });
      // From then on it is not called again.
      removebg.clearRequests();
      now += 120_000;
      expect(await tab.paidCall({ ...keys.rbg, request: hd })).toMatchObject({ status: 'blocked', reason: 'retired' });
      expect(removebg.requests).toEqual([]);
    },
  );

  it('a key that never worked and is refused is just a rejected key', async () => {
    removebg.configure({ closed: 403 });
    const tab = await openTab();
    const outcome = await tab.addKey(keys.rbg);
    expect(outcome.status === 'failed' && outcome.error).toMatchObject({ kind: 'key-rejected' });
    expect(account(tab, 'key-rbg')?.retirement).toBeUndefined();
  });
});

describe('Leonardo.Ai: billed in dollars, balance in API credits', () => {
  it('a success is recorded unpriced with the dollars it reported, then settled by the balance check: drift 0', async () => {
    const tab = await openTab();
    await tab.addKey(keys.leo);
    expect(account(tab, 'key-leo')?.available).toBe(5000);
    const check = await tab.preflight({ ...keys.leo, request: keys.leo.adapter.hdRequest(image()) });
    expect(check.status).toBe('ok');
    expect(preflightWords(check).sentence).toBe(
      'Uses 1 image, about $0.10 (Leonardo.Ai bills each cutout in US dollars and reports the exact cost with the result); your balance: 5000 API credits.',
    );

    const first = await tab.paidCall({ ...keys.leo, request: keys.leo.adapter.hdRequest(image()) });
    expect(first.status === 'done' && first.entry).toMatchObject({
      outcome: 'unpriced',
      charged: 0,
      reportedCost: { amount: 0.1047, unit: 'DOLLARS' },
    });
    // The refresh right after waited for the 45 s gap; the next one settles both calls.
    now += 10_000;
    const second = await tab.paidCall({ ...keys.leo, request: keys.leo.adapter.hdRequest(image()) });
    expect(second.status).toBe('done');
    now += 45_000;
    expect((await tab.refresh(keys.leo, 'user')).status).toBe('refreshed');
    const calls = tab.view().ledger.filter((entry) => entry.kind === 'call');
    expect(calls.map((entry) => entry.outcome)).toEqual(['success', 'success']);
    expect(calls.reduce((sum, entry) => sum + entry.charged, 0)).toBe(5000 - leonardo.balance(LEO_KEY)!);
    expect(account(tab, 'key-leo')?.available).toBe(leonardo.balance(LEO_KEY));
    expect(tab.view().ledger.some((entry) => entry.kind === 'correction')).toBe(false);
  });

  it('a legacy account billed in API credits is debited at once', async () => {
    leonardo.setCredits(LEO_KEY, { subscription: 2, paid: 18 });
    const tab = await openTab();
    await tab.addKey(keys.leo);
    const call = await tab.paidCall({ ...keys.leo, request: keys.leo.adapter.hdRequest(image()) });
    expect(call.status === 'done' && call.entry).toMatchObject({ outcome: 'success', charged: 5, source: 'header', balanceAfter: 15 });
    expect(account(tab, 'key-leo')?.available).toBe(leonardo.balance(LEO_KEY));
  });

  it('an empty balance blocks before sending; "not enough api tokens" debits nothing', async () => {
    leonardo.setBalanceUsd(LEO_KEY, 0);
    const tab = await openTab();
    await tab.addKey(keys.leo);
    leonardo.clearRequests();
    const blocked = await tab.paidCall({ ...keys.leo, request: keys.leo.adapter.hdRequest(image()) });
    expect(blocked).toMatchObject({ status: 'blocked', reason: 'cannot-pay' });
    expect(leonardo.requests).toEqual([]);

    // Spent elsewhere: our figure says 5000, the service refuses.
    leonardo.setBalanceUsd(LEO_KEY, 5);
    now += 60_000;
    await tab.refresh(keys.leo, 'user');
    leonardo.setBalanceUsd(LEO_KEY, 0.01);
    const refused = await tab.paidCall({ ...keys.leo, request: keys.leo.adapter.hdRequest(image()) });
    expect(refused.status === 'failed' && refused.error.kind).toBe('out-of-credits');
    expect(refused.status === 'failed' && refused.entry).toMatchObject({ outcome: 'error', charged: 0 });
    expect(leonardo.balanceUsd(LEO_KEY)).toBe(0.01);
  });
});

describe('PhotoRoom sandbox keys whose account endpoint refuses them', () => {
  it('are not checked again before every (free) call', async () => {
    photoroom.configure({ sandboxAccount: 'refused' });
    const tab = await openTab();
    const added = await tab.addKey(keys.sandbox);
    expect(added.status === 'failed' && added.error).toMatchObject({ kind: 'key-rejected' });
    expect(account(tab, 'key-sandbox')?.refreshWanted).toBeUndefined();
    photoroom.clearRequests();
    for (let call = 0; call < 3; call++) {
      now += 60_000;
      const result = await tab.paidCall({ ...keys.sandbox, request: { op: 'segment', image: image() } });
      expect(result.status === 'done' && result.entry).toMatchObject({ outcome: 'success', charged: 0, sandbox: true });
    }
    expect(photoroom.requests.filter((request) => request.method === 'GET')).toEqual([]);
  });
});

describe('every paid call is verified by the next balance check', () => {
  it('puts a difference on the one call since the last check, in words', async () => {
    const tab = await openTab();
    await tab.addKey(keys.rbg);
    now += 60_000;
    const call = await tab.paidCall({ ...keys.rbg, request: hd });
    expect(call.status).toBe('done');
    expect(account(tab, 'key-rbg')?.refreshWanted).toBe('verify');
    // The provider took one more credit than the call was worth (a request the browser sent twice).
    removebg.setCredits(RBG_KEY, { subscription: 5, payg: 0 });
    now += 45_000;
    expect((await tab.refresh(keys.rbg, 'verify')).status).toBe('refreshed');
    const correction = tab.view().ledger.find((entry) => entry.kind === 'correction');
    expect(correction).toMatchObject({ charged: 1 });
    expect(correction?.note).toMatch(
      /^remove\.bg charged 2 credits for the call at \d\d:\d\d UTC, not 1 credit: the browser sends a request again/,
    );
    expect(account(tab, 'key-rbg')?.available).toBe(removebg.balance(RBG_KEY));
  });
});
