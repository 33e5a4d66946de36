/**
 * What a person does with the on-device cutout, in real Chromium with the real model.
 * One page for the whole file: the model downloads once, as it would for a person.
 */
import { expect, test, type BrowserContext, type Download, type Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  alphaChannel,
  alphaIoU,
  alphaOf,
  coreOpaqueFraction,
  describeEdgeQuality,
  edgeQuality,
  encodePng,
  EVAL_DIR,
  exactTruthComposite,
  opaqueCore,
  readPng,
} from '../support/images.ts';
import { sniffImage } from '../../src/shared/image/sniff.ts';
import { subjectBounds } from '../../src/shared/image/finish.ts';
import {
  closeSheet,
  dropFile,
  installLongTaskProbe,
  openSheet,
  longestTask,
  pasteFile,
  resetLongestTask,
  trackEngineWorkers,
  watchForElement,
  watchForeignRequests,
  withExifOrientation,
} from './helpers.ts';

test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;
let foreign: string[];
let workers: ReturnType<typeof trackEngineWorkers>;
const consoleLines: string[] = [];

const { photo, truth, foreground } = exactTruthComposite();
const photoPng = encodePng(photo);

const caption = () => page.getByTestId('result-caption');
const message = () => page.getByTestId('message');

async function waitForFinishedCutout(fileName: string): Promise<void> {
  await expect(caption()).toContainText(fileName);
  await expect(caption()).toContainText('cutout in');
  await expect(page.getByTestId('progress')).toHaveCount(0);
}

/** The engine's own timings of the shown result (model load, inference, whole pipeline). */
/** Presses a download button and returns the download. */
async function downloadWith(button: string): Promise<Download> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
  return download;
}

async function engineTimings(): Promise<string> {
  const [model, fast, inference, total] = await Promise.all(
    ['data-model-ms', 'data-fast-preview-ms', 'data-inference-ms', 'data-total-ms'].map((name) => caption().getAttribute(name)),
  );
  return `model load ${model} ms, quick preview at ${fast} ms, inference (both passes) ${inference} ms, pipeline ${total} ms`;
}

test.beforeAll(async ({ browser, baseURL }) => {
  context = await browser.newContext();
  foreign = watchForeignRequests(context, new URL(baseURL ?? '').origin);
  page = await context.newPage();
  page.on('console', (line) => consoleLines.push(`${line.type()}: ${line.text()}`));
  page.on('pageerror', (error) => consoleLines.push(`error: uncaught ${error.message}`));
  workers = trackEngineWorkers(page);
  await installLongTaskProbe(page);
  await page.goto('/');
  expect(await page.evaluate(() => crossOriginIsolated), 'served cross-origin isolated').toBe(true);
});

test.afterAll(async () => {
  await context.close();
});

test('drop a photo: model download progress, then a full-resolution cutout that matches the truth', async () => {
  await resetLongestTask(page);
  const started = Date.now();
  await dropFile(page, photoPng, 'lemur-on-beach.png', 'image/png');

  // First run: the model comes down with visible byte and percent progress.
  await expect(page.getByTestId('download-progress')).toContainText(/MB of .*MB \(\d+ %\)/);
  await waitForFinishedCutout('lemur-on-beach.png');
  const elapsed = Date.now() - started;

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).click()]);
  expect(download.suggestedFilename()).toBe('lemur-on-beach-cutout.png');
  await download.saveAs(test.info().outputPath('cutout.png'));
  const cutout = readPng(readFileSync(await download.path()));
  expect([cutout.width, cutout.height]).toEqual([photo.width, photo.height]);

  const alpha = alphaChannel(cutout);
  const iou = alphaIoU(alpha, truth);
  const core = coreOpaqueFraction(alpha, opaqueCore(truth, photo.width, photo.height, 6));
  const longest = await longestTask(page);
  console.log(
    `[metrics] first cutout (cold model): drop→done ${elapsed} ms (${await engineTimings()}); IoU ${iou.toFixed(4)}; ` +
      `core opaque ${(core * 100).toFixed(2)} %; longest main-thread task ${longest.toFixed(0)} ms`,
  );
  expect(iou).toBeGreaterThanOrEqual(0.85);
  // The library alone never reaches 255 (its mask tops out at 254): 0 % here. Where the model itself
  // is unsure inside the subject (about 14 % of this core) the alpha stays soft by design.
  expect(core).toBeGreaterThanOrEqual(0.8);
  expect(alpha.reduce((max, value) => Math.max(max, value), 0)).toBe(255);

  // Edge colours (issue 13): the beach's colour must not stay in the fur's soft edge.
  const edges = edgeQuality(cutout, photo, truth, foreground);
  console.log(`[metrics] lemur edges: ${describeEdgeQuality(edges)}`);
  expect(edges.colourShown, "the halo is at most half of what the photo's own colours give").toBeLessThanOrEqual(
    0.9 * edges.colourShownIfPhotoColours,
  );
  expect(edges.maeEdge).toBeLessThanOrEqual(LEMUR_EDGE_LIMITS.maeEdge);
  expect(edges.colourEdge).toBeLessThanOrEqual(LEMUR_EDGE_LIMITS.colourEdge);
});

