/**
 * WebGPU in the engine, on Chromium's software adapter (SwiftShader, exposed by --enable-unsafe-webgpu):
 * correctness, not speed. Where the browser offers an adapter, the engine loads ONNX Runtime's WebGPU
 * build, runs a warm-up on WebGPU and on WASM and keeps WebGPU only if its mask is WASM's and it is faster.
 *
 * What one real cutout checks here: the warm-up ran on WebGPU through the app's own loading path and
 * policy (self-hosted runtime, the worker's CSP) and its mask matched WASM's; the backend the result
 * reports is the one that verdict chose; the cutout matches the exact truth; no CSP violation, no request
 * off the origin. SwiftShader has no shader-f16, so this runs the float32 form of the model
 * (shared/onnx-float32.ts), and it is 20–100× slower than WASM (BENCH.md), so the engine rightly keeps
 * WASM for the cutout itself: a whole cutout on SwiftShader (512² + 1024²) would take about half an hour
 * on two cores. On a real GPU the same test shows 'webgpu' if the warm-up was faster.
 */
import { expect, test } from '@playwright/test';
import { alphaChannel, alphaIoU, encodePng, exactTruthOnColour, readPng } from '../support/images.ts';
import { chromiumArgs, chromiumPath } from '../support/chromium.ts';
import { dropFile, watchForeignRequests } from './helpers.ts';
import { readFileSync } from 'node:fs';

const WEBGPU_FLAGS = ['--enable-unsafe-webgpu'];

test.use({ launchOptions: { executablePath: chromiumPath(), args: [...chromiumArgs(), ...WEBGPU_FLAGS] } });

const { photo, truth } = exactTruthOnColour([46, 139, 87]);

test('WebGPU where an adapter exists: the warm-up matches WASM, the cutout reports the backend it chose and is right', async ({
  page,
  context,
  baseURL,
}) => {
  // Model download, two sessions, a warm-up on a software GPU, then the cutout on two busy cores.
  test.setTimeout(600_000);
  const foreign = watchForeignRequests(context, new URL(baseURL ?? '').origin);
  const engineLines: string[] = [];
  const problems: string[] = [];
  page.on('worker', (worker) =>
    worker.on('console', (message) => {
      engineLines.push(message.text());
      if (message.type() === 'error') problems.push(`worker: ${message.text()}`);
    }),
  );
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`page: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  await page.goto('/');

  const adapter = await page.evaluate(async () => {
    if (!('gpu' in navigator)) return 'navigator.gpu is missing';
    const found = await navigator.gpu.requestAdapter();
    if (!found) return 'navigator.gpu.requestAdapter() gave null';
    const { vendor, architecture, isFallbackAdapter } = found.info;
    return { vendor, architecture, isFallbackAdapter, f16: found.features.has('shader-f16') };
  });
  test.skip(typeof adapter === 'string', `No WebGPU adapter in this Chromium with ${WEBGPU_FLAGS.join(' ')}: ${String(adapter)}`);
  if (typeof adapter === 'string') return;
  console.log(`[metrics] WebGPU adapter: ${JSON.stringify(adapter)}`);

  const started = Date.now();
  await dropFile(page, encodePng(photo), 'lemur-on-green.png', 'image/png');
  const caption = page.getByTestId('result-caption');
  await expect(caption).toContainText('lemur-on-green.png', { timeout: 540_000 });
  await expect(caption).toContainText('cutout in', { timeout: 540_000 });
  await expect(caption).toHaveAttribute('data-pass', 'full');
  const elapsed = Date.now() - started;

  const verdict = engineLines.find((line) => line.startsWith('[cutwise engine]'));
  console.log(`[metrics] ${verdict ?? 'no engine verdict'}`);
  expect(verdict, 'the engine tried WebGPU and said what it found').toBeDefined();
  expect(verdict, 'the WebGPU warm-up gave the WASM mask').toMatch(/mask matches WASM/);
  if (!adapter.f16) expect(verdict, 'no shader-f16: the float32 model').toContain('float32');
  const chosen = verdict?.includes('using WebGPU') ? 'webgpu' : 'wasm';
  await expect(caption).toHaveAttribute('data-backend', chosen);
  const [model, inference, total] = await Promise.all(
    ['data-model-ms', 'data-inference-ms', 'data-total-ms'].map((name) => caption.getAttribute(name)),
  );
  console.log(
    `[metrics] WebGPU e2e: drop→done ${elapsed} ms (model load + warm-up ${model} ms, inference ${inference} ms, pipeline ${total} ms); backend ${chosen}`,
  );

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).click()]);
  const cutout = readPng(readFileSync(await download.path()));
  expect([cutout.width, cutout.height]).toEqual([photo.width, photo.height]);
  const iou = alphaIoU(alphaChannel(cutout), truth);
  console.log(`[metrics] WebGPU e2e: IoU ${iou.toFixed(4)}`);
  expect(iou).toBeGreaterThanOrEqual(0.9);

  expect(
    problems.filter((line) => /Content.Security.Policy|Refused to/i.test(line)),
    'no CSP violation',
  ).toEqual([]);
  expect(problems, 'no errors in the page or the engine (a failed WebGPU shader reports one)').toEqual([]);
  expect(foreign, 'no request left the origin').toEqual([]);
});
