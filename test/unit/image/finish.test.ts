import { describe, expect, it } from 'vitest';
import {
  contactEllipse,
  DEFAULT_CONTACT,
  DEFAULT_DROP,
  dropShadowPixels,
  layoutFrame,
  PHOTO_FRAME,
  subjectBounds,
  toOutput,
} from '../../../src/shared/image/finish.ts';

/** A width×height alpha plane with one opaque rectangle. */
function plane(width: number, height: number, rect: { x: number; y: number; width: number; height: number }): Uint8Array {
  const alpha = new Uint8Array(width * height);
  for (let y = rect.y; y < rect.y + rect.height; y++) alpha.fill(255, y * width + rect.x, y * width + rect.x + rect.width);
  return alpha;
}

describe('subjectBounds', () => {
  it('finds the opaque rectangle, in single-channel and RGBA planes', () => {
    const alpha = plane(40, 30, { x: 5, y: 7, width: 10, height: 12 });
    expect(subjectBounds(alpha, { width: 40, height: 30 })).toEqual({ x: 5, y: 7, width: 10, height: 12 });
    const rgba = new Uint8Array(40 * 30 * 4);
    alpha.forEach((value, index) => (rgba[index * 4 + 3] = value));
    expect(subjectBounds(rgba, { width: 40, height: 30 }, 4)).toEqual({ x: 5, y: 7, width: 10, height: 12 });
  });

  it('ignores faint noise below the threshold and says when there is no subject', () => {
    const alpha = new Uint8Array(100).fill(10);
    expect(subjectBounds(alpha, { width: 10, height: 10 })).toBeUndefined();
    alpha[55] = 200;
    expect(subjectBounds(alpha, { width: 10, height: 10 })).toEqual({ x: 5, y: 5, width: 1, height: 1 });
  });
});

describe('layoutFrame', () => {
  const photo = { width: 1000, height: 800 };
  const subject = { x: 400, y: 200, width: 200, height: 400 };

  it('keeps the photo as it is by default', () => {
    expect(layoutFrame(photo, subject, PHOTO_FRAME)).toEqual({ output: photo, origin: { x: 0, y: 0 }, scale: 1 });
  });

  it('crops to the subject with a margin in pixels or percent of its longer side', () => {
    expect(layoutFrame(photo, subject, { aspect: 'subject', margin: { value: 20, unit: 'px' }, align: 'center' })).toEqual({
      output: { width: 240, height: 440 },
      origin: { x: 380, y: 180 },
      scale: 1,
    });
    // 10 % of 400 = 40 px each side.
    expect(layoutFrame(photo, subject, { aspect: 'subject', margin: { value: 10, unit: '%' }, align: 'center' }).output).toEqual({
      width: 280,
      height: 480,
    });
  });

  it('widens to a square around a tall subject, centred', () => {
    const layout = layoutFrame(photo, subject, { aspect: '1:1', margin: { value: 0, unit: 'px' }, align: 'center' });
    expect(layout.output).toEqual({ width: 400, height: 400 });
    expect(layout.origin).toEqual({ x: 300, y: 200 });
  });

  it('heightens a wide subject to 4:5 and stands it on the bottom margin when asked', () => {
    const wide = { x: 100, y: 300, width: 400, height: 100 };
    const centred = layoutFrame(photo, wide, { aspect: '4:5', margin: { value: 0, unit: 'px' }, align: 'center' });
    expect(centred.output).toEqual({ width: 400, height: 500 });
    expect(centred.origin.y).toBe(300 - 200);
    const bottom = layoutFrame(photo, wide, { aspect: '4:5', margin: { value: 10, unit: 'px' }, align: 'bottom' });
    // 420 wide → 525 tall; the subject's bottom (400) plus the 10 px margin is the frame's bottom.
    expect(bottom.output).toEqual({ width: 420, height: 525 });
    expect(bottom.origin.y + 525).toBe(410);
  });

  it('scales to a fixed output size and centres what is left over', () => {
    const layout = layoutFrame(photo, subject, {
      aspect: 'subject',
      margin: { value: 0, unit: 'px' },
      align: 'center',
      outputSize: { width: 1080, height: 1080 },
    });
    expect(layout.output).toEqual({ width: 1080, height: 1080 });
    expect(layout.scale).toBeCloseTo(2.7);
    // The subject fills the height; its horizontal centre is the output's centre.
    const placed = toOutput(subject, layout);
    expect(placed.y).toBeCloseTo(0);
    expect(placed.height).toBeCloseTo(1080);
    expect(placed.x + placed.width / 2).toBeCloseTo(540);
  });

  it('falls back to the photo when there is no subject', () => {
    expect(layoutFrame(photo, undefined, { aspect: '1:1', margin: { value: 5, unit: '%' }, align: 'center' }).output).toEqual(photo);
  });
});

describe('shadows', () => {
  it('scales a drop shadow with the subject and puts a contact shadow under its base', () => {
    expect(dropShadowPixels(DEFAULT_DROP, { width: 200, height: 500 })).toEqual({ offsetX: 10, offsetY: 15, blur: 20 });
    const ellipse = contactEllipse(DEFAULT_CONTACT, { x: 100, y: 50, width: 200, height: 300 });
    expect(ellipse.cx).toBe(200);
    expect(ellipse.cy).toBe(350);
    expect(ellipse.rx).toBe(90);
    expect(ellipse.ry).toBeCloseTo(10.8);
  });
});
