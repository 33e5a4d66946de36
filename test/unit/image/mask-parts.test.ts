import { describe, expect, it } from 'vitest';
import { keepConfidentParts, maskParts, partsToDrop, type MaskRegion } from '../../../src/shared/image/mask-parts.ts';

const WIDTH = 40;
const HEIGHT = 20;
const WHOLE: MaskRegion = { x: 0, y: 0, width: WIDTH, height: HEIGHT };

/** A 40×20 mask with filled rectangles: [x, y, width, height, value]. */
function maskWith(...boxes: Array<[number, number, number, number, number]>): Uint8ClampedArray {
  const mask = new Uint8ClampedArray(WIDTH * HEIGHT);
  for (const [x0, y0, w, h, value] of boxes)
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) mask[y * WIDTH + x] = value;
  return mask;
}

describe('mask parts', () => {
  it('finds four-connected parts, largest first, with their confident share', () => {
    const mask = maskWith([0, 0, 10, 10, 255], [20, 0, 5, 4, 200], [20, 4, 5, 4, 250]);
    const { parts, labels } = maskParts(mask, WIDTH, WHOLE);
    expect(parts.map((part) => part.area)).toEqual([100, 40]);
    expect(parts[0]!.confidentShare).toBe(1);
    expect(parts[1]!.confidentShare).toBe(0.5);
    expect(labels[0]).toBe(parts[0]!.label);
    expect(labels[20]).toBe(parts[1]!.label);
  });

  it('does not join parts that only touch diagonally, and ignores values below one half', () => {
    const mask = maskWith([0, 0, 2, 2, 255], [2, 2, 2, 2, 255], [10, 10, 3, 3, 127]);
    expect(maskParts(mask, WIDTH, WHOLE).parts).toHaveLength(2);
  });

  it('looks only inside the region (the letterbox padding is not the photo)', () => {
    const mask = maskWith([0, 0, 4, 4, 255], [10, 5, 4, 4, 255]);
    const { parts } = maskParts(mask, WIDTH, { x: 8, y: 0, width: 32, height: HEIGHT });
    expect(parts.map((part) => part.area)).toEqual([16]);
  });
});

describe('which parts to drop', () => {
  const part = (label: number, area: number, confidentShare: number) => ({ label, area, confidentShare });

  it('drops large parts markedly less confident than the best', () => {
    expect([...partsToDrop([part(1, 500, 0.83), part(2, 200, 0.95)], 10_000)]).toEqual([1]);
  });

  it('keeps parts within the tolerance: two subjects both in focus', () => {
    expect(partsToDrop([part(1, 500, 0.93), part(2, 200, 0.96)], 10_000).size).toBe(0);
  });

  it('never judges small parts (hair strands, specks), nor a single large part', () => {
    expect(partsToDrop([part(1, 500, 0.95), part(2, 40, 0.2)], 10_000).size).toBe(0);
    expect(partsToDrop([part(1, 500, 0.5)], 10_000).size).toBe(0);
  });
});

describe('keepConfidentParts', () => {
  it('clears the less confident part and its soft fringe, and nothing else', () => {
    // Left: a crisp subject with a fringe. Right: a soft object (half its pixels unsure) with a fringe.
    const mask = maskWith([1, 1, 12, 12, 255], [0, 0, 1, 14, 60], [22, 2, 10, 5, 250], [22, 7, 10, 5, 180], [32, 2, 2, 10, 40]);
    const before = Uint8ClampedArray.from(mask);
    expect(keepConfidentParts(mask, WIDTH, WHOLE)).toBe(1);
    for (let y = 0; y < HEIGHT; y++)
      for (let x = 0; x < WIDTH; x++) {
        const index = y * WIDTH + x;
        expect(mask[index], `${x},${y}`).toBe(x >= 22 ? 0 : before[index]);
      }
  });

  it('leaves a mask with one part as it is', () => {
    const mask = maskWith([5, 5, 10, 10, 200], [4, 4, 1, 1, 30]);
    const before = Uint8ClampedArray.from(mask);
    expect(keepConfidentParts(mask, WIDTH, WHOLE)).toBe(0);
    expect(mask).toEqual(before);
  });
});
