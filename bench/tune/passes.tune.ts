/**
 * Which passes find the subject (issue 12 item 4, issue 13's per-image targets): the model runs in Node
 * (onnxruntime-web's WASM build, the fp16 IS-Net the app uses, the dynamic graph the build makes) on
 * whole photos and on crops of them, at any size that is a multiple of 64; masks are cached in
 * bench/tmp/views. Each strategy turns a photo into an alpha plane at the photo's resolution (masks
 * upsampled bilinearly, the app's levels stretch; no guided filter, no colour step: this ranks levers
 * cheaply, the browser bench gives the figures that count), scored against eval-dev's exact truth and
 * the lemur: IoU, edge-band MAE, small subjects found (IoU > 0.5).
 *
 * Run: npm run build && TUNE_PASSES=letterbox,squash,keep npx vitest run --config bench/tune/vitest.config.ts passes
 * Strategies (TUNE_PASSES, comma-separated; default: the app's): see STRATEGIES below.
 * TUNE_MARGIN (0.25): the crop's margin around the subject's box, as a share of its long side.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import * as ort from 'onnxruntime-web';
import { keepConfidentParts, maskParts, type MaskRegion } from '../../src/shared/image/mask-parts.ts';
import { refineAlpha } from '../../src/shared/image/mask.ts';
import { MODEL_WEIGHTS_KEY, type ModelManifest } from '../../src/shared/model-manifest.ts';
import {
  alphaIoU,
  alphaOf,
  edgeBand,
  edgeBandRadius,
  exactTruthComposite,
  meanAbsAlphaError,
  readPng,
  type Rgba,
} from '../../test/support/images.ts';
import { bilinear } from './sampling.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EVAL_DEV = process.env.EVAL_DEV_DIR ?? `${ROOT}../shared/eval-dev/`;
const CACHE = `${ROOT}bench/tmp/views/`;
const STRIDE = 64;
/** For the 'between' fit: how far the short side is stretched from letterbox (0) to squash (1). */
const STRETCH = Number(process.env.TUNE_STRETCH ?? 0.5);

interface Item {
  id: string;
  photo: Rgba;
  truth: Uint8Array;
}

