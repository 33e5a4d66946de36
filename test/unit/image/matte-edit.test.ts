import { describe, expect, it } from 'vitest';
import {
  applyStroke,
  readPatch,
  simplifyPath,
  strokeCoverage,
  strokeRect,
  writePatch,
  type BrushStroke,
} from '../../../src/shared/image/matte-edit.ts';
import { createEditHistory } from '../../../src/shared/image/edit-history.ts';

const size = { width: 80, height: 60 };

/** A photo: a red disc (centre 40,30, radius 15) on green. */
function photo(): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(size.width * size.height * 4);
  for (let y = 0; y < size.height; y++) {
    for (let x = 0; x < size.width; x++) {
      const i = (y * size.width + x) * 4;
      const inDisc = Math.hypot(x + 0.5 - 40, y + 0.5 - 30) < 15;
      rgba.set(inDisc ? [220, 30, 30, 255] : [20, 180, 40, 255], i);
    }
  }
  return rgba;
}

/** The model's cutout of it: the disc opaque in red, the rest transparent. */
function cutoutOf(source: Uint8ClampedArray): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(source.length);
  for (let i = 0; i < source.length; i += 4) {
    if (source[i] === 220) rgba.set([220, 30, 30, 255], i);
  }
  return rgba;
}

const alphaAt = (rgba: Uint8ClampedArray, x: number, y: number): number => rgba[(y * size.width + x) * 4 + 3]!;

const stroke = (change: Partial<BrushStroke>): BrushStroke => ({
  mode: 'erase',
  smart: false,
  radius: 5,
  hardness: 0.5,
  points: [{ x: 40, y: 30 }],
  ...change,
});

describe('strokeRect and strokeCoverage', () => {
  it('bounds the path by its radius, clipped to the image', () => {
    expect(
      strokeRect(
        stroke({
          points: [
            { x: 2, y: 3 },
            { x: 20, y: 3 },
          ],
        }),
        size,
      ),
    ).toEqual({ x: 0, y: 0, width: 26, height: 9 });
    expect(strokeRect(stroke({ points: [{ x: -50, y: -50 }] }), size)).toBeUndefined();
    expect(strokeRect(stroke({ points: [] }), size)).toBeUndefined();
  });

  it('paints fully in the core, fades to nothing at the radius, and nothing past it', () => {
    const brush = stroke({ radius: 10, hardness: 0.5 });
    const rect = strokeRect(brush, size)!;
    const coverage = strokeCoverage(brush, rect);
    const at = (x: number, y: number) => coverage[(y - rect.y) * rect.width + (x - rect.x)]!;
    expect(at(40, 30)).toBe(1);
    expect(at(43, 30)).toBe(1); // within 0.5 × 10
    expect(at(47, 30)).toBeGreaterThan(0);
    expect(at(47, 30)).toBeLessThan(1);
    expect(at(40 + 10, 30)).toBe(0);
    expect(at(33, 23)).toBeLessThan(0.1); // 9.2 px from the centre: faint at most
  });

  it('covers the whole segment between points, not only the points', () => {
    const brush = stroke({
      radius: 3,
      hardness: 1,
      points: [
        { x: 10, y: 10 },
        { x: 60, y: 10 },
      ],
    });
    const rect = strokeRect(brush, size)!;
    const coverage = strokeCoverage(brush, rect);
    for (const x of [10, 25, 35, 59]) expect(coverage[(10 - rect.y) * rect.width + (x - rect.x)]).toBe(1);
  });

  it('keeps the path shape with fewer points', () => {
    const dense = Array.from({ length: 101 }, (_, i) => ({ x: i / 10, y: 0 }));
    const kept = simplifyPath(dense, 8);
    expect(kept.length).toBeLessThan(10);
    expect(kept[0]).toEqual(dense[0]);
    expect(kept[kept.length - 1]).toEqual(dense[100]);
  });
});

