/**
 * Paid providers as a person uses them, in real Chromium against the local fakes (test/fakes),
 * which follow the documented contracts: add keys, see plan and balance, export HD via each
 * provider and download it, AI edit, refusals, forgetting — and where the keys went.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page, type Request } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { startFakeProvider, type LeonardoFake, type PhotoRoomFake, type RemoveBgFake, type WithoutBgFake } from '../fakes/index.mjs';
import { startRelay } from '../../scripts/relay.mjs';
import { alphaChannel, alphaIoU, encodePng, exactTruthOnColour, readPng } from '../support/images.ts';
import { REMOVEBG_CLOSES, closeSheet, dropFile, openSheet, reloadUnderServiceWorker, startPageClock } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

const KEYS = {
  photoroom: 'pr_e2e_live_51f0c3a9',
  removebg: 'rb_e2e_key_8c2d7e41',
  withoutbg: 'wb_e2e_key_b6a9f203',
  leonardo: '7c0e4b2a-5d61-4f38-9e2a-1b3c4d5e6f70',
} as const;
type Provider = keyof typeof KEYS;
const WRONG_KEY = 'pr_wrong_key_0000dead';

let photoroom: PhotoRoomFake;
let removebg: RemoveBgFake;
let withoutbg: WithoutBgFake;
let leonardo: LeonardoFake;
let relay: Awaited<ReturnType<typeof startRelay>>;
let context: BrowserContext;
let page: Page;
const requests: Request[] = [];
/** Every address the user configured for withoutBG and Leonardo.Ai: their keys may go there and nowhere else. */
const withoutbgOrigins = new Set<string>();
const leonardoOrigins = new Set<string>();
const consoleLines: string[] = [];

// A studio-style photo (subject on one colour), which the fakes' colour-key cutout handles well.
const { photo, truth } = exactTruthOnColour([46, 139, 87]);
const photoPng = encodePng(photo);

const message = () => page.getByTestId('message');
const madeBy = () => page.getByTestId('made-by');

async function openKeys(): Promise<void> {
  await openSheet(page, 'keys-panel');
}

async function setEndpoint(testId: string, url: string): Promise<void> {
  await openKeys();
  const advanced = page.locator('details.advanced');
  if (!(await advanced.evaluate((element) => (element as HTMLDetailsElement).open))) await advanced.locator('summary').click();
  const field = page.getByTestId(testId);
  await field.fill(url);
  await field.dispatchEvent('change');
}

async function downloadPng(): Promise<ReturnType<typeof readPng>> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).click()]);
  return readPng(readFileSync(await download.path()));
}

test.beforeAll(async ({ browser, baseURL }) => {
  [photoroom, removebg, withoutbg, leonardo] = await Promise.all([
    startFakeProvider('photoroom'),
    startFakeProvider('removebg'),
    // As pessimistic as its docs: no CORS, so the page can reach it only through the relay.
    startFakeProvider('withoutbg'),
    startFakeProvider('leonardo'),
  ]);
  relay = await startRelay({ port: 0, origin: baseURL, upstreams: { withoutbg: withoutbg.url }, log: () => undefined });
  photoroom.setBalance(KEYS.photoroom, 20);
  photoroom.setPlan(KEYS.photoroom, 'basic');
  removebg.setCredits(KEYS.removebg, { subscription: 3, payg: 2, freeCalls: 50 });
  withoutbg.setBalance(KEYS.withoutbg, 4);
  withoutbg.setExpiration(KEYS.withoutbg, '2027-06-30 12:00:00');
  leonardo.setBalanceUsd(KEYS.leonardo, 5);

  context = await browser.newContext();
  // Before remove.bg's closing, whatever day this runs: it is used here as it works today.
  await startPageClock(context, REMOVEBG_CLOSES - 6 * 3_600_000);
  context.on('request', (request) => requests.push(request));
  page = await context.newPage();
  page.on('console', (line) => consoleLines.push(line.text()));
  page.on('pageerror', (error) => consoleLines.push(error.message));
  await page.goto('/');
});

