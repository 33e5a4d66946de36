/**
 * Tuning the edge post-processing on many images, not one (issue 13): the model runs once per image in
 * Node (onnxruntime-web's WASM build, the same fp16 IS-Net the app uses by default, fitted into the
 * square the same way), its 1024² masks are cached in bench/tmp/masks, then every combination of the levels
 * stretch, the guided filter's radius and ε, and the foreground estimation's windows is applied with
 * the app's own pure functions and scored against the exact truth of eval-dev and the lemur.
 * Prints the table per setting (means) and per image for the best one. The figures that count are
 * the browser bench's (`npm run bench`); this only chooses what to measure there.
 *
 * Run: npm run tune:edges   (EVAL_DEV_DIR overrides ../shared/eval-dev; TUNE_QUICK=1 scores only the
 * settings before issue 13 and the shipped ones; TUNE_FIT=squash fits the photo as the library does,
 * TUNE_FIT=letterbox as the app did before the halfway fit, TUNE_STRETCH=0…1 anything between (default: the app's);
 * TUNE_PICTURE=1 writes bench/edges-lemur.png;
 * TUNE_SIDE=512 runs the model at another input size, as the quick pass does; TUNE_SWEEP=blend sweeps the
 * levels stretch against a mix of bilinear upsampling into the guided filter, per photo)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import * as ort from 'onnxruntime-web';
import {
  applyGuidedAlpha,
  GUIDED_EPSILON,
  GUIDED_RADIUS,
  guidedCoefficients,
  type GuidedCoefficients,
} from '../../src/shared/image/guided-filter.ts';
import { DEFAULT_FOREGROUND_OPTIONS, estimateForeground } from '../../src/shared/image/foreground.ts';
import { MASK_CEILING, MASK_FLOOR } from '../../src/shared/image/mask.ts';
import { FULL_PASS_STRETCH, modelFrame } from '../../src/shared/image/model-frame.ts';
import { MODEL_WEIGHTS_KEY, type ModelManifest } from '../../src/shared/model-manifest.ts';
import {
  cutoutQuality,
  edgeBandRadius,
  type CutoutQuality,
  alphaOf,
  edgeBand,
  encodePng,
  exactTruthComposite,
  foregroundColourError,
  readPng,
  type Rgba,
} from '../../test/support/images.ts';
import { bilinear } from './sampling.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EVAL_DEV = process.env.EVAL_DEV_DIR ?? `${ROOT}../shared/eval-dev/`;
/** The model's input side: 1024 (its own) or, with TUNE_SIDE, any multiple of 64 (the build makes the graph dynamic). */
const SIDE = Number(process.env.TUNE_SIDE ?? 1024);
if (!Number.isInteger(SIDE) || SIDE < 64 || SIDE % 64 !== 0) throw new Error(`TUNE_SIDE must be a multiple of 64, not ${SIDE}`);
/**
 * How far the photo's short side is stretched towards the square (shared/image/model-frame.ts): 0 is
 * letterbox, 1 squash (as the library does); default: the app's full pass.
 */
const STRETCH =
  process.env.TUNE_FIT === 'squash' ? 1 : process.env.TUNE_FIT === 'letterbox' ? 0 : Number(process.env.TUNE_STRETCH ?? FULL_PASS_STRETCH);
if (!(STRETCH >= 0 && STRETCH <= 1)) throw new Error(`TUNE_STRETCH must be between 0 and 1, not ${process.env.TUNE_STRETCH}`);
const MASKS = `${ROOT}bench/tmp/masks/stretch-${STRETCH}/${SIDE}/`;

interface Item {
  id: string;
  photo: Rgba;
  truth: Uint8Array;
  foreground?: Rgba;
}

function items(): Item[] {
  const list: Item[] = [];
  const lemur = exactTruthComposite();
  list.push({ id: 'lemur', photo: lemur.photo, truth: lemur.truth, foreground: lemur.foreground });
  for (const entry of readdirSync(EVAL_DEV, { withFileTypes: true })) {
    const dir = `${EVAL_DEV}${entry.name}/`;
    if (!entry.isDirectory() || !existsSync(`${dir}composite.png`)) continue;
    list.push({
      id: entry.name,
      photo: readPng(`${dir}composite.png`),
      truth: alphaOf(readPng(`${dir}alpha.png`)),
      foreground: readPng(`${dir}fg.png`),
    });
  }
  for (const name of readdirSync(EVAL_DEV).filter((file) => /^small-\d+\.png$/.test(file))) {
    const id = name.replace(/\.png$/, '');
    list.push({ id, photo: readPng(`${EVAL_DEV}${name}`), truth: alphaOf(readPng(`${EVAL_DEV}${id}_alpha.png`)) });
  }
  return list.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
}

