import { describe, expect, it } from 'vitest';
import { FULL_PASS_STRETCH, modelFrame, QUICK_PASS_STRETCH } from '../../../src/shared/image/model-frame.ts';

describe('model frame', () => {
  it('letterboxes at 0: aspect kept, centred, the rest padded', () => {
    expect(modelFrame(800, 552, 1024, 0)).toEqual({ width: 1024, height: 1024, place: { x: 0, y: 158, width: 1024, height: 707 } });
    expect(modelFrame(640, 800, 1024, 0).place).toEqual({ x: 102, y: 0, width: 819, height: 1024 });
  });

  it('squashes at 1: the photo fills the square, as the library does', () => {
    expect(modelFrame(800, 552, 1024, 1).place).toEqual({ x: 0, y: 0, width: 1024, height: 1024 });
  });

  it('stretches the short side part of the way in between', () => {
    // 706.6 letterboxed, 1024 squashed: halfway is 865.3, rounded.
    expect(modelFrame(800, 552, 1024, 0.5).place).toEqual({ x: 0, y: 79, width: 1024, height: 865 });
  });

  it('keeps a square photo square whatever the stretch, and never a side of 0', () => {
    expect(modelFrame(300, 300, 512, 0.5).place).toEqual({ x: 0, y: 0, width: 512, height: 512 });
    expect(modelFrame(10_000, 1, 512, 0).place.height).toBe(1);
  });

  it('uses letterbox for the quick pass and the halfway fit for the full pass', () => {
    expect(QUICK_PASS_STRETCH).toBe(0);
    expect(FULL_PASS_STRETCH).toBe(0.5);
  });
});
