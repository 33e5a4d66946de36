/**
 * Every main state of the page, on a desktop (1280×800) and a phone (390×844), light and dark:
 * a screenshot of each under test-results/screens/ and axe-core's verdict (0 violations wanted);
 * and the flows the canvas-first layout brought: a sample photo, the photo at once, the divider
 * dragged on the image, Share, the side sheets with focus and Escape, a paid preflight in view.
 * One page and one model load for all of it.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, readFileSync } from 'node:fs';
import { startFakeProvider, type PhotoRoomFake } from '../fakes/index.mjs';
import { alphaChannel, encodePng, exactTruthOnColour, readPng } from '../support/images.ts';
import { closeSheet, dropFile, openSheet, reloadUnderServiceWorker } from './helpers.ts';

test.describe.configure({ mode: 'serial' });

const SCREENS = 'test-results/screens';
const VIEWS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const SCHEMES = ['light', 'dark'] as const;
const KEY = 'pr_screens_live_51c0';

let context: BrowserContext;
let page: Page;
let photoroom: PhotoRoomFake;
/** Every axe violation seen, by state: asserted empty at the end so one run reports all of them. */
const violations: string[] = [];
const shots: string[] = [];

/** Captures the current state in all four looks, with axe on each; the view is left at desktop light. */
async function captureAll(state: string, check?: (view: (typeof VIEWS)[number]) => Promise<void>): Promise<void> {
  for (const view of VIEWS) {
    await page.setViewportSize({ width: view.width, height: view.height });
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      const path = `${SCREENS}/${state}-${view.name}-${scheme}.png`;
      await page.screenshot({ path });
      shots.push(path);
      const result = await new AxeBuilder({ page }).analyze();
      for (const violation of result.violations) {
        const where = violation.nodes.map((node) => node.target.join(' ')).join(' | ');
        violations.push(`${state} ${view.name} ${scheme}: ${violation.id} (${violation.impact}) at ${where}`);
      }
    }
    if (view.name === 'phone') {
      for (const problem of await touchProblems()) violations.push(`${state} phone: touch target ${problem}`);
    }
    await check?.(view);
  }
  await page.setViewportSize({ width: VIEWS[0].width, height: VIEWS[0].height });
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * Controls a thumb cannot hit or a phone zooms into: every visible button, link, field, summary and
 * slider handle under 44×44 px (a radio or checkbox counts by its label), or form text under 16 px.
 */
async function touchProblems(): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const controls = document.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea, summary, [role=slider]');
    const dialog = document.querySelector('dialog[open]');
    for (const control of controls) {
      if (dialog && !dialog.contains(control)) continue; // what a modal dialog covers cannot be touched
      const style = getComputedStyle(control);
      // Not shown: hidden, or inside a closed <details> (laid out, but never painted).
      if (!control.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) continue;
      const input = control instanceof HTMLInputElement ? control : undefined;
      if (input?.type === 'hidden' || input?.hidden) continue;
      const target = input && (input.type === 'radio' || input.type === 'checkbox') ? (input.closest('label') ?? input) : control;
      const box = target.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      const name = `${control.tagName.toLowerCase()}${input ? `[type=${input.type}]` : ''} "${(control.getAttribute('aria-label') ?? control.textContent ?? '').trim().slice(0, 40)}"`;
      if (box.width < 43.5 || box.height < 43.5) problems.push(`${name} is ${Math.round(box.width)}×${Math.round(box.height)}`);
      const formText =
        control instanceof HTMLInputElement || control instanceof HTMLSelectElement || control instanceof HTMLTextAreaElement;
      if (formText && parseFloat(style.fontSize) < 16) problems.push(`${name} has ${style.fontSize} text`);
    }
    return problems;
  });
}

/** Whether an element lies wholly inside the viewport (what "in view" means for a person). */
async function inView(testId: string): Promise<boolean> {
  const box = await page.getByTestId(testId).boundingBox();
  const size = page.viewportSize();
  if (!box || !size) return false;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= size.width + 1 && box.y + box.height <= size.height + 1;
}