/** Where the photo sits in the model's square: the app's own frame (pipeline.ts frameOf/modelInput). */
function placement(photo: Rgba) {
  return modelFrame(photo.width, photo.height, SIDE, STRETCH).place;
}

function modelInput(photo: Rgba, place: ReturnType<typeof placement>): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(SIDE * SIDE * 4).fill(128);
  for (let y = 0; y < place.height; y++)
    for (let x = 0; x < place.width; x++) {
      const fx = ((x + 0.5) * photo.width) / place.width - 0.5;
      const fy = ((y + 0.5) * photo.height) / place.height - 0.5;
      const to = ((place.y + y) * SIDE + place.x + x) * 4;
      for (let c = 0; c < 3; c++) rgba[to + c] = bilinear(photo, fx, fy, c);
      rgba[to + 3] = 255;
    }
  return rgba;
}

async function session(): Promise<ort.InferenceSession> {
  const assets = `${ROOT}dist/imgly/`;
  const manifest = JSON.parse(readFileSync(`${assets}resources.json`, 'utf8')) as ModelManifest;
  const entry = manifest[MODEL_WEIGHTS_KEY.medium]!;
  const weights = Buffer.concat(entry.chunks.map((chunk) => readFileSync(`${assets}${chunk.name}`)));
  ort.env.wasm.numThreads = 2;
  return ort.InferenceSession.create(new Uint8Array(weights), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}

/** The model's 1024² mask of an item (cached on disk), as the engine's predictMask computes it. */
async function maskOf(item: Item, run: () => Promise<ort.InferenceSession>): Promise<Uint8ClampedArray> {
  const path = `${MASKS}${item.id}.bin`;
  if (existsSync(path)) return new Uint8ClampedArray(readFileSync(path));
  const rgba = modelInput(item.photo, placement(item.photo));
  const plane = SIDE * SIDE;
  const planar = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) planar[c * plane + i] = (rgba[i * 4 + c]! - 128) / 256;
  const model = await run();
  const outputs = await model.run({ [model.inputNames[0] ?? 'input']: new ort.Tensor('float32', planar, [1, 3, SIDE, SIDE]) }, ['output']);
  const probabilities = outputs.output!.data as Float32Array;
  const mask = new Uint8ClampedArray(plane);
  for (let i = 0; i < plane; i++) mask[i] = Math.round(probabilities[i]! * 255);
  mkdirSync(MASKS, { recursive: true });
  writeFileSync(path, mask);
  return mask;
}

/**
 * Mixes plain bilinear upsampling of `mask` into the guided result, in place: q = a·I + b is linear
 * in (a, b), so (1 − w)·(a·I + b) + w·mask is the filter with a scaled by 1 − w and b moved towards
 * the mask. `weight` 0 keeps the guided filter, 1 gives bilinear upsampling of the mask.
 */
function blendWithMask(coefficients: GuidedCoefficients, mask: Float32Array, weight: number): void {
  const { a, b } = coefficients;
  for (let i = 0; i < a.length; i++) {
    a[i] = (1 - weight) * a[i]!;
    b[i] = (1 - weight) * b[i]! + weight * mask[i]!;
  }
}

interface Setting {
  floor: number;
  ceiling: number;
  radius: number;
  epsilon: number;
  /** Share of plain bilinear upsampling mixed into the guided result (0: guided only, 1: bilinear only). */
  blend?: number;
  /** undefined: no foreground estimation. */
  foreground?: { firstRadiusFraction: number; secondRadius: number };
}

/** The app's applyMask with the setting's numbers, on the full-resolution photo. */
function cutout(item: Item, mask: Uint8ClampedArray, setting: Setting): Rgba {
  const place = placement(item.photo);
  const input = modelInput(item.photo, place);
  const count = place.width * place.height;
  const guide = new Float32Array(count);
  const maskPlane = new Float32Array(count);
  for (let y = 0; y < place.height; y++)
    for (let x = 0; x < place.width; x++) {
      const from = (place.y + y) * SIDE + place.x + x;
      guide[y * place.width + x] = (0.299 * input[from * 4]! + 0.587 * input[from * 4 + 1]! + 0.114 * input[from * 4 + 2]!) / 255;
      maskPlane[y * place.width + x] = mask[from]! / 255;
    }
  const coefficients = guidedCoefficients(guide, maskPlane, place.width, place.height, setting.radius, setting.epsilon);
  if (setting.blend) blendWithMask(coefficients, maskPlane, setting.blend);
  const data = new Uint8ClampedArray(item.photo.data);
  applyGuidedAlpha(data, item.photo.width, item.photo.height, coefficients);
  for (let i = 3; i < data.length; i += 4) {
    const value = data[i]!;
    data[i] =
      value <= setting.floor
        ? 0
        : value >= setting.ceiling
          ? 255
          : Math.round(((value - setting.floor) * 255) / (setting.ceiling - setting.floor));
  }
  if (setting.foreground) estimateForeground(data, item.photo.width, item.photo.height, setting.foreground);
  return { width: item.photo.width, height: item.photo.height, data: new Uint8Array(data.buffer) };
}

