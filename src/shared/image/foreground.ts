/**
 * Foreground colour estimation ("colour decontamination") by blur fusion: Forte & Pitié,
 * "Approximate Fast Foreground Colour Estimation", ICIP 2021. A semi-transparent edge pixel of a photo
 * is a mix I = α·F + (1 − α)·B of the subject's colour F and the old background's B; keeping I as the
 * cutout's colour leaves a ring of the old background around hair and fur. Blur fusion estimates F
 * from local means of the subject (weighted by α) and of the background (weighted by 1 − α), then
 * puts the residual of the compositing equation back into F:
 *
 *   F̂ = blur(F·α)/blur(α),  B̂ = blur(B·(1 − α))/blur(1 − α),  F = F̂ + α·(I − α·F̂ − (1 − α)·B̂)
 *
 * twice: first with F = B = I and a large window, then with that F, the first B̂ and a small window.
 * Written from the paper (its reference code is a few lines of NumPy); chosen over Germer et al.'s
 * multi-level solver because it is a fixed number of box blurs, O(n) in pixels whatever the radius.
 *
 * The large first pass is smooth by construction, so it is computed on a copy at most FIRST_PASS_SIDE
 * pixels on its long side and sampled bilinearly; the second pass runs at full resolution on the tiles
 * that hold a semi-transparent pixel (see estimateForeground), so its memory is a few tiles' worth of
 * float planes plus the estimates kept aside. Pure; runs anywhere.
 */

import { boxBlurInPlace } from './box.ts';

/** Window sizes as a fraction of the image's long side (first pass) and in pixels (second pass). */
export interface ForegroundOptions {
  /** The paper's 90 px on images of about 1500 px: 0.06 of the long side. */
  firstRadiusFraction: number;
  /** The paper's 6 px. */
  secondRadius: number;
  /** Side of the tiles the second pass runs on (DEFAULT_TILE_SIDE); only changes speed. */
  tileSide?: number;
}

const DEFAULT_TILE_SIDE = 64;

export const DEFAULT_FOREGROUND_OPTIONS: ForegroundOptions = { firstRadiusFraction: 0.06, secondRadius: 6 };

/** Long side of the copy the first, large-window pass runs on. */
const FIRST_PASS_SIDE = 512;
const EPSILON = 1e-5;

/** The first pass's local means on a small copy: F̂ and B̂ per channel, sampled later by coordinates. */
interface CoarseMeans {
  width: number;
  height: number;
  /** F̂ for r, g, b (planar). */
  foreground: Float32Array[];
  /** B̂ for r, g, b (planar). */
  background: Float32Array[];
}

function coarseMeans(rgba: Uint8ClampedArray, width: number, height: number, radiusFraction: number): CoarseMeans {
  const scale = Math.min(1, FIRST_PASS_SIDE / Math.max(width, height));
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  // Area-average down-sampling: each small pixel is the mean of the full pixels that fall in it.
  const alpha = new Float32Array(w * h);
  const weighted = [0, 1, 2].map(() => new Float32Array(w * h));
  const inverse = [0, 1, 2].map(() => new Float32Array(w * h));
  const counts = new Float32Array(w * h);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(h - 1, Math.floor(y * scale));
    for (let x = 0; x < width; x++) {
      const s = sy * w + Math.min(w - 1, Math.floor(x * scale));
      const p = (y * width + x) * 4;
      const a = rgba[p + 3]! / 255;
      alpha[s]! += a;
      counts[s]! += 1;
      for (let c = 0; c < 3; c++) {
        const value = rgba[p + c]! / 255;
        weighted[c]![s]! += value * a;
        inverse[c]![s]! += value * (1 - a);
      }
    }
  }
  for (let s = 0; s < w * h; s++) {
    const n = counts[s]! || 1;
    alpha[s]! /= n;
    for (let c = 0; c < 3; c++) {
      weighted[c]![s]! /= n;
      inverse[c]![s]! /= n;
    }
  }
  const radius = Math.max(1, Math.round(radiusFraction * Math.max(width, height) * scale));
  boxBlurInPlace(alpha, w, h, radius);
  for (let c = 0; c < 3; c++) {
    boxBlurInPlace(weighted[c]!, w, h, radius);
    boxBlurInPlace(inverse[c]!, w, h, radius);
    for (let s = 0; s < w * h; s++) {
      weighted[c]![s] = weighted[c]![s]! / (alpha[s]! + EPSILON);
      inverse[c]![s] = inverse[c]![s]! / (1 - alpha[s]! + EPSILON);
    }
  }
  return { width: w, height: h, foreground: weighted, background: inverse };
}