test.beforeAll(async ({ browser }) => {
  mkdirSync(SCREENS, { recursive: true });
  photoroom = await startFakeProvider('photoroom');
  photoroom.setBalance(KEY, 20);
  photoroom.setPlan(KEY, 'basic');
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // This Chromium has no share sheet; a recording one stands in for a phone's, to check what is handed over.
  await context.addInitScript(() => {
    const shared: Array<{ name: string; type: string; size: number }> = [];
    Object.assign(window, { __shared: shared });
    Object.defineProperty(navigator, 'canShare', { value: (data: ShareData) => Boolean(data.files?.length), configurable: true });
    Object.defineProperty(navigator, 'share', {
      value: async (data: ShareData) => {
        for (const file of data.files ?? []) shared.push({ name: file.name, type: file.type, size: file.size });
      },
      configurable: true,
    });
  });
  page = await context.newPage();
  await page.goto('/');
});

test.afterAll(async () => {
  await context?.close();
  await photoroom?.close();
  console.log(`[screens] ${shots.length} screenshots in ${SCREENS}/`);
});

test('empty state: a real "Choose a photo" button and sample photos', async () => {
  await expect(page.getByRole('button', { name: 'Choose a photo' })).toBeVisible();
  await expect(page.getByTestId('sample-apple')).toBeVisible();
  await captureAll('empty', async () => {
    // The picker is a real button of at least 44×44 px on every viewport.
    const box = await page.getByRole('button', { name: 'Choose a photo' }).boundingBox();
    expect(box && box.height >= 44 && box.width >= 44).toBe(true);
  });
});

test('a file that is not an image: the message says so, in view', async () => {
  await dropFile(page, Buffer.from('%PDF-1.7\n1 0 obj\n'), 'invoice.pdf', 'application/pdf');
  await expect(page.getByTestId('message')).toContainText('not an image');
  await captureAll('error', async () => expect(await inView('message')).toBe(true));
  await page.getByTestId('message').getByRole('button', { name: 'Dismiss' }).click();
});

test('side sheets open as dialogs: focus inside, Escape closes, focus returns to the opener', async () => {
  for (const [button, sheet] of [
    ['open-keys', 'keys-panel'],
    ['open-offline', 'offline-panel'],
    ['open-settings', 'settings-panel'],
  ] as const) {
    await page.getByTestId(button).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(sheet)).toBeVisible();
    const focusInside = await page.evaluate((id) => document.querySelector(`[data-testid=${id}]`)?.contains(document.activeElement), sheet);
    expect(focusInside, `focus moved into ${sheet}`).toBe(true);
    await captureAll(sheet.replace('-panel', ''));
    await page.keyboard.press('Escape');
    await expect(page.getByTestId(sheet)).toBeHidden();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(button);
  }
});

test('with a PhotoRoom key (against the fake): Keys shows it', async () => {
  await openSheet(page, 'keys-panel');
  await page.locator('details.advanced summary').click();
  for (const testId of ['endpoint-photoroom-segmentBase', 'endpoint-photoroom-imageApiBase']) {
    await page.getByTestId(testId).fill(photoroom.url);
    await page.getByTestId(testId).dispatchEvent('change');
  }
  await closeSheet(page);
  await reloadUnderServiceWorker(page);
  await openSheet(page, 'keys-panel');
  await page.getByTestId('key-input-photoroom').fill(KEY);
  await page.getByTestId('add-key-photoroom').click();
  await expect(page.getByTestId('balance-photoroom')).toContainText('20 images left');
  await captureAll('keys-with-key');
  await closeSheet(page);
});

