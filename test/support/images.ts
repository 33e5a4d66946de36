/**
 * Test images and cutout-quality metrics, computed in Node (pngjs). Used by e2e tests and the bench.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';

export const EVAL_DIR = fileURLToPath(new URL('../fixtures/eval/', import.meta.url));

export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

export function readPng(pathOrBuffer: string | Buffer): Rgba {
  const png = PNG.sync.read(typeof pathOrBuffer === 'string' ? readFileSync(pathOrBuffer) : pathOrBuffer);
  return { width: png.width, height: png.height, data: png.data };
}

export function encodePng(image: Rgba): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png);
}

/** The matte's alpha (grey PNG decoded to RGBA: take the red channel). */
export function alphaOf(matte: Rgba): Uint8Array {
  const alpha = new Uint8Array(matte.width * matte.height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = matte.data[i * 4] ?? 0;
  return alpha;
}

/**
 * An exact-truth photo: foreground × alpha over a background, so `alpha` is the true matte.
 * Returns the opaque composite and its truth.
 */
export function exactTruthComposite(
  foregroundFile = 'lemur_foreground.png',
  alphaFile = 'lemur_alpha.png',
  backgroundFile = 'beach.png',
): { photo: Rgba; truth: Uint8Array } {
  const foreground = readPng(EVAL_DIR + foregroundFile);
  const truth = alphaOf(readPng(EVAL_DIR + alphaFile));
  const background = readPng(EVAL_DIR + backgroundFile);
  const { width, height } = foreground;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const a = (truth[i] ?? 0) / 255;
    for (let c = 0; c < 3; c++) {
      const fg = foreground.data[i * 4 + c] ?? 0;
      const bg = background.data[i * 4 + c] ?? 0;
      data[i * 4 + c] = Math.round(fg * a + bg * (1 - a));
    }
    data[i * 4 + 3] = 255;
  }
  return { photo: { width, height, data }, truth };
}

/** The exact-truth lemur over one flat colour: what a simple colour-key cutout (the fakes) handles. */
export function exactTruthOnColour(colour: readonly [number, number, number]): { photo: Rgba; truth: Uint8Array } {
  const foreground = readPng(EVAL_DIR + 'lemur_foreground.png');
  const truth = alphaOf(readPng(EVAL_DIR + 'lemur_alpha.png'));
  const { width, height } = foreground;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const a = (truth[i] ?? 0) / 255;
    for (let c = 0; c < 3; c++) data[i * 4 + c] = Math.round((foreground.data[i * 4 + c] ?? 0) * a + (colour[c] ?? 0) * (1 - a));
    data[i * 4 + 3] = 255;
  }
  return { photo: { width, height, data }, truth };
}

/** Intersection over union of the two mattes thresholded at 0.5. */
export function alphaIoU(predicted: Uint8Array, truth: Uint8Array): number {
  let intersection = 0;
  let union = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = (predicted[i] ?? 0) >= 128;
    const t = (truth[i] ?? 0) >= 128;
    if (p && t) intersection++;
    if (p || t) union++;
  }
  return union === 0 ? 1 : intersection / union;
}

/**
 * The subject core: pixels whose true alpha is at least `solid` (the reference matte is estimated,
 * so its interior holds 250–254 as well as 255) and at least `margin` px from any pixel below it.
 * A square erosion done as two separable min passes.
 */
export function opaqueCore(truth: Uint8Array, width: number, height: number, margin: number, solid = 250): Uint8Array {
  const rows = new Uint8Array(truth.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let inside = 1;
      for (let dx = -margin; dx <= margin && inside; dx++) {
        const nx = x + dx;
        if (nx < 0 || nx >= width || (truth[y * width + nx] ?? 0) < solid) inside = 0;
      }
      rows[y * width + x] = inside;
    }
  }
  const core = new Uint8Array(truth.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let inside = 1;
      for (let dy = -margin; dy <= margin && inside; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height || !rows[ny * width + x]) inside = 0;
      }
      core[y * width + x] = inside;
    }
  }
  return core;
}

/** Fraction of the core where the predicted alpha is exactly 255. */
export function coreOpaqueFraction(predicted: Uint8Array, core: Uint8Array): number {
  let total = 0;
  let opaque = 0;
  for (let i = 0; i < core.length; i++) {
    if (!core[i]) continue;
    total++;
    if (predicted[i] === 255) opaque++;
  }
  return total === 0 ? 0 : opaque / total;
}

export function alphaChannel(image: Rgba): Uint8Array {
  const alpha = new Uint8Array(image.width * image.height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = image.data[i * 4 + 3] ?? 0;
  return alpha;
}
