import { describe, expect, it } from 'vitest';
import { actualPixels, clampView, FIT, imageFraction, maxScale, panBy, zoomAbout } from '../../../src/client/format/zoom.ts';

const box = { width: 400, height: 300 };

describe('zoom and pan', () => {
  it('zooms about the pointer: the image point under it stays put', () => {
    const view = zoomAbout(FIT, 2, { x: 100, y: 75 }, box, 8);
    expect(view).toEqual({ scale: 2, x: -100, y: -75 });
    // The point that was at 100 px (a quarter of the image) is still under 100 px.
    expect(imageFraction(view, 100, box)).toBeCloseTo(0.25);
  });

  it('never zooms out past the fit nor pans into emptiness', () => {
    expect(zoomAbout(FIT, 0.5, { x: 10, y: 10 }, box, 8)).toEqual(FIT);
    const zoomed = { scale: 2, x: -100, y: -75 };
    expect(panBy(zoomed, 500, 500, box, 8)).toEqual({ scale: 2, x: 0, y: 0 });
    expect(panBy(zoomed, -1000, -1000, box, 8)).toEqual({ scale: 2, x: -400, y: -300 });
    expect(clampView({ scale: 50, x: 0, y: 0 }, box, 8).scale).toBe(8);
  });

  it('1:1 shows one photo pixel per screen pixel', () => {
    // A 4000 px wide photo fitted into 400 CSS px on a 2× screen: 1:1 is 5× the fit.
    const view = actualPixels(FIT, box, 4000, 2, maxScale(box, 4000));
    expect(view.scale).toBeCloseTo(5);
    expect(imageFraction(view, 200, box)).toBeCloseTo(0.5);
    expect(maxScale(box, 4000)).toBe(40);
  });
});