test('a sample photo: shown at once, then the cutout in its place, announced when done', async () => {
  // Hold the model's files back so the photo-on-screen state can be looked at in every view.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  await context.route('**/imgly/**', async (route) => {
    await held;
    // A request the page dropped meanwhile (a cancelled fetch) is already answered.
    await route.continue().catch(() => undefined);
  });
  await page.getByTestId('sample-apple').click();
  await expect(page.locator('.pending-shown [data-testid=pending-image]')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Download PNG' })).toBeDisabled();
  await captureAll('processing');
  release();
  await expect(page.getByTestId('result-caption')).toContainText('cutout in', { timeout: 180_000 });
  await context.unroute('**/imgly/**');
  await expect(page.getByTestId('result-caption')).toContainText('sample-apple.jpg · 1200×900');
  await expect(page.getByTestId('announcer')).toContainText('Cutout ready: sample-apple.jpg');

  // The drawn apple is found: the wall's corners are transparent, the apple's middle opaque.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).click()]);
  const png = readPng(readFileSync(await download.path()));
  const alpha = alphaChannel(png);
  const at = (x: number, y: number): number => alpha[y * png.width + x]!;
  expect([png.width, png.height]).toEqual([1200, 900]);
  expect([at(20, 20), at(1180, 20), at(20, 880), at(1180, 880)]).toEqual([0, 0, 0, 0]);
  expect(at(600, 480)).toBe(255);

  await captureAll('result', async (view) => {
    // Download is in the first screen on both viewports.
    const download = await page.getByRole('button', { name: 'Download PNG' }).boundingBox();
    expect(download && download.y + download.height <= view.height, `Download in view on the ${view.name}`).toBe(true);
  });
});

test('the compare divider is dragged on the image and moved with the keyboard', async () => {
  const handle = page.getByTestId('compare-handle');
  await expect(handle).toHaveAttribute('aria-valuenow', '50');
  const stage = await page.getByTestId('compare-stage').boundingBox();
  if (!stage) throw new Error('no stage');
  const y = stage.y + stage.height / 3;
  await page.mouse.move(stage.x + stage.width * 0.5, y);
  await page.mouse.down();
  await page.mouse.move(stage.x + stage.width * 0.2, y, { steps: 5 });
  await page.mouse.up();
  expect(Number(await handle.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(18);
  expect(Number(await handle.getAttribute('aria-valuenow'))).toBeLessThanOrEqual(22);
  // The original is clipped at the divider: what shows left of it is the photo, right of it the cutout.
  await expect(page.locator('.stage img.before')).toHaveAttribute('style', /inset\(0px 8\d(\.\d+)?% 0px 0px\)|inset\(0 8\d/);
  await handle.focus();
  await page.keyboard.press('End');
  await expect(handle).toHaveAttribute('aria-valuenow', '100');
  await page.keyboard.press('ArrowLeft');
  await expect(handle).toHaveAttribute('aria-valuenow', '98');
  await page.keyboard.press('Home');
  await expect(handle).toHaveAttribute('aria-valuenow', '0');

  // Zoom: + on the keyboard, the wheel about the pointer, 1:1 (one photo pixel per screen pixel), Fit.
  const zoomed = page.getByTestId('compare-stage');
  await page.keyboard.press('+');
  await expect(zoomed).toHaveAttribute('data-zoom', '1.500');
  await page.getByTestId('zoom-fit').click();
  await expect(zoomed).toHaveAttribute('data-zoom', '1.000');
  await page.mouse.move(stage.x + stage.width / 2, stage.y + stage.height / 2);
  await page.mouse.wheel(0, -300);
  await expect.poll(async () => Number(await zoomed.getAttribute('data-zoom'))).toBeGreaterThan(1.2);
  await page.getByTestId('zoom-1to1').click();
  const shownWidth = (await page.getByTestId('cutout').evaluate((element) => element.getBoundingClientRect().width)) as number;
  const dpr = await page.evaluate(() => window.devicePixelRatio);
  // The canvas on screen is the fitted size × zoom: at 1:1 that is the photo's width in CSS pixels.
  expect(shownWidth * dpr).toBeGreaterThan(1200 * 0.98);
  expect(shownWidth * dpr).toBeLessThan(1200 * 1.02);
  await page.getByTestId('zoom-fit').click();
  await expect(zoomed).toHaveAttribute('data-zoom', '1.000');
});

test('finishing: a square with a contact shadow on the blurred photo is shown as it will be saved', async () => {
  await page.getByTestId('frame-aspect').selectOption('1:1');
  await page.getByRole('radio', { name: 'Contact shadow' }).check();
  await page.getByTestId('background-blur').check();
  await expect(page.getByTestId('file-size')).toContainText('The file:');
  await expect(page.getByTestId('finished-preview')).toHaveAttribute('aria-busy', 'false');
  await captureAll('finished');
  await page.getByRole('radio', { name: 'Transparent' }).check();
  await page.getByRole('radio', { name: 'None' }).check();
  await page.getByTestId('frame-aspect').selectOption('photo');
  await expect(page.getByTestId('compare-stage')).toBeVisible();
});

/** Alpha of the plain PNG download at a point given as a share of the photo's width and height. */
async function downloadedAlphaAt(share: { x: number; y: number }): Promise<number> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).click()]);
  const png = readPng(readFileSync(await file.path()));
  return png.data[(Math.floor(png.height * share.y) * png.width + Math.floor(png.width * share.x)) * 4 + 3] ?? -1;
}

