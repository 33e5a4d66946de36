import { describe, expect, it } from 'vitest';
import {
  alphaOf,
  edgeBand,
  erodeMask,
  EVAL_DIR,
  foregroundColourError,
  meanAbsAlphaError,
  opaqueCore,
  opaqueCoreFast,
  readPng,
  scaledExactTruthComposite,
  shownColourError,
} from '../support/images.ts';

describe('bench quality metrics', () => {
  const lemur = readPng(EVAL_DIR + 'lemur_alpha.png');
  const truth = alphaOf(lemur);

  it('fast erosion gives exactly the core of the plain definition', () => {
    for (const margin of [1, 4, 9]) {
      const slow = opaqueCore(truth, lemur.width, lemur.height, margin);
      const fast = opaqueCoreFast(truth, lemur.width, lemur.height, margin);
      expect(fast.reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
      expect(Buffer.from(fast).equals(Buffer.from(slow))).toBe(true);
    }
  });

  it('erodes a square to a smaller square and clears pixels near the image border', () => {
    const size = 9;
    const mask = new Uint8Array(size * size).fill(1);
    const eroded = erodeMask(mask, size, size, 2);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        expect(eroded[y * size + x]).toBe(x >= 2 && x <= 6 && y >= 2 && y <= 6 ? 1 : 0);
      }
    }
  });

  it('the edge band holds the soft pixels and neither deep inside nor deep outside', () => {
    const band = edgeBand(truth, lemur.width, lemur.height, 4);
    let soft = 0;
    let softInBand = 0;
    for (let i = 0; i < truth.length; i++) {
      const a = truth[i] ?? 0;
      if (a > 5 && a < 250) {
        soft++;
        if (band[i]) softInBand++;
      }
    }
    const inBand = band.reduce((a, b) => a + b, 0);
    expect(softInBand).toBe(soft);
    expect(inBand).toBeLessThan(truth.length / 2);
  });

  it('mean absolute alpha error is 0 for the truth and 1 for its inverse, also within a region', () => {
    const inverse = truth.map((a) => 255 - a);
    const band = edgeBand(truth, lemur.width, lemur.height, 4);
    expect(meanAbsAlphaError(truth, truth)).toBe(0);
    const all = meanAbsAlphaError(new Uint8Array(truth.length).fill(255), new Uint8Array(truth.length));
    expect(all).toBe(1);
    expect(meanAbsAlphaError(inverse, truth, band)).toBeGreaterThan(0);
    expect(meanAbsAlphaError(inverse, truth, band)).not.toBeCloseTo(meanAbsAlphaError(inverse, truth), 3);
  });

  it('the colour metrics: premultiplied counts a wrong alpha, the shown colour does not', () => {
    const pixel = (r: number, g: number, b: number, a: number) => ({ width: 1, height: 1, data: Uint8Array.of(r, g, b, a) });
    const foreground = pixel(100, 100, 100, 255);
    const half = Uint8Array.of(128);
    // Right colour, right alpha: no error in either.
    expect(foregroundColourError(pixel(100, 100, 100, 128), half, foreground)).toBe(0);
    expect(shownColourError(pixel(100, 100, 100, 128), half, foreground)).toBe(0);
    // Right colour, alpha 255 instead of 128: premultiplied sees 100·(1 − 0.502); the shown colour is right.
    expect(foregroundColourError(pixel(100, 100, 100, 255), half, foreground)).toBeCloseTo((100 * (1 - 128 / 255)) / 255, 6);
    expect(shownColourError(pixel(100, 100, 100, 255), half, foreground)).toBe(0);
    // A green halo: G off by 60 at any visible alpha is 20/255 shown; a pixel outside the truth is not counted.
    expect(shownColourError(pixel(100, 160, 100, 64), half, foreground)).toBeCloseTo(20 / 255, 6);
    expect(shownColourError(pixel(100, 160, 100, 64), Uint8Array.of(0), foreground)).toBe(0);
  });

  it('scales the exact-truth composite to the asked megapixels with an opaque photo', () => {
    const { photo, truth: scaled } = scaledExactTruthComposite(1);
    expect(photo.width * photo.height).toBeGreaterThan(0.98e6);
    expect(photo.width * photo.height).toBeLessThan(1.02e6);
    expect(scaled.length).toBe(photo.width * photo.height);
    expect(photo.data[3]).toBe(255);
  });
});
