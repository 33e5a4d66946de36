import { expect, type BrowserContext, type Page, type Worker } from '@playwright/test';

/**
 * Hands the page one File the way a person does: a drop on the drop zone (a DataTransfer, as drag
 * and drop makes) or Ctrl/Cmd+V of a copied image (a paste event carrying the file).
 */
async function deliverFile(page: Page, how: 'drop' | 'paste', bytes: Buffer, name: string, type: string): Promise<void> {
  // A person closes a side sheet before handing over a photo.
  await closeSheet(page);
  await page.evaluate(
    ({ how, base64, name, type }) => {
      const data = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type }));
      const init = { bubbles: true, cancelable: true };
      if (how === 'drop') {
        const target = document.querySelector('[data-testid=dropzone]') ?? document.body;
        target.dispatchEvent(new DragEvent('drop', { ...init, dataTransfer: transfer }));
      } else {
        document.body.dispatchEvent(new ClipboardEvent('paste', { ...init, clipboardData: transfer }));
      }
    },
    { how, base64: bytes.toString('base64'), name, type },
  );
}

export const dropFile = (page: Page, bytes: Buffer, name: string, type: string) => deliverFile(page, 'drop', bytes, name, type);
export const pasteFile = (page: Page, bytes: Buffer, name: string, type: string) => deliverFile(page, 'paste', bytes, name, type);

/** Records every request whose origin is not the app's own (blob: and data: URLs stay local). */
export function watchForeignRequests(context: BrowserContext, appOrigin: string): string[] {
  const foreign: string[] = [];
  context.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('data:')) return;
    if (new URL(url).origin !== appOrigin) foreign.push(url);
  });
  return foreign;
}

/** Keeps the longest main-thread task (PerformanceObserver 'longtask') in window.__longestTask. */
export async function installLongTaskProbe(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const store = window as unknown as { __longestTask: number };
    store.__longestTask = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) store.__longestTask = Math.max(store.__longestTask, entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
}

export async function resetLongestTask(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __longestTask: number }).__longestTask = 0;
  });
}

export async function longestTask(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __longestTask: number }).__longestTask);
}

/** Engine workers the page started (ONNX Runtime's own thread workers are not counted). */
export function trackEngineWorkers(page: Page): { live: () => Worker[]; closed: () => number } {
  const live = new Set<Worker>();
  let closed = 0;
  page.on('worker', (worker) => {
    if (!worker.url().includes('engine.worker')) return;
    live.add(worker);
    worker.on('close', () => {
      live.delete(worker);
      closed++;
    });
  });
  return { live: () => [...live], closed: () => closed };
}

/** Inserts an EXIF APP1 segment with the given orientation right after a JPEG's SOI marker. */
export function withExifOrientation(jpeg: Buffer, orientation: number): Buffer {
  const tiff = Buffer.from([
    0x49,
    0x49,
    0x2a,
    0x00,
    0x08,
    0x00,
    0x00,
    0x00, // "II*\0", IFD at 8
    0x01,
    0x00, // one entry
    0x12,
    0x01,
    0x03,
    0x00,
    0x01,
    0x00,
    0x00,
    0x00,
    orientation,
    0x00,
    0x00,
    0x00, // Orientation, SHORT, 1
    0x00,
    0x00,
    0x00,
    0x00, // no next IFD
  ]);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'binary'), tiff]);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(payload.length + 2);
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1]), length, payload, jpeg.subarray(2)]);
}

/**
 * Reloads once the service worker is active, so the new page is served through it: its CSP header
 * then allows the provider addresses configured before the reload (a page keeps the policy it loaded with).
 */
export async function reloadUnderServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/**
 * Starts watching for an element that may show only briefly (a fast local download's progress);
 * the returned function says whether it appeared (or a class change made it match) at any moment
 * since. No race with a polling check.
 */
export async function watchForElement(page: Page, selector: string): Promise<() => Promise<boolean>> {
  const key = `__seen_${Math.random().toString(36).slice(2)}`;
  await page.evaluate(
    ({ key, selector }) => {
      const store = window as unknown as Record<string, boolean>;
      store[key] = document.querySelector(selector) !== null;
      const observer = new MutationObserver(() => {
        if (document.querySelector(selector)) {
          store[key] = true;
          observer.disconnect();
        }
      });
      if (!store[key]) observer.observe(document.body, { childList: true, subtree: true, attributes: true });
    },
    { key, selector },
  );
  return () => page.evaluate((key) => (window as unknown as Record<string, boolean>)[key] === true, key);
}

/** remove.bg closes its self-serve API at this instant (src/providers/removebg/meta.ts). */
export const REMOVEBG_CLOSES = Date.parse('2026-12-01T08:00:00Z');

/**
 * Runs the pages' clock from `at`, flowing in real time: tests that use remove.bg set it before its
 * closing, tests of the closing after it, so no test depends on the day the suite runs.
 */
export async function startPageClock(context: BrowserContext, at: number): Promise<void> {
  await context.clock.install({ time: at });
}

const SHEET_BUTTONS: Record<string, string> = {
  'recent-panel': 'open-recent',
  'keys-panel': 'open-keys',
  'usage-panel': 'open-usage',
  'offline-panel': 'open-offline',
  'settings-panel': 'open-settings',
};

/** Opens a side sheet (Keys, Usage, Offline use, Settings) by its test id, closing any other first. */
export async function openSheet(page: Page, testId: string): Promise<void> {
  const sheet = page.getByTestId(testId);
  if (await sheet.evaluate((element) => (element as HTMLDialogElement).open)) return;
  await closeSheet(page);
  const button = SHEET_BUTTONS[testId];
  if (!button) throw new Error(`no sheet called ${testId}`);
  await page.getByTestId(button).click();
  await expect(sheet).toBeVisible();
}

/** Closes the open side sheet, if any, with Escape as a person would. */
export async function closeSheet(page: Page): Promise<void> {
  const open = page.locator('dialog.sheet[open]');
  if ((await open.count()) === 0) return;
  await page.keyboard.press('Escape');
  await expect(open).toHaveCount(0);
}
