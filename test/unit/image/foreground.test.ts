import { describe, expect, it } from 'vitest';
import { boxBlurInPlace } from '../../../src/shared/image/box.ts';
import { DEFAULT_FOREGROUND_OPTIONS, estimateForeground } from '../../../src/shared/image/foreground.ts';

describe('box blur', () => {
  it('equals the clipped-window mean computed the slow way', () => {
    const width = 17;
    const height = 11;
    const plane = Float32Array.from({ length: width * height }, (_, i) => Math.sin(i * 1.7) * 3 + (i % 5));
    const radius = 3;
    const expected = new Float32Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        // Separable clipped means: the row means of the window's rows, averaged.
        let sum = 0;
        let rows = 0;
        for (let yy = Math.max(0, y - radius); yy <= Math.min(height - 1, y + radius); yy++) {
          let rowSum = 0;
          let n = 0;
          for (let xx = Math.max(0, x - radius); xx <= Math.min(width - 1, x + radius); xx++, n++) rowSum += plane[yy * width + xx]!;
          sum += rowSum / n;
          rows++;
        }
        expected[y * width + x] = sum / rows;
      }
    boxBlurInPlace(plane, width, height, radius);
    for (let i = 0; i < plane.length; i++) expect(plane[i]).toBeCloseTo(expected[i]!, 4);
  });
});

/**
 * A grey subject (F) on a green background (B) with a soft 8-pixel edge (fur-like, at 400 px),
 * composited exactly: I = αF + (1 − α)B. The cutout's edge colours should come back grey, not green.
 */
function softEdgeScene(width = 400, height = 300) {
  const F = [128, 120, 132];
  const B = [40, 170, 60];
  const rgba = new Uint8ClampedArray(width * height * 4);
  const alpha = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      // Subject on the left, a soft wavy vertical edge 8 pixels wide.
      const a = Math.min(1, Math.max(0, (228 + 6 * Math.sin(y / 9) - x) / 8));
      alpha[i] = a;
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = Math.round(a * F[c]! + (1 - a) * B[c]!);
      rgba[i * 4 + 3] = Math.round(a * 255);
    }
  return { rgba, alpha, F, B, width, height };
}

/** Mean |α·estimate − α·F| over the semi-transparent pixels (premultiplied colour error, 0–255). */
function premultipliedError(rgba: Uint8ClampedArray, F: number[]): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3]! / 255;
    if (a === 0 || a === 1) continue;
    for (let c = 0; c < 3; c++) sum += Math.abs(a * rgba[i + c]! - a * F[c]!);
    n += 3;
  }
  return sum / n;
}

describe('foreground estimation by blur fusion', () => {
  it('takes the old background out of the edge colours', () => {
    const scene = softEdgeScene();
    const before = premultipliedError(scene.rgba, scene.F);
    const estimated = Uint8ClampedArray.from(scene.rgba);
    estimateForeground(estimated, scene.width, scene.height);
    const after = premultipliedError(estimated, scene.F);
    expect(before).toBeGreaterThan(10);
    // Measured 11.7 → 0.7 (the coarse first pass makes it approximate); at least 85 % removed.
    expect(after).toBeLessThan(before * 0.15);
  });

  it('leaves opaque and fully transparent pixels exactly as they were', () => {
    const scene = softEdgeScene();
    const estimated = Uint8ClampedArray.from(scene.rgba);
    estimateForeground(estimated, scene.width, scene.height);
    const changed: number[] = [];
    let partial = 0;
    for (let i = 0; i < estimated.length; i += 4) {
      const a = scene.rgba[i + 3]!;
      if (estimated[i + 3] !== a) changed.push(i / 4);
      if (a > 0 && a < 255) partial++;
      else if ([0, 1, 2].some((c) => estimated[i + c] !== scene.rgba[i + c])) changed.push(i / 4);
    }
    expect(partial).toBeGreaterThan(1000);
    expect(changed).toEqual([]);
  });

  it('gives the same colours tile by tile as over the whole image at once', () => {
    // A textured photo with a soft edge that crosses many tiles, including the image border.
    const scene = softEdgeScene(241, 141);
    for (let i = 0; i < scene.rgba.length; i += 4)
      for (let c = 0; c < 3; c++) scene.rgba[i + c] = (scene.rgba[i + c]! + ((i * 7 + c * 13) % 31)) % 256;
    const whole = Uint8ClampedArray.from(scene.rgba);
    estimateForeground(whole, scene.width, scene.height, { ...DEFAULT_FOREGROUND_OPTIONS, tileSide: 100_000 });
    const tiled = Uint8ClampedArray.from(scene.rgba);
    estimateForeground(tiled, scene.width, scene.height, { ...DEFAULT_FOREGROUND_OPTIONS, tileSide: 16 });
    let changed = 0;
    let largest = 0;
    for (let i = 0; i < whole.length; i++) {
      largest = Math.max(largest, Math.abs(whole[i]! - tiled[i]!));
      if (whole[i] !== scene.rgba[i]) changed++;
    }
    expect(changed).toBeGreaterThan(1000);
    // Running sums start at other places: a rounding step at most.
    expect(largest).toBeLessThanOrEqual(1);
  });

  it('does nothing to a hard-edged mask, and copes with one-pixel images', () => {
    const rgba = new Uint8ClampedArray([10, 20, 30, 255, 40, 50, 60, 0]);
    const copy = Uint8ClampedArray.from(rgba);
    estimateForeground(copy, 2, 1);
    expect([...copy]).toEqual([...rgba]);
    const single = new Uint8ClampedArray([200, 100, 50, 128]);
    estimateForeground(single, 1, 1);
    expect(single[3]).toBe(128);
  });
});