describe('applyStroke', () => {
  it('erase takes the subject away under the brush and nowhere else, and reports before and after', () => {
    const source = photo();
    const cutout = cutoutOf(source);
    const untouched = cutout.slice();
    const change = applyStroke(cutout, source, size, stroke({ radius: 4, hardness: 1 }))!;
    expect(alphaAt(cutout, 40, 30)).toBe(0);
    expect(alphaAt(cutout, 46, 30)).toBe(255);
    // Outside the rectangle not one byte moved.
    const { rect } = change.before;
    for (let y = 0; y < size.height; y++) {
      for (let x = 0; x < size.width; x++) {
        const inside = x >= rect.x && x < rect.x + rect.width && y >= rect.y && y < rect.y + rect.height;
        if (!inside) expect(alphaAt(cutout, x, y)).toBe(alphaAt(untouched, x, y));
      }
    }
    writePatch(cutout, size, change.before);
    expect(cutout).toEqual(untouched);
    writePatch(cutout, size, change.after);
    expect(alphaAt(cutout, 40, 30)).toBe(0);
  });

  it('restore brings the photo back, opaque in the core and in its own colours, soft at the rim', () => {
    const source = photo();
    const cutout = new Uint8ClampedArray(source.length); // nothing kept
    applyStroke(cutout, source, size, stroke({ mode: 'restore', radius: 6, hardness: 0.5, points: [{ x: 10, y: 10 }] }));
    const centre = (10 * size.width + 10) * 4;
    expect([...cutout.subarray(centre, centre + 4)]).toEqual([20, 180, 40, 255]);
    const rim = alphaAt(cutout, 15, 10);
    expect(rim).toBeGreaterThan(0);
    expect(rim).toBeLessThan(255);
  });

  it("keeps the subject's own colour in a soft erased edge, not black", () => {
    const source = photo();
    const cutout = cutoutOf(source);
    applyStroke(cutout, source, size, stroke({ radius: 8, hardness: 0.2 }));
    const i = (30 * size.width + 46) * 4;
    expect(cutout[i + 3]).toBeGreaterThan(0);
    expect(cutout[i + 3]).toBeLessThan(255);
    expect(cutout[i]).toBeGreaterThan(150); // still the disc's red
  });

  it('does nothing (and says so) when the brush paints what is already there', () => {
    const source = photo();
    const cutout = cutoutOf(source);
    expect(applyStroke(cutout, source, size, stroke({ points: [{ x: 5, y: 5 }] }))).toBeUndefined();
  });

  it('smart: a stroke started on the background erases only background-coloured pixels, along the edge', () => {
    const source = photo();
    // A model that kept a green ring around the disc (the edge it should have cut).
    const cutout = cutoutOf(source);
    for (let y = 0; y < size.height; y++) {
      for (let x = 0; x < size.width; x++) {
        const distance = Math.hypot(x + 0.5 - 40, y + 0.5 - 30);
        if (distance >= 15 && distance < 19) cutout.set([20, 180, 40, 255], (y * size.width + x) * 4);
      }
    }
    const along = Array.from({ length: 9 }, (_, i) => ({ x: 40 + (i - 4) * 2, y: 30 - 17 }));
    const smart = cutout.slice();
    applyStroke(smart, source, size, stroke({ smart: true, radius: 6, hardness: 1, points: along }));
    // The green ring under the brush is gone, the red disc under the brush is kept opaque.
    expect(alphaAt(smart, 40, 12)).toBe(0);
    expect(alphaAt(smart, 40, 17)).toBe(255);
    expect(alphaAt(smart, 36, 18)).toBe(255);
    // A plain stroke on the same path takes the disc's top too.
    const plain = cutout.slice();
    applyStroke(plain, source, size, stroke({ radius: 6, hardness: 1, points: along }));
    expect(alphaAt(plain, 40, 17)).toBe(0);
  });

  it("smart: a pixel that mixes both colours keeps its share of the subject, in the subject's colour (the sky taken out)", () => {
    const source = photo();
    const cutout = cutoutOf(source);
    // Half red, half green: a strand's edge against the background, which the model kept opaque as it looks.
    const mixed = (14 * size.width + 40) * 4;
    source.set([120, 105, 35, 255], mixed);
    cutout.set([120, 105, 35, 255], mixed);
    const along = Array.from({ length: 9 }, (_, i) => ({ x: 40 + (i - 4) * 2, y: 12 }));
    applyStroke(cutout, source, size, stroke({ smart: true, radius: 6, hardness: 1, points: along }));
    const [r, g, b, a] = cutout.subarray(mixed, mixed + 4);
    expect(a).toBeGreaterThan(108);
    expect(a).toBeLessThan(148);
    expect(r).toBeGreaterThan(190);
    expect(g).toBeLessThan(70);
    expect(b).toBeLessThan(60);
  });

  it('smart over a single colour acts as a plain stroke', () => {
    const source = photo();
    const cutout = cutoutOf(source);
    applyStroke(cutout, source, size, stroke({ smart: true, radius: 3, hardness: 1 }));
    expect(alphaAt(cutout, 40, 30)).toBe(0);
  });

  it('readPatch and writePatch round-trip a rectangle', () => {
    const source = photo();
    const patch = readPatch(source, size, { x: 30, y: 20, width: 7, height: 3 });
    const copy = new Uint8ClampedArray(source.length);
    writePatch(copy, size, patch);
    expect(readPatch(copy, size, patch.rect)).toEqual(patch);
  });
});

describe('edit history', () => {
  const step = (bytes: number) => {
    const patch = { rect: { x: 0, y: 0, width: 1, height: bytes / 4 }, pixels: new Uint8ClampedArray(bytes) };
    return { before: patch, after: patch };
  };

  it('undoes and redoes in order, and a new edit drops what could be redone', () => {
    const history = createEditHistory({ maxSteps: 5, maxBytes: 1e9 });
    const [a, b, c] = [step(4), step(8), step(12)];
    history.push(a);
    history.push(b);
    expect(history.undo()).toBe(b);
    expect(history.status()).toMatchObject({ canUndo: true, canRedo: true, steps: 1 });
    expect(history.redo()).toBe(b);
    expect(history.redo()).toBeUndefined();
    history.undo();
    history.push(c);
    expect(history.status().canRedo).toBe(false);
    expect(history.undo()).toBe(c);
    expect(history.undo()).toBe(a);
    expect(history.undo()).toBeUndefined();
  });

  it('forgets the oldest steps past the step limit or the memory budget, never the newest', () => {
    const byCount = createEditHistory({ maxSteps: 3, maxBytes: 1e9 });
    for (let i = 0; i < 5; i++) byCount.push(step(4));
    expect(byCount.status().steps).toBe(3);

    const byBytes = createEditHistory({ maxSteps: 20, maxBytes: 100 });
    for (let i = 0; i < 5; i++) byBytes.push(step(20)); // 40 bytes a step (before and after)
    expect(byBytes.status()).toMatchObject({ steps: 2, bytes: 80 });
    byBytes.push(step(400));
    expect(byBytes.status()).toMatchObject({ steps: 1, bytes: 800 });
  });
});