/*
 * Two real photos of eval-dev with exact truth: long hair and a solid object. They are read from
 * ../shared/eval-dev at run time and never copied into the project (their licence allows internal
 * evaluation only), so a checkout without that folder skips this test and says so.
 * The limits sit a little above what this build measured (see BENCH.md), so a worse edge fails.
 */
const EVAL_DEV = process.env.EVAL_DEV_DIR ?? fileURLToPath(new URL('../../../shared/eval-dev/', import.meta.url));
// Measured with this build (Chromium, WASM, the full pass's halfway fit): lemur IoU 0.953, edge MAE 0.0923,
// colour 0.0608; doll IoU 0.981, edge MAE 0.0945, core 100 %, colour 0.0354; bear IoU 0.970, edge MAE 0.0710,
// core 98.6 %, colour 0.0243.
const LEMUR_EDGE_LIMITS = { maeEdge: 0.098, colourEdge: 0.065 };
const EVAL_DEV_LIMITS: Record<string, { iou: number; maeEdge: number; coreOpaque: number; colourEdge: number }> = {
  'doll-red-hair': { iou: 0.97, maeEdge: 0.103, coreOpaque: 0.99, colourEdge: 0.039 },
  'bear-aviator': { iou: 0.96, maeEdge: 0.079, coreOpaque: 0.975, colourEdge: 0.028 },
};

test('edges on real photos: hair and a solid object, no halo of the old background', async () => {
  test.skip(!existsSync(`${EVAL_DEV}doll-red-hair/composite.png`), `eval-dev not found at ${EVAL_DEV}`);
  for (const [id, limits] of Object.entries(EVAL_DEV_LIMITS)) {
    const composite = readPng(`${EVAL_DEV}${id}/composite.png`);
    const itemTruth = alphaOf(readPng(`${EVAL_DEV}${id}/alpha.png`));
    const itemForeground = readPng(`${EVAL_DEV}${id}/fg.png`);
    await dropFile(page, readFileSync(`${EVAL_DEV}${id}/composite.png`), `${id}.png`, 'image/png');
    await waitForFinishedCutout(`${id}.png`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).click()]);
    const cutout = readPng(readFileSync(await download.path()));
    expect([cutout.width, cutout.height]).toEqual([composite.width, composite.height]);
    const edges = edgeQuality(cutout, composite, itemTruth, itemForeground);
    console.log(`[metrics] ${id} edges: ${describeEdgeQuality(edges)}`);
    expect(edges.colourShown, `${id}: less of the old background than the photo's own colours`).toBeLessThanOrEqual(
      0.9 * edges.colourShownIfPhotoColours,
    );
    expect(edges.iou, id).toBeGreaterThanOrEqual(limits.iou);
    expect(edges.maeEdge, id).toBeLessThanOrEqual(limits.maeEdge);
    expect(edges.coreOpaque, id).toBeGreaterThanOrEqual(limits.coreOpaque);
    expect(edges.colourEdge, id).toBeLessThanOrEqual(limits.colourEdge);
  }
});

test('a second cutout reuses the loaded model (warm timings); the photo is on screen before its preview', async () => {
  await resetLongestTask(page);
  // The picked photo appears at once, decoded and dimmed, while the model works; the preview replaces it.
  const photoShown = await watchForElement(page, '.pending-shown [data-testid="pending-image"]');
  // Then the quick first pass's cutout, before the full pass replaces it.
  const quickPreview = await watchForElement(page, '[data-testid="result-caption"][data-pass="fast"]');
  const started = Date.now();
  await page.getByTestId('new-photo-input').setInputFiles({
    name: 'picked.png',
    mimeType: 'image/png',
    buffer: photoPng,
  });
  await waitForFinishedCutout('picked.png');
  const elapsed = Date.now() - started;
  expect(await photoShown(), 'the photo was shown while the cutout ran').toBe(true);
  expect(await quickPreview(), 'the quick preview was shown before the full cutout').toBe(true);
  await expect(caption()).toHaveAttribute('data-pass', 'full');
  await expect(page.getByTestId('pending-photo')).toHaveCount(0);
  const longest = await longestTask(page);
  console.log(
    `[metrics] warm cutout: drop→done ${elapsed} ms (${await engineTimings()}); longest main-thread task ${longest.toFixed(0)} ms`,
  );
  await expect(page.getByTestId('download-progress')).toHaveCount(0);
});

