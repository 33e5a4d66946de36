/**
 * `npm run bench -- --soak`: 20 cutouts in one tab, mixed sizes, the renderer's memory after each and
 * 60 s after the last (when the idle engine has been released), the engine workers alive and the
 * object URLs the page holds. It prints numbers and asserts nothing about them.
 */
import { test } from '@playwright/test';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePng, scaledExactTruthComposite } from '../test/support/images.ts';
import { trackEngineWorkers } from '../test/e2e/helpers.ts';
import { BENCH_PORTS } from './playwright.bench.config.ts';
import { rendererPids } from './support/process-memory.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const IMAGES = `${ROOT}bench/tmp/images/`;
const SIZES = [1, 4, 12, 1, 4, 12, 2, 1, 8, 4, 1, 12, 2, 4, 1, 8, 12, 1, 4, 2];

function rendererRssMiB(): number {
  // The busiest page's renderer: the one with the largest resident set among this run's renderers.
  const sizes = rendererPids().map((pid) => {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match ? Number(match[1]) / 1024 : 0;
    } catch {
      return 0;
    }
  });
  return Math.round(Math.max(0, ...sizes));
}

function imageFile(megapixels: number): string {
  mkdirSync(IMAGES, { recursive: true });
  const name = `lemur-beach-${megapixels}mp.png`;
  if (!existsSync(`${IMAGES}${name}`)) writeFileSync(`${IMAGES}${name}`, encodePng(scaledExactTruthComposite(megapixels).photo));
  return name;
}

test('soak: 20 cutouts in one tab', async ({ browser }) => {
  test.setTimeout(60 * 60_000);
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${BENCH_PORTS.app}` });
  await context.route('**/__bench/*', (route) =>
    route.fulfill({
      path: `${IMAGES}${new URL(route.request().url()).pathname.slice('/__bench/'.length)}`,
      contentType: 'image/png',
      headers: { 'Cross-Origin-Resource-Policy': 'same-origin' },
    }),
  );
  const page = await context.newPage();
  // Object URLs the page holds: created minus revoked.
  await page.addInitScript(() => {
    const counts = { created: 0, revoked: 0 };
    (window as unknown as { __urls: typeof counts }).__urls = counts;
    const create = URL.createObjectURL.bind(URL);
    const revoke = URL.revokeObjectURL.bind(URL);
    URL.createObjectURL = (object: Blob | MediaSource) => (counts.created++, create(object));
    URL.revokeObjectURL = (url: string) => (counts.revoked++, revoke(url));
  });
  const workers = trackEngineWorkers(page);
  await page.goto('/');
  const rows: string[] = [];
  for (const [index, megapixels] of SIZES.entries()) {
    const name = imageFile(megapixels);
    const runName = `soak-${index + 1}-${megapixels}mp.png`;
    const started = Date.now();
    await page.evaluate(
      async ({ url, runName }) => {
        const blob = await (await fetch(url)).blob();
        const transfer = new DataTransfer();
        transfer.items.add(new File([blob], runName, { type: 'image/png' }));
        (document.querySelector('[data-testid=dropzone]') ?? document.body).dispatchEvent(
          new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }),
        );
      },
      { url: `/__bench/${name}`, runName },
    );
    await page.waitForFunction(
      (runName) => {
        const caption = document.querySelector('[data-testid=result-caption]')?.textContent ?? '';
        return caption.includes(runName) && caption.includes('cutout in');
      },
      runName,
      { timeout: 10 * 60_000 },
    );
    const urls = await page.evaluate(() => (window as unknown as { __urls: { created: number; revoked: number } }).__urls);
    rows.push(
      `${String(index + 1).padStart(2)}  ${String(megapixels).padStart(2)} MP  ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s  renderer ${String(rendererRssMiB()).padStart(5)} MiB  engine workers ${workers.live().length}  object URLs held ${urls.created - urls.revoked}`,
    );
    console.log(`[soak] ${rows.at(-1)}`);
  }
  await page.waitForTimeout(60_000);
  const urls = await page.evaluate(() => (window as unknown as { __urls: { created: number; revoked: number } }).__urls);
  console.log(
    `[soak] 60 s after the last cutout: renderer ${rendererRssMiB()} MiB, engine workers ${workers.live().length}, object URLs held ${urls.created - urls.revoked}`,
  );
  // The price of the release: one more cutout with the model loaded again from the cache.
  const started = Date.now();
  const name = imageFile(1);
  await page.evaluate(
    async ({ url }) => {
      const blob = await (await fetch(url)).blob();
      const transfer = new DataTransfer();
      transfer.items.add(new File([blob], 'after-release.png', { type: 'image/png' }));
      (document.querySelector('[data-testid=dropzone]') ?? document.body).dispatchEvent(
        new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }),
      );
    },
    { url: `/__bench/${name}` },
  );
  await page.waitForFunction(() =>
    (document.querySelector('[data-testid=result-caption]')?.textContent ?? '').match(/after-release\.png.*cutout in/),
  );
  const modelMs = await page.getByTestId('result-caption').getAttribute('data-model-ms');
  console.log(`[soak] 1 MP cutout after the release: ${((Date.now() - started) / 1000).toFixed(1)} s (model load ${modelMs} ms)`);
  await context.close();
});
