/**
 * Brushing the matte by hand (issue 16), timed in the real app: a 12 MP and a 24 MP cutout of the
 * lemur are put in Recent (the model is not what is measured here), reopened, and painted on with the
 * mouse. Printed per size: the worker's full-resolution update per stroke (`data-apply-ms`), stroke
 * end → the new screen copy on the page, the longest main-thread task while brushing, the slowest
 * pointer event to its next paint (Event Timing: how soon a stroke is visible), and the renderer's
 * peak memory with 20 undo steps kept. Prints numbers; asserts nothing about speed.
 * Run by `npm run bench`; BENCH_BRUSH=0 skips it, BENCH_BRUSH_SIZES="12" picks sizes.
 */
import { test, type Page } from '@playwright/test';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePng, scaledExactTruthComposite } from '../test/support/images.ts';
import { installLongTaskProbe, longestTask, openSheet, resetLongestTask } from '../test/e2e/helpers.ts';
import { BENCH_PORTS } from './playwright.bench.config.ts';
import { startMemoryProbe } from './support/process-memory.ts';

const TMP = fileURLToPath(new URL('./tmp/', import.meta.url));
const SIZES = (process.env.BENCH_BRUSH_SIZES ?? '12,24')
  .split(',')
  .map(Number)
  .filter((mp) => mp > 0);
const STROKES = 20;

/** The photo and its true cutout at `megapixels`, as PNG files the page fetches. */
function prepare(megapixels: number): { photo: string; cutout: string; width: number; height: number } {
  mkdirSync(`${TMP}images`, { recursive: true });
  const photo = `brush-photo-${megapixels}mp.png`;
  const cutout = `brush-cutout-${megapixels}mp.png`;
  const { photo: image, foreground, truth } = scaledExactTruthComposite(megapixels);
  if (!existsSync(`${TMP}images/${photo}`) || !existsSync(`${TMP}images/${cutout}`)) {
    writeFileSync(`${TMP}images/${photo}`, encodePng(image));
    for (let i = 0; i < truth.length; i++) foreground.data[i * 4 + 3] = truth[i] ?? 0;
    writeFileSync(`${TMP}images/${cutout}`, encodePng(foreground));
  }
  return { photo, cutout, width: image.width, height: image.height };
}

/** Puts the cutout into Recent as the app keeps one (same database, store and indexes). */
async function keepInRecent(page: Page, files: { photo: string; cutout: string; width: number; height: number }): Promise<void> {
  await page.evaluate(
    async ({ photo, cutout, width, height }) => {
      const blob = async (url: string) => (await fetch(url)).blob();
      // A camera's JPEG, as a person would drop.
      const decoded = await createImageBitmap(await blob(photo));
      const canvas = new OffscreenCanvas(decoded.width, decoded.height);
      canvas.getContext('2d')?.drawImage(decoded, 0, 0);
      const jpeg = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
      const record = {
        id: `bench-${width}`,
        savedAt: Date.now(),
        fileName: `lemur-${width}x${height}.jpg`,
        madeBy: 'on-device',
        photoHash: `bench-${width}`,
        photo: jpeg,
        cutout: await blob(cutout),
        thumbnail: await blob(cutout),
        width,
        height,
        finish: {
          background: { kind: 'transparent' },
          frame: { aspect: 'photo', margin: { value: 5, unit: '%' }, align: 'center' },
          shadow: { kind: 'none' },
          exportType: 'image/png',
          quality: 0.9,
        },
      };
      await new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('cutwise-recents', 1);
        open.onupgradeneeded = () => {
          const store = open.result.createObjectStore('cutouts', { keyPath: 'id' });
          store.createIndex('bySavedAt', 'savedAt');
          store.createIndex('byPhotoHash', 'photoHash');
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('cutouts', 'readwrite');
          tx.objectStore('cutouts').put(record);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      });
    },
    { photo: `/__bench/${files.photo}`, cutout: `/__bench/${files.cutout}`, width: files.width, height: files.height },
  );
}

/**
 * The slowest pointer events, from the event to the next paint (Event Timing, ≥ 16 ms only), and what
 * ran in the longest animation frame (Long Animation Frames: the scripts, by function and duration).
 */
async function installEventProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const store = window as unknown as { __slowestPointer: number; __longestFrame: { duration: number; scripts: string[] } };
    store.__slowestPointer = 0;
    store.__longestFrame = { duration: 0, scripts: [] };
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Array<
        PerformanceEntry & { scripts?: Array<{ invoker: string; duration: number; sourceFunctionName: string }> }
      >) {
        if (entry.duration <= store.__longestFrame.duration) continue;
        const scripts = (entry.scripts ?? []).map(
          (script) => `${script.invoker} ${script.sourceFunctionName} ${script.duration.toFixed(0)} ms`,
        );
        store.__longestFrame = { duration: entry.duration, scripts };
      }
    }).observe({ type: 'long-animation-frame', buffered: false });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.name.startsWith('pointer')) store.__slowestPointer = Math.max(store.__slowestPointer, entry.duration);
      }
    }).observe({ type: 'event', durationThreshold: 16, buffered: false } as PerformanceObserverInit);
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

