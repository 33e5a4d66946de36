/**
 * Credit-awareness end to end, in real Chromium against the local fakes: a scripted run of mixed
 * paid calls (successes, 402, 429, 5xx, a connection cut mid-response) must end with every
 * displayed balance equal to the provider's own figure, with account calls within the limits;
 * two tabs paying at once; the alerts at their thresholds; remove.bg's charge header unreadable.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { startFakeProvider, type LeonardoFake, type PhotoRoomFake, type RemoveBgFake, type WithoutBgFake } from '../fakes/index.mjs';
import { encodePng, exactTruthOnColour } from '../support/images.ts';
import { REMOVEBG_CLOSES, closeSheet, dropFile, openSheet, reloadUnderServiceWorker, startPageClock } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

type Provider = 'photoroom' | 'removebg' | 'withoutbg' | 'leonardo';
const KEYS: Record<Provider, string> = {
  photoroom: 'pr_credits_live_7d1e',
  removebg: 'rb_credits_key_93ab',
  withoutbg: 'wb_credits_key_40fc',
  leonardo: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
};

let photoroom: PhotoRoomFake;
let removebg: RemoveBgFake;
let withoutbg: WithoutBgFake;
let leonardo: LeonardoFake;
let fakes: Record<Provider, { url: string; balance(key: string): number | undefined }>;
let context: BrowserContext;
let page: Page;
let startedAt = 0;
const { photo } = exactTruthOnColour([46, 139, 87]);
const photoPng = encodePng(photo);

const ACCOUNT_PATHS = new Set(['/v2/account', '/v1/account', '/v1.0/account', '/available-credit', '/api/rest/v1/me']);
/** When the page asked each provider for its balance (ms since the keys were added). */
const accountCallTimes: Record<Provider, number[]> = { photoroom: [], removebg: [], withoutbg: [], leonardo: [] };

async function shownBalance(on: Page, provider: Provider): Promise<number | undefined> {
  const value = await on
    .locator(`[data-testid=key-balance][data-provider=${provider}] [data-testid=key-balance-amount]`)
    .getAttribute('data-value');
  return value === null || value === '' ? undefined : Number(value);
}

const openPanel = openSheet;

/** One paid action as a person does it: the button, the preflight, Pay; then its outcome. */
async function pay(on: Page, action: Provider | 'edit'): Promise<string> {
  await closeSheet(on);
  // Clear the last outcome so the next message on screen is this call's.
  const shown = on.getByTestId('message');
  if ((await shown.count()) > 0) await shown.getByRole('button', { name: 'Dismiss' }).click();
  if (action === 'edit') {
    const form = on.getByTestId('ai-edit-form');
    if (!(await form.isVisible())) await on.getByText('AI edit with PhotoRoom').click();
    await on.getByTestId('ai-edit-run').click();
  } else {
    await on.getByTestId(`hd-${action}`).click();
  }
  const preflight = on.getByTestId('preflight');
  await expect(preflight).toBeVisible();
  if ((await preflight.getAttribute('data-status')) === 'blocked') {
    const text = (await on.getByTestId('preflight-sentence').textContent()) ?? '';
    await on.getByTestId('preflight-on-device').click();
    return `blocked: ${text}`;
  }
  await on.getByTestId('preflight-pay').click();
  await expect(on.getByTestId('progress')).toHaveCount(0, { timeout: 120_000 });
  const message = on.getByTestId('message');
  await expect(message).toBeVisible();
  return (await message.textContent()) ?? '';
}

