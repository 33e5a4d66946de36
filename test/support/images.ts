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
): { photo: Rgba; truth: Uint8Array; foreground: Rgba } {
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
  return { photo: { width, height, data }, truth, foreground };
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

/** Bilinear resize of one 8-bit channel plane (pixel centres aligned), for scaled exact-truth composites. */
function resizePlane(
  read: (index: number) => number,
  width: number,
  height: number,
  toWidth: number,
  toHeight: number,
  write: (index: number, value: number) => void,
): void {
  const sx = width / toWidth;
  const sy = height / toHeight;
  for (let y = 0; y < toHeight; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, height - 1);
    const wy = fy - y0;
    for (let x = 0; x < toWidth; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, width - 1);
      const wx = fx - x0;
      const top = read(y0 * width + x0) * (1 - wx) + read(y0 * width + x1) * wx;
      const bottom = read(y1 * width + x0) * (1 - wx) + read(y1 * width + x1) * wx;
      write(y * toWidth + x, top * (1 - wy) + bottom * wy);
    }
  }
}

/**
 * The exact-truth composite at about `megapixels` MP: foreground, matte and background are each
 * upscaled (bilinear), then composited at full size, so the returned matte is exact at that size.
 */
export function scaledExactTruthComposite(
  megapixels: number,
  backgroundFile = 'beach.png',
): { photo: Rgba; truth: Uint8Array; foreground: Rgba } {
  const foreground = readPng(EVAL_DIR + 'lemur_foreground.png');
  const matte = alphaOf(readPng(EVAL_DIR + 'lemur_alpha.png'));
  const background = readPng(EVAL_DIR + backgroundFile);
  const { width, height } = foreground;
  const scale = Math.sqrt((megapixels * 1_000_000) / (width * height));
  const toWidth = Math.round(width * scale);
  const toHeight = Math.round(height * scale);
  const count = toWidth * toHeight;
  const truth = new Uint8Array(count);
  resizePlane(
    (i) => matte[i] ?? 0,
    width,
    height,
    toWidth,
    toHeight,
    (i, v) => (truth[i] = Math.round(v)),
  );
  const data = new Uint8Array(count * 4);
  const foregroundOut = new Uint8Array(count * 4);
  const fg = new Uint8Array(count);
  const bg = new Uint8Array(count);
  for (let c = 0; c < 3; c++) {
    resizePlane(
      (i) => foreground.data[i * 4 + c] ?? 0,
      width,
      height,
      toWidth,
      toHeight,
      (i, v) => (fg[i] = Math.round(v)),
    );
    resizePlane(
      (i) => background.data[i * 4 + c] ?? 0,
      width,
      height,
      toWidth,
      toHeight,
      (i, v) => (bg[i] = Math.round(v)),
    );
    for (let i = 0; i < count; i++) {
      const a = (truth[i] ?? 0) / 255;
      data[i * 4 + c] = Math.round((fg[i] ?? 0) * a + (bg[i] ?? 0) * (1 - a));
      foregroundOut[i * 4 + c] = fg[i] ?? 0;
    }
  }
  for (let i = 0; i < count; i++) data[i * 4 + 3] = foregroundOut[i * 4 + 3] = 255;
  return {
    photo: { width: toWidth, height: toHeight, data },
    truth,
    foreground: { width: toWidth, height: toHeight, data: foregroundOut },
  };
}

/** Square erosion of a 0/1 mask by `radius` in O(pixels): two separable sliding-window counts. */
export function erodeMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const window = 2 * radius + 1;
  const rows = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let count = 0; // set pixels in [x - radius, x + radius], outside the image counts as unset
    for (let x = 0; x < Math.min(radius, width); x++) count += mask[row + x] ? 1 : 0;
    for (let x = 0; x < width; x++) {
      const enter = x + radius;
      if (enter < width && mask[row + enter]) count++;
      rows[row + x] = count === window ? 1 : 0;
      const leave = x - radius;
      if (leave >= 0 && mask[row + leave]) count--;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < width; x++) {
    let count = 0;
    for (let y = 0; y < Math.min(radius, height); y++) count += rows[y * width + x] ? 1 : 0;
    for (let y = 0; y < height; y++) {
      const enter = y + radius;
      if (enter < height && rows[enter * width + x]) count++;
      out[y * width + x] = count === window ? 1 : 0;
      const leave = y - radius;
      if (leave >= 0 && rows[leave * width + x]) count--;
    }
  }
  return out;
}

/**
 * The edge band: every pixel that is neither deep inside the subject (true alpha ≥ 250 all around)
 * nor deep in the background (true alpha ≤ 5 all around), with `radius` px of margin on both sides.
 */
export function edgeBand(truth: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const solid = new Uint8Array(truth.length);
  const clear = new Uint8Array(truth.length);
  for (let i = 0; i < truth.length; i++) {
    const a = truth[i] ?? 0;
    solid[i] = a >= 250 ? 1 : 0;
    clear[i] = a <= 5 ? 1 : 0;
  }
  const inside = erodeMask(solid, width, height, radius);
  const outside = erodeMask(clear, width, height, radius);
  const band = new Uint8Array(truth.length);
  for (let i = 0; i < truth.length; i++) band[i] = inside[i] || outside[i] ? 0 : 1;
  return band;
}

/**
 * Foreground colour error on a 0–1 scale: the mean over RGB of |α·F − α_truth·F_truth| (premultiplied,
 * so a pixel's colour counts as much as it shows), over all pixels or those where `where` is set. A
 * cutout whose edge pixels keep the old background's colour scores high even with a perfect alpha.
 */