type Score = CutoutQuality;

const score = (item: Item, result: Rgba): Score => cutoutQuality(result, item.truth, item.foreground);

/**
 * BENCH.md's picture: the lemur's busiest stretch of edge (the window with the most edge-band pixels),
 * before issue 13 and now, over white (top) and black (bottom), 3× enlarged without smoothing.
 */
function edgePicture(item: Item, before: Rgba, after: Rgba): Rgba {
  const w = 110;
  const h = 70;
  const zoom = 3;
  const gap = 6;
  const radius = edgeBandRadius(item.photo.width, item.photo.height);
  const band = edgeBand(item.truth, item.photo.width, item.photo.height, radius);
  let best = { x: 0, y: 0, count: -1 };
  for (let y = 0; y + h <= item.photo.height; y += 10)
    for (let x = 0; x + w <= item.photo.width; x += 10) {
      let count = 0;
      for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) count += band[yy * item.photo.width + xx]!;
      if (count > best.count) best = { x, y, count };
    }
  const width = 2 * w * zoom + gap;
  const height = 2 * h * zoom + gap;
  const data = new Uint8Array(width * height * 4).fill(255);
  [before, after].forEach((image, column) =>
    [255, 0].forEach((backdrop, row) => {
      for (let y = 0; y < h * zoom; y++)
        for (let x = 0; x < w * zoom; x++) {
          const from = ((best.y + Math.floor(y / zoom)) * image.width + best.x + Math.floor(x / zoom)) * 4;
          const to = ((row * (h * zoom + gap) + y) * width + column * (w * zoom + gap) + x) * 4;
          const a = image.data[from + 3]! / 255;
          for (let c = 0; c < 3; c++) data[to + c] = Math.round(image.data[from + c]! * a + backdrop * (1 - a));
          data[to + 3] = 255;
        }
    }),
  );
  return { width, height, data };
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