test('a white background and WebP export keep the full resolution; Copy puts a PNG on the clipboard', async () => {
  await page.getByRole('radio', { name: 'White' }).check();
  const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).click()]);
  const flattened = readPng(readFileSync(await pngDownload.path()));
  expect([flattened.width, flattened.height]).toEqual([photo.width, photo.height]);
  expect(alphaChannel(flattened).every((value) => value === 255)).toBe(true);
  // The top-left corner is beach in the photo and background in the truth: now pure white.
  expect(truth[0]).toBe(0);
  expect([...flattened.data.subarray(0, 3)]).toEqual([255, 255, 255]);

  await page.getByRole('radio', { name: /WebP/ }).check();
  const [webpDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download WebP' }).click()]);
  await page.getByRole('radio', { name: /PNG/ }).check();
  expect(webpDownload.suggestedFilename()).toBe('picked-cutout.webp');
  expect(sniffImage(readFileSync(await webpDownload.path()))).toMatchObject({
    format: 'webp',
    width: photo.width,
    height: photo.height,
  });

  await page.getByRole('radio', { name: 'Transparent' }).check();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(message()).toHaveText(/copied to the clipboard/);
  const copied = await page.evaluate(async () => {
    const [item] = await navigator.clipboard.read();
    const blob = await item?.getType('image/png');
    const bitmap = await createImageBitmap(blob ?? new Blob());
    return [bitmap.width, bitmap.height];
  });
  expect(copied).toEqual([photo.width, photo.height]);
});

test('finishing: crop to the subject with a margin, a square with a contact shadow on the blurred photo, JPEG is opaque', async () => {
  const transparent = readPng(readFileSync(await (await downloadWith('Download PNG')).path()));
  const bounds = subjectBounds(alphaChannel(transparent), transparent);
  if (!bounds) throw new Error('the cutout has no subject');

  // Cropped to the subject with 20 px around it: exactly the subject's box plus the margin.
  await page.getByTestId('frame-aspect').selectOption('subject');
  await page.getByTestId('frame-margin-unit').selectOption('px');
  await page.getByTestId('frame-margin').fill('20');
  await page.getByTestId('frame-margin').dispatchEvent('change');
  await expect(page.getByTestId('finished-preview')).toBeVisible();
  await expect(page.getByTestId('file-size')).toContainText('The file:');
  const cropped = readPng(readFileSync(await (await downloadWith('Download PNG')).path()));
  expect([cropped.width, cropped.height]).toEqual([bounds.width + 40, bounds.height + 40]);
  // The margin is transparent, the subject's middle as opaque as before.
  expect(alphaChannel(cropped)[0]).toBe(0);

  // Square, standing on the bottom, a contact shadow, over the photo's own background blurred: opaque, square.
  await page.getByTestId('frame-aspect').selectOption('1:1');
  await page.getByRole('radio', { name: 'Standing on the bottom' }).check();
  await page.getByRole('radio', { name: 'Contact shadow' }).check();
  await page.getByTestId('background-blur').check();
  await page.getByRole('radio', { name: /JPEG/ }).check();
  await expect(page.getByRole('button', { name: 'Download JPEG' })).toBeEnabled();
  const jpegDownload = await downloadWith('Download JPEG');
  expect(jpegDownload.suggestedFilename()).toBe('picked-cutout.jpg');
  const side = Math.max(bounds.width, bounds.height) + 40;
  expect(sniffImage(readFileSync(await jpegDownload.path()))).toMatchObject({ format: 'jpeg', width: side, height: side });

  // JPEG on a transparent background comes out on white (said beside the choice); back to the plain PNG after.
  await page.getByRole('radio', { name: 'Transparent' }).check();
  await expect(page.getByText('JPEG has no transparency: the background will be white.')).toBeVisible();
  await page.getByRole('radio', { name: 'None' }).check();
  await page.getByTestId('frame-aspect').selectOption('photo');
  await page.getByRole('radio', { name: /PNG/ }).check();
  const plain = readPng(readFileSync(await (await downloadWith('Download PNG')).path()));
  expect([plain.width, plain.height]).toEqual([photo.width, photo.height]);
});

