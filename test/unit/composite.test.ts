import { describe, expect, it } from 'vitest';
import { flattenOnto, parseHexColor } from '../../src/shared/image/composite.ts';

describe('background compositing', () => {
  it('puts transparent pixels on the colour, keeps opaque ones, blends the edge', () => {
    const rgba = new Uint8ClampedArray([
      200,
      100,
      50,
      0, // transparent → background
      200,
      100,
      50,
      255, // opaque → itself
      200,
      100,
      50,
      128, // half → mix
    ]);
    flattenOnto(rgba, { r: 0, g: 0, b: 255 });
    expect([...rgba.subarray(0, 4)]).toEqual([0, 0, 255, 255]);
    expect([...rgba.subarray(4, 8)]).toEqual([200, 100, 50, 255]);
    expect([...rgba.subarray(8, 12)]).toEqual([100, 50, 152, 255]);
  });

  it('reads colours as the colour picker and people write them', () => {
    expect(parseHexColor('#ffffff')).toEqual({ r: 255, g: 255, b: 255 });
    expect(parseHexColor('#0a8')).toEqual({ r: 0, g: 170, b: 136 });
    expect(parseHexColor(' 1E90FF ')).toEqual({ r: 30, g: 144, b: 255 });
    expect(parseHexColor('red')).toBeUndefined();
    expect(parseHexColor('#12345')).toBeUndefined();
  });
});
