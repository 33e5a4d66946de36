import { describe, expect, it } from 'vitest';
import {
  blurPlan,
  blurReach,
  coverCentred,
  coverOutput,
  decodeSize,
  innerPixels,
  photoPlacement,
  REDUCED_BLUR_SIGMA,
  reducedScale,
  snapLayout,
} from '../../../src/shared/image/composite.ts';
import { dropShadowRegion, layoutFrame, toOutput, type Rect, type Size } from '../../../src/shared/image/finish.ts';

const covers = (rect: Rect, output: Size): boolean =>
  rect.x <= 1e-9 && rect.y <= 1e-9 && rect.x + rect.width >= output.width - 1e-9 && rect.y + rect.height >= output.height - 1e-9;

describe('where the photo and the cutout land', () => {
  it('snaps an unscaled layout to whole pixels, so the cutout is copied, not resampled', () => {
    // A 1:1 frame around a 201-wide subject puts the origin on a half pixel.
    const layout = layoutFrame(
      { width: 1000, height: 800 },
      { x: 400, y: 200, width: 201, height: 400 },
      {
        aspect: '1:1',
        margin: { value: 0, unit: 'px' },
        align: 'center',
      },
    );
    expect(layout.origin.x % 1).not.toBe(0);
    const snapped = snapLayout(layout);
    expect(Number.isInteger(snapped.origin.x)).toBe(true);
    expect(Math.abs(snapped.origin.x - layout.origin.x)).toBeLessThanOrEqual(0.5);
    expect(snapped.output).toEqual(layout.output);
    const placed = photoPlacement({ width: 1000, height: 800 }, snapped);
    expect(Number.isInteger(placed.x) && Number.isInteger(placed.y)).toBe(true);
    expect(placed.width).toBe(1000);
  });

  it('leaves a scaled layout as it is', () => {
    const layout = { output: { width: 1080, height: 1080 }, origin: { x: 10.3, y: 4.7 }, scale: 2.5 };
    expect(snapLayout(layout)).toBe(layout);
    expect(photoPlacement({ width: 100, height: 50 }, layout)).toEqual(toOutput({ x: 0, y: 0, width: 100, height: 50 }, layout));
  });
});

describe('coverOutput', () => {
  const output = { width: 400, height: 400 };

  it('keeps a photo that already covers the output', () => {
    const rect = { x: -300, y: -200, width: 1000, height: 800 };
    expect(coverOutput(rect, output)).toEqual(rect);
  });

  it('grows a photo about the output centre just enough to cover it', () => {
    // The frame reaches 100 px past the photo's bottom: the bottom edge is 100 px from the centre,
    // it must reach 200 → ×2, about (200, 200).
    const rect = { x: -300, y: -500, width: 1000, height: 800 };
    const cover = coverOutput(rect, output);
    expect(covers(cover, output)).toBe(true);
    expect(cover.width).toBeCloseTo(2000);
    expect(cover.y + cover.height).toBeCloseTo(400);
    // The centre stays where it was in the photo.
    expect((200 - cover.x) / cover.width).toBeCloseTo((200 - rect.x) / rect.width);
  });

  it('slides a photo whose edge is past the centre, after growing it to the output size', () => {
    const rect = { x: 250, y: 0, width: 300, height: 400 };
    const cover = coverOutput(rect, output);
    expect(covers(cover, output)).toBe(true);
    expect(cover.width).toBeCloseTo(400);
    expect(cover.height).toBeCloseTo(400 * (4 / 3));
  });
});

describe('coverCentred', () => {
  it('scales an image to cover the output, centred, cutting the overflow evenly', () => {
    expect(coverCentred({ width: 200, height: 100 }, { width: 100, height: 100 })).toEqual({ x: -50, y: 0, width: 200, height: 100 });
    expect(coverCentred({ width: 50, height: 100 }, { width: 200, height: 100 })).toEqual({ x: 0, y: -150, width: 200, height: 400 });
  });
});

describe('blur planning', () => {
  it('computes large blurs on a reduced canvas and small ones at full size', () => {
    expect(reducedScale(4)).toBe(1);
    expect(reducedScale(REDUCED_BLUR_SIGMA)).toBe(1);
    expect(reducedScale(120)).toBeCloseTo(REDUCED_BLUR_SIGMA / 120);
    expect(blurReach(10)).toBe(30);
    expect(blurReach(0.4)).toBe(2);
  });

  it('reaches 3σ past every edge, with the photo and the output where they belong on the reduced canvas', () => {
    const output = { width: 6000, height: 4000 };
    const photo = { x: 0, y: 0, width: 6000, height: 4000 };
    const plan = blurPlan(photo, output, 80);
    expect(plan.scale).toBeCloseTo(0.1);
    expect(plan.margin).toBe(240);
    expect(plan.sigma).toBeCloseTo(8);
    expect(plan.canvas).toEqual({ width: 648, height: 448 });
    expect(plan.photo.x).toBeCloseTo(24);
    expect(plan.photo.width).toBeCloseTo(600);
    expect(plan.source.x).toBeCloseTo(24);
    expect(plan.source.width).toBeCloseTo(600);
    expect(plan.source.height).toBeCloseTo(400);
  });

  it('finds the whole pixels inside a rectangle, within the canvas', () => {
    expect(innerPixels({ x: 23.6, y: -5, width: 600.2, height: 500 }, { width: 648, height: 448 })).toEqual({
      x: 24,
      y: 0,
      width: 599,
      height: 448,
    });
    expect(innerPixels({ x: 10.2, y: 0, width: 0.5, height: 10 }, { width: 20, height: 20 })).toBeUndefined();
  });

  it('decodes the photo at the size it is drawn, never larger than its working size', () => {
    expect(decodeSize({ width: 600.2, height: 400.5 }, { width: 6000, height: 4000 })).toEqual({ width: 601, height: 401 });
    // A zoomed-in frame: drawing scales the photo up, only the part in view is rasterised.
    expect(decodeSize({ width: 16000, height: 12000 }, { width: 6000, height: 4000 })).toEqual({ width: 6000, height: 4000 });
  });
});

describe('dropShadowRegion', () => {
  const output = { width: 1000, height: 1000 };
  const shadow = { offsetX: 20, offsetY: 30, blur: 10 };

  it('is the subject grown by the blur reach when the shadow falls inside the output', () => {
    expect(dropShadowRegion({ x: 300, y: 200, width: 400, height: 500 }, output, shadow)).toEqual({
      x: 270,
      y: 170,
      width: 460,
      height: 560,
    });
  });

  it('stops where the shifted shadow would leave the output', () => {
    // The subject reaches the right edge: past 1000 − 20 + 30 nothing of its shadow can be seen.
    const region = dropShadowRegion({ x: 600, y: 200, width: 400, height: 500 }, output, shadow);
    expect(region?.x).toBe(570);
    expect((region?.x ?? 0) + (region?.width ?? 0)).toBe(1010);
  });

  it('is undefined when none of the shadow can be seen', () => {
    expect(dropShadowRegion({ x: 2000, y: 200, width: 100, height: 100 }, output, shadow)).toBeUndefined();
  });
});