export function foregroundColourError(result: Rgba, truth: Uint8Array, truthForeground: Rgba, where?: Uint8Array): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < truth.length; i++) {
    if (where && !where[i]) continue;
    const a = (result.data[i * 4 + 3] ?? 0) / 255;
    const t = (truth[i] ?? 0) / 255;
    for (let c = 0; c < 3; c++) sum += Math.abs(a * (result.data[i * 4 + c] ?? 0) - t * (truthForeground.data[i * 4 + c] ?? 0));
    count += 3;
  }
  return count === 0 ? 0 : sum / count / 255;
}

/**
 * The halo a person sees, without the alpha's own error: how far each shown colour is from the
 * subject's true colour (straight RGB, 0–1), weighted by how opaque the cutout shows it, over pixels
 * the truth says belong to the subject (α_truth > 0) and, if given, inside `where`.
 * `foregroundColourError` counts a wrong alpha as a colour error too; this does not.
 */
export function shownColourError(result: Rgba, truth: Uint8Array, truthForeground: Rgba, where?: Uint8Array): number {
  let sum = 0;
  let weight = 0;
  for (let i = 0; i < truth.length; i++) {
    if ((where && !where[i]) || !truth[i]) continue;
    const a = (result.data[i * 4 + 3] ?? 0) / 255;
    if (a === 0) continue;
    let difference = 0;
    for (let c = 0; c < 3; c++) difference += Math.abs((result.data[i * 4 + c] ?? 0) - (truthForeground.data[i * 4 + c] ?? 0));
    sum += (a * difference) / 3;
    weight += a;
  }
  return weight === 0 ? 0 : sum / weight / 255;
}

/** Mean absolute alpha error on a 0–1 scale, over all pixels or over those where `where` is set. */
export function meanAbsAlphaError(predicted: Uint8Array, truth: Uint8Array, where?: Uint8Array): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < truth.length; i++) {
    if (where && !where[i]) continue;
    sum += Math.abs((predicted[i] ?? 0) - (truth[i] ?? 0));
    count++;
  }
  return count === 0 ? 0 : sum / count / 255;
}

/** Subject core by fast erosion (same definition as opaqueCore), for large images. */
export function opaqueCoreFast(truth: Uint8Array, width: number, height: number, margin: number, solid = 250): Uint8Array {
  const mask = new Uint8Array(truth.length);
  for (let i = 0; i < truth.length; i++) mask[i] = (truth[i] ?? 0) >= solid ? 1 : 0;
  return erodeMask(mask, width, height, margin);
}

/** The edge band's half-width the bench uses: 4 model pixels (of 1024) each side, at least 2. */
export function edgeBandRadius(width: number, height: number): number {
  return Math.max(2, Math.round((4 * Math.max(width, height)) / 1024));
}

/** Quality of a cutout against exact truth: one definition for the bench, tune:edges and the e2e tests. */
export interface CutoutQuality {
  iou: number;
  /** Mean absolute alpha error over every pixel and over the edge band (0–1). */
  maeAll: number;
  maeEdge: number;
  /** Share of the subject's core (truth ≥ 250, eroded by the band radius) that is exactly 255. */
  coreOpaque: number;
  /** Premultiplied (α·F) colour error in the edge band: counts alpha errors too. Only with true colours. */
  colourEdge?: number;
  /** The halo alone (see shownColourError). Only with true colours. */
  colourShown?: number;
}

export function cutoutQuality(result: Rgba, truth: Uint8Array, truthForeground?: Rgba): CutoutQuality {
  const { width, height } = result;
  const alpha = alphaChannel(result);
  const radius = edgeBandRadius(width, height);
  const band = edgeBand(truth, width, height, radius);
  const quality: CutoutQuality = {
    iou: alphaIoU(alpha, truth),
    maeAll: meanAbsAlphaError(alpha, truth),
    maeEdge: meanAbsAlphaError(alpha, truth, band),
    coreOpaque: coreOpaqueFraction(alpha, opaqueCoreFast(truth, width, height, radius)),
  };
  if (truthForeground) {
    quality.colourEdge = foregroundColourError(result, truth, truthForeground, band);
    quality.colourShown = shownColourError(result, truth, truthForeground, band);
  }
  return quality;
}

/** Edge quality for the e2e tests: the cutout's quality with colours, and the halo the photo's own colours would give. */
export type EdgeQuality = Required<CutoutQuality> & {
  /** The same shown colour error had the cutout kept the photo's own (mixed) colours: as without the colour step. */
  colourShownIfPhotoColours: number;
};

export function edgeQuality(result: Rgba, photo: Rgba, truth: Uint8Array, truthForeground: Rgba): EdgeQuality {
  const { width, height } = result;
  const photoColours = { width, height, data: Uint8Array.from(photo.data) };
  for (let i = 0; i < width * height; i++) photoColours.data[i * 4 + 3] = result.data[i * 4 + 3]!;
  const band = edgeBand(truth, width, height, edgeBandRadius(width, height));
  return {
    ...(cutoutQuality(result, truth, truthForeground) as Required<CutoutQuality>),
    colourShownIfPhotoColours: shownColourError(photoColours, truth, truthForeground, band),
  };
}

export function describeEdgeQuality(q: EdgeQuality): string {
  return (
    `IoU ${q.iou.toFixed(4)}; edge MAE ${q.maeEdge.toFixed(4)}; core opaque ${(q.coreOpaque * 100).toFixed(2)} %; ` +
    `edge colour error ${q.colourEdge.toFixed(4)}; shown colour error ${q.colourShown.toFixed(4)} ` +
    `(with the photo's own colours ${q.colourShownIfPhotoColours.toFixed(4)})`
  );
}