test.afterAll(async () => {
  await context?.close();
  await Promise.all([photoroom?.close(), removebg?.close(), withoutbg?.close(), leonardo?.close(), relay?.close()]);
});

test('provider addresses are configurable and refuse plain http to another host', async () => {
  await setEndpoint('endpoint-removebg-base', 'http://proxy.example.com');
  await expect(page.getByText('over plain http your API key could be read')).toBeVisible();
  await setEndpoint('endpoint-photoroom-segmentBase', photoroom.url);
  await setEndpoint('endpoint-photoroom-imageApiBase', photoroom.url);
  await setEndpoint('endpoint-removebg-base', removebg.url);
  await setEndpoint('endpoint-withoutbg-base', withoutbg.url);
  await setEndpoint('endpoint-leonardo-base', leonardo.url);
  await expect(page.getByText('over plain http your API key could be read')).toHaveCount(0);
  await expect(page.getByTestId('endpoint-reload').first()).toBeVisible();

  // The page's security policy allows the new addresses from the next load on.
  await reloadUnderServiceWorker(page);
  await setEndpoint('endpoint-photoroom-segmentBase', photoroom.url);
  await expect(page.getByTestId('endpoint-withoutbg-base')).toHaveValue(withoutbg.url);
});

test('a wrong key is rejected by the provider and not saved', async () => {
  await openKeys();
  await page.getByTestId('key-input-photoroom').fill(WRONG_KEY);
  await page.getByTestId('add-key-photoroom').click();
  await expect(page.getByTestId('key-refused-photoroom')).toContainText('Key rejected');
  await expect(page.getByTestId('key-masked-photoroom')).toHaveCount(0);
  expect(photoroom.requests.some((request) => request.path === '/v2/account')).toBe(true);
});

test('a provider that refuses web pages (withoutBG, no CORS) is named at key-add, with the setting that fixes it; through the relay it works', async () => {
  await openKeys();
  // Said before anything is tried: its docs say to call it from a server.
  await expect(page.getByTestId('cors-notice-withoutbg')).toContainText('run a relay');
  await page.getByTestId('key-input-withoutbg').fill(KEYS.withoutbg);
  await page.getByTestId('add-key-withoutbg').click();
  const problem = page.getByTestId('key-problem-withoutbg');
  await expect(problem).toContainText('The request to withoutBG got no answer');
  await expect(problem).toContainText('Keys → Advanced: API addresses');
  await expect(problem).toContainText('npm run relay');
  // The browser never let the key out: the preflight was refused, the balance call never sent.
  expect(withoutbg.requests.filter((request) => request.method !== 'OPTIONS')).toEqual([]);
  await page.getByTestId('forget-withoutbg').click();
  await page.getByTestId('forget-confirm-withoutbg').click();

  withoutbgOrigins.add(new URL(relay.url).origin);
  await setEndpoint('endpoint-withoutbg-base', `${relay.url}/withoutbg`);
  await reloadUnderServiceWorker(page);
});

test('adding a key per provider checks it and shows plan and balance, masked', async () => {
  await openKeys();
  for (const provider of ['photoroom', 'removebg', 'withoutbg', 'leonardo'] as const) {
    await page.getByTestId(`key-input-${provider}`).fill(KEYS[provider]);
    await page.getByTestId(`add-key-${provider}`).click();
    await expect(page.getByTestId(`key-masked-${provider}`)).toHaveText(`••••${KEYS[provider].slice(-4)}`);
  }
  await expect(page.getByTestId('balance-photoroom')).toContainText('20 images left');
  await expect(page.getByTestId('balance-photoroom')).toContainText('Basic plan');
  await expect(page.getByTestId('balance-removebg')).toContainText('5 credits left (3 subscription, 2 pay-as-you-go');
  await expect(page.getByTestId('balance-removebg')).toContainText('50 free previews');
  await expect(page.getByTestId('balance-withoutbg')).toContainText('4 credits left');
  await expect(page.getByTestId('balance-withoutbg')).toContainText('expires');
  // Leonardo.Ai's /me in its own unit: $5 on the fake's account.
  await expect(page.getByTestId('balance-leonardo')).toContainText('5000 API credits left');
  // remove.bg's closing is announced under it while it still works.
  await expect(page.getByTestId('retirement-notice-removebg')).toContainText('Leonardo.Ai on 1 December 2026');
  // The key field never shows the key again once saved, even after a reload.
  await page.reload();
  await openKeys();
  await expect(page.getByTestId('key-masked-removebg')).toHaveText(`••••${KEYS.removebg.slice(-4)}`);
  await expect(page.getByTestId('balance-photoroom')).toContainText('20 images left');
});

