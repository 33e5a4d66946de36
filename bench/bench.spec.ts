/**
 * The benchmark: baseline (library defaults), raw model (ONNX Runtime alone) and Cutwise (the real
 * app), same images, same browser, alternating, median of BENCH_RUNS warm runs per image size.
 * Prints a table and writes bench/results.json and the table section of BENCH.md.
 * Run with `npm run bench` (BENCH_RUNS=2 BENCH_SIZES=1 for a quick check).
 * A second test times the finished-file render (issue 16) alone: `-g render`; BENCH_RENDER=0 skips it.
 */
import { test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { cutoutQuality, alphaOf, encodePng, readPng, scaledExactTruthComposite, type Rgba } from '../test/support/images.ts';
import { installLongTaskProbe, longestTask, resetLongestTask, watchForeignRequests } from '../test/e2e/helpers.ts';
import { BENCH_PORTS } from './playwright.bench.config.ts';
import { startMemoryProbe } from './support/process-memory.ts';
import type { BenchGlobals } from './pages/bench-page.ts';
import { rotate } from './support/stats.ts';
import {
  machineLine,
  medianSample,
  renderTables,
  writeBenchMd,
  type BenchResults,
  type ContenderName,
  type EvalResult,
  type Quality,
  type Sample,
  type SizeResult,
} from './support/report.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TMP = `${ROOT}bench/tmp/`;
const RUNS = Math.max(0, Number(process.env.BENCH_RUNS ?? 5)); // 0: quality figures only
const ALL: readonly ContenderName[] = ['baseline', 'raw', 'cutwise'];
/** BENCH_CONTENDERS=cutwise (comma-separated) runs only those, e.g. to compare pipeline levers. */
const ONLY = (process.env.BENCH_CONTENDERS ?? ALL.join(','))
  .split(',')
  .filter((name): name is ContenderName => (ALL as readonly string[]).includes(name));
const SIZES = (process.env.BENCH_SIZES ?? '1,12,24')
  .split(',')
  .map(Number)
  .filter((mp) => mp > 0);

const ORIGINS: Record<ContenderName, string> = {
  cutwise: `http://127.0.0.1:${BENCH_PORTS.app}`,
  raw: `http://127.0.0.1:${BENCH_PORTS.raw}`,
  baseline: `http://127.0.0.1:${BENCH_PORTS.baseline}`,
};
const PATHS: Record<ContenderName, string> = { cutwise: '/', raw: '/raw.html', baseline: '/baseline.html' };

interface Contender {
  name: ContenderName;
  context: BrowserContext;
  page: Page;
  foreign: string[];
}

// ---------------------------------------------------------------------------------------------
// Images

interface BenchImage {
  megapixels: number;
  fileName: string;
  width: number;
  height: number;
  truth: Uint8Array;
  /** The true subject colours, where the truth has them (the colour metric). */
  foreground?: Rgba;
}

function prepareImage(megapixels: number): BenchImage {
  mkdirSync(`${TMP}images`, { recursive: true });
  const { photo, truth, foreground } = scaledExactTruthComposite(megapixels);
  const fileName = `lemur-beach-${megapixels}mp.png`;
  const path = `${TMP}images/${fileName}`;
  if (!existsSync(path)) writeFileSync(path, encodePng(photo));
  return { megapixels, fileName, width: photo.width, height: photo.height, truth, foreground };
}

/**
 * `../shared/eval-dev` (or EVAL_DEV_DIR): real photos over new backgrounds with exact truth, and the
 * small-subject composites. Read at run time and staged under bench/tmp (never committed: they
 * carry no licence for redistribution).
 */
const EVAL_DEV = process.env.EVAL_DEV_DIR ?? `${ROOT}../shared/eval-dev/`;

interface EvalItem {
  id: string;
  image: BenchImage;
}

function evalDevItems(): EvalItem[] {
  if (!existsSync(`${EVAL_DEV}manifest.json`)) return [];
  const items: EvalItem[] = [];
  const stage = (id: string, photoPath: string, alphaPath: string, foregroundPath?: string) => {
    const photo = readPng(photoPath);
    const fileName = `evaldev-${id}.png`;
    writeFileSync(`${TMP}images/${fileName}`, readFileSync(photoPath));
    const image: BenchImage = {
      megapixels: (photo.width * photo.height) / 1e6,
      fileName,
      width: photo.width,
      height: photo.height,
      truth: alphaOf(readPng(alphaPath)),
    };
    if (foregroundPath) image.foreground = readPng(foregroundPath);
    items.push({ id, image });
  };
  mkdirSync(`${TMP}images`, { recursive: true });
  for (const entry of readdirSync(EVAL_DEV, { withFileTypes: true })) {
    if (entry.isDirectory() && existsSync(`${EVAL_DEV}${entry.name}/composite.png`)) {
      const dir = `${EVAL_DEV}${entry.name}/`;
      stage(entry.name, `${dir}composite.png`, `${dir}alpha.png`, `${dir}fg.png`);
    }
  }
  for (const name of readdirSync(EVAL_DEV)
    .filter((file) => /^small-\d+\.png$/.test(file))
    .sort()) {
    const id = name.replace(/\.png$/, '');
    stage(id, `${EVAL_DEV}${name}`, `${EVAL_DEV}${id}_alpha.png`);
  }
  return items.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** The page gets the image as a File from its own origin (a routed URL), outside any timing. */
async function stageFile(page: Page, image: BenchImage, runName: string): Promise<void> {
  await page.evaluate(
    async ({ url, runName }) => {
      const blob = await (await fetch(url)).blob();
      (window as unknown as BenchGlobals).benchFile = new File([blob], runName, { type: 'image/png' });
    },
    { url: `/__bench/${image.fileName}`, runName },
  );
}

// ---------------------------------------------------------------------------------------------
// Quality

function qualityOf(result: Rgba, image: BenchImage): Quality {
  return cutoutQuality(result, image.truth, image.foreground);
}

// ---------------------------------------------------------------------------------------------
// Contenders

async function openContender(browser: Browser, name: ContenderName): Promise<Contender> {
  const context = await browser.newContext({ baseURL: ORIGINS[name], acceptDownloads: true });
  const foreign = watchForeignRequests(context, ORIGINS[name]);
  await context.route('**/__bench/*', (route) => {
    const file = new URL(route.request().url()).pathname.slice('/__bench/'.length);
    return route.fulfill({
      path: `${TMP}images/${file}`,
      contentType: 'image/png',
      headers: { 'Cross-Origin-Resource-Policy': 'same-origin' },
    });
  });
  const page = await newPage(context, name);
  return { name, context, page, foreign };
}

async function newPage(context: BrowserContext, name: ContenderName): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`[${name}] page error: ${error.message}`));
  await installLongTaskProbe(page);
  await page.goto(PATHS[name]);
  if (name !== 'cutwise') await page.waitForFunction(() => document.title.endsWith('(ready)'));
  return page;
}

