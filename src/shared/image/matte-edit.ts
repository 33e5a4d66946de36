/**
 * Brushing the matte by hand (issue 16): erase what the model kept, restore what it dropped. A
 * stroke is a path of points in the photo's own pixels with a radius and a soft rim; it is applied to
 * the full-resolution cutout inside its bounding rectangle only.
 *
 * "Smart" strokes follow the photo's own edges, as a background eraser does: the colour where the
 * stroke starts is what the person points at (the target), the most different colour under the brush
 * is what they mean to keep (found by two rounds of 2-means), and each pixel is moved only by how much
 * of the target's colour it holds — its projection on the line from the kept colour to the target. A
 * rough stroke along hair then erases the sky between the strands, not the strands, and a mixed pixel
 * at the edge is moved part-way, so edges stay soft instead of becoming a hard painted blob.
 * Where the brush covers one colour only, a smart stroke acts as a plain one.
 *
 * The colours of the touched pixels are worked out again locally (colour decontamination): the same
 * two-colour model says how much of each smart-stroked pixel is the other colour, which is taken out
 * (I = s·T + (1 − s)·K solved for the part that stays), so a strand kept by a smart erase loses the sky
 * mixed into it, and one brought back by a smart restore does not bring the old background with it. A
 * plain erase keeps each pixel's colour (a colour does not change by being erased); a plain restore adds
 * the photo's colour, weighted by the alpha it adds. Running the cutout's own estimator (foreground.ts)
 * over the stroke instead cost ~300 ms more per stroke at 12 MP and reaches past the stroke.
 *
 * Pure; runs anywhere (the engine worker applies strokes; tests run it in Node).
 */
import type { Rect, Size } from './finish.ts';

export interface BrushPoint {
  x: number;
  y: number;
}

export interface BrushStroke {
  mode: 'erase' | 'restore';
  smart: boolean;
  /** In photo pixels. */
  radius: number;
  /** Share of the radius that is fully painted; the rest fades out (0: all soft, 1: a hard disc). */
  hardness: number;
  /** The path, in photo pixels (at least one point). */
  points: BrushPoint[];
}

/** Smart strokes act as plain ones when the two colours under the brush are closer than this (0–255 RGB distance). */
const SMART_MIN_CONTRAST = 24;

/** Below this share a pixel holds too little of a colour to solve for it; its colour is kept. */
const MIN_UNMIX_SHARE = 0.05;

/** The pixels a stroke can touch, clipped to the image; undefined when it lies outside it. */
export function strokeRect(stroke: BrushStroke, size: Size): Rect | undefined {
  if (stroke.points.length === 0 || !(stroke.radius > 0)) return undefined;
  const reach = Math.ceil(stroke.radius);
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const { x, y } of stroke.points) {
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x);
    bottom = Math.max(bottom, y);
  }
  const x0 = Math.max(0, Math.floor(left) - reach);
  const y0 = Math.max(0, Math.floor(top) - reach);
  const x1 = Math.min(size.width, Math.ceil(right) + reach + 1);
  const y1 = Math.min(size.height, Math.ceil(bottom) + reach + 1);
  if (x1 <= x0 || y1 <= y0) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Drops points closer than half the radius to the last kept one: coverage is the distance to the
 * segments between points, so fewer points leave no gaps, and each pixel is visited by fewer segments.
 */
export function simplifyPath(points: readonly BrushPoint[], radius: number): BrushPoint[] {
  const spacing = Math.max(0.5, radius / 2);
  const kept: BrushPoint[] = [];
  for (const point of points) {
    const last = kept[kept.length - 1];
    if (!last || Math.hypot(point.x - last.x, point.y - last.y) >= spacing) kept.push(point);
  }
  const end = points[points.length - 1];
  if (end && kept[kept.length - 1] !== end) kept.push(end);
  return kept;
}

/**
 * How strongly the brush paints each pixel of `rect` (0–1, row by row): 1 within hardness × radius of
 * the path, falling smoothly to 0 at the radius. Each segment only visits the pixels it can reach.
 */