test('HD via each provider lands in the compare view and downloads at full size; each is charged once', async () => {
  await dropFile(page, photoPng, 'passport-jane-doe.png', 'image/png');
  await expect(page.getByTestId('result-caption')).toContainText('cutout in', { timeout: 180_000 });
  await expect(madeBy()).toHaveText('On-device (free)');
  await expect(page.getByTestId('hd-photoroom')).toContainText('1 image (Basic plan) · 20 images left');
  await expect(page.getByTestId('hd-removebg')).toContainText('1 credit · 5 credits left');
  await expect(page.getByTestId('hd-withoutbg')).toContainText('1 credit · 4 credits left');
  await expect(page.getByTestId('hd-leonardo')).toContainText('about $0.10 · 5000 API credits left');
  // All cost 1 unit on these plans (Leonardo.Ai's is known only in dollars): the fullest balance is proposed.
  await expect(page.getByTestId('route-advice')).toHaveAttribute('data-pick', 'photoroom');

  // Leonardo.Ai: $5 − $0.1047, as its /me reports it (×1000).
  const expected = { photoroom: 19, removebg: 4, withoutbg: 3, leonardo: 4895 };
  const fakes = { photoroom, removebg, withoutbg, leonardo };
  for (const provider of ['photoroom', 'removebg', 'withoutbg', 'leonardo'] as const) {
    await page.getByTestId(`hd-${provider}`).click();
    await expect(page.getByTestId('preflight-sentence')).toContainText(
      provider === 'leonardo' ? 'Uses 1 image, about $0.10' : 'Uses 1 of your',
    );
    await page.getByTestId('preflight-pay').click();
    const name = { photoroom: 'PhotoRoom', removebg: 'remove.bg', withoutbg: 'withoutBG', leonardo: 'Leonardo.Ai' }[provider];
    await expect(madeBy()).toHaveText(`${name}'s cutout`);
    await expect(message()).toContainText('cutout ready');
    const cutout = await downloadPng();
    expect([cutout.width, cutout.height]).toEqual([photo.width, photo.height]);
    // The provider's real cutout of this upload (not a stock file): it matches the lemur's truth.
    expect(alphaIoU(alphaChannel(cutout), truth)).toBeGreaterThan(0.8);
    expect(fakes[provider].balance(KEYS[provider])).toBe(expected[provider]);
    // Leonardo.Ai bills in dollars: the balance in API credits is read again once the 45 s gap allows (drift 0).
    const unit = provider === 'photoroom' ? 'images' : provider === 'leonardo' ? 'API credits' : 'credits';
    await expect(page.getByTestId(`hd-${provider}`)).toContainText(`${expected[provider]} ${unit} left`, { timeout: 90_000 });
  }
  // withoutBG's call went through the relay, to a host that refuses web pages.
  expect(withoutbg.requests.some((request) => request.path === '/v1.0/image-without-background')).toBe(true);
  // Every provider saw a neutral upload name, not the person's file name; no call said which page sent it
  // or could be answered from the browser's HTTP cache (cache: 'no-store' makes Chromium send no-cache).
  for (const [provider, fake] of Object.entries(fakes)) {
    const calls = fake.requests.filter((request) => request.method !== 'OPTIONS');
    const uploads = calls.flatMap((request) => Object.values(request.files ?? {}));
    for (const upload of uploads) expect(upload.filename).toBe('image.png');
    // withoutBG is reached through the relay, which passes on only the headers a call needs.
    if (provider === 'withoutbg') continue;
    for (const call of calls) {
      expect(call.headers.referer, `${call.method} ${call.path}`).toBeUndefined();
      expect(call.headers['cache-control'], `${call.method} ${call.path}`).toBe('no-cache');
    }
  }
  expect(Object.values(fakes).flatMap((fake) => fake.requests.flatMap((request) => Object.values(request.files ?? {})))).not.toHaveLength(
    0,
  );
});