async function jsHeap(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0;
}

/** Drops the staged file on the app and waits for the preview, then the full-resolution PNG. */
async function cutwiseRun(page: Page, runName: string): Promise<{ photoMs: number; previewMs: number; exportMs: number }> {
  return page.evaluate(async (runName) => {
    const file = (window as unknown as BenchGlobals).benchFile;
    const transfer = new DataTransfer();
    transfer.items.add(file);
    const caption = () => document.querySelector('[data-testid=result-caption]');
    const pngReady = () =>
      caption()?.textContent?.includes(runName) &&
      caption()?.textContent?.includes('cutout in') &&
      [...document.querySelectorAll('button')].some((b) => b.textContent?.includes('Download PNG') && !b.disabled);
    const started = performance.now();
    const target = document.querySelector('[data-testid=dropzone]') ?? document.body;
    target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
    let previewMs = 0;
    let photoMs = 0;
    return new Promise<{ photoMs: number; previewMs: number; exportMs: number }>((resolve, reject) => {
      const check = (): void => {
        const message = document.querySelector('[data-testid=message]');
        if (message?.textContent && /error|could not|failed/i.test(message.textContent)) {
          reject(new Error(message.textContent));
          return;
        }
        // The dropped photo itself, decoded and on screen (dimmed) while the model works.
        if (!photoMs && document.querySelector('.pending-shown [data-testid=pending-image]')) photoMs = performance.now() - started;
        // The caption names the new file as soon as its preview is drawn on the canvas.
        if (!previewMs && caption()?.textContent?.includes(runName)) previewMs = performance.now() - started;
        if (previewMs && pngReady()) {
          // A preview faster than one frame would replace the photo before it is seen: count it as the photo.
          resolve({ photoMs: photoMs || previewMs, previewMs, exportMs: performance.now() - started });
          return;
        }
        requestAnimationFrame(check);
      };
      requestAnimationFrame(check);
    });
  }, runName);
}