/**
 * For each of `fullSize` pixels along one axis, where it samples a coarse axis of `coarseSize`
 * (pixel centres aligned): the two coarse indices and the weight of the second, three numbers each.
 */
function bilinearTaps(fullSize: number, coarseSize: number): { taps: Float64Array } {
  const taps = new Float64Array(fullSize * 3);
  const scale = coarseSize / fullSize;
  for (let i = 0; i < fullSize; i++) {
    const f = Math.min(coarseSize - 1, Math.max(0, (i + 0.5) * scale - 0.5));
    const low = Math.floor(f);
    taps[i * 3] = low;
    taps[i * 3 + 1] = Math.min(coarseSize - 1, low + 1);
    taps[i * 3 + 2] = f - low;
  }
  return { taps };
}

const clamp01 = (value: number) => (value < 0 ? 0 : value > 1 ? 1 : value);

/**
 * Replaces the colour of every semi-transparent pixel (0 < α < 255) of a straight-alpha RGBA image with
 * its estimated foreground colour. Opaque and fully transparent pixels are left exactly as they were.
 *
 * The second pass only matters within its window of a semi-transparent pixel, so it runs tile by tile
 * (`tileSide` pixels, plus an apron of the window's radius) over the tiles that hold one: the box
 * means inside a tile's core are exactly those of the whole image, at a fraction of the work (at 12 MP
 * most tiles are all subject or all background). Results are kept aside until every tile has read
 * the photo's own colours, then written.
 */
