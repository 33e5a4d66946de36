/**
 * Finishing a cutout: where the subject goes on the output canvas (crop to the subject with a
 * margin, a fixed aspect ratio or output size for marketplaces, centred or standing on the bottom)
 * and the geometry of its shadows. Pure numbers; the engine worker draws with them.
 */

export interface Size {
  width: number;
  height: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The output's shape: the photo as it is, tight around the subject, or a fixed ratio. */
export type FrameAspect = 'photo' | 'subject' | '1:1' | '4:5' | '16:9' | { width: number; height: number };

export interface FrameChoice {
  aspect: FrameAspect;
  /** Space around the subject: pixels of the photo, or a percentage of the subject's longer side. */
  margin: { value: number; unit: 'px' | '%' };
  /** Where the subject sits when the frame is wider or taller than it needs. */
  align: 'center' | 'bottom';
  /** A fixed output size in pixels (e.g. 1080×1080 for a marketplace); the frame is scaled to it. */
  outputSize?: Size;
}

/** The photo as it is; the margin (5 % of the subject) applies once a crop is chosen. */
export const PHOTO_FRAME: FrameChoice = { aspect: 'photo', margin: { value: 5, unit: '%' }, align: 'center' };

/** How the photo's pixels map onto the output: output = (photo − origin) × scale. */
export interface FrameLayout {
  output: Size;
  /** The photo point drawn at the output's top-left corner, in photo pixels. */
  origin: { x: number; y: number };
  scale: number;
}

/** Alpha at or above this counts as subject when finding its bounds (ignores faint model noise). */
export const SUBJECT_ALPHA = 16;

/**
 * The smallest rectangle holding every pixel whose alpha is at least `threshold`; `alpha` is one
 * byte per pixel, or RGBA when `stride` is 4. Undefined when there is no subject at all.
 */
export function subjectBounds(alpha: ArrayLike<number>, size: Size, stride: 1 | 4 = 1, threshold = SUBJECT_ALPHA): Rect | undefined {
  let left = size.width;
  let right = -1;
  let top = size.height;
  let bottom = -1;
  for (let y = 0; y < size.height; y++) {
    const row = y * size.width;
    for (let x = 0; x < size.width; x++) {
      if ((alpha[(row + x) * stride + (stride - 1)] ?? 0) < threshold) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      bottom = y;
    }
  }
  if (right < 0) return undefined;
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

function ratioOf(aspect: Exclude<FrameAspect, 'photo' | 'subject'>): number {
  if (typeof aspect === 'object') return aspect.width / aspect.height;
  const [w, h] = aspect.split(':').map(Number) as [number, number];
  return w / h;
}

/**
 * Lays the frame out: with 'photo' the output is the photo (a margin or ratio does not apply); else
 * the subject's bounds grown by the margin, then widened or heightened to the ratio (centred, or with
 * the subject standing on the bottom margin), then scaled to the fixed output size if one is set. The
 * frame may reach past the photo's edges: that area is background. Sizes are whole pixels, at least 1.
 */
export function layoutFrame(photo: Size, subject: Rect | undefined, choice: FrameChoice): FrameLayout {
  if (choice.aspect === 'photo' || !subject) {
    return scaled({ x: 0, y: 0, width: photo.width, height: photo.height }, choice.outputSize);
  }
  const margin = Math.max(
    0,
    choice.margin.unit === 'px' ? choice.margin.value : (choice.margin.value / 100) * Math.max(subject.width, subject.height),
  );
  let box: Rect = {
    x: subject.x - margin,
    y: subject.y - margin,
    width: subject.width + 2 * margin,
    height: subject.height + 2 * margin,
  };
  const aspect = choice.aspect === 'subject' ? undefined : ratioOf(choice.aspect);
  if (aspect !== undefined) {
    if (box.width / box.height < aspect) {
      const width = box.height * aspect;
      box = { ...box, x: box.x - (width - box.width) / 2, width };
    } else {
      const height = box.width / aspect;
      const extra = height - box.height;
      box = { ...box, y: choice.align === 'bottom' ? box.y - extra : box.y - extra / 2, height };
    }
  }
  return scaled(box, choice.outputSize);
}

function scaled(box: Rect, outputSize: Size | undefined): FrameLayout {
  if (!outputSize) {
    return {
      output: { width: Math.max(1, Math.round(box.width)), height: Math.max(1, Math.round(box.height)) },
      origin: { x: box.x, y: box.y },
      scale: 1,
    };
  }
  // Fit the box inside the fixed size; the rest is background, shared evenly.
  const scale = Math.min(outputSize.width / box.width, outputSize.height / box.height);
  const spareX = outputSize.width / scale - box.width;
  const spareY = outputSize.height / scale - box.height;
  return {
    output: { width: Math.max(1, Math.round(outputSize.width)), height: Math.max(1, Math.round(outputSize.height)) },
    origin: { x: box.x - spareX / 2, y: box.y - spareY / 2 },
    scale,
  };
}

/** A soft drop shadow cast by the subject's own outline. */
export interface DropShadow {
  kind: 'drop';
  /** Offset and blur as fractions of the subject's longer side, so they look the same at any size. */
  offsetX: number;
  offsetY: number;
  blur: number;
  opacity: number;
}

/** A contact shadow: a soft ellipse under the subject's base, as if it stood on a surface. */
export interface ContactShadow {
  kind: 'contact';
  opacity: number;
  /** Ellipse width as a fraction of the subject's width. */
  spread: number;
}

export type Shadow = { kind: 'none' } | DropShadow | ContactShadow;

export const DEFAULT_DROP: DropShadow = { kind: 'drop', offsetX: 0.02, offsetY: 0.03, blur: 0.04, opacity: 0.45 };
export const DEFAULT_CONTACT: ContactShadow = { kind: 'contact', opacity: 0.5, spread: 0.9 };

/** A drop shadow in output pixels for a subject of `subject` (output pixels). */
export function dropShadowPixels(shadow: DropShadow, subject: Size): { offsetX: number; offsetY: number; blur: number } {
  const side = Math.max(subject.width, subject.height);
  return { offsetX: shadow.offsetX * side, offsetY: shadow.offsetY * side, blur: shadow.blur * side };
}

/** The contact shadow's ellipse in output pixels: centred under the subject's bottom edge. */
export function contactEllipse(shadow: ContactShadow, subject: Rect): { cx: number; cy: number; rx: number; ry: number } {
  const rx = (subject.width * shadow.spread) / 2;
  return { cx: subject.x + subject.width / 2, cy: subject.y + subject.height, rx, ry: Math.max(2, rx * 0.12) };
}

/** Maps a rectangle of the photo into the output of `layout`. */
export function toOutput(rect: Rect, layout: FrameLayout): Rect {
  return {
    x: (rect.x - layout.origin.x) * layout.scale,
    y: (rect.y - layout.origin.y) * layout.scale,
    width: rect.width * layout.scale,
    height: rect.height * layout.scale,
  };
}

/**
 * The part of the output-space plane a drop shadow needs drawing on before it is shifted by its offset:
 * the subject grown by the blur's reach (3σ), clipped to what can land in the output once shifted (also
 * grown by the reach, so the visible blur is computed from everything it draws on). Undefined when none
 * of the shadow can be seen.
 */
export function dropShadowRegion(
  subject: Rect,
  output: Size,
  shadow: { offsetX: number; offsetY: number; blur: number },
): Rect | undefined {
  const reach = Math.ceil(3 * shadow.blur);
  const x0 = Math.max(subject.x - reach, -shadow.offsetX - reach);
  const y0 = Math.max(subject.y - reach, -shadow.offsetY - reach);
  const x1 = Math.min(subject.x + subject.width + reach, output.width - shadow.offsetX + reach);
  const y1 = Math.min(subject.y + subject.height + reach, output.height - shadow.offsetY + reach);
  if (x1 <= x0 || y1 <= y0) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