test('an AI edit sends the form to PhotoRoom Image Editing and costs 5 images on Basic', async () => {
  await page.getByText('AI edit with PhotoRoom').click();
  const form = page.getByTestId('ai-edit-form');
  await form.getByLabel(/New background/).fill('on a white marble counter');
  await form.getByLabel('Shadow').selectOption('ai.soft');
  await form.getByLabel('Relight the subject').check();
  await expect(page.getByTestId('ai-edit-run')).toContainText('5 images (Basic plan) · 19 images left');
  await page.getByTestId('ai-edit-run').click();
  await expect(page.getByTestId('preflight-sentence')).toContainText('Uses 5 of your 19 images (Basic plan: an AI edit costs 5)');
  await page.getByTestId('preflight-pay').click();
  await expect(madeBy()).toHaveText('PhotoRoom AI edit');
  const edit = photoroom.requests.findLast((request) => request.path === '/v2/edit');
  expect(edit?.fields).toMatchObject({
    removeBackground: 'true',
    'background.prompt': 'on a white marble counter',
    'shadow.mode': 'ai.soft',
    'lighting.mode': 'ai.auto',
    padding: '10%',
    outputSize: 'originalImage',
    'export.format': 'png',
  });
  expect(photoroom.balance(KEYS.photoroom)).toBe(14);
  const edited = await downloadPng();
  expect(edited.width).toBeGreaterThan(0);
});

test('402: "out of credits", nothing debited, the previous result stays', async () => {
  // Spent elsewhere (another device): the app still believes 4 are left, the provider says 402.
  removebg.setCredits(KEYS.removebg, { subscription: 0, payg: 0, freeCalls: 0 });
  await page.getByTestId('hd-removebg').click();
  await page.getByTestId('preflight-pay').click();
  await expect(message()).toContainText('Out of credits');
  await expect(message()).toContainText('Nothing was charged');
  await expect(message()).toContainText('previous result is kept');
  await expect(madeBy()).toHaveText('PhotoRoom AI edit');
  expect(removebg.balance(KEYS.removebg)).toBe(0);
  const kept = await downloadPng();
  expect(kept.width).toBeGreaterThan(0);
});