export function strokeCoverage(stroke: BrushStroke, rect: Rect): Float32Array {
  const coverage = new Float32Array(rect.width * rect.height);
  const radius = stroke.radius;
  const radiusSquared = radius * radius;
  const core = Math.min(1, Math.max(0, stroke.hardness)) * radius;
  const fade = Math.max(1e-6, radius - core);
  const points = simplifyPath(stroke.points, radius);
  const segments = points.length === 1 ? [[points[0]!, points[0]!] as const] : points.slice(1).map((end, i) => [points[i]!, end] as const);
  for (const [from, to] of segments) {
    const dx = to.x - from.x;
    const dy = to.y - from.y;
    const lengthSquared = dx * dx + dy * dy;
    const xs = Math.max(rect.x, Math.floor(Math.min(from.x, to.x) - radius));
    const xe = Math.min(rect.x + rect.width, Math.ceil(Math.max(from.x, to.x) + radius) + 1);
    const ys = Math.max(rect.y, Math.floor(Math.min(from.y, to.y) - radius));
    const ye = Math.min(rect.y + rect.height, Math.ceil(Math.max(from.y, to.y) + radius) + 1);
    for (let y = ys; y < ye; y++) {
      // Pixel centres.
      const py = y + 0.5;
      for (let x = xs; x < xe; x++) {
        const px = x + 0.5;
        const t = lengthSquared > 0 ? Math.min(1, Math.max(0, ((px - from.x) * dx + (py - from.y) * dy) / lengthSquared)) : 0;
        const ox = px - (from.x + t * dx);
        const oy = py - (from.y + t * dy);
        const squared = ox * ox + oy * oy;
        if (squared >= radiusSquared) continue;
        const distance = Math.sqrt(squared);
        const u = distance <= core ? 1 : 1 - (distance - core) / fade;
        // Smoothstep: no visible ring where the fade begins.
        const value = u * u * (3 - 2 * u);
        const index = (y - rect.y) * rect.width + (x - rect.x);
        if (value > coverage[index]!) coverage[index] = value;
      }
    }
  }
  return coverage;
}

export type Rgb = [number, number, number];

function photoColour(photo: Uint8ClampedArray, index: number): Rgb {
  return [photo[index * 4]!, photo[index * 4 + 1]!, photo[index * 4 + 2]!];
}

const distanceSquared = (a: Rgb, b: Rgb): number => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2 + (a[2] - b[2]) ** 2;

/** The photo's mean colour in a 3×3 window around where the stroke starts: what the person points at. */
function startColour(photo: Uint8ClampedArray, size: Size, stroke: BrushStroke): Rgb {
  const start = stroke.points[0]!;
  const cx = Math.min(size.width - 1, Math.max(0, Math.floor(start.x)));
  const cy = Math.min(size.height - 1, Math.max(0, Math.floor(start.y)));
  const sum: Rgb = [0, 0, 0];
  let count = 0;
  for (let y = Math.max(0, cy - 1); y <= Math.min(size.height - 1, cy + 1); y++) {
    for (let x = Math.max(0, cx - 1); x <= Math.min(size.width - 1, cx + 1); x++) {
      const colour = photoColour(photo, y * size.width + x);
      sum[0] += colour[0];
      sum[1] += colour[1];
      sum[2] += colour[2];
      count++;
    }
  }
  return [sum[0] / count, sum[1] / count, sum[2] / count];
}

/** A smart stroke's two colours and how much of the target each covered pixel holds. */
export interface SmartShare {
  /** 0–1 per pixel of the stroke's rectangle. */
  share: Float32Array;
  target: Rgb;
  keep: Rgb;
}

/**
 * For a smart stroke, how much of each covered pixel of `rect` belongs to the colour the stroke points
 * at (0–1): the projection of its colour on the line from the colour to keep to the target colour.
 * Undefined when the brush covers a single colour (then the stroke is plain).
 */
