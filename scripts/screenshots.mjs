#!/usr/bin/env node
/**
 * Takes the manifest's screenshots (public/screenshots/) of the real app with a real cutout.
 * Run against a served build: `npm run build && npx vite preview --port 4274 &` then
 * `node scripts/screenshots.mjs http://127.0.0.1:4274`. The output is committed.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { PNG } from 'pngjs';

const base = process.argv[2] ?? 'http://127.0.0.1:4274';
const evalDir = new URL('../test/fixtures/eval/', import.meta.url);
const read = (name) => PNG.sync.read(readFileSync(new URL(name, evalDir)));

// The eval photo: the lemur over the beach, as the e2e tests use it.
const foreground = read('lemur_foreground.png');
const alpha = read('lemur_alpha.png');
const background = read('beach.png');
const photo = new PNG({ width: foreground.width, height: foreground.height });
for (let i = 0; i < foreground.width * foreground.height; i++) {
  const a = alpha.data[i * 4] / 255;
  for (let c = 0; c < 3; c++) photo.data[i * 4 + c] = Math.round(foreground.data[i * 4 + c] * a + background.data[i * 4 + c] * (1 - a));
  photo.data[i * 4 + 3] = 255;
}
const photoPng = PNG.sync.write(photo);

const outDir = new URL('../public/screenshots/', import.meta.url);
mkdirSync(outDir, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
for (const [name, viewport] of [
  ['wide', { width: 1280, height: 800 }],
  ['narrow', { width: 540, height: 1080 }],
]) {
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  await page.goto(base);
  await page.getByTestId('file-input').setInputFiles({ name: 'lemur.png', mimeType: 'image/png', buffer: photoPng });
  await page.getByTestId('result-caption').filter({ hasText: 'cutout in' }).waitFor({ timeout: 300_000 });
  await page.screenshot({ path: new URL(`${name}.png`, outDir).pathname });
  await page.close();
}
await browser.close();
console.log('screenshots written to public/screenshots/');