test.beforeAll(async ({ browser }) => {
  [photoroom, removebg, withoutbg, leonardo] = await Promise.all([
    startFakeProvider('photoroom'),
    // The charge header hidden from the page: debits must come from the price table.
    startFakeProvider('removebg', { exposeHeaders: false }),
    // This file checks the accounting; the CORS refusal of withoutBG's real host is tested in providers.spec.ts.
    startFakeProvider('withoutbg', { allowOrigin: true }),
    // Bills in dollars, reports API credits: every success is settled by the next balance check.
    startFakeProvider('leonardo'),
  ]);
  fakes = { photoroom, removebg, withoutbg, leonardo };
  photoroom.setBalance(KEYS.photoroom, 40);
  photoroom.setPlan(KEYS.photoroom, 'basic');
  removebg.setCredits(KEYS.removebg, { subscription: 5, payg: 0, freeCalls: 0 });
  withoutbg.setBalance(KEYS.withoutbg, 20);
  // The page's clock: before remove.bg's closing, whatever day this runs; the last test moves past it.
  const pageNow = REMOVEBG_CLOSES - 6 * 3_600_000;
  // Ten days from the page's now (not the machine's): inside the 14-day warning, outside the 7-day one.
  const expiry = new Date(pageNow + 10 * 86_400_000).toISOString().slice(0, 19).replace('T', ' ');
  withoutbg.setExpiration(KEYS.withoutbg, expiry);
  // The fake judges that expiry by its own clock: it keeps the page's time, whatever day this runs.
  withoutbg.advanceTime(pageNow - Date.now());
  leonardo.setBalanceUsd(KEYS.leonardo, 2);

  context = await browser.newContext();
  await startPageClock(context, pageNow);
  context.on('request', (request) => {
    if (request.method() !== 'GET' || !ACCOUNT_PATHS.has(new URL(request.url()).pathname)) return;
    const origin = new URL(request.url()).origin;
    const provider = (Object.keys(fakes) as Provider[]).find((name) => new URL(fakes[name].url).origin === origin);
    if (provider) accountCallTimes[provider].push(Date.now() - startedAt);
  });
  page = await context.newPage();
  await page.goto('/');
  await openPanel(page, 'keys-panel');
  await page.locator('details.advanced summary').click();
  for (const [testId, url] of [
    ['endpoint-photoroom-segmentBase', photoroom.url],
    ['endpoint-photoroom-imageApiBase', photoroom.url],
    ['endpoint-removebg-base', removebg.url],
    ['endpoint-withoutbg-base', withoutbg.url],
    ['endpoint-leonardo-base', leonardo.url],
  ] as const) {
    await page.getByTestId(testId).fill(url);
    await page.getByTestId(testId).dispatchEvent('change');
  }
  await expect(page.getByTestId('endpoint-reload').first()).toBeVisible();
  await reloadUnderServiceWorker(page);
  await openPanel(page, 'keys-panel');
  startedAt = Date.now();
  for (const provider of Object.keys(KEYS) as Provider[]) {
    await page.getByTestId(`key-input-${provider}`).fill(KEYS[provider]);
    await page.getByTestId(`add-key-${provider}`).click();
    await expect(page.getByTestId(`key-masked-${provider}`)).toBeVisible();
  }
  await dropFile(page, photoPng, 'studio.png', 'image/png');
  await expect(page.getByTestId('result-caption')).toContainText('cutout in', { timeout: 180_000 });
  await openPanel(page, 'usage-panel');
});

test.afterAll(async () => {
  await context?.close();
  await Promise.all([photoroom?.close(), removebg?.close(), withoutbg?.close(), leonardo?.close()]);
});