test('Recent: a cutout survives a reload and reopens with its edits (hand edits too), offline too; one can be deleted', async () => {
  // A hand edit first: the apple's middle erased (the brushing screen is checked on every look too).
  const middle = { x: 0.5, y: 0.5 };
  expect(await downloadedAlphaAt(middle)).toBe(255);
  await page.getByText('Erase', { exact: true }).click();
  await captureAll('brushing');
  const canvas = await page.getByTestId('cutout').boundingBox();
  if (!canvas) throw new Error('no cutout on screen');
  await page.mouse.move(canvas.x + canvas.width * 0.45, canvas.y + canvas.height * 0.5);
  await page.mouse.down();
  await page.mouse.move(canvas.x + canvas.width * 0.55, canvas.y + canvas.height * 0.5, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('matte-status')).toHaveText('1 edit can be undone.');
  expect(await downloadedAlphaAt(middle)).toBe(0);
  await page.getByText('Compare', { exact: true }).click();

  await page.getByTestId('frame-aspect').selectOption('1:1');
  await expect(page.getByTestId('file-size')).toContainText('The file:');
  await page.reload();
  await openSheet(page, 'recent-panel');
  const entry = page.getByTestId('recent').filter({ hasText: 'sample-apple.jpg' });
  await expect(entry).toHaveCount(1);
  await expect(page.getByTestId('recents-usage')).toContainText('1 kept');
  await captureAll('recent');
  await entry.getByTestId('recent-open').click();
  await expect(page.getByTestId('recent-panel')).toBeHidden();
  await expect(page.getByTestId('result-caption')).toContainText('sample-apple.jpg · 1200×900');
  await expect(page.getByTestId('frame-aspect')).toHaveValue('1:1');
  const [square] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).click()]);
  const png = readPng(readFileSync(await square.path()));
  expect(png.width).toBe(png.height);
  // The hand edit came back with it, and Reset still goes back to the model's cutout.
  await page.getByTestId('frame-aspect').selectOption('photo');
  expect(await downloadedAlphaAt(middle)).toBe(0);
  await page.getByTestId('reset-matte').click();
  await expect(page.getByTestId('matte-status')).toHaveText('1 edit can be undone.');
  expect(await downloadedAlphaAt(middle)).toBe(255);

  // Offline: the kept photo and cutout come from this device.
  await context.setOffline(true);
  await page.reload();
  await openSheet(page, 'recent-panel');
  await page.getByTestId('recent').filter({ hasText: 'sample-apple.jpg' }).getByTestId('recent-open').click();
  await expect(page.getByTestId('result-caption')).toContainText('sample-apple.jpg');
  await context.setOffline(false);
  await page.getByTestId('frame-aspect').selectOption('photo');
});