async function cutwiseEngineTimings(
  page: Page,
): Promise<{ modelMs: number; inferenceMs: number; afterModelMs: number; foregroundMs: number }> {
  const caption = page.getByTestId('result-caption');
  const [modelMs, inferenceMs, totalMs, foregroundMs] = await Promise.all(
    ['data-model-ms', 'data-inference-ms', 'data-total-ms', 'data-foreground-ms'].map(async (name) =>
      Number(await caption.getAttribute(name)),
    ),
  );
  return {
    modelMs: modelMs ?? 0,
    inferenceMs: inferenceMs ?? 0,
    afterModelMs: (totalMs ?? 0) - (modelMs ?? 0) - (inferenceMs ?? 0),
    foregroundMs: foregroundMs ?? 0,
  };
}

async function runOnce(contender: Contender, image: BenchImage, run: number): Promise<Sample> {
  const { page, name } = contender;
  const runName = `${image.fileName.replace(/\.png$/, '')}-run${run}.png`;
  await stageFile(page, image, runName);
  if (name === 'raw')
    await page.evaluate(() => (window as unknown as BenchGlobals).raw.prepare((window as unknown as BenchGlobals).benchFile));
  await resetLongestTask(page);
  const memory = startMemoryProbe();
  let sample: Omit<Sample, 'longestTaskMs' | 'peakRssBytes' | 'jsHeapBytes'>;
  try {
    if (name === 'baseline') {
      sample = await page.evaluate(() => (window as unknown as BenchGlobals).bench.run((window as unknown as BenchGlobals).benchFile));
    } else if (name === 'raw') {
      // Which of the two goes first alternates, so neither always runs right after another contender.
      const runFinal = () => page.evaluate(() => (window as unknown as BenchGlobals).raw.runFinalOutput());
      const runAll = () => page.evaluate(() => (window as unknown as BenchGlobals).raw.runAllOutputs());
      let final: number;
      let all: number;
      if (run % 2) {
        final = await runFinal();
        all = await runAll();
      } else {
        all = await runAll();
        final = await runFinal();
      }
      sample = { previewMs: final, exportMs: final, inferenceMs: final, allOutputsMs: all };
    } else {
      const timings = await cutwiseRun(page, runName);
      const engine = await cutwiseEngineTimings(page);
      sample = { ...timings, inferenceMs: engine.inferenceMs, afterModelMs: engine.afterModelMs, foregroundMs: engine.foregroundMs };
    }
  } catch (error) {
    memory.stop();
    throw error;
  }
  const peakRssBytes = memory.stop();
  return { ...sample, longestTaskMs: await longestTask(page), peakRssBytes, jsHeapBytes: await jsHeap(page) };
}

