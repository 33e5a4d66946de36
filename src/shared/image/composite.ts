/** Background compositing of a cutout (straight, not premultiplied, RGBA) and where backgrounds are drawn. Pure; runs anywhere. */
import { toOutput, type FrameLayout, type Rect, type Size } from './finish.ts';

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export type Background =
  | { kind: 'transparent' }
  | { kind: 'color'; color: string }
  /** The photo's own background, blurred (a portrait look); radius as a fraction of the output's longer side. */
  | { kind: 'blur'; radius: number }
  /** An image of the person's, scaled to cover the output. */
  | { kind: 'image'; image: Blob };

/** Composites `rgba` over an opaque colour, in place: result alpha is 255 everywhere. */
export function flattenOnto(rgba: Uint8ClampedArray, background: Rgb): Uint8ClampedArray {
  for (let i = 0; i < rgba.length; i += 4) {
    const alpha = (rgba[i + 3] ?? 0) / 255;
    const rest = 1 - alpha;
    rgba[i] = (rgba[i] ?? 0) * alpha + background.r * rest;
    rgba[i + 1] = (rgba[i + 1] ?? 0) * alpha + background.g * rest;
    rgba[i + 2] = (rgba[i + 2] ?? 0) * alpha + background.b * rest;
    rgba[i + 3] = 255;
  }
  return rgba;
}

/** Parses `#rgb` or `#rrggbb` (what <input type=color> and users type). */
export function parseHexColor(text: string): Rgb | undefined {
  const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(text.trim());
  const hex = match?.[1];
  if (!hex) return undefined;
  const full = hex.length === 3 ? [...hex].map((digit) => digit + digit).join('') : hex;
  return {
    r: Number.parseInt(full.slice(0, 2), 16),
    g: Number.parseInt(full.slice(2, 4), 16),
    b: Number.parseInt(full.slice(4, 6), 16),
  };
}

// ---------------------------------------------------------------------------------------------
// Where backgrounds are drawn (the engine worker paints; these say where).

/** The layout with a whole-pixel translation when it does not scale, so the cutout is copied, not resampled. */
export function snapLayout(layout: FrameLayout): FrameLayout {
  if (layout.scale !== 1) return layout;
  return { ...layout, origin: { x: -Math.round(-layout.origin.x), y: -Math.round(-layout.origin.y) } };
}

/** Where the whole photo (or the cutout, the same pixels) lands in the output. */
export function photoPlacement(photo: Size, layout: FrameLayout): Rect {
  return toOutput({ x: 0, y: 0, width: photo.width, height: photo.height }, layout);
}

/**
 * `rect` grown about the output's centre just enough to cover the whole output (a frame reaching past
 * the photo's edges), then shifted if the centre lies outside it. Unchanged when it already covers.
 */
export function coverOutput(rect: Rect, output: Size): Rect {
  const cx = output.width / 2;
  const cy = output.height / 2;
  // For each side: how much the distance from the centre to the rect's edge must grow to reach the output's edge.
  const need = (toOutputEdge: number, toRectEdge: number): number => (toRectEdge > 0 ? toOutputEdge / toRectEdge : Infinity);
  let factor = Math.max(
    1,
    need(cx, cx - rect.x),
    need(output.width - cx, rect.x + rect.width - cx),
    need(cy, cy - rect.y),
    need(output.height - cy, rect.y + rect.height - cy),
  );
  if (!Number.isFinite(factor)) factor = Math.max(1, output.width / rect.width, output.height / rect.height);
  let x = cx + (rect.x - cx) * factor;
  let y = cy + (rect.y - cy) * factor;
  const width = rect.width * factor;
  const height = rect.height * factor;
  // The centre was outside (or rounding left a sliver): slide it over the output.
  x = Math.min(0, Math.max(output.width - width, x));
  y = Math.min(0, Math.max(output.height - height, y));
  return { x, y, width, height };
}

/** An image of `image`'s size scaled to cover `output`, centred (a background of the person's). */
export function coverCentred(image: Size, output: Size): Rect {
  const scale = Math.max(output.width / image.width, output.height / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  return { x: (output.width - width) / 2, y: (output.height - height) / 2, width, height };
}

/**
 * A Gaussian of σ above this many pixels is computed on a reduced copy and scaled back up: a blurred
 * image has no detail the reduction could lose, and the blur costs a fraction (σ 120 px: 1/15 the side).
 */
export const REDUCED_BLUR_SIGMA = 8;

/** The scale (≤ 1) at which a blur of `sigma` output pixels is computed. */
export function reducedScale(sigma: number): number {
  return sigma > REDUCED_BLUR_SIGMA ? REDUCED_BLUR_SIGMA / sigma : 1;
}

/** How far a Gaussian of `sigma` reaches (3σ), in whole pixels. */
export function blurReach(sigma: number): number {
  return Math.ceil(3 * sigma);
}

/**
 * How to blur the photo behind the subject: on a reduced canvas (`scale`) that reaches `margin` output
 * pixels past every edge (so the blur has real or edge-clamped pixels to draw from and the edges do
 * not darken), the photo drawn at `photo` (canvas pixels), blurred by `sigma` canvas pixels, and the
 * canvas's `source` rectangle drawn back over the whole output.
 */
export interface BlurPlan {
  scale: number;
  margin: number;
  canvas: Size;
  photo: Rect;
  sigma: number;
  source: Rect;
}

export function blurPlan(photo: Rect, output: Size, sigma: number): BlurPlan {
  const scale = reducedScale(sigma);
  const margin = blurReach(sigma);
  return {
    scale,
    margin,
    canvas: {
      width: Math.max(1, Math.ceil((output.width + 2 * margin) * scale)),
      height: Math.max(1, Math.ceil((output.height + 2 * margin) * scale)),
    },
    photo: {
      x: (photo.x + margin) * scale,
      y: (photo.y + margin) * scale,
      width: photo.width * scale,
      height: photo.height * scale,
    },
    sigma: sigma * scale,
    source: { x: margin * scale, y: margin * scale, width: output.width * scale, height: output.height * scale },
  };
}

/** The whole canvas pixels of `rect` inside a canvas of `canvas` (rounded inwards); undefined if none. */
export function innerPixels(rect: Rect, canvas: Size): Rect | undefined {
  const x0 = Math.max(0, Math.ceil(rect.x - 1e-6));
  const y0 = Math.max(0, Math.ceil(rect.y - 1e-6));
  const x1 = Math.min(canvas.width, Math.floor(rect.x + rect.width + 1e-6));
  const y1 = Math.min(canvas.height, Math.floor(rect.y + rect.height + 1e-6));
  if (x1 <= x0 || y1 <= y0) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * The size to decode a photo at, to be drawn at `target`: that size when it is no larger than the
 * photo's working size (`limit`, the cutout's), else the working size (drawing scales it up, and only
 * the part in view is ever rasterised; a zoomed-in frame would otherwise decode hundreds of megapixels).
 */
export function decodeSize(target: Size, limit: Size): Size {
  if (target.width * target.height > limit.width * limit.height) return { width: limit.width, height: limit.height };
  return { width: Math.max(1, Math.ceil(target.width)), height: Math.max(1, Math.ceil(target.height)) };
}