export function estimateForeground(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  options: ForegroundOptions = DEFAULT_FOREGROUND_OPTIONS,
): void {
  const tileSide = Math.max(1, Math.round(options.tileSide ?? DEFAULT_TILE_SIDE));
  const tilesX = Math.ceil(width / tileSide);
  const tilesY = Math.ceil(height / tileSide);
  const mixedTiles = new Uint8Array(tilesX * tilesY);
  let anyMixed = false;
  for (let y = 0; y < height; y++) {
    const tileRow = Math.floor(y / tileSide) * tilesX;
    for (let x = 0; x < width; x++) {
      const a = rgba[(y * width + x) * 4 + 3]!;
      if (a > 0 && a < 255) {
        mixedTiles[tileRow + Math.floor(x / tileSide)] = 1;
        anyMixed = true;
      }
    }
  }
  if (!anyMixed) return;

  const coarse = coarseMeans(rgba, width, height, options.firstRadiusFraction);
  const radius = Math.max(1, Math.round(options.secondRadius));
  // Where each full-resolution column and row samples the coarse means (bilinear), computed once.
  const columns = bilinearTaps(width, coarse.width);
  const rows = bilinearTaps(height, coarse.height);

  const regionSide = tileSide + 2 * radius;
  const regionSize = Math.min(width, regionSide) * Math.min(height, regionSide);
  const alpha = new Float32Array(regionSize);
  const alphaMean = new Float32Array(regionSize);
  // F₁·α and B₁·(1 − α) for r, g, b.
  const foregroundWeighted = [0, 1, 2].map(() => new Float32Array(regionSize));
  const backgroundWeighted = [0, 1, 2].map(() => new Float32Array(regionSize));
  const results: Array<{ x0: number; y0: number; w: number; h: number; rgb: Uint8ClampedArray }> = [];

  for (let ty = 0; ty < tilesY; ty++) {
    for (let tx = 0; tx < tilesX; tx++) {
      if (!mixedTiles[ty * tilesX + tx]) continue;
      // The tile's core, and the region around it that its windows reach.
      const coreX0 = tx * tileSide;
      const coreY0 = ty * tileSide;
      const coreW = Math.min(tileSide, width - coreX0);
      const coreH = Math.min(tileSide, height - coreY0);
      const x0 = Math.max(0, coreX0 - radius);
      const y0 = Math.max(0, coreY0 - radius);
      const w = Math.min(width, coreX0 + coreW + radius) - x0;
      const h = Math.min(height, coreY0 + coreH + radius) - y0;
      const size = w * h;
      // First pass at full resolution from the coarse means: F₁ = F̂ + α(I − αF̂ − (1 − α)B̂), and B₁ = B̂.
      for (let y = 0, j = 0; y < h; y++) {
        const row = (y0 + y) * 3;
        const top = rows.taps[row]! * coarse.width;
        const bottom = rows.taps[row + 1]! * coarse.width;
        const ty1 = rows.taps[row + 2]!;
        for (let x = 0; x < w; x++, j++) {
          const p = ((y0 + y) * width + x0 + x) * 4;
          const a = rgba[p + 3]! / 255;
          alpha[j] = a;
          const column = (x0 + x) * 3;
          const left = columns.taps[column]!;
          const right = columns.taps[column + 1]!;
          const tx1 = columns.taps[column + 2]!;
          const w00 = (1 - tx1) * (1 - ty1);
          const w01 = tx1 * (1 - ty1);
          const w10 = (1 - tx1) * ty1;
          const w11 = tx1 * ty1;
          for (let c = 0; c < 3; c++) {
            const f = coarse.foreground[c]!;
            const g = coarse.background[c]!;
            const meanF = f[top + left]! * w00 + f[top + right]! * w01 + f[bottom + left]! * w10 + f[bottom + right]! * w11;
            const meanB = g[top + left]! * w00 + g[top + right]! * w01 + g[bottom + left]! * w10 + g[bottom + right]! * w11;
            const first = clamp01(meanF + a * (rgba[p + c]! / 255 - a * meanF - (1 - a) * meanB));
            foregroundWeighted[c]![j] = first * a;
            backgroundWeighted[c]![j] = meanB * (1 - a);
          }
        }
      }
      // Second pass, small window.
      alphaMean.set(alpha.subarray(0, size));
      boxBlurInPlace(alphaMean.subarray(0, size), w, h, radius);
      for (let c = 0; c < 3; c++) {
        boxBlurInPlace(foregroundWeighted[c]!.subarray(0, size), w, h, radius);
        boxBlurInPlace(backgroundWeighted[c]!.subarray(0, size), w, h, radius);
      }
      const rgb = new Uint8ClampedArray(coreW * coreH * 3);
      for (let y = 0; y < coreH; y++) {
        for (let x = 0; x < coreW; x++) {
          const i = (coreY0 + y) * width + coreX0 + x;
          const byte = rgba[i * 4 + 3]!;
          if (byte === 0 || byte === 255) continue;
          const j = (coreY0 - y0 + y) * w + (coreX0 - x0 + x);
          const a = alpha[j]!;
          const meanA = alphaMean[j]!;
          for (let c = 0; c < 3; c++) {
            const meanF = foregroundWeighted[c]![j]! / (meanA + EPSILON);
            const meanB = backgroundWeighted[c]![j]! / (1 - meanA + EPSILON);
            const image = rgba[i * 4 + c]! / 255;
            rgb[(y * coreW + x) * 3 + c] = Math.round(clamp01(meanF + a * (image - a * meanF - (1 - a) * meanB)) * 255);
          }
        }
      }
      results.push({ x0: coreX0, y0: coreY0, w: coreW, h: coreH, rgb });
    }
  }
  // Every tile has read the photo's colours: now write the estimates of the semi-transparent pixels.
  for (const { x0, y0, w, h, rgb } of results) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const p = ((y0 + y) * width + x0 + x) * 4;
        const byte = rgba[p + 3]!;
        if (byte === 0 || byte === 255) continue;
        const k = (y * w + x) * 3;
        rgba[p] = rgb[k]!;
        rgba[p + 1] = rgb[k + 1]!;
        rgba[p + 2] = rgb[k + 2]!;
      }
    }
  }
}