/** Saves the contender's last full-resolution result and reads it. */
async function downloadResult(contender: Contender, image: BenchImage): Promise<Rgba | undefined> {
  const { page, name } = contender;
  if (name === 'raw') return undefined;
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 120_000 }),
    name === 'baseline'
      ? page.evaluate((file) => (window as unknown as BenchGlobals).bench.download(file), `${name}-${image.fileName}`)
      : page.getByRole('button', { name: 'Download PNG' }).click(),
  ]);
  const path = `${TMP}out/${name}-${image.fileName}`;
  await download.saveAs(path);
  const result = readPng(readFileSync(path));
  if (result.width !== image.width || result.height !== image.height) {
    throw new Error(`${name} returned ${result.width}×${result.height} for ${image.width}×${image.height}`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Sizes of the shell

function shellSizes(): { shellJsGzip: number; workerJsGzipExclOrt: number } {
  const dist = `${ROOT}dist/`;
  const html = readFileSync(`${dist}index.html`, 'utf8');
  const shell = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((match) => match[1] ?? '');
  const gz = (file: string) => gzipSync(readFileSync(dist + file)).length;
  const workerSide = readdirSync(`${dist}assets`)
    .map((file) => `assets/${file}`)
    .filter((file) => file.endsWith('.js') && !shell.includes(file) && !/\/ort[.-]/.test(file));
  return {
    shellJsGzip: shell.reduce((sum, file) => sum + gz(file), 0),
    workerJsGzipExclOrt: workerSide.reduce((sum, file) => sum + gz(file), 0),
  };
}

// ---------------------------------------------------------------------------------------------

test('bench: baseline vs raw model vs Cutwise', async ({ browser }) => {
  mkdirSync(`${TMP}out`, { recursive: true });
  const names: ContenderName[] = [...ONLY];
  const warmupImage = prepareImage(1);

  // Model load: a fresh context (empty HTTP cache, "network"), then a second page in the same
  // context (files from the HTTP cache, new session: "cold from cache").
  const load: BenchResults['load'] = {};
  const contenders: Contender[] = [];
  for (const name of names) {
    const contender = await openContender(browser, name);
    const measureLoad = async (page: Page): Promise<number> => {
      if (name === 'baseline') return page.evaluate(() => (window as unknown as BenchGlobals).bench.load());
      if (name === 'raw') return page.evaluate(() => (window as unknown as BenchGlobals).raw.load());
      contender.page = page;
      await stageFile(page, warmupImage, 'load.png');
      await cutwiseRun(page, 'load.png');
      return (await cutwiseEngineTimings(page)).modelMs;
    };
    const networkMs = await measureLoad(contender.page);
    await contender.page.close();
    contender.page = await newPage(contender.context, name);
    const fromCacheMs = await measureLoad(contender.page);
    load[name] = { networkMs, fromCacheMs };
    console.log(`model load ${name}: network ${networkMs.toFixed(0)} ms, from HTTP cache ${fromCacheMs.toFixed(0)} ms`);
    contenders.push(contender);
  }
  const rawPage = contenders.find((contender) => contender.name === 'raw')?.page;
  const outputNames = rawPage ? await rawPage.evaluate(() => (window as unknown as BenchGlobals).raw.outputNames().join(', ')) : '';
  console.log(`raw model graph outputs: ${outputNames}`);

  const sizes: SizeResult[] = [];
  for (const megapixels of SIZES) {
    const image = prepareImage(megapixels);
    console.log(`\n${megapixels} MP: ${image.width}×${image.height}`);
    const runs = { baseline: [], raw: [], cutwise: [] } as Record<ContenderName, Sample[]>;
    const quality: Partial<Record<ContenderName, Quality>> = {};
    // One warm-up run each (not counted); its full-resolution result gives the quality figures.
    for (const contender of contenders) {
      await runOnce(contender, image, 0);
      const result = await downloadResult(contender, image);
      if (result) quality[contender.name] = qualityOf(result, image);
    }
    for (let run = 1; run <= RUNS; run++) {
      for (const contender of rotate(contenders, run)) {
        const sample = await runOnce(contender, image, run);
        runs[contender.name].push(sample);
        console.log(
          `  run ${run} ${contender.name.padEnd(8)}${sample.photoMs === undefined ? '' : ` photo ${sample.photoMs.toFixed(0)} ms,`} preview ${sample.previewMs.toFixed(0)} ms, export ${sample.exportMs.toFixed(0)} ms` +
            (sample.allOutputsMs ? `, all outputs ${sample.allOutputsMs.toFixed(0)} ms` : '') +
            (sample.afterModelMs !== undefined ? `, compose+encode ${sample.afterModelMs.toFixed(0)} ms` : '') +
            (sample.foregroundMs !== undefined ? ` (edge colours ${sample.foregroundMs.toFixed(0)} ms)` : '') +
            `, longest task ${sample.longestTaskMs.toFixed(0)} ms, peak RSS ${(sample.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
        );
      }
    }
    const medians = Object.fromEntries(ALL.map((name) => [name, medianSample(runs[name])])) as Record<ContenderName, Sample>;
    sizes.push({ megapixels, width: image.width, height: image.height, runs, median: medians, quality });
  }

  // Quality per image on eval-dev (one warm run each, baseline and Cutwise), when it is there.
  const evalDev: EvalResult[] = [];
  const items = evalDevItems();
  if (items.length === 0) console.log(`eval-dev not found at ${EVAL_DEV}: per-image quality skipped`);
  for (const { id, image } of items) {
    const quality: EvalResult['quality'] = {};
    for (const contender of contenders.filter((candidate) => candidate.name !== 'raw')) {
      await runOnce(contender, image, 0);
      const result = await downloadResult(contender, image);
      if (result) quality[contender.name] = qualityOf(result, image);
    }
    evalDev.push({ id, width: image.width, height: image.height, quality });
    const line = (q: Quality | undefined) =>
      q
        ? `IoU ${q.iou.toFixed(3)} edge MAE ${q.maeEdge.toFixed(4)} core ${(q.coreOpaque * 100).toFixed(1)} %${q.colourEdge === undefined ? '' : ` colour ${q.colourEdge.toFixed(4)} shown ${q.colourShown?.toFixed(4)}`}`
        : '—';
    console.log(`eval-dev ${id}: baseline ${line(quality.baseline)} | cutwise ${line(quality.cutwise)}`);
  }

  const foreign = contenders.flatMap((contender) => contender.foreign);
  for (const contender of contenders) await contender.context.close();
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: machineLine(),
    runsPerSize: RUNS,
    model: 'isnet_fp16 (the library\'s default "medium")',
    outputNames,
    load,
    ...shellSizes(),
    sizes,
    evalDev,
    foreignRequests: foreign,
  };
  writeFileSync(`${ROOT}bench/results.json`, `${JSON.stringify(results, null, 2)}\n`);
  const table = renderTables(results);
  console.log(`\n${table}`);
  writeBenchMd(`${ROOT}BENCH.md`, table);
  if (foreign.length) throw new Error(`requests left the bench origins: ${foreign.join(', ')}`);
});

// ---------------------------------------------------------------------------------------------
// The finished file (issue 16): the engine worker's render, alone, on the 12 MP lemur.

const RENDER_MEGAPIXELS = 12;

test('bench: finishing render', async ({ browser }) => {
  test.skip(process.env.BENCH_RENDER === '0', 'BENCH_RENDER=0');
  mkdirSync(`${TMP}out`, { recursive: true });
  const image = prepareImage(RENDER_MEGAPIXELS);
  // The cutout as the pipeline would hand it over: the true subject colours under the true matte.
  const cutoutName = `lemur-cutout-${RENDER_MEGAPIXELS}mp.png`;
  if (!existsSync(`${TMP}images/${cutoutName}`)) {
    const { foreground, truth } = scaledExactTruthComposite(RENDER_MEGAPIXELS);
    for (let i = 0; i < truth.length; i++) foreground.data[i * 4 + 3] = truth[i] ?? 0;
    writeFileSync(`${TMP}images/${cutoutName}`, encodePng(foreground));
  }
  const { context, page } = await openContender(browser, 'cutwise');
  const runs = Math.max(1, RUNS);
  const results = await page.evaluate(
    async ({ photoUrl, cutoutUrl, runs }) => {
      // The engine worker of this build, as the app's own bundle names it.
      const html = await (await fetch('/')).text();
      const entry = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)?.[1];
      const bundle = entry ? await (await fetch(entry)).text() : '';
      const workerUrl = /assets\/engine\.worker-[\w-]+\.js/.exec(bundle)?.[0];
      if (!workerUrl) throw new Error('engine worker not found in the build');
      const png = await (await fetch(cutoutUrl)).blob();
      // The photo as a camera would give it: JPEG.
      const decoded = await createImageBitmap(await (await fetch(photoUrl)).blob());
      const canvas = new OffscreenCanvas(decoded.width, decoded.height);
      canvas.getContext('2d')?.drawImage(decoded, 0, 0);
      const photo = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
      const worker = new Worker(`/${workerUrl}`, { type: 'module' });
      let id = 0;
      const render = (type: string) =>
        new Promise<{ ms: number; bytes: number }>((resolve, reject) => {
          const started = performance.now();
          const request = {
            id: ++id,
            method: 'render',
            input: {
              png,
              photo,
              type,
              frame: { aspect: '1:1', margin: { value: 8, unit: '%' }, align: 'center' },
              shadow: { kind: 'drop', offsetX: 0.02, offsetY: 0.03, blur: 0.04, opacity: 0.45 },
              background: { kind: 'blur', radius: 0.03 },
            },
          };
          worker.onmessage = (event: MessageEvent<{ kind: string; output?: Blob; failure?: { message: string } }>) => {
            if (event.data.kind === 'result' && event.data.output)
              resolve({ ms: performance.now() - started, bytes: event.data.output.size });
            else reject(new Error(event.data.failure?.message ?? 'render failed'));
          };
          worker.postMessage(request);
        });
      const types = ['image/png', 'image/jpeg'];
      await render('image/png'); // warm-up: the worker's start and first canvases
      const samples: Record<string, { ms: number; bytes: number }[]> = { 'image/png': [], 'image/jpeg': [] };
      for (let run = 0; run < runs; run++) for (const type of types) samples[type]?.push(await render(type));
      worker.terminate();
      return samples;
    },
    { photoUrl: `/__bench/${image.fileName}`, cutoutUrl: `/__bench/${cutoutName}`, runs },
  );
  await context.close();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  for (const [type, samples] of Object.entries(results)) {
    console.log(
      `render ${RENDER_MEGAPIXELS} MP → 1:1, blurred photo, drop shadow, ${type}: median ${median(samples.map((s) => s.ms)).toFixed(0)} ms ` +
        `(${samples.map((s) => s.ms.toFixed(0)).join(', ')}), ${(median(samples.map((s) => s.bytes)) / 2 ** 20).toFixed(1)} MiB`,
    );
  }
});