export function smartShare(
  photo: Uint8ClampedArray,
  size: Size,
  rect: Rect,
  coverage: Float32Array,
  stroke: BrushStroke,
): SmartShare | undefined {
  const target = startColour(photo, size, stroke);
  const indices: number[] = [];
  let farthest = target;
  let farthestDistance = -1;
  for (let y = 0; y < rect.height; y++) {
    for (let x = 0; x < rect.width; x++) {
      if (coverage[y * rect.width + x]! <= 0) continue;
      const index = (rect.y + y) * size.width + rect.x + x;
      indices.push(index);
      const distance = distanceSquared(photoColour(photo, index), target);
      if (distance > farthestDistance) {
        farthestDistance = distance;
        farthest = photoColour(photo, index);
      }
    }
  }
  // Two rounds of 2-means with the target fixed: the kept colour is the mean of what is nearer to it.
  let keep = farthest;
  for (let round = 0; round < 2; round++) {
    const sum: Rgb = [0, 0, 0];
    let count = 0;
    for (const index of indices) {
      const colour = photoColour(photo, index);
      if (distanceSquared(colour, keep) < distanceSquared(colour, target)) {
        sum[0] += colour[0];
        sum[1] += colour[1];
        sum[2] += colour[2];
        count++;
      }
    }
    if (count === 0) break;
    keep = [sum[0] / count, sum[1] / count, sum[2] / count];
  }
  const axis: Rgb = [target[0] - keep[0], target[1] - keep[1], target[2] - keep[2]];
  const axisSquared = axis[0] ** 2 + axis[1] ** 2 + axis[2] ** 2;
  if (axisSquared < SMART_MIN_CONTRAST ** 2) return undefined;
  const share = new Float32Array(rect.width * rect.height);
  for (let y = 0; y < rect.height; y++) {
    for (let x = 0; x < rect.width; x++) {
      const at = y * rect.width + x;
      if (coverage[at]! <= 0) continue;
      const colour = photoColour(photo, (rect.y + y) * size.width + rect.x + x);
      const along = ((colour[0] - keep[0]) * axis[0] + (colour[1] - keep[1]) * axis[1] + (colour[2] - keep[2]) * axis[2]) / axisSquared;
      share[at] = Math.min(1, Math.max(0, along));
    }
  }
  return { share, target, keep };
}

/** A rectangle of RGBA pixels cut out of a larger image. */
export interface Patch {
  rect: Rect;
  pixels: Uint8ClampedArray<ArrayBuffer>;
}

export function readPatch(rgba: Uint8ClampedArray, size: Size, rect: Rect): Patch {
  const pixels = new Uint8ClampedArray(rect.width * rect.height * 4);
  for (let y = 0; y < rect.height; y++) {
    const start = ((rect.y + y) * size.width + rect.x) * 4;
    pixels.set(rgba.subarray(start, start + rect.width * 4), y * rect.width * 4);
  }
  return { rect, pixels };
}

export function writePatch(rgba: Uint8ClampedArray, size: Size, patch: Patch): void {
  const { rect, pixels } = patch;
  for (let y = 0; y < rect.height; y++) {
    rgba.set(pixels.subarray(y * rect.width * 4, (y + 1) * rect.width * 4), ((rect.y + y) * size.width + rect.x) * 4);
  }
}

/**
 * Applies a stroke to the straight-alpha RGBA `cutout` in place, with `photo` (same size, the picked
 * photo's pixels) as the source of restored colours. Returns the pixels of the touched rectangle as
 * they were before and after (for undo), or undefined when the stroke touches nothing.
 */
export function applyStroke(
  cutout: Uint8ClampedArray,
  photo: Uint8ClampedArray,
  size: Size,
  stroke: BrushStroke,
): { before: Patch; after: Patch } | undefined {
  const rect = strokeRect(stroke, size);
  if (!rect) return undefined;
  const coverage = strokeCoverage(stroke, rect);
  const smart = stroke.smart ? smartShare(photo, size, rect, coverage, stroke) : undefined;
  const before = readPatch(cutout, size, rect);
  let changed = false;
  for (let y = 0; y < rect.height; y++) {
    for (let x = 0; x < rect.width; x++) {
      const at = y * rect.width + x;
      const cover = coverage[at]!;
      if (cover <= 0) continue;
      const share = smart ? smart.share[at]! : 1;
      const strength = cover * share;
      const p = ((rect.y + y) * size.width + rect.x + x) * 4;
      const old = cutout[p + 3]! / 255;
      const next = stroke.mode === 'erase' ? old * (1 - strength) : old + (1 - old) * strength;
      const byte = Math.round(next * 255);
      if (byte === cutout[p + 3]) continue;
      changed = true;
      if (byte === 0) {
        cutout.fill(0, p, p + 4);
        continue;
      }
      for (let c = 0; c < 3; c++) {
        const image = photo[p + c]!;
        let colour: number;
        if (stroke.mode === 'erase') {
          // What stays of a smart-erased pixel is its part that is not the target colour.
          colour = smart && share < 1 - MIN_UNMIX_SHARE ? (image - share * smart.target[c]!) / (1 - share) : cutout[p + c]!;
        } else {
          // What comes back is the photo's colour, or for a smart stroke its part that is not the kept colour.
          const added = smart && share > MIN_UNMIX_SHARE ? (image - (1 - share) * smart.keep[c]!) / share : image;
          colour = (old * cutout[p + c]! + (next - old) * added) / next;
        }
        cutout[p + c] = colour; // the clamped array rounds and clamps
      }
      cutout[p + 3] = byte;
    }
  }
  return changed ? { before, after: readPatch(cutout, size, rect) } : undefined;
}