test('Share hands the system a PNG file of the cutout', async () => {
  await page.getByTestId('share').click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { __shared: unknown[] }).__shared.length)).toBe(1);
  const shared = await page.evaluate(
    () => (window as unknown as { __shared: Array<{ name: string; type: string; size: number }> }).__shared[0],
  );
  expect(shared).toMatchObject({ name: 'sample-apple-cutout.png', type: 'image/png' });
  expect(shared?.size).toBeGreaterThan(10_000);
});

test('Usage sheet, and the paid preflight opens in view on both viewports', async () => {
  await openSheet(page, 'usage-panel');
  await captureAll('usage');
  await closeSheet(page);
  const offer = page.getByTestId('hd-photoroom');
  for (const view of VIEWS) {
    await page.setViewportSize({ width: view.width, height: view.height });
    await offer.scrollIntoViewIfNeeded();
    await offer.click();
    await expect(page.getByTestId('preflight')).toBeVisible();
    expect(await inView('preflight'), `the preflight is in view on the ${view.name}`).toBe(true);
    if (view.name === 'desktop') await captureAll('preflight');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('preflight')).toBeHidden();
  }
  await page.setViewportSize({ width: VIEWS[0].width, height: VIEWS[0].height });
});

test('paying: the result and its message show where the person is looking; charged once', async () => {
  // The fake decodes PNG only (real PhotoRoom takes JPEG too): a PNG photo of its own.
  await dropFile(page, encodePng(exactTruthOnColour([46, 139, 87]).photo), 'studio.png', 'image/png');
  // While the new photo is processed, the apple's cutout is neither shown nor downloadable under any name.
  await expect(page.getByRole('button', { name: 'Download PNG' })).toBeDisabled();
  await expect(page.getByTestId('result-caption')).not.toContainText('sample-apple');
  await expect(page.getByTestId('result-caption')).toContainText('studio.png', { timeout: 180_000 });
  await expect(page.getByTestId('result-caption')).toContainText('cutout in', { timeout: 180_000 });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('hd-photoroom').scrollIntoViewIfNeeded();
  await page.getByTestId('hd-photoroom').click();
  await page.getByTestId('preflight-pay').click();
  await expect(page.getByTestId('message')).toContainText('cutout ready');
  expect(await inView('message'), 'the outcome is in view on the phone').toBe(true);
  expect(photoroom.balance(KEY)).toBe(19);
  await captureAll('paid-result');
  await page.setViewportSize({ width: 1280, height: 800 });

  // The same photo again: its paid cutout is offered from Recent, so nobody pays twice by accident.
  await dropFile(page, encodePng(exactTruthOnColour([46, 139, 87]).photo), 'studio-again.png', 'image/png');
  await expect(page.getByTestId('paid-before')).toContainText("You already have PhotoRoom's cutout of this photo");
  await expect(page.getByTestId('result-caption')).toContainText('studio-again.png · 680×440', { timeout: 180_000 });
  await expect(page.getByTestId('result-caption')).toContainText('cutout in');
  await page.getByTestId('paid-before-open').click();
  await expect(page.getByTestId('made-by')).toHaveText("PhotoRoom's cutout");
  await expect(page.getByTestId('paid-before')).toHaveCount(0);
  expect(photoroom.balance(KEY)).toBe(19);

  // Delete one: the list is one shorter.
  await openSheet(page, 'recent-panel');
  const before = await page.getByTestId('recent').count();
  await page.getByTestId('recent').first().getByTestId('recent-delete').click();
  await expect(page.getByTestId('recent')).toHaveCount(before - 1);
  await closeSheet(page);
});

test('axe: no violations in any state, view or theme', async () => {
  expect(shots.length).toBeGreaterThanOrEqual(40);
  expect(violations).toEqual([]);
});
