/**
 * The coordinator against the real fake provider servers (test/fakes), a real IndexedDB
 * implementation (fake-indexeddb) and a clock the test moves, shared with the fakes' rate windows.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCreditsCoordinator } from '../../../src/credits/coordinator/index.ts';
import type { CreditsCoordinator, KeyRef } from '../../../src/credits/coordinator/index.ts';
import { openCreditsStore } from '../../../src/credits/persistence/store.ts';
import type { CreditsStore } from '../../../src/credits/persistence/store.ts';
import { broadcastChannel, inProcessLocks } from '../../../src/credits/tabs.ts';
import type { LockProvider } from '../../../src/credits/tabs.ts';
import { PhotoRoomAdapter } from '../../../src/providers/photoroom/adapter.ts';
import { RemoveBgAdapter } from '../../../src/providers/removebg/adapter.ts';
import { WithoutBgAdapter } from '../../../src/providers/withoutbg/adapter.ts';
import { startFakeProvider } from '../../fakes/index.mjs';
import type { PhotoRoomFake, RemoveBgFake, WithoutBgFake } from '../../fakes/index.mjs';
import { subjectOnWhite } from '../providers/images.ts';
import { blockedCallWords, preflightWords } from '../../../src/client/format/credits.ts';

const PR_KEY = 'pr_live_key_123';
const RBG_KEY = 'rbg_live_key_456';
const WBG_KEY = 'sk_wbg_key_789';

let photoroom: PhotoRoomFake;
let removebg: RemoveBgFake;
let withoutbg: WithoutBgFake;
let offset = 0;
// Before remove.bg's closing date, whatever day the suite runs on (its retirement has tests of its own).
const base = Date.parse('2026-11-30T12:00:00Z');
const clock = { now: () => base + offset };
/** Moves the coordinator's clock and every fake's rate window together. */
function advance(ms: number) {
  offset += ms;
  for (const fake of [photoroom, removebg, withoutbg]) fake.advanceTime(ms);
}

let dbCounter = 0;
let dbName = '';
let channelName = '';
let locks: LockProvider;
const tabs: Array<{ coordinator: CreditsCoordinator; store: CreditsStore }> = [];

/** One browser tab: its own store connection and coordinator; locks shared like navigator.locks. */
async function openTab(extra: Partial<Parameters<typeof createCreditsCoordinator>[0]> = {}) {
  const store = await openCreditsStore(dbName);
  const coordinator = await createCreditsCoordinator({
    store,
    locks,
    channel: broadcastChannel(channelName),
    clock,
    sleep: async (ms) => advance(ms),
    ...extra,
  });
  tabs.push({ coordinator, store });
  return coordinator;
}

const image = () => subjectOnWhite(40, 30);
let keys: {
  pr: KeyRef & { adapter: PhotoRoomAdapter };
  rbg: KeyRef & { adapter: RemoveBgAdapter };
  wbg: KeyRef & { adapter: WithoutBgAdapter };
};

beforeEach(async () => {
  [photoroom, removebg, withoutbg] = await Promise.all([
    startFakeProvider('photoroom'),
    startFakeProvider('removebg', { exposeHeaders: true }),
    startFakeProvider('withoutbg'),
  ]);
  photoroom.setBalance(PR_KEY, 100);
  photoroom.setBalance(PR_KEY, 83);
  removebg.setCredits(RBG_KEY, { subscription: 40, payg: 10, enterprise: 0, freeCalls: 50 });
  withoutbg.setBalance(WBG_KEY, 20);
  withoutbg.setExpiration(WBG_KEY, '2099-12-31 23:59:59');
  dbName = `coordinator-${++dbCounter}`;
  channelName = `credits-${dbCounter}-${Math.random()}`;
  locks = inProcessLocks();
  keys = {
    pr: {
      keyId: 'key-pr',
      provider: 'photoroom',
      plan: 'basic',
      secret: PR_KEY,
      adapter: new PhotoRoomAdapter({ segmentBase: photoroom.url, imageApiBase: photoroom.url, isOnline: () => true }),
    },
    rbg: {
      keyId: 'key-rbg',
      provider: 'removebg',
      secret: RBG_KEY,
      adapter: new RemoveBgAdapter({ base: removebg.url, isOnline: () => true }),
    },
    wbg: {
      keyId: 'key-wbg',
      provider: 'withoutbg',
      secret: WBG_KEY,
      adapter: new WithoutBgAdapter({ base: withoutbg.url, isOnline: () => true }),
    },
  };
});

