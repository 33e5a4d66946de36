import { describe, expect, it } from 'vitest';
import { MASK_CEILING, MASK_FLOOR, refineAlpha, refineAlphaChannel } from '../../src/shared/image/mask.ts';

describe('mask levels', () => {
  it('makes the library’s best value (254, it never reaches 255) exactly opaque', () => {
    expect(refineAlpha(254)).toBe(255);
    expect(refineAlpha(255)).toBe(255);
    expect(refineAlpha(MASK_CEILING)).toBe(255);
  });

  it('clears the faint haze the library leaves in the background', () => {
    expect(refineAlpha(0)).toBe(0);
    expect(refineAlpha(MASK_FLOOR)).toBe(0);
  });

  it('keeps soft edges soft and in order', () => {
    let previous = -1;
    for (let value = 0; value <= 255; value++) {
      const refined = refineAlpha(value);
      expect(refined).toBeGreaterThanOrEqual(previous);
      previous = refined;
    }
    expect(refineAlpha(128)).toBeGreaterThan(100);
    expect(refineAlpha(128)).toBeLessThan(155);
    // The 0.5 threshold (IoU) barely moves: the raw value that becomes half-opaque stays within 10 of 128.
    const half = [...Array(256).keys()].find((value) => refineAlpha(value) >= 128)!;
    expect(Math.abs(half - 128)).toBeLessThanOrEqual(10);
  });

  it('changes only the alpha channel of an RGBA buffer', () => {
    const rgba = new Uint8ClampedArray([10, 20, 30, 254, 40, 50, 60, 2, 70, 80, 90, 128]);
    refineAlphaChannel(rgba);
    expect([...rgba]).toEqual([10, 20, 30, 255, 40, 50, 60, 0, 70, 80, 90, refineAlpha(128)]);
  });
});