test.describe.configure({ mode: 'serial' });

for (const megapixels of SIZES) {
  test(`bench: brushing a ${megapixels} MP cutout`, async ({ browser }) => {
    test.skip(process.env.BENCH_BRUSH === '0', 'BENCH_BRUSH=0');
    const files = prepare(megapixels);
    const context = await browser.newContext({ baseURL: `http://127.0.0.1:${BENCH_PORTS.app}`, viewport: { width: 1280, height: 900 } });
    await context.route('**/__bench/*', (route) =>
      route.fulfill({
        path: `${TMP}images/${new URL(route.request().url()).pathname.slice('/__bench/'.length)}`,
        contentType: 'image/png',
        headers: { 'Cross-Origin-Resource-Policy': 'same-origin' },
      }),
    );
    const page = await context.newPage();
    await installLongTaskProbe(page);
    await page.goto('/');
    await keepInRecent(page, files);
    await page.reload();
    await openSheet(page, 'recent-panel');
    await page.getByTestId('recent-open').first().click();
    await page.getByText('Erase', { exact: true }).waitFor();
    const memory = startMemoryProbe();
    await page.getByText('Erase', { exact: true }).click();
    const status = page.getByTestId('matte-status');
    await page.waitForFunction(() => !document.querySelector('[data-testid=matte-status]')?.textContent?.includes('Opening'));
    // A 60 px brush on screen: at 12 MP about 240 photo pixels across; strokes a third of the width long.
    await page.getByTestId('brush-size').fill('60');
    await installEventProbe(page);
    await resetLongestTask(page);
    const box = await page.getByTestId('cutout').boundingBox();
    if (!box) throw new Error('no cutout on screen');
    const applyMs: number[] = [];
    const roundTripMs: number[] = [];
    for (let stroke = 0; stroke < STROKES; stroke++) {
      const y = box.y + box.height * (0.1 + (0.8 * stroke) / STROKES);
      const x = box.x + box.width * (stroke % 2 === 0 ? 0.1 : 0.5);
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.move(x + box.width * 0.35, y + 8, { steps: 20 });
      const ended = Date.now();
      await page.mouse.up();
      await page.waitForFunction(
        (steps) => document.querySelector('[data-testid=matte-status]')?.getAttribute('data-steps') === String(steps),
        Math.min(stroke + 1, 20),
      );
      roundTripMs.push(Date.now() - ended);
      applyMs.push(Number(await status.getAttribute('data-apply-ms')));
    }
    const longest = await longestTask(page);
    const slowestPointer = await page.evaluate(() => (window as unknown as { __slowestPointer: number }).__slowestPointer);
    const longestFrame = await page.evaluate(
      () => (window as unknown as { __longestFrame: { duration: number; scripts: string[] } }).__longestFrame,
    );
    // The edits saved at full resolution (the PNG encode), then the memory settles.
    await page.waitForFunction(() => !document.querySelector('[data-testid=matte-status]')?.textContent?.includes('Saving'), undefined, {
      timeout: 120_000,
    });
    const historyBytes = Number(await status.getAttribute('data-history-bytes'));
    const peak = memory.stop();
    console.log(
      `brush ${megapixels} MP (${files.width}×${files.height}), ${STROKES} strokes, 60 px brush: full-resolution update median ${median(applyMs).toFixed(0)} ms, max ${Math.max(...applyMs).toFixed(0)} ms; ` +
        `stroke end → new screen copy median ${median(roundTripMs)} ms, max ${Math.max(...roundTripMs)} ms; longest main-thread task ${longest.toFixed(0)} ms; ` +
        `slowest pointer event to paint ${slowestPointer > 0 ? `${slowestPointer.toFixed(0)} ms` : '< 16 ms (none over the threshold)'}; ` +
        `undo history ${(historyBytes / 2 ** 20).toFixed(0)} MiB in ${await status.getAttribute('data-steps')} steps; renderer peak ${(peak / 2 ** 30).toFixed(2)} GiB`,
    );
    console.log(
      `  longest animation frame ${longestFrame.duration.toFixed(0)} ms: ${longestFrame.scripts.join('; ') || 'no script attributed (layout, paint, decoding or GC)'}`,
    );
    await context.close();
  });
}