test('26 mixed paid calls with 402, 429, 5xx, a cut connection and Leonardo.Ai’s dollars end with zero drift', async () => {
  test.setTimeout(420_000);
  const outcomes: string[] = [];
  const step = async (action: Provider | 'edit', expectText: RegExp, setup?: () => void, after?: () => void) => {
    setup?.();
    const text = await pay(page, action);
    after?.();
    outcomes.push(`${action}: ${text.slice(0, 60)}`);
    expect(text, `${action} after ${outcomes.length - 1} calls`).toMatch(expectText);
  };
  const ok = /cutout ready/;
  await step('photoroom', ok);
  await step('removebg', ok);
  await step('withoutbg', ok);
  await step('leonardo', ok);
  await step('edit', ok);
  await step('leonardo', /not working right now/, () => leonardo.failNext(500));
  await step('removebg', /not working right now/, () => removebg.failNext(503));
  await step('photoroom', ok);
  await step('withoutbg', ok);
  await step('photoroom', /not working right now/, () => photoroom.failNext(502));
  await step('removebg', /broke while the result was coming back/, () => removebg.cutNextAfterHeaders());
  await step('photoroom', ok);
  await step(
    'photoroom',
    /too many requests/,
    () => photoroom.configure({ rateLimit: { limit: 0, windowMs: 2_000 } }),
    () => photoroom.configure({ rateLimit: { limit: 500, windowMs: 60_000 } }),
  );
  await step('withoutbg', ok);
  await step('edit', ok);
  await step('photoroom', ok);
  await step('withoutbg', ok);
  await step('photoroom', ok);
  // remove.bg credits spent elsewhere: the app still counts 2 left, the provider answers 402 — or, when
  // a balance check landed in between (they run after calls, within the rate window), the app already
  // knows 0 and sends nothing. Either way nothing is debited; the drift check below holds for both.
  const outOfCredits = /Out of credits|Not enough .*Nothing was sent|^blocked: /;
  await step('removebg', outOfCredits, () => removebg.setCredits(KEYS.removebg, { subscription: 0, payg: 0 }));
  await step('edit', ok);
  await step('leonardo', ok);
  await step('photoroom', ok);
  await step('withoutbg', ok);
  // Leonardo.Ai spent elsewhere: its "not enough api tokens" (an HTTP 200 carrying errors[]) debits nothing.
  await step('leonardo', outOfCredits, () => leonardo.setBalanceUsd(KEYS.leonardo, 0.05));
  await step('photoroom', ok);
  await step('photoroom', ok);
  console.log(`[credits] ${outcomes.length} calls:\n  ${outcomes.join('\n  ')}`);
  expect(outcomes.length).toBe(26);

  // The cut call was charged by the provider; the app settles it from the next account figure.
  for (const provider of Object.keys(KEYS) as Provider[]) {
    await expect
      .poll(() => shownBalance(page, provider), { timeout: 150_000, message: `${provider} displayed balance` })
      .toBe(fakes[provider].balance(KEYS[provider]));
  }
  const elapsedS = (Date.now() - startedAt) / 1000;
  for (const provider of Object.keys(KEYS) as Provider[]) {
    const times = accountCallTimes[provider];
    console.log(
      `[credits] ${provider}: balance ${fakes[provider].balance(KEYS[provider])}, account calls at ${times.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s of ${elapsedS.toFixed(0)} s`,
    );
    // Never two balance checks of one key within 45 s.
    for (let index = 1; index < times.length; index++) expect((times[index] ?? 0) - (times[index - 1] ?? 0)).toBeGreaterThanOrEqual(44_000);
  }
  // Nothing from the 5xx, 429 or 402 was debited: the ledger shows them at 0.
  await expect(page.getByTestId('download-ledger')).toBeEnabled();
});

test('alerts: 80 % and 100 % of the remove.bg subscription, a low balance, withoutBG expiry in 10 days', async () => {
  const kinds = async () => page.getByTestId('credit-alert').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-kind')));
  // Each provider's alerts come with its own balance check: wait for both, in whichever order they land.
  await expect.poll(kinds).toEqual(expect.arrayContaining(['subscription-100', 'expiry-14']));
  expect(await kinds()).not.toContain('expiry-7');
  expect(await kinds()).not.toContain('low-balance');

  const photoroomBalance = await shownBalance(page, 'photoroom');
  expect(photoroomBalance).toBeDefined();
  await openPanel(page, 'usage-panel');
  const threshold = page.locator('[data-testid=key-balance][data-provider=photoroom] [data-testid=low-balance-threshold]');
  await threshold.fill(String(photoroomBalance));
  await threshold.dispatchEvent('change');
  await expect.poll(kinds).toContain('low-balance');
});

