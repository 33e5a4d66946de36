/**
 * Zoom and pan of the image on screen, as numbers: the view is `translate(x, y) scale(scale)` of the
 * image laid out at its fitted size (`box`). Scale 1 is "fit"; the image always covers the box when
 * zoomed in (no panning into emptiness). Pure.
 */

export interface View {
  scale: number;
  x: number;
  y: number;
}

export interface Box {
  width: number;
  height: number;
}

export const FIT: View = { scale: 1, x: 0, y: 0 };

/** The most one can zoom: 4× beyond the photo's own pixels, and never less than 8× the fit. */
export function maxScale(box: Box, naturalWidth: number): number {
  return Math.max(8, (naturalWidth / Math.max(1, box.width)) * 4);
}

/** Keeps the zoomed image over the whole box (at scale 1 the view is the fit, unmoved). */
export function clampView(view: View, box: Box, max: number): View {
  const scale = Math.min(max, Math.max(1, view.scale));
  const minX = box.width - box.width * scale;
  const minY = box.height - box.height * scale;
  return { scale, x: Math.min(0, Math.max(minX, view.x)), y: Math.min(0, Math.max(minY, view.y)) };
}

/** Zooms by `factor` keeping the image point under `at` (box coordinates) where it is. */
export function zoomAbout(view: View, factor: number, at: { x: number; y: number }, box: Box, max: number): View {
  const scale = Math.min(max, Math.max(1, view.scale * factor));
  const ratio = scale / view.scale;
  return clampView({ scale, x: at.x - (at.x - view.x) * ratio, y: at.y - (at.y - view.y) * ratio }, box, max);
}

/** One image pixel per screen pixel, centred on the middle of what is shown now. */
export function actualPixels(view: View, box: Box, naturalWidth: number, devicePixelRatio: number, max: number): View {
  const target = naturalWidth / devicePixelRatio / Math.max(1, box.width);
  return zoomAbout(view, target / view.scale, { x: box.width / 2, y: box.height / 2 }, box, max);
}

/** Moves the view by a drag of (dx, dy) screen pixels. */
export function panBy(view: View, dx: number, dy: number, box: Box, max: number): View {
  return clampView({ ...view, x: view.x + dx, y: view.y + dy }, box, max);
}

/** Where a screen point (box coordinates) falls on the image, as a fraction of its width (0–1). */
export function imageFraction(view: View, boxX: number, box: Box): number {
  return (boxX - view.x) / (box.width * view.scale);
}