afterEach(async () => {
  for (const tab of tabs.splice(0)) {
    tab.coordinator.dispose();
    tab.store.close();
  }
  await Promise.all([photoroom.close(), removebg.close(), withoutbg.close()]);
});

const accountCalls = (fake: { requests: Array<{ method: string; path: string }> }) =>
  fake.requests.filter((request) => request.method === 'GET').length;
const balanceOf = (coordinator: CreditsCoordinator, keyId: string) =>
  coordinator.view().accounts.find((account) => account.keyId === keyId)?.available;

describe('credits coordinator against the fake providers', () => {
  it('checks the balance when a key is added and words the preflight from it', async () => {
    const tab = await openTab();
    const outcome = await tab.addKey(keys.pr);
    expect(outcome.status).toBe('refreshed');
    expect(balanceOf(tab, 'key-pr')).toBe(83);
    const check = await tab.preflight({ ...keys.pr, request: { op: 'edit', image: image() } });
    expect(preflightWords(check).sentence).toBe('Uses 5 of your 83 images (Basic plan: an AI edit costs 5).');
    expect(tab.view().ledger).toEqual([expect.objectContaining({ kind: 'opening', balanceAfter: 83 })]);
  });

  it('debits successes by the price table or the header, matching each server’s balance', async () => {
    const tab = await openTab();
    await tab.addKey(keys.pr);
    await tab.addKey(keys.rbg);
    const edit = await tab.paidCall({ ...keys.pr, request: { op: 'edit', image: image() }, resultId: 'r1' });
    expect(edit.status).toBe('done');
    if (edit.status !== 'done') return;
    expect(edit.entry).toMatchObject({ outcome: 'success', charged: 5, source: 'price-table', resultId: 'r1', balanceAfter: 78 });
    expect(balanceOf(tab, 'key-pr')).toBe(photoroom.balance(PR_KEY));

    const preview = await tab.paidCall({ ...keys.rbg, request: { op: 'removebg', image: image(), size: 'preview' } });
    expect(preview.status === 'done' && preview.entry).toMatchObject({ charged: 0.25, source: 'header' });
    removebg.configure({ exposeHeaders: false });
    const full = await tab.paidCall({ ...keys.rbg, request: { op: 'removebg', image: image(), size: 'full' } });
    expect(full.status === 'done' && full.entry).toMatchObject({ charged: 1, source: 'price-table' });
    expect(balanceOf(tab, 'key-rbg')).toBe(removebg.balance(RBG_KEY));
    expect(balanceOf(tab, 'key-rbg')).toBe(48.75);
  });

  it('blocks before sending when the known balance cannot pay', async () => {
    photoroom.setBalance(PR_KEY, 3);
    const tab = await openTab();
    await tab.addKey(keys.pr);
    photoroom.clearRequests();
    const result = await tab.paidCall({ ...keys.pr, request: { op: 'edit', image: image() } });
    expect(result).toMatchObject({ status: 'blocked', reason: 'cannot-pay' });
    expect(result.status === 'blocked' && blockedCallWords(result, clock.now())).toContain('on-device');
    expect(photoroom.requests).toEqual([]);
  });

  it('never debits an error; a 402 brings a refresh once the 45 s gap allows, which corrects the balance', async () => {
    const tab = await openTab();
    await tab.addKey(keys.wbg);
    withoutbg.setBalance(WBG_KEY, 0); // spent on another device
    const refused = await tab.paidCall({ ...keys.wbg, request: { op: 'cutout', image: image() } });
    expect(refused.status === 'failed' && refused.error.kind).toBe('out-of-credits');
    expect(refused.status === 'failed' && refused.entry).toMatchObject({ outcome: 'error', charged: 0 });
    expect(balanceOf(tab, 'key-wbg')).toBe(20);
    expect(accountCalls(withoutbg)).toBe(1);
    expect(tab.view().accounts[0]?.refreshWanted).toBe('after-refusal');

    advance(45_000);
    const refreshed = await tab.refresh(keys.wbg, 'user');
    expect(refreshed.status).toBe('refreshed');
    expect(balanceOf(tab, 'key-wbg')).toBe(0);
    expect(tab.view().ledger.at(-1)).toMatchObject({ kind: 'correction', charged: 20, source: 'account-refresh' });
  });

  it('does not debit 5xx failures', async () => {
    const tab = await openTab();
    await tab.addKey(keys.pr);
    photoroom.failNext(503);
    const failed = await tab.paidCall({ ...keys.pr, request: { op: 'segment', image: image() } });
    expect(failed.status === 'failed' && failed.error.kind).toBe('unavailable');
    expect(balanceOf(tab, 'key-pr')).toBe(83);
    expect(photoroom.balance(PR_KEY)).toBe(83);
  });

  it('keeps a call cut mid-response pending, then settles it from the balance difference without charging twice', async () => {
    const tab = await openTab();
    await tab.addKey(keys.wbg);
    withoutbg.cutNextAfterHeaders();
    const cut = await tab.paidCall({ ...keys.wbg, request: { op: 'cutout', image: image() } });
    expect(cut.status === 'failed' && cut.error.kind).toBe('ambiguous');
    expect(cut.status === 'failed' && cut.entry.outcome).toBe('pending');
    expect(balanceOf(tab, 'key-wbg')).toBe(20);
    // The pending cost is held back: only 19 can be spent.
    expect((await tab.preflight({ ...keys.wbg, request: { op: 'cutout', image: image() } })).spendable).toBe(19);

    // The next call after the 45 s gap refreshes first and settles the cut call.
    advance(45_000);
    const next = await tab.paidCall({ ...keys.wbg, request: { op: 'cutout', image: image() } });
    expect(next.status).toBe('done');
    const entries = tab.view().ledger.filter((entry) => entry.kind === 'call');
    expect(entries.map((entry) => [entry.outcome, entry.charged, entry.source])).toEqual([
      ['settled', 1, 'account-refresh'],
      ['success', 1, 'price-table'],
    ]);
    expect(balanceOf(tab, 'key-wbg')).toBe(18);
    expect(withoutbg.balance(WBG_KEY)).toBe(18);
    expect(tab.view().ledger.some((entry) => entry.kind === 'correction')).toBe(false);
  });

  it('records a call cancelled before sending as an error that cost nothing', async () => {
    const tab = await openTab();
    await tab.addKey(keys.pr);
    const controller = new AbortController();
    const call = tab.paidCall({ ...keys.pr, request: { op: 'segment', image: image() }, signal: controller.signal });
    controller.abort(new DOMException('Cancelled', 'AbortError'));
    await expect(call).rejects.toThrow('Cancelled');
    expect(tab.view().ledger.filter((entry) => entry.kind === 'call')).toEqual([
      expect.objectContaining({ outcome: 'error', errorKind: 'cancelled', charged: 0 }),
    ]);
    expect(photoroom.requests.filter((request) => request.method === 'POST')).toEqual([]);
    expect(balanceOf(tab, 'key-pr')).toBe(83);
  });

  it('keeps a call cancelled while out pending until the balance says whether it was billed', async () => {
    const tab = await openTab();
    await tab.addKey(keys.pr);
    const controller = new AbortController();
    // Abort once the request is on the wire: the fake has it (and bills it) before the answer is read.
    const started = tab.paidCall({ ...keys.pr, request: { op: 'segment', image: subjectOnWhite(600, 400) }, signal: controller.signal });
    await vi.waitFor(() => expect(photoroom.requests.some((request) => request.method === 'POST')).toBe(true), { interval: 1 });
    controller.abort(new DOMException('Cancelled', 'AbortError'));
    await expect(started).rejects.toThrow();
    const entry = tab.view().ledger.find((candidate) => candidate.kind === 'call');
    expect(entry?.outcome).toBe('pending');
    advance(45_000);
    await tab.refresh(keys.pr, 'user');
    const billed = 83 - photoroom.balance(PR_KEY)!;
    expect(tab.view().ledger.find((candidate) => candidate.kind === 'call')).toMatchObject({ outcome: 'settled', charged: billed });
    expect(balanceOf(tab, 'key-pr')).toBe(photoroom.balance(PR_KEY));
    expect(tab.view().ledger.some((candidate) => candidate.kind === 'correction')).toBe(false);
  });

  it('keeps withoutBG within 7 requests a minute, account calls included, processing first', async () => {
    const tab = await openTab();
    await tab.addKey(keys.wbg); // request 1 in the window
    const started = clock.now();
    for (let index = 0; index < 10; index++) {
      const result = await tab.paidCall({ ...keys.wbg, request: { op: 'cutout', image: image() } });
      expect(result.status).toBe('done');
      advance(1_000);
    }
    expect(withoutbg.requests.some((request) => request.path !== '/available-credit' && request.method === 'POST')).toBe(true);
    // The fake enforces 7/min and would have answered 429; none came back.
    expect(withoutbg.requests.length).toBe(11 + (accountCalls(withoutbg) - 1));
    expect(clock.now() - started).toBeGreaterThanOrEqual(60_000);
    expect(balanceOf(tab, 'key-wbg')).toBe(10);
    expect(withoutbg.balance(WBG_KEY)).toBe(10);
    // Routine refreshes never took the slot processing needed: at most one per 45 s, and within the budget.
    expect(accountCalls(withoutbg)).toBeLessThanOrEqual(1 + Math.ceil((clock.now() - started) / 45_000));
  });

  it('refuses with the wait when the rate limit would hold a call longer than allowed', async () => {
    const tab = await openTab({ maxRateWaitMs: 0 });
    await tab.addKey(keys.wbg);
    for (let index = 0; index < 6; index++)
      expect((await tab.paidCall({ ...keys.wbg, request: { op: 'alpha', image: image() } })).status).toBe('done');
    const held = await tab.paidCall({ ...keys.wbg, request: { op: 'alpha', image: image() } });
    expect(held).toMatchObject({ status: 'blocked', reason: 'rate-limit' });
    expect(held.status === 'blocked' && blockedCallWords(held, clock.now())).toMatch(
      /allows only 7 requests per 60 s with one key; the next one fits in \d+ s/,
    );
  });

  it('records a 429 from a limit shared with another device and waits it out', async () => {
    const tab = await openTab({ maxRateWaitMs: 0 });
    await tab.addKey(keys.wbg);
    // Another device uses the same key: the server's window fills without us knowing.
    for (let index = 0; index < 6; index++) await fetch(`${withoutbg.url}/available-credit`, { headers: { 'X-API-Key': WBG_KEY } });
    const limited = await tab.paidCall({ ...keys.wbg, request: { op: 'cutout', image: image() } });
    expect(limited.status === 'failed' && limited.error.kind).toBe('rate-limited');
    expect(balanceOf(tab, 'key-wbg')).toBe(20);
    const next = await tab.paidCall({ ...keys.wbg, request: { op: 'cutout', image: image() } });
    expect(next).toMatchObject({ status: 'blocked', reason: 'rate-limit' });
  });

  it('does not debit PhotoRoom sandbox calls', async () => {
    const tab = await openTab();
    await tab.addKey(keys.pr);
    const sandbox = await tab.paidCall({ ...keys.pr, secret: `sandbox_${PR_KEY}`, request: { op: 'edit', image: image() } });
    expect(sandbox.status === 'done' && sandbox.result.watermarked).toBe(true);
    expect(sandbox.status === 'done' && sandbox.entry).toMatchObject({ charged: 0, sandbox: true });
    expect(balanceOf(tab, 'key-pr')).toBe(83);
    expect(photoroom.balance(PR_KEY)).toBe(83);
  });

  it('two tabs paying at once end with the server’s balance and see the same state', async () => {
    const tabA = await openTab();
    const tabB = await openTab();
    await tabA.addKey(keys.pr);
    await tabB.reload();
    const calls = Array.from({ length: 12 }, (_, index) =>
      (index % 2 ? tabA : tabB).paidCall({
        ...keys.pr,
        request: index % 3 ? { op: 'segment', image: image() } : { op: 'edit', image: image() },
      }),
    );
    const results = await Promise.all(calls);
    expect(results.every((result) => result.status === 'done')).toBe(true);
    expect(photoroom.balance(PR_KEY)).toBe(83 - 4 * 5 - 8 * 1);
    await tabA.reload();
    await tabB.reload();
    expect(balanceOf(tabA, 'key-pr')).toBe(photoroom.balance(PR_KEY));
    expect(balanceOf(tabB, 'key-pr')).toBe(photoroom.balance(PR_KEY));
    expect(tabB.view().ledger.filter((entry) => entry.outcome === 'success')).toHaveLength(12);
  });

  it('two tabs racing for the last credits: one call is sent, the other is blocked before sending', async () => {
    withoutbg.setBalance(WBG_KEY, 1);
    const tabA = await openTab();
    const tabB = await openTab();
    await tabA.addKey(keys.wbg);
    const results = await Promise.all([
      tabA.paidCall({ ...keys.wbg, request: { op: 'cutout', image: image() } }),
      tabB.paidCall({ ...keys.wbg, request: { op: 'cutout', image: image() } }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['blocked', 'done']);
    expect(withoutbg.requests.filter((request) => request.method === 'POST')).toHaveLength(1);
    expect(withoutbg.balance(WBG_KEY)).toBe(0);
  });

  it('runs one refresh at a time across tabs: simultaneous refreshes make one account call', async () => {
    const tabA = await openTab();
    const tabB = await openTab();
    await tabA.addKey(keys.rbg);
    advance(60_000);
    removebg.clearRequests();
    const [first, second, [third]] = await Promise.all([
      tabA.refresh(keys.rbg, 'user'),
      tabB.refresh(keys.rbg, 'user'),
      tabB.refreshStale([keys.rbg]),
    ]);
    expect([first, second, third].filter((outcome) => outcome?.status === 'refreshed')).toHaveLength(1);
    expect(accountCalls(removebg)).toBe(1);
  });

  it('refreshes on start only balances older than 60 s', async () => {
    const tab = await openTab();
    await tab.addKey(keys.wbg);
    advance(30_000);
    expect((await tab.refreshStale([keys.wbg]))[0]).toMatchObject({ status: 'skipped', decision: { why: 'fresh' } });
    advance(31_000);
    expect((await tab.refreshStale([keys.wbg]))[0]?.status).toBe('refreshed');
    expect(accountCalls(withoutbg)).toBe(2);
  });

  it('runs a deferred refresh when its wait is over, asking the key store for the secret', async () => {
    const timers: Array<{ at: number; run: () => void }> = [];
    const tab = await openTab({
      secretFor: async (keyId) => (keyId === keys.wbg.keyId ? { secret: WBG_KEY, adapter: keys.wbg.adapter } : undefined),
      setTimer: (run, ms) => {
        const timer = { at: clock.now() + ms, run };
        timers.push(timer);
        return () => timers.splice(timers.indexOf(timer), 1);
      },
    });
    await tab.addKey(keys.wbg);
    withoutbg.setBalance(WBG_KEY, 5); // a top-up, or use elsewhere
    expect((await tab.refresh(keys.wbg, 'user')).status).toBe('skipped');
    expect(timers).toHaveLength(1);
    advance(45_100);
    timers[0]!.run();
    // The timer starts the refresh; the balance arrives when it has run, however long that takes.
    await vi.waitFor(async () => {
      await tab.reload();
      expect(balanceOf(tab, 'key-wbg')).toBe(5);
    });
  });

  it('tries a failed balance check again by itself once the gap allows (the device was offline)', async () => {
    const timers: Array<{ at: number; run: () => void }> = [];
    let online = true;
    const adapter = new WithoutBgAdapter({ base: withoutbg.url, isOnline: () => online });
    const key = { ...keys.wbg, adapter };
    const tab = await openTab({
      secretFor: async (keyId) => (keyId === key.keyId ? { secret: WBG_KEY, adapter } : undefined),
      setTimer: (run, ms) => {
        const timer = { at: clock.now() + ms, run };
        timers.push(timer);
        return () => timers.splice(timers.indexOf(timer), 1);
      },
    });
    await tab.addKey(key);
    withoutbg.setBalance(WBG_KEY, 7);
    advance(45_000);
    online = false;
    const failed = await tab.refresh(key, 'user');
    expect(failed.status === 'failed' && failed.message).toMatch(/^Could not check the withoutBG balance: this device is offline\./);
    expect(timers.at(-1)!.at - clock.now()).toBeGreaterThanOrEqual(45_000);
    online = true;
    advance(45_100);
    timers.at(-1)!.run();
    await vi.waitFor(async () => {
      await tab.reload();
      expect(balanceOf(tab, 'key-wbg')).toBe(7);
    });
  });

  it('turns a call left in flight by a closed tab into pending, and settles it', async () => {
    const tab = await openTab();
    await tab.addKey(keys.wbg);
    const store = tabs[0]!.store;
    // A tab that started a call and vanished: its in-flight entry is all that remains.
    await store.update('key-wbg', (account, open) => ({
      entries: [
        {
          id: 'ghost',
          keyId: 'key-wbg',
          provider: 'withoutbg',
          kind: 'call',
          at: clock.now(),
          operation: 'cutout',
          unit: 'credit',
          expectedCost: 1,
          charged: 0,
          outcome: 'in-flight',
        },
      ],
      value: [account, open],
    }));
    withoutbg.setBalance(WBG_KEY, 19); // the server did bill it
    expect((await tab.refresh(keys.wbg, 'user')).status).toBe('skipped');
    advance(180_000);
    expect((await tab.refresh(keys.wbg, 'user')).status).toBe('refreshed');
    expect(tab.view().ledger.find((entry) => entry.id === 'ghost')).toMatchObject({ outcome: 'settled', charged: 1 });
    expect(balanceOf(tab, 'key-wbg')).toBe(19);
  });

  it('never stores a secret', async () => {
    const tab = await openTab();
    await tab.addKey(keys.pr);
    await tab.addKey(keys.rbg);
    await tab.paidCall({ ...keys.pr, request: { op: 'segment', image: image() } });
    withoutbg.cutNextAfterHeaders();
    await tab.addKey(keys.wbg);
    await tab.paidCall({ ...keys.wbg, request: { op: 'cutout', image: image() } });
    const store = tabs[0]!.store;
    const dump = JSON.stringify([await store.listAccounts(), await store.listLedger()]) + tab.exportCsv();
    for (const secret of [PR_KEY, RBG_KEY, WBG_KEY]) expect(dump).not.toContain(secret);
  });
});