test('a key rejected later (revoked) says so; a host that refuses the page says so by name, and nothing is charged', async () => {
  // Point withoutBG at a fake that does not know this key (and lets the page in): it answers 401.
  const stranger = await startFakeProvider('withoutbg', { allowOrigin: true });
  // Point Leonardo.Ai at a host that refuses web pages: the browser stops the call at its preflight.
  const refusing = await startFakeProvider('leonardo', { allowOrigin: false });
  withoutbgOrigins.add(new URL(stranger.url).origin);
  leonardoOrigins.add(new URL(refusing.url).origin);
  try {
    await setEndpoint('endpoint-withoutbg-base', stranger.url);
    await setEndpoint('endpoint-leonardo-base', refusing.url);
    await reloadUnderServiceWorker(page);
    await dropFile(page, photoPng, 'lemur.png', 'image/png');
    await expect(page.getByTestId('result-caption')).toContainText('cutout in', { timeout: 180_000 });
    const strangerHost = new URL(stranger.url).host;

    // The saved key was bound to the old address: it does not follow the change, not even at start-up.
    await page.getByTestId('hd-withoutbg').click();
    await page.getByTestId('preflight-pay').click();
    await expect(message()).toContainText(`the address is now ${strangerHost}. It is not sent there until you enter it again in Keys`);
    expect(stranger.requests, 'the key went nowhere new').toEqual([]);
    expect(refusing.requests).toEqual([]);

    // Entered again after the sentence naming who will see it; the new host knows it, then revokes it.
    await openKeys();
    await expect(page.getByTestId('key-address-changed-withoutbg')).toBeVisible();
    await expect(page.getByTestId('key-recipient-withoutbg')).toContainText(
      `will be sent to ${strangerHost}, not to withoutBG's own address`,
    );
    stranger.setBalance(KEYS.withoutbg, 3);
    await page.getByTestId('key-input-withoutbg').fill(KEYS.withoutbg);
    await page.getByTestId('add-key-withoutbg').click();
    await expect(page.getByTestId('key-address-changed-withoutbg')).toHaveCount(0);
    await page.getByTestId('key-input-leonardo').fill(KEYS.leonardo);
    await page.getByTestId('add-key-leonardo').click();
    await expect(page.getByTestId('key-address-changed-leonardo')).toHaveCount(0);
    stranger.revokeKey(KEYS.withoutbg);
    await closeSheet(page);
    await page.getByTestId('hd-withoutbg').click();
    await page.getByTestId('preflight-pay').click();
    await expect(message()).toContainText('Key rejected');

    await page.getByTestId('hd-leonardo').click();
    await page.getByTestId('preflight-pay').click();
    // The page cannot tell a refused preflight from a billed answer it may not read: held as "may have been charged".
    await expect(message()).toContainText('No answer from Leonardo.Ai reached this page');
    await expect(message()).toContainText('Cutwise will check your balance');
    await expect(message()).toContainText('Keys → Advanced: API addresses');
    await expect(message()).toContainText('previous result is kept');
    await expect(madeBy()).toHaveText('On-device (free)');
    expect(refusing.requests.filter((request) => request.method === 'POST')).toEqual([]);
    expect(leonardo.balance(KEYS.leonardo)).toBe(4895);
  } finally {
    await setEndpoint('endpoint-withoutbg-base', `${relay.url}/withoutbg`);
    await setEndpoint('endpoint-leonardo-base', leonardo.url);
    await Promise.all([stranger.close(), refusing.close()]);
  }
});

test('Forget removes a key after one question, also after a reload', async () => {
  await openKeys();
  await page.getByTestId('forget-withoutbg').click();
  await expect(page.getByTestId('forget-ask-withoutbg')).toContainText('Forget the withoutBG key?');
  await page.getByTestId('forget-confirm-withoutbg').click();
  await expect(page.getByTestId('key-input-withoutbg')).toBeVisible();
  await expect(page.getByTestId('hd-withoutbg')).toHaveCount(0);
  await page.reload();
  await openKeys();
  await expect(page.getByTestId('key-input-withoutbg')).toBeVisible();
  await expect(page.getByTestId('key-masked-photoroom')).toBeVisible();
});

test('keys went only to their own provider, never in a URL, localStorage, IndexedDB in clear, or the console', async () => {
  withoutbgOrigins.add(new URL(withoutbg.url).origin);
  const origins = {
    photoroom: new Set([new URL(photoroom.url).origin]),
    removebg: new Set([new URL(removebg.url).origin]),
    withoutbg: withoutbgOrigins,
    leonardo: leonardoOrigins.add(new URL(leonardo.url).origin),
  };
  const secrets = [...Object.values(KEYS), WRONG_KEY];
  let sentToProvider = 0;
  for (const request of requests) {
    const url = request.url();
    for (const secret of secrets) expect(url, 'key in a URL').not.toContain(secret);
    const headers = await request.allHeaders();
    const headerText = JSON.stringify(headers);
    for (const [provider, secret] of Object.entries(KEYS)) {
      if (!headerText.includes(secret)) continue;
      expect(origins[provider as Provider].has(new URL(url).origin), `${provider} key sent to ${url}`).toBe(true);
      sentToProvider++;
    }
  }
  expect(sentToProvider).toBeGreaterThanOrEqual(6);

  const stored = await page.evaluate(async () => {
    const local = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
    const dump = await new Promise<string>((resolve, reject) => {
      const open = indexedDB.open('cutwise-keys');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const read = open.result.transaction('keys').objectStore('keys').getAll();
        read.onsuccess = () =>
          resolve(
            JSON.stringify(read.result, (_key, value: unknown) =>
              value instanceof ArrayBuffer || ArrayBuffer.isView(value)
                ? Array.from(new Uint8Array(value instanceof ArrayBuffer ? value : value.buffer))
                    .map((byte) => String.fromCharCode(byte))
                    .join('')
                : value,
            ),
          );
      };
    });
    return { local, dump };
  });
  for (const secret of secrets) {
    expect(stored.local).not.toContain(secret);
    expect(stored.dump).not.toContain(secret);
  }
  expect(stored.dump).toContain('••••'); // the records were read
  for (const secret of secrets) expect(consoleLines.join('\n')).not.toContain(secret);
});