/** Drags across the cutout on screen, from and to points given in the photo's own pixels. */
async function paint(from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  const box = await page.getByTestId('cutout').boundingBox();
  if (!box) throw new Error('no cutout on screen');
  const screen = (point: { x: number; y: number }) => ({
    x: box.x + (point.x / photo.width) * box.width,
    y: box.y + (point.y / photo.height) * box.height,
  });
  const start = screen(from);
  const end = screen(to);
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  await page.mouse.move(end.x, end.y, { steps: 12 });
  await page.mouse.up();
}

/** Waits until the edits are saved at full resolution, then downloads the PNG and returns its alpha. */
async function editedAlpha(status: string): Promise<Uint8Array> {
  await expect(page.getByTestId('matte-status')).toHaveText(status);
  return alphaChannel(readPng(readFileSync(await (await downloadWith('Download PNG')).path())));
}

/** How far the centre of pixel (x, y) is from the segment `from`–`to`. */
function distanceToSegment(x: number, y: number, from: { x: number; y: number }, to: { x: number; y: number }): number {
  const dx = to.x - from.x;
  const dy = to.y - from.y;
  const t = Math.max(0, Math.min(1, ((x + 0.5 - from.x) * dx + (y + 0.5 - from.y) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x + 0.5 - (from.x + t * dx), y + 0.5 - (from.y + t * dy));
}

/** Pixels of `a` and `b` that differ, split by their distance from the segment `from`–`to` (photo pixels). */
function changes(a: Uint8Array, b: Uint8Array, from: { x: number; y: number }, to: { x: number; y: number }, reach: number) {
  let near = 0;
  let far = 0;
  for (let y = 0; y < photo.height; y++) {
    for (let x = 0; x < photo.width; x++) {
      const i = y * photo.width + x;
      if (a[i] === b[i]) continue;
      if (distanceToSegment(x, y, from, to) <= reach) near++;
      else far++;
    }
  }
  return { near, far };
}

test('fix by hand: erase and restore on the full-resolution matte, smart strokes, undo, redo, reset, drag out', async () => {
  const base = alphaChannel(readPng(readFileSync(await (await downloadWith('Download PNG')).path())));
  const bounds = subjectBounds(base, photo);
  if (!bounds) throw new Error('the cutout has no subject');
  const middle = bounds.y + Math.round(bounds.height / 2);
  const from = { x: bounds.x + bounds.width * 0.3, y: middle };
  const to = { x: bounds.x + bounds.width * 0.7, y: middle };
  const onLine = (alpha: Uint8Array) =>
    [0.35, 0.5, 0.65].map((share) => alpha[middle * photo.width + Math.round(bounds.x + bounds.width * share)]);
  expect(onLine(base)).toEqual([255, 255, 255]);

  // Erase: a 30 px brush across the subject's middle.
  await page.getByText('Erase', { exact: true }).click();
  await page.getByTestId('brush-size').fill('30');
  const box = await page.getByTestId('cutout').boundingBox();
  const reach = (15 * photo.width) / (box?.width ?? photo.width) + 1.5;
  await paint(from, to);
  const erased = await editedAlpha('1 edit can be undone.');
  expect(onLine(erased)).toEqual([0, 0, 0]);
  const erasedChanges = changes(base, erased, from, to, reach);
  expect(erasedChanges.far, 'nothing changes away from the stroke').toBe(0);
  expect(erasedChanges.near).toBeGreaterThan(1000);

  // Restore over the same path: the photo comes back, opaque.
  await page.getByText('Restore', { exact: true }).click();
  await paint(from, to);
  expect(onLine(await editedAlpha('2 edits can be undone.'))).toEqual([255, 255, 255]);

  // Undo (keyboard) and Redo (button).
  await page.keyboard.press('Control+z');
  expect(onLine(await editedAlpha('1 edit can be undone.'))).toEqual([0, 0, 0]);
  await page.getByTestId('redo').click();
  expect(onLine(await editedAlpha('2 edits can be undone.'))).toEqual([255, 255, 255]);

  // A smart erase started on the background, along the subject's top edge: only pixels near the stroke
  // change, and much less of the subject goes than a plain stroke takes.
  await page.getByText('Erase', { exact: true }).click();
  await page.getByTestId('brush-smart').check();
  const edgeFrom = { x: bounds.x + bounds.width * 0.35, y: bounds.y - 4 };
  const edgeTo = { x: bounds.x + bounds.width * 0.65, y: bounds.y - 4 };
  const beforeSmart = await editedAlpha('2 edits can be undone.');
  await paint(edgeFrom, edgeTo);
  const smart = await editedAlpha('3 edits can be undone.');
  const smartChanges = changes(beforeSmart, smart, edgeFrom, edgeTo, reach);
  expect(smartChanges.far, 'a smart stroke changes nothing away from it').toBe(0);
  let subjectUnderBrush = 0;
  let subjectKept = 0;
  for (let i = 0; i < base.length; i++) {
    if ((beforeSmart[i] ?? 0) < 250 || distanceToSegment(i % photo.width, Math.floor(i / photo.width), edgeFrom, edgeTo) > reach) continue;
    subjectUnderBrush++;
    if ((smart[i] ?? 0) >= 250) subjectKept++;
  }
  console.log(
    `smart erase along the top edge: ${smartChanges.near} pixels changed; opaque subject under the brush kept: ${subjectKept} of ${subjectUnderBrush}`,
  );
  expect(smartChanges.near, 'the smart stroke took the background it started on').toBeGreaterThan(100);
  expect(subjectKept / subjectUnderBrush, 'the subject under a smart stroke stays').toBeGreaterThan(0.9);
  await page.getByTestId('brush-smart').uncheck();

  // Reset: the model's cutout again, as one more step that can be undone.
  await page.getByTestId('reset-matte').click();
  expect(await editedAlpha('4 edits can be undone.')).toEqual(base);

  // Back to comparing; the finished file can be dragged out as a real file.
  await page.getByText('Compare', { exact: true }).click();
  // (The page's own policy keeps fetch() off blob: URLs, so the file is checked as the image it shows.)
  const dragged = await page.getByTestId('drag-out-image').evaluate(async (image) => {
    if (!(image instanceof HTMLImageElement)) throw new Error('not an image');
    await image.decode();
    const transfer = new DataTransfer();
    image.dispatchEvent(new DragEvent('dragstart', { dataTransfer: transfer, bubbles: true }));
    const [type, name, url] = transfer.getData('DownloadURL').split(/:(.*?):(.*)/s);
    return { type, name, url, shown: image.src, width: image.naturalWidth, height: image.naturalHeight };
  });
  expect(dragged).toMatchObject({ type: 'image/png', width: photo.width, height: photo.height });
  expect(dragged.name).toMatch(/-cutout\.png$/);
  expect(dragged.url).toMatch(/^blob:/);
  expect(dragged.url).toBe(dragged.shown);
});

test('a background image that cannot be read gets a clear message; the cutout and its download stay', async () => {
  await page
    .getByTestId('background-image-input')
    .setInputFiles({ name: 'broken-background.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not a jpeg at all') });
  await expect(page.getByTestId('finish-error')).toContainText('could not be read');
  await expect(caption()).toContainText('picked.png');
  await page.getByRole('radio', { name: 'Transparent' }).check();
  await expect(page.getByTestId('finish-error')).toHaveCount(0);
  const back = readPng(readFileSync(await (await downloadWith('Download PNG')).path()));
  expect([back.width, back.height]).toEqual([photo.width, photo.height]);
});

test('a corrupt file gets a clear message and the previous result stays', async () => {
  const corrupt = Buffer.concat([photoPng.subarray(0, 4000), Buffer.alloc(2000, 0x55)]);
  await dropFile(page, corrupt, 'broken.png', 'image/png');
  await expect(message()).toContainText('“broken.png” looks like a PNG image but could not be decoded');
  await expect(message()).toContainText('Your previous result is kept');
  await expect(caption()).toContainText('picked.png');
  await expect(page.getByRole('button', { name: 'Download PNG' })).toBeEnabled();
});

test('a file that is not an image is named for what it is', async () => {
  await dropFile(page, Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n'), 'invoice.png', 'image/png');
  await expect(message()).toContainText('“invoice.png” is a PDF document, not an image');
  await expect(caption()).toContainText('picked.png');
});

test('paste an image', async () => {
  const logo = readFileSync(EVAL_DIR + 'logo_rgba.png');
  await pasteFile(page, logo, 'image.png', 'image/png');
  await waitForFinishedCutout('image.png');
});

test('Cancel stops a running cutout: the worker is terminated and the previous result stays', async () => {
  const closedBefore = workers.closed();
  await dropFile(page, photoPng, 'to-cancel.png', 'image/png');
  await expect(page.getByTestId('progress')).toHaveAttribute('data-stage', 'inference');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(message()).toHaveText(/Cutout cancelled/);
  await expect(page.getByTestId('progress')).toHaveCount(0);
  await expect.poll(() => workers.closed()).toBe(closedBefore + 1);
  await expect(caption()).toContainText('image.png');
  await expect(caption()).not.toContainText('to-cancel.png');
});

test('a new image dropped while one runs replaces it', async () => {
  await dropFile(page, photoPng, 'first.png', 'image/png');
  await expect(page.getByTestId('progress')).toContainText('first.png');
  await dropFile(page, photoPng, 'second.png', 'image/png');
  await waitForFinishedCutout('second.png');
  await expect(caption()).not.toContainText('first.png');
});

test('EXIF orientation is honoured (a phone photo stands upright)', async () => {
  // A 300×200 landscape JPEG tagged "rotate 90° clockwise" must come out 200×300.
  const jpegBase64 = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(300, 200);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d context');
    context.fillStyle = '#3a7';
    context.fillRect(0, 0, 300, 200);
    context.fillStyle = '#e33';
    context.beginPath();
    context.arc(150, 100, 60, 0, Math.PI * 2);
    context.fill();
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg' })).arrayBuffer());
    return btoa(String.fromCharCode(...bytes));
  });
  const rotated = withExifOrientation(Buffer.from(jpegBase64, 'base64'), 6);
  await dropFile(page, rotated, 'phone.jpg', 'image/jpeg');
  await waitForFinishedCutout('phone.jpg');
  await expect(caption()).toContainText('200×300');
});

