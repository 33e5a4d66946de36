import { describe, expect, it } from 'vitest';
import { boxMean } from '../../src/shared/image/box.ts';
import { applyGuidedAlpha, guidedCoefficients, lumaOf } from '../../src/shared/image/guided-filter.ts';

describe('box mean', () => {
  it('averages the clamped window around each pixel', () => {
    const src = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const mean = boxMean(src, 3, 3, 1);
    expect(mean[4]).toBeCloseTo(5); // the whole image
    expect(mean[0]).toBeCloseTo((1 + 2 + 4 + 5) / 4); // corner: four pixels inside
    expect(mean[1]).toBeCloseTo((1 + 2 + 3 + 4 + 5 + 6) / 6);
  });
});

describe('guided filter', () => {
  // A photo with a sharp vertical edge at x = 41 of 80 (dark left, bright right), and the right mask
  // at half resolution, where the edge falls inside low-res pixel 20 (half grey, mask 0.5). A plain
  // bilinear upscale smears the edge over several pixels; the guided result must snap to the photo.
  const width = 80;
  const height = 8;
  const photo = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const value = x >= 41 ? 230 : 30;
      photo.set([value, value, value, 255], (y * width + x) * 4);
    }
  }
  const lowWidth = 40;
  const lowHeight = 4;
  const guide = new Float32Array(lowWidth * lowHeight);
  const mask = new Float32Array(lowWidth * lowHeight);
  for (let y = 0; y < lowHeight; y++) {
    for (let x = 0; x < lowWidth; x++) {
      const share = x > 20 ? 1 : x === 20 ? 0.5 : 0; // how much of the 2 px is bright
      guide[y * lowWidth + x] = (30 + 200 * share) / 255;
      mask[y * lowWidth + x] = share;
    }
  }

  it('follows the photo edge: much closer to the true step than a bilinear upscale of the mask', () => {
    const coefficients = guidedCoefficients(guide, mask, lowWidth, lowHeight, 2, 1e-4);
    const pixels = photo.slice();
    applyGuidedAlpha(pixels, width, height, coefficients);
    const row = 4;
    let guidedError = 0;
    let bilinearError = 0;
    for (let x = 0; x < width; x++) {
      const truth = x >= 41 ? 255 : 0;
      const fx = Math.min(Math.max((x + 0.5) / 2 - 0.5, 0), lowWidth - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, lowWidth - 1);
      const bilinear = ((mask[x0] ?? 0) * (1 - (fx - x0)) + (mask[x1] ?? 0) * (fx - x0)) * 255;
      bilinearError += Math.abs(bilinear - truth);
      guidedError += Math.abs((pixels[(row * width + x) * 4 + 3] ?? 0) - truth);
    }
    expect(bilinearError).toBeGreaterThan(200);
    expect(guidedError).toBeLessThan(bilinearError / 4);
    expect(pixels[(row * width + 10) * 4 + 3]).toBe(0);
    expect(pixels[(row * width + 70) * 4 + 3]).toBe(255);
    expect(pixels[(row * width + 70) * 4]).toBe(230); // colours untouched
  });

  it('keeps a flat mask flat whatever the guide', () => {
    const coefficients = guidedCoefficients(guide, new Float32Array(lowWidth * lowHeight).fill(1), lowWidth, lowHeight, 4, 1e-3);
    const pixels = photo.slice();
    applyGuidedAlpha(pixels, width, height, coefficients);
    for (let i = 3; i < pixels.length; i += 4) expect(pixels[i]).toBe(255);
  });

  it('keeps the photo’s own transparency (the mask multiplies it)', () => {
    const coefficients = guidedCoefficients(guide, new Float32Array(lowWidth * lowHeight).fill(1), lowWidth, lowHeight, 4, 1e-3);
    const pixels = photo.slice();
    pixels[3] = 0;
    pixels[7] = 128;
    applyGuidedAlpha(pixels, width, height, coefficients);
    expect(pixels[3]).toBe(0);
    expect(pixels[7]).toBe(128);
    expect(pixels[11]).toBe(255);
  });

  it('computes luma with Rec. 601 weights', () => {
    const luma = lumaOf(new Uint8ClampedArray([255, 0, 0, 255, 255, 255, 255, 255]), 2);
    expect(luma[0]).toBeCloseTo(0.299);
    expect(luma[1]).toBeCloseTo(1);
  });
});
