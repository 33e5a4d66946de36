/**
 * The finished file (issue 16): the cutout framed (crop, ratio, output size), over a background
 * (transparent, a colour, the photo blurred, an image of the person's), with a drop or contact shadow,
 * encoded as PNG, WebP or JPEG. Runs in the engine worker; where things go is worked out by the pure
 * functions of shared/image/finish.ts and composite.ts.
 */
import {
  blurPlan,
  coverCentred,
  coverOutput,
  decodeSize,
  innerPixels,
  parseHexColor,
  photoPlacement,
  reducedScale,
  snapLayout,
  type Background,
} from '../../shared/image/composite.ts';
import {
  contactEllipse,
  dropShadowPixels,
  dropShadowRegion,
  layoutFrame,
  subjectBounds,
  toOutput,
  type ContactShadow,
  type DropShadow,
  type Rect,
  type Size,
} from '../../shared/image/finish.ts';
import { MAX_CANVAS_SIDE, MAX_WORKING_PIXELS, megapixels, planWorkingSize } from '../../shared/image/limits.ts';
import { SNIFF_BYTES, sniffImage } from '../../shared/image/sniff.ts';
import type { RenderInput } from '../protocol.ts';
import { context2d, FailureError } from './pipeline.ts';

/** Quality when the request names none: edges stay clean in WebP; JPEG at the usual "high". */
const DEFAULT_QUALITY = { 'image/webp': 0.95, 'image/jpeg': 0.92 } as const;

/** Encodes a finished cutout for download. */
export async function renderExport(input: RenderInput): Promise<Blob> {
  const cutout = await createImageBitmap(input.png);
  try {
    const photo: Size = { width: cutout.width, height: cutout.height };
    // The subject's bounds are needed only to frame it or to cast its shadow.
    const bounds = input.frame.aspect !== 'photo' || input.shadow.kind !== 'none' ? readSubjectBounds(cutout) : undefined;
    const layout = snapLayout(layoutFrame(photo, bounds, input.frame));
    refuseOversized(layout.output);
    const canvas = new OffscreenCanvas(layout.output.width, layout.output.height);
    const context = context2d(canvas);
    context.imageSmoothingQuality = 'high';

    // JPEG has no transparency: a transparent background is white there (the editor says so).
    const background: Background =
      input.type === 'image/jpeg' && input.background.kind === 'transparent' ? { kind: 'color', color: '#ffffff' } : input.background;
    const placed = photoPlacement(photo, layout);
    await drawBackground(context, background, { cutout, placed, working: photo, output: layout.output }, input.photo);

    const subject = bounds ? toOutput(bounds, layout) : undefined;
    if (subject && input.shadow.kind === 'drop') drawDropShadow(context, cutout, placed, subject, input.shadow);
    if (subject && input.shadow.kind === 'contact') drawContactShadow(context, subject, input.shadow);

    context.drawImage(cutout, placed.x, placed.y, placed.width, placed.height);
    const quality = input.type === 'image/png' ? undefined : Math.min(1, Math.max(0, input.quality ?? DEFAULT_QUALITY[input.type]));
    return await canvas.convertToBlob(quality === undefined ? { type: input.type } : { type: input.type, quality });
  } finally {
    cutout.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

/** One read of the cutout's pixels for the subject's bounds (alpha ≥ SUBJECT_ALPHA). */
function readSubjectBounds(cutout: ImageBitmap): Rect | undefined {
  const canvas = new OffscreenCanvas(cutout.width, cutout.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('2D canvas is not available in this browser');
  context.drawImage(cutout, 0, 0);
  const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
  // Free the copy's backing store now, not at the next collection.
  canvas.width = canvas.height = 1;
  return subjectBounds(rgba, { width: cutout.width, height: cutout.height }, 4);
}

function refuseOversized(output: Size): void {
  if (output.width <= MAX_CANVAS_SIDE && output.height <= MAX_CANVAS_SIDE && output.width * output.height <= MAX_WORKING_PIXELS) return;
  throw new FailureError({
    code: 'too-large',
    message: `The finished image would be ${output.width}×${output.height} pixels (${megapixels(output.width, output.height)}), more than this browser can draw. Choose a smaller margin or a fixed output size.`,
  });
}

type ImageRole = 'background image' | 'original photo';

/**
 * Decodes an image the person chose (or the photo they started from) upright, optionally straight to
 * the size it will be drawn at; a file that cannot be read gets words, not a stack trace.
 */
async function decodeImage(blob: Blob, role: ImageRole, resize?: Size): Promise<ImageBitmap> {
  try {
    if (blob.size === 0) throw new Error('empty');
    return await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      ...(resize ? { resizeWidth: resize.width, resizeHeight: resize.height, resizeQuality: 'medium' as const } : {}),
    });
  } catch {
    const what = role === 'background image' ? 'The background image' : 'The original photo';
    const next = role === 'background image' ? 'Choose a JPEG, PNG or WebP image.' : 'Choose another background, or open the photo again.';
    throw new FailureError({ code: 'corrupt', message: `${what} could not be read: ${await whyUnreadable(blob)}. ${next}` });
  }
}

/** What is wrong with bytes the browser would not decode, in words. */
async function whyUnreadable(blob: Blob): Promise<string> {
  if (blob.size === 0) return 'the file is empty';
  const sniffed = sniffImage(new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer()));
  switch (sniffed.kind) {
    case 'image':
      if (sniffed.width && sniffed.height && planWorkingSize(sniffed.width, sniffed.height).kind === 'refuse') {
        return `it is ${sniffed.width}×${sniffed.height} pixels (${megapixels(sniffed.width, sniffed.height)}), too large to open`;
      }
      return `it looks like a ${sniffed.label} but is damaged or incomplete`;
    case 'unsupported-image':
      return `it is a ${sniffed.label}, which this browser cannot open`;
    case 'not-image':
      return `it is a ${sniffed.label}, not an image`;
    case 'unknown':
      return 'it is not in an image format this browser can read';
  }
}