/** Accessibility of what is on screen now (WCAG 2.1 A/AA rules). */
async function expectNoAxeViolations(label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(
    results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`),
    label,
  ).toEqual([]);
}

test('keys under a passphrase: locked after a reload, a wrong passphrase is told apart, Lock now; this session only forgets at close', async () => {
  await page.reload();
  await openKeys();
  // Not a password field: browsers would offer to save and sync the key as a site password.
  const keyField = page.getByTestId('key-input-withoutbg');
  await expect(keyField).toHaveAttribute('type', 'text');
  await expect(keyField).toHaveAttribute('autocomplete', 'off');
  await expect(keyField).toHaveAttribute('data-1p-ignore', '');
  await expect(page.getByTestId('protection-says')).toContainText('anyone who can run software as you on this device');
  await expectNoAxeViolations('Keys panel');

  await page.getByTestId('protection-passphrase').check();
  await expect(page.getByTestId('protection-says')).toContainText('never stored');
  await page.getByTestId('new-passphrase').fill('correct horse battery staple');
  await page.getByTestId('repeat-passphrase').fill('correct horse battery stapler');
  await page.getByTestId('protection-apply').click();
  await expect(page.getByTestId('protection-problem')).toHaveText('The two passphrases differ. Type the same one twice.');
  await page.getByTestId('repeat-passphrase').fill('correct horse battery staple');
  await page.getByTestId('protection-apply').click();
  await expect(page.getByTestId('protection-passphrase').locator('..')).toContainText('(now)');
  await expectNoAxeViolations('Keys panel, passphrase set');

  await page.reload();
  await openKeys();
  await expect(page.getByTestId('unlock-form')).toContainText('Your keys are locked');
  // Still listed (masked) while locked; nothing can be decrypted.
  await expect(page.getByTestId('key-masked-photoroom')).toBeVisible();
  await expectNoAxeViolations('Keys panel, locked');
  await page.getByTestId('unlock-passphrase').fill('correct horse');
  await page.getByTestId('unlock').click();
  await expect(page.getByTestId('unlock-refused')).toHaveText(
    'That passphrase does not unlock your keys. Nothing was changed; check it and try again.',
  );
  await page.getByTestId('unlock-passphrase').fill('correct horse battery staple');
  await page.getByTestId('unlock').click();
  await expect(page.getByTestId('unlock-form')).toHaveCount(0);
  await page.getByTestId('idle-lock').selectOption('5');
  await page.getByTestId('lock-now').click();
  await expect(page.getByTestId('unlock-form')).toBeVisible();
  await page.getByTestId('unlock-passphrase').fill('correct horse battery staple');
  await page.getByTestId('unlock').click();
  await expect(page.getByTestId('unlock-form')).toHaveCount(0);

  // This session only: the keys leave the disk, and the next visit has none.
  await page.getByTestId('protection-session').check();
  await expect(page.getByTestId('protection-says')).toContainText('never written to disk');
  await page.getByTestId('protection-apply').click();
  await expect(page.getByTestId('protection-session').locator('..')).toContainText('(now)');
  await expect(page.getByTestId('key-masked-photoroom')).toBeVisible();
  const onDisk = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('cutwise-keys');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const count = open.result.transaction('keys').objectStore('keys').count();
          count.onsuccess = () => resolve(count.result);
        };
      }),
  );
  expect(onDisk).toBe(0);
  await page.reload();
  await openKeys();
  await expect(page.getByTestId('key-input-photoroom')).toBeVisible();
  await expect(page.getByTestId('key-masked-photoroom')).toHaveCount(0);
});