function items(): Item[] {
  const lemur = exactTruthComposite();
  const list: Item[] = [{ id: 'lemur', photo: lemur.photo, truth: lemur.truth }];
  for (const entry of readdirSync(EVAL_DEV, { withFileTypes: true })) {
    const dir = `${EVAL_DEV}${entry.name}/`;
    if (entry.isDirectory() && existsSync(`${dir}composite.png`))
      list.push({ id: entry.name, photo: readPng(`${dir}composite.png`), truth: alphaOf(readPng(`${dir}alpha.png`)) });
  }
  for (const name of readdirSync(EVAL_DEV).filter((file) => /^small-\d+\.png$/.test(file))) {
    const id = name.replace(/\.png$/, '');
    list.push({ id, photo: readPng(`${EVAL_DEV}${name}`), truth: alphaOf(readPng(`${EVAL_DEV}${id}_alpha.png`)) });
  }
  return list.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/**
 * One model pass: a crop of the photo (x, y, w, h in photo pixels; the whole photo for a full pass)
 * fitted into the model's input. letterbox: aspect kept in a side² square, mid-grey padding (the app);
 * squash: stretched to side² (the library); tight: aspect kept, padded only up to multiples of 64.
 */
interface View {
  x: number;
  y: number;
  w: number;
  h: number;
  side: number;
  fit: 'letterbox' | 'squash' | 'tight' | 'between';
}

function inputSize(view: View): { width: number; height: number } {
  if (view.fit !== 'tight') return { width: view.side, height: view.side };
  const scale = view.side / Math.max(view.w, view.h);
  return { width: Math.ceil((view.w * scale) / STRIDE) * STRIDE, height: Math.ceil((view.h * scale) / STRIDE) * STRIDE };
}

function placementOf(view: View): MaskRegion {
  if (view.fit === 'squash') return { x: 0, y: 0, width: view.side, height: view.side };
  const { width: inputWidth, height: inputHeight } = inputSize(view);
  const scale = view.side / Math.max(view.w, view.h);
  // between: the short side stretched part of the way (STRETCH) from the letterbox's to the square's.
  const stretch = (length: number) => (view.fit === 'between' ? length * scale + STRETCH * (view.side - length * scale) : length * scale);
  const width = Math.max(1, Math.round(stretch(view.w)));
  const height = Math.max(1, Math.round(stretch(view.h)));
  return { x: Math.floor((inputWidth - width) / 2), y: Math.floor((inputHeight - height) / 2), width, height };
}

let loaded: Promise<ort.InferenceSession> | undefined;
function session(): Promise<ort.InferenceSession> {
  loaded ??= (async () => {
    const assets = `${ROOT}dist/imgly/`;
    const manifest = JSON.parse(readFileSync(`${assets}resources.json`, 'utf8')) as ModelManifest;
    const entry = manifest[MODEL_WEIGHTS_KEY.medium]!;
    const weights = Buffer.concat(entry.chunks.map((chunk) => readFileSync(`${assets}${chunk.name}`)));
    ort.env.wasm.numThreads = 2;
    return ort.InferenceSession.create(new Uint8Array(weights), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  })();
  return loaded;
}

const modelRuns = { count: 0, ms: 0 };

/** The model's mask for a view (input-sized, 0–255), as the engine's predictMask computes it; cached. */
async function viewMask(item: Item, view: View): Promise<Uint8Array> {
  const fit = view.fit === 'between' ? `between${STRETCH === 0.5 ? '' : STRETCH}` : view.fit;
  const path = `${CACHE}${item.id}-${fit}-${view.side}-${view.x}-${view.y}-${view.w}-${view.h}.bin`;
  if (existsSync(path)) return new Uint8Array(readFileSync(path));
  const { width, height } = inputSize(view);
  const place = placementOf(view);
  const plane = width * height;
  const planar = new Float32Array(3 * plane); // zeros: mid grey after the library's normalisation
  for (let y = 0; y < place.height; y++)
    for (let x = 0; x < place.width; x++) {
      const fx = view.x + ((x + 0.5) * view.w) / place.width - 0.5;
      const fy = view.y + ((y + 0.5) * view.h) / place.height - 0.5;
      const index = (place.y + y) * width + place.x + x;
      for (let c = 0; c < 3; c++) planar[c * plane + index] = (bilinear(item.photo, fx, fy, c) - 128) / 256;
    }
  const model = await session();
  const started = Date.now();
  const outputs = await model.run({ [model.inputNames[0] ?? 'input']: new ort.Tensor('float32', planar, [1, 3, height, width]) }, [
    'output',
  ]);
  modelRuns.ms += Date.now() - started;
  modelRuns.count++;
  const probabilities = outputs.output!.data as Float32Array;
  const mask = new Uint8Array(plane);
  for (let i = 0; i < plane; i++) mask[i] = Math.round(probabilities[i]! * 255);
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(path, mask);
  return mask;
}

/** A view's mask sampled bilinearly at photo resolution (0–1) inside its crop; `into` keeps its values elsewhere. */
function toPhoto(mask: Uint8Array, view: View, item: Item, into?: Float32Array): Float32Array {
  const { width: W, height: H } = item.photo;
  const out = into ?? new Float32Array(W * H);
  const place = placementOf(view);
  const stride = inputSize(view).width;
  const at = (x: number, y: number) => mask[y * stride + x]! / 255;
  for (let y = view.y; y < view.y + view.h; y++)
    for (let x = view.x; x < view.x + view.w; x++) {
      const fx = Math.min(place.width - 1, Math.max(0, ((x - view.x + 0.5) * place.width) / view.w - 0.5));
      const fy = Math.min(place.height - 1, Math.max(0, ((y - view.y + 0.5) * place.height) / view.h - 0.5));
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const x1 = Math.min(place.width - 1, x0 + 1);
      const y1 = Math.min(place.height - 1, y0 + 1);
      const tx = fx - x0;
      const ty = fy - y0;
      const top = at(place.x + x0, place.y + y0) * (1 - tx) + at(place.x + x1, place.y + y0) * tx;
      const bottom = at(place.x + x0, place.y + y1) * (1 - tx) + at(place.x + x1, place.y + y1) * tx;
      out[y * W + x] = top * (1 - ty) + bottom * ty;
    }
  return out;
}

const whole = (item: Item, side: number, fit: View['fit']): View => ({ x: 0, y: 0, w: item.photo.width, h: item.photo.height, side, fit });

async function pass(item: Item, view: View, into?: Float32Array): Promise<Float32Array> {
  return toPhoto(await viewMask(item, view), view, item, into);
}

async function mixed(item: Item, first: View, second: View, weight: number): Promise<Float32Array> {
  const a = await pass(item, first);
  const b = await pass(item, second);
  return a.map((value, i) => (1 - weight) * value + weight * b[i]!);
}

const MARGIN = Number(process.env.TUNE_MARGIN ?? 0.25);

/**
 * Look again, closer: the box of every subject part of the full pass, grown by MARGIN, run again and
 * put back over the full pass's mask, when the box covers at most half the photo. `side`: the crop's
 * model side; 0 takes the crop's own long side (no upscaling), rounded up to 64, between 256 and 1024.
 */
async function closer(item: Item, side: number): Promise<Float32Array> {
  const view = whole(item, 1024, 'letterbox');
  const mask = await viewMask(item, view);
  const base = toPhoto(mask, view, item);
  const { width: W, height: H } = item.photo;
  const { labels, parts } = maskParts(
    base.map((value) => Math.round(value * 255)),
    W,
    { x: 0, y: 0, width: W, height: H },
  );
  // Parts of at least 0.1 % of the photo: specks do not stretch the box.
  const counted = new Set(parts.filter((part) => part.area >= 0.001 * W * H).map((part) => part.label));
  let [x0, y0, x1, y1] = [W, H, -1, -1];
  for (let i = 0; i < labels.length; i++) {
    if (!counted.has(labels[i]!)) continue;
    const x = i % W;
    const y = (i - x) / W;
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  }
  if (x1 < 0) return base;
  const margin = MARGIN * Math.max(x1 - x0 + 1, y1 - y0 + 1);
  const left = Math.max(0, Math.floor(x0 - margin));
  const top = Math.max(0, Math.floor(y0 - margin));
  const crop = { x: left, y: top, w: Math.min(W, Math.ceil(x1 + 1 + margin)) - left, h: Math.min(H, Math.ceil(y1 + 1 + margin)) - top };
  if (crop.w * crop.h > 0.5 * W * H) return base;
  const cropSide = side || Math.min(1024, Math.max(256, Math.ceil(Math.max(crop.w, crop.h) / STRIDE) * STRIDE));
  return pass(item, { ...crop, side: cropSide, fit: 'letterbox' }, base);
}

/** The app's part selection (shared/image/mask-parts.ts) on the full pass's mask. */
async function keep(item: Item): Promise<Float32Array> {
  const view = whole(item, 1024, 'letterbox');
  const mask = Uint8Array.from(await viewMask(item, view));
  keepConfidentParts(mask, inputSize(view).width, placementOf(view));
  return toPhoto(mask, view, item);
}

const STRATEGIES: Record<string, (item: Item) => Promise<Float32Array>> = {
  /** The app's full pass before issue 12's part selection. */
  letterbox: (item) => pass(item, whole(item, 1024, 'letterbox')),
  /** The library's fit. */
  squash: (item) => pass(item, whole(item, 1024, 'squash')),
  /** Between letterbox and squash: the short side stretched TUNE_STRETCH (0.5) of the way to the square, the rest padded. */
  between: (item) => pass(item, whole(item, 1024, 'between')),
  /** Letterbox without the padding beyond the next multiple of 64 (cheaper: 1024×704 for 3:2). */
  tight: (item) => pass(item, whole(item, 1024, 'tight')),
  /** The quick pass. */
  'letterbox-512': (item) => pass(item, whole(item, 512, 'letterbox')),
  /** Both fits at 1024², averaged (two full passes). */
  'letterbox+squash': (item) => mixed(item, whole(item, 1024, 'letterbox'), whole(item, 1024, 'squash'), 0.5),
  /** The full pass averaged with the quick pass (no extra pass). */
  'letterbox+quick': (item) => mixed(item, whole(item, 1024, 'letterbox'), whole(item, 512, 'letterbox'), 0.5),
  'closer-1024': (item) => closer(item, 1024),
  'closer-native': (item) => closer(item, 0),
  keep,
};

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

test('passes on eval-dev', async () => {
  if (!existsSync(`${EVAL_DEV}manifest.json`)) throw new Error(`eval-dev not found at ${EVAL_DEV}`);
  const list = items();
  for (const name of (process.env.TUNE_PASSES ?? 'keep').split(',')) {
    const strategy = STRATEGIES[name];
    if (!strategy) throw new Error(`unknown strategy ${name}: ${Object.keys(STRATEGIES).join(', ')}`);
    const runsBefore = { ...modelRuns };
    const rows: Array<{ id: string; iou: number; edge: number }> = [];
    for (const item of list) {
      const { width, height } = item.photo;
      const plane = await strategy(item);
      const alpha = new Uint8Array(width * height);
      for (let i = 0; i < alpha.length; i++) alpha[i] = refineAlpha(Math.round(plane[i]! * 255));
      const band = edgeBand(item.truth, width, height, edgeBandRadius(width, height));
      rows.push({ id: item.id, iou: alphaIoU(alpha, item.truth), edge: meanAbsAlphaError(alpha, item.truth, band) });
    }
    const photos = rows.filter((row) => !row.id.startsWith('small-'));
    const small = rows.filter((row) => row.id.startsWith('small-'));
    console.log(
      `${name}: photos IoU ${mean(photos.map((row) => row.iou)).toFixed(4)} edge MAE ${mean(photos.map((row) => row.edge)).toFixed(4)}` +
        ` | small found ${small.filter((row) => row.iou > 0.5).length} / ${small.length}, IoU ${mean(small.map((row) => row.iou)).toFixed(3)}` +
        ` edge MAE ${mean(small.map((row) => row.edge)).toFixed(4)} | new model runs ${modelRuns.count - runsBefore.count} (${modelRuns.ms - runsBefore.ms} ms)\n  ` +
        rows.map((row) => `${row.id} ${row.iou.toFixed(3)}/${row.edge.toFixed(3)}`).join('  '),
    );
  }
});