// ---------------------------------------------------------------------------------------------
// Background

async function drawBackground(
  context: OffscreenCanvasRenderingContext2D,
  background: Background,
  /** The cutout, where it (and the photo) lands in the output, its size (the photo's working size), the output's. */
  { cutout, placed, working, output }: { cutout: ImageBitmap; placed: Rect; working: Size; output: Size },
  photo: Blob | undefined,
): Promise<void> {
  switch (background.kind) {
    case 'transparent':
      return;
    case 'color': {
      const color = parseHexColor(background.color);
      if (!color) throw new Error(`Not a colour: ${background.color}`);
      context.fillStyle = `rgb(${color.r} ${color.g} ${color.b})`;
      context.fillRect(0, 0, output.width, output.height);
      return;
    }
    case 'image': {
      const image = await decodeImage(background.image, 'background image');
      try {
        const at = coverCentred(image, output);
        context.drawImage(image, at.x, at.y, at.width, at.height);
      } finally {
        image.close();
      }
      return;
    }
    case 'blur': {
      if (!photo) {
        throw new FailureError({
          code: 'internal',
          message: 'The blurred background needs the original photo, which is no longer open. Choose another background.',
        });
      }
      const sigma = Math.max(0, background.radius) * Math.max(output.width, output.height);
      await drawBlurredPhoto(context, photo, cutout, { photo: coverOutput(placed, output), output, working }, sigma);
      return;
    }
  }
}

/**
 * The photo behind the subject, blurred by `sigma` output pixels, as a portrait mode would: decoded
 * straight to the reduced size the blur is computed at; the subject taken out and its place filled
 * from the background around it (else it would leave a blurred ghost and halo behind the cutout, a
 * large one where the frame reaches past the photo and the photo is scaled to cover); the edges
 * clamped past the output (a canvas blur fades to transparent at its edges, which would darken them);
 * blurred, and scaled back over the output.
 */