test('the small model can be chosen in settings, with its download size', async () => {
  await openSheet(page, 'settings-panel');
  const select = page.getByTestId('model-select');
  await expect(select.locator('option[value=small]')).toHaveText(/Small .*\(5\d\.\d MB download\)/);
  await expect(select.locator('option[value=medium]')).toHaveText(/Medium .*\(9\d\.\d MB download\)/);
  await select.selectOption('small');
  const downloadShown = await watchForElement(page, '[data-testid=download-progress]');
  await dropFile(page, photoPng, 'small-model.png', 'image/png');
  await waitForFinishedCutout('small-model.png');
  expect(await downloadShown(), 'the small model download showed its progress').toBe(true);
  console.log(`[metrics] small model, cold: ${await engineTimings()}`);
  await page.reload();
  await openSheet(page, 'settings-panel');
  await expect(page.getByTestId('model-select')).toHaveValue('small');
  await closeSheet(page);
});

test('a 54 MP photo is reduced to 50 MP with a notice, and the tab survives', async () => {
  await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(9000, 6000);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d context');
    context.fillStyle = '#8ab';
    context.fillRect(0, 0, 9000, 6000);
    context.fillStyle = '#d33';
    context.beginPath();
    context.arc(4500, 3000, 2000, 0, Math.PI * 2);
    context.fill();
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], 'huge.png', { type: 'image/png' }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  });
  await waitForFinishedCutout('huge.png');
  await expect(caption()).toContainText('8660×5773');
  await expect(message()).toContainText('This photo is 9000×6000 (54.0 MP)');
  await expect(message()).toContainText('reduced to 8660×5773');
  await expect(page.getByRole('button', { name: 'Download PNG' })).toBeEnabled();
});

test('a photo with no subject says so instead of handing over an empty cutout silently', async () => {
  // A plain grey wall: nothing to cut out.
  const width = 640;
  const height = 480;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([182, 180, 176, 255], i * 4);
  await dropFile(page, encodePng({ width, height, data }), 'plain-wall.png', 'image/png');
  await waitForFinishedCutout('plain-wall.png');
  await expect(message()).toContainText('No clear subject was found');
  // The (empty) result is still there to download; nothing earlier was lost.
  await expect(page.getByRole('button', { name: 'Download PNG' })).toBeEnabled();
});

test('nothing left the device', async () => {
  expect(foreign, `requests to other hosts: ${foreign.join(', ')}`).toEqual([]);
  expect(consoleLines.filter((line) => line.startsWith('error'))).toEqual([]);
});