test('the 80 % alert appears when four of five subscription credits are used', async () => {
  // A fresh subscription of 5 seen by a refresh, then 4 used.
  removebg.setCredits(KEYS.removebg, { subscription: 5, payg: 0 });
  await openPanel(page, 'keys-panel');
  await page.getByTestId('keys-panel').locator('[data-testid=provider-removebg] button', { hasText: 'Refresh' }).click();
  await expect.poll(() => shownBalance(page, 'removebg'), { timeout: 60_000 }).toBe(5);
  const kinds = async () => page.getByTestId('credit-alert').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-kind')));
  for (let call = 0; call < 4; call++) expect(await pay(page, 'removebg')).toMatch(/cutout ready/);
  await expect.poll(kinds).toContain('subscription-80');
  expect(await shownBalance(page, 'removebg')).toBe(removebg.balance(KEYS.removebg));
});

test('two tabs paying at once end with the right balance in both', async () => {
  const second = await context.newPage();
  await second.goto('/');
  await dropFile(second, photoPng, 'studio.png', 'image/png');
  await expect(second.getByTestId('result-caption')).toContainText('cutout in', { timeout: 180_000 });
  await openPanel(second, 'usage-panel');
  const before = photoroom.balance(KEYS.photoroom) ?? 0;
  const results = await Promise.all([pay(page, 'photoroom'), pay(second, 'photoroom')]);
  results.push(...(await Promise.all([pay(page, 'photoroom'), pay(second, 'photoroom')])));
  for (const text of results) expect(text).toMatch(/cutout ready/);
  expect(photoroom.balance(KEYS.photoroom)).toBe(before - 4);
  for (const tab of [page, second]) {
    await expect.poll(() => shownBalance(tab, 'photoroom')).toBe(before - 4);
  }
  await second.close();
});

test('from 2026-12-01T08:00Z remove.bg is closed: no offer, a clear message, its history kept, drift 0 everywhere else', async () => {
  const removebgHistory = await page.locator('[data-testid=key-balance][data-provider=removebg]').count();
  expect(removebgHistory).toBe(1);
  removebg.clearRequests();
  await context.clock.setSystemTime(REMOVEBG_CLOSES + 60_000);
  // The app looks at the time every 30 s; let one tick pass on the page's clock.
  await page.clock.runFor(31_000);

  await openPanel(page, 'keys-panel');
  const section = page.getByTestId('provider-removebg');
  await expect(section).toHaveAttribute('data-state', 'retired');
  const notice = page.getByTestId('retired-removebg');
  await expect(notice).toContainText('remove.bg has closed its API');
  await expect(notice).toContainText('create a Leonardo.Ai API key');
  await expect(notice).not.toContainText('Copy the key again');
  // The key can still be forgotten, but not refreshed or used; no key can be added.
  await expect(section.getByTestId('forget-removebg')).toBeVisible();
  await expect(section.getByRole('button', { name: 'Refresh' })).toHaveCount(0);
  await expect(page.getByTestId('key-input-removebg')).toHaveCount(0);
  await expect(page.getByTestId('hd-removebg')).toHaveCount(0);
  await expect(page.getByTestId('route-advice')).not.toHaveAttribute('data-pick', 'removebg');

  // History: its balance card (marked closed), the chart and the CSV keep every remove.bg call.
  await openPanel(page, 'usage-panel');
  const card = page.locator('[data-testid=key-balance][data-provider=removebg]');
  await expect(card.getByTestId('retired')).toContainText('Leonardo.Ai');
  await expect(page.getByTestId('credit-alert').filter({ hasText: 'remove.bg' })).toHaveCount(0);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-ledger').click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\r\n').filter((line) => line.split(',')[2] === 'removebg' && line.includes(',call,')).length).toBeGreaterThanOrEqual(8);

  // Nothing was sent to remove.bg after its closing, and every other balance is still the provider's own.
  expect(removebg.requests).toEqual([]);
  for (const provider of ['photoroom', 'withoutbg', 'leonardo'] as const) {
    await expect
      .poll(() => shownBalance(page, provider), { timeout: 90_000, message: `${provider} displayed balance` })
      .toBe(fakes[provider].balance(KEYS[provider]));
  }
});