async function drawBlurredPhoto(
  context: OffscreenCanvasRenderingContext2D,
  photoBlob: Blob,
  cutout: ImageBitmap,
  { photo, output, working }: { photo: Rect; output: Size; working: Size },
  sigma: number,
): Promise<void> {
  if (sigma < 0.5) {
    const bitmap = await decodeImage(photoBlob, 'original photo', decodeSize(photo, working));
    try {
      context.drawImage(bitmap, photo.x, photo.y, photo.width, photo.height);
    } finally {
      bitmap.close();
    }
    return;
  }
  const plan = blurPlan(photo, output, sigma);
  const work = new OffscreenCanvas(plan.canvas.width, plan.canvas.height);
  const workContext = context2d(work);
  workContext.imageSmoothingQuality = 'high';
  const inside = innerPixels(plan.photo, plan.canvas);
  const at = plan.photo;
  const bitmap = await decodeImage(photoBlob, 'original photo', decodeSize(at, working));
  try {
    workContext.drawImage(bitmap, at.x, at.y, at.width, at.height);
    // Out goes the subject, its soft edge too (three times leaves (1 − α)³ of a fringe pixel): the
    // photo's fringe is mostly the subject's colour (white fur would fill the hole white).
    workContext.globalCompositeOperation = 'destination-out';
    for (let pass = 0; pass < 3; pass++) workContext.drawImage(cutout, at.x, at.y, at.width, at.height);
    workContext.globalCompositeOperation = 'source-over';
    if (inside) clampEdges(workContext, inside);
    if (!fillFromSurroundings(work)) {
      // All subject, no background to fill from: the photo as it is.
      workContext.clearRect(0, 0, work.width, work.height);
      workContext.drawImage(bitmap, at.x, at.y, at.width, at.height);
      if (inside) clampEdges(workContext, inside);
    }
  } finally {
    bitmap.close();
  }
  const blurred = blurredCanvas(plan.canvas, plan.sigma, (blurContext) => blurContext.drawImage(work, 0, 0));
  const { source } = plan;
  context.drawImage(blurred, source.x, source.y, source.width, source.height, 0, 0, output.width, output.height);
}

/**
 * Fills the transparent parts of `canvas`, in place, from what surrounds them (pull-push): halve it
 * down to one pixel (averaging premultiplied pixels averages only what is there), then from the top
 * down draw each level behind the one below it (destination-over), so a hole gets the colours around
 * it, at the scale of the hole. False when the canvas holds nothing to fill from.
 */
function fillFromSurroundings(canvas: OffscreenCanvas): boolean {
  const levels = [canvas];
  for (let level = canvas; level.width > 1 || level.height > 1;) {
    const next = new OffscreenCanvas(Math.ceil(level.width / 2), Math.ceil(level.height / 2));
    const nextContext = context2d(next);
    nextContext.imageSmoothingQuality = 'low';
    nextContext.drawImage(level, 0, 0, next.width, next.height);
    levels.push(next);
    level = next;
  }
  const top = levels[levels.length - 1] ?? canvas;
  const topContext = context2d(top);
  const pixel = topContext.getImageData(0, 0, 1, 1);
  if ((pixel.data[3] ?? 0) === 0) return false;
  // The average of everything there is, opaque.
  pixel.data[3] = 255;
  topContext.putImageData(pixel, 0, 0);
  for (let index = levels.length - 2; index >= 0; index--) {
    const level = levels[index];
    const coarser = levels[index + 1];
    if (!level || !coarser) continue;
    const levelContext = context2d(level);
    levelContext.globalCompositeOperation = 'destination-over';
    levelContext.imageSmoothingQuality = 'low';
    levelContext.drawImage(coarser, 0, 0, level.width, level.height);
    levelContext.globalCompositeOperation = 'source-over';
  }
  return true;
}

/** Repeats the edge pixels of `inside` out to the canvas's edges (edge clamping). */
function clampEdges(context: OffscreenCanvasRenderingContext2D, inside: Rect): void {
  const { width, height } = context.canvas;
  const canvas = context.canvas;
  const right = inside.x + inside.width;
  const bottom = inside.y + inside.height;
  context.imageSmoothingEnabled = false;
  if (inside.x > 0) context.drawImage(canvas, inside.x, inside.y, 1, inside.height, 0, inside.y, inside.x, inside.height);
  if (right < width) context.drawImage(canvas, right - 1, inside.y, 1, inside.height, right, inside.y, width - right, inside.height);
  // The rows now span the full width: stretch the first and last rows up and down.
  if (inside.y > 0) context.drawImage(canvas, 0, inside.y, width, 1, 0, 0, width, inside.y);
  if (bottom < height) context.drawImage(canvas, 0, bottom - 1, width, 1, 0, bottom, width, height - bottom);
  context.imageSmoothingEnabled = true;
}

// ---------------------------------------------------------------------------------------------
// Shadows