test('edge settings on eval-dev', async () => {
  if (!existsSync(`${EVAL_DEV}manifest.json`)) throw new Error(`eval-dev not found at ${EVAL_DEV}`);
  let loaded: Promise<ort.InferenceSession> | undefined;
  const run = () => (loaded ??= session());
  const list = items();
  const masks = new Map<string, Uint8ClampedArray>();
  for (const item of list) {
    const started = Date.now();
    masks.set(item.id, await maskOf(item, run));
    console.log(`mask ${item.id} ${item.photo.width}×${item.photo.height} (${Date.now() - started} ms)`);
  }
  // Before issue 13 (tuned on the lemur alone) and what the app ships now.
  const before: Setting = { floor: 4, ceiling: 240, radius: 4, epsilon: 1e-3 };
  const shipped: Setting = {
    floor: MASK_FLOOR,
    ceiling: MASK_CEILING,
    radius: GUIDED_RADIUS,
    epsilon: GUIDED_EPSILON,
    foreground: { ...DEFAULT_FOREGROUND_OPTIONS },
  };
  // TUNE_QUICK=1: only those two, with and without the colour step.
  const quick = process.env.TUNE_QUICK === '1';
  const settings: Array<[string, Setting]> = [['before (no colour step)', before]];
  if (process.env.TUNE_SWEEP === 'blend')
    for (const [floor, ceiling] of [
      [0, 255],
      [4, 240],
      [8, 232],
      [16, 224],
    ] as const)
      for (const blend of [0, 0.25, 0.5, 0.75, 1])
        settings.push([
          `levels ${floor}/${ceiling} blend ${blend}`,
          { floor, ceiling, radius: GUIDED_RADIUS, epsilon: GUIDED_EPSILON, blend },
        ]);
  else if (quick) settings.push(['shipped, no colour step', { ...shipped, foreground: undefined }]);
  else
    for (const [floor, ceiling] of [
      [4, 240],
      [8, 230],
      [2, 250],
      [16, 224],
    ] as const)
      for (const radius of [2, 4, 8])
        for (const epsilon of [1e-4, 1e-3, 1e-2])
          settings.push([`levels ${floor}/${ceiling} r ${radius} ε ${epsilon}`, { floor, ceiling, radius, epsilon }]);
  for (const firstRadiusFraction of quick ? [] : [0.03, 0.06, 0.12])
    for (const secondRadius of [3, 6, 12])
      settings.push([
        `shipped alpha + colour ${firstRadiusFraction}/${secondRadius}`,
        { ...shipped, foreground: { firstRadiusFraction, secondRadius } },
      ]);
  settings.push(['before + colour step', { ...before, foreground: shipped.foreground }]);
  settings.push(['shipped (with colour step)', shipped]);

  const photos = list.filter((item) => !item.id.startsWith('small-'));
  const rows: Array<{ name: string; setting: Setting; per: Map<string, Score> }> = [];
  for (const [name, setting] of settings) {
    const per = new Map<string, Score>();
    // Every image is scored on alpha; colours where the truth has them.
    for (const item of list) per.set(item.id, score(item, cutout(item, masks.get(item.id)!, setting)));
    rows.push({ name, setting, per });
    if (process.env.TUNE_SWEEP)
      console.log(
        `  ${name}: ` +
          photos.map((item) => `${item.id} ${per.get(item.id)!.iou.toFixed(3)}/${per.get(item.id)!.maeEdge.toFixed(4)}`).join(' '),
      );
    const pick = (f: (s: Score) => number | undefined, set: Item[]) =>
      mean(set.flatMap((item) => (per.get(item.id) && f(per.get(item.id)!) !== undefined ? [f(per.get(item.id)!)!] : [])));
    console.log(
      `${name.padEnd(34)} photos: IoU ${pick((s) => s.iou, photos).toFixed(4)} edge MAE ${pick((s) => s.maeEdge, photos).toFixed(4)} core ${(pick((s) => s.coreOpaque, photos) * 100).toFixed(2)} % colour ${pick((s) => s.colourEdge, photos).toFixed(4)} shown ${pick((s) => s.colourShown, photos).toFixed(4)}` +
        ` | small: IoU ${pick(
          (s) => s.iou,
          list.filter((item) => item.id.startsWith('small-')),
        ).toFixed(3)}, found (IoU > 0.5) ${list.filter((item) => item.id.startsWith('small-') && per.get(item.id)!.iou > 0.5).length}`,
    );
  }
  // Where the colour error comes from: with the predicted alpha and the TRUE colours (the alpha's share
  // of it, which no colour step can remove), and with the true alpha (the colour step alone).
  console.log('\ncolour error split (photos with true colours):');
  for (const item of list.filter((candidate) => candidate.foreground)) {
    const result = cutout(item, masks.get(item.id)!, before);
    const radius = edgeBandRadius(item.photo.width, item.photo.height);
    const band = edgeBand(item.truth, item.photo.width, item.photo.height, radius);
    const withTruthColours = { ...result, data: Uint8Array.from(result.data) };
    for (let i = 0; i < item.truth.length; i++)
      for (let c = 0; c < 3; c++) withTruthColours.data[i * 4 + c] = item.foreground!.data[i * 4 + c]!;
    const trueAlpha = { ...result, data: Uint8Array.from(item.photo.data) };
    for (let i = 0; i < item.truth.length; i++) trueAlpha.data[i * 4 + 3] = item.truth[i]!;
    const photoColours = foregroundColourError(trueAlpha, item.truth, item.foreground!, band);
    const estimated = new Uint8ClampedArray(trueAlpha.data);
    estimateForeground(estimated, item.photo.width, item.photo.height);
    const estimatedColours = foregroundColourError(
      { ...trueAlpha, data: new Uint8Array(estimated.buffer) },
      item.truth,
      item.foreground!,
      band,
    );
    console.log(
      `  ${item.id.padEnd(18)} as defined ${foregroundColourError(result, item.truth, item.foreground!, band).toFixed(4)}; ` +
        `alpha's share (true colours) ${foregroundColourError(withTruthColours, item.truth, item.foreground!, band).toFixed(4)}; ` +
        `with the true alpha: photo colours ${photoColours.toFixed(4)} → estimated ${estimatedColours.toFixed(4)}`,
    );
  }
  const first = rows[0]!;
  const last = rows.at(-1)!;
  const line = (s: Score | undefined) =>
    s
      ? `IoU ${s.iou.toFixed(3)} edge MAE ${s.maeEdge.toFixed(4)} core ${(s.coreOpaque * 100).toFixed(1)} %${s.colourEdge === undefined ? '' : ` colour ${s.colourEdge.toFixed(4)} shown ${s.colourShown!.toFixed(4)}`}`
      : '—';
  // TUNE_PICTURE=1 (with TUNE_FIT=letterbox, the fit of issue 13's before and after): BENCH.md's picture.
  if (process.env.TUNE_PICTURE === '1') {
    const lemur = list.find((item) => item.id === 'lemur')!;
    const picture = `${ROOT}bench/edges-lemur.png`;
    writeFileSync(
      picture,
      encodePng(edgePicture(lemur, cutout(lemur, masks.get('lemur')!, before), cutout(lemur, masks.get('lemur')!, shipped))),
    );
    console.log(`\nedge picture: ${picture}`);
  }
  console.log('\nper image: before → shipped');
  for (const item of list) console.log(`  ${item.id.padEnd(18)} ${line(first.per.get(item.id))}  →  ${line(last.per.get(item.id))}`);
});