/** The cutout's own outline, blurred, offset and black at the shadow's opacity. */
function drawDropShadow(
  context: OffscreenCanvasRenderingContext2D,
  cutout: ImageBitmap,
  placed: Rect,
  subject: Rect,
  shadow: DropShadow,
): void {
  if (shadow.opacity <= 0) return;
  const pixels = dropShadowPixels(shadow, subject);
  const region = dropShadowRegion(subject, context.canvas, pixels);
  if (!region) return;
  const scale = reducedScale(pixels.blur);
  const size = { width: Math.max(1, Math.ceil(region.width * scale)), height: Math.max(1, Math.ceil(region.height * scale)) };
  const silhouette = blurredCanvas(size, pixels.blur * scale, (blurContext) => {
    blurContext.imageSmoothingQuality = 'high';
    blurContext.drawImage(
      cutout,
      (placed.x - region.x) * scale,
      (placed.y - region.y) * scale,
      placed.width * scale,
      placed.height * scale,
    );
  });
  const silhouetteContext = context2d(silhouette);
  silhouetteContext.globalCompositeOperation = 'source-in';
  silhouetteContext.fillStyle = '#000';
  silhouetteContext.fillRect(0, 0, size.width, size.height);
  context.save();
  context.globalAlpha = Math.min(1, shadow.opacity);
  context.drawImage(silhouette, region.x + pixels.offsetX, region.y + pixels.offsetY, size.width / scale, size.height / scale);
  context.restore();
}

/** A soft ellipse under the subject's base: darkest at its centre, fading to nothing at its rim. */
function drawContactShadow(context: OffscreenCanvasRenderingContext2D, subject: Rect, shadow: ContactShadow): void {
  if (shadow.opacity <= 0 || shadow.spread <= 0) return;
  const { cx, cy, rx, ry } = contactEllipse(shadow, subject);
  const opacity = Math.min(1, shadow.opacity);
  context.save();
  context.translate(cx, cy);
  context.scale(rx, ry);
  const gradient = context.createRadialGradient(0, 0, 0, 0, 0, 1);
  // A Gaussian falloff (σ ≈ 0.4 of the radius), brought to nothing at the rim.
  for (const [at, share] of [
    [0, 1],
    [0.25, 0.82],
    [0.5, 0.46],
    [0.75, 0.17],
    [1, 0],
  ] as const) {
    gradient.addColorStop(at, `rgb(0 0 0 / ${opacity * share})`);
  }
  context.fillStyle = gradient;
  context.beginPath();
  context.arc(0, 0, 1, 0, 2 * Math.PI);
  context.fill();
  context.restore();
}

// ---------------------------------------------------------------------------------------------
// Blur

let filterSupport: boolean | undefined;

/** Canvas `filter` (Chromium, Firefox; not every Safari): probed once. */
function canFilter(): boolean {
  if (filterSupport === undefined) {
    const context = new OffscreenCanvas(1, 1).getContext('2d');
    if (context && 'filter' in context) {
      context.filter = 'blur(2px)';
      filterSupport = context.filter === 'blur(2px)';
    } else {
      filterSupport = false;
    }
  }
  return filterSupport;
}

/**
 * A canvas of `size` holding what `paint` draws, blurred by a Gaussian of `sigma` pixels. Without
 * canvas filters, an approximation: reduced to one pixel per 2σ and scaled back up smoothly.
 */
function blurredCanvas(size: Size, sigma: number, paint: (context: OffscreenCanvasRenderingContext2D) => void): OffscreenCanvas {
  const canvas = new OffscreenCanvas(size.width, size.height);
  const context = context2d(canvas);
  if (sigma < 0.5) {
    paint(context);
    return canvas;
  }
  if (canFilter()) {
    context.filter = `blur(${sigma}px)`;
    paint(context);
    context.filter = 'none';
    return canvas;
  }
  paint(context);
  // Averaging blocks of 2σ, then a smooth (bicubic) enlargement: roughly a Gaussian of σ.
  const small = new OffscreenCanvas(Math.max(1, Math.round(size.width / (2 * sigma))), Math.max(1, Math.round(size.height / (2 * sigma))));
  const smallContext = context2d(small);
  smallContext.imageSmoothingQuality = 'high';
  smallContext.drawImage(canvas, 0, 0, small.width, small.height);
  context.clearRect(0, 0, size.width, size.height);
  context.imageSmoothingQuality = 'high';
  context.drawImage(small, 0, 0, size.width, size.height);
  return canvas;
}
