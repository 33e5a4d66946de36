/**
 * The on-device cutout, from file bytes to a full-resolution transparent PNG. Runs in the engine
 * worker (OffscreenCanvas, createImageBitmap), never on the main thread.
 */
import {
  corruptImageFailure,
  downscaleNotice,
  emptyFileFailure,
  modelLoadFailure,
  noSubjectNotice,
  tooLargeFailure,
  unreadableFormatFailure,
  type CutoutFailure,
} from '../../shared/cutout-errors.ts';
import { planWorkingSize } from '../../shared/image/limits.ts';
import { applyGuidedAlpha, GUIDED_EPSILON, GUIDED_RADIUS, guidedCoefficients } from '../../shared/image/guided-filter.ts';
import { refineAlphaChannel } from '../../shared/image/mask.ts';
import { keepConfidentParts } from '../../shared/image/mask-parts.ts';
import { FULL_PASS_STRETCH, modelFrame, QUICK_PASS_STRETCH, type ModelFrame } from '../../shared/image/model-frame.ts';
import { estimateForeground } from '../../shared/image/foreground.ts';
import { SNIFF_BYTES, sniffImage } from '../../shared/image/sniff.ts';
import type { CutoutInput, CutoutOutput, CutoutProgress } from '../protocol.ts';
import { backendOf, loadModel, MODEL_SIDE, predictMask } from './model.ts';

/** Longest side of the on-screen preview; the download is always full resolution. */
const PREVIEW_SIDE = 2048;

export class FailureError extends Error {
  constructor(readonly failure: CutoutFailure) {
    super(failure.message);
  }
}

export function context2d(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const context = canvas.getContext('2d', { willReadFrequently: false });
  if (!context) throw new Error('2D canvas is not available in this browser');
  return context;
}

/** Beyond a million pixels a side, a header is damaged (the largest panoramas are a few hundred thousand). */
const MAX_PLAUSIBLE_SIDE = 1_000_000;

function plausibleSize(width: number, height: number): boolean {
  return width > 0 && height > 0 && width <= MAX_PLAUSIBLE_SIDE && height <= MAX_PLAUSIBLE_SIDE;
}

interface DecodedInput {
  bitmap: ImageBitmap;
  notice?: string;
}

async function decodeInput(file: Blob, fileName: string): Promise<DecodedInput> {
  if (file.size === 0) throw new FailureError(emptyFileFailure(fileName));
  const sniffed = sniffImage(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
  const refusal = unreadableFormatFailure(fileName, sniffed);
  if (refusal) throw new FailureError(refusal);

  // A header claiming no pixels, or sides no camera or editor makes, is damage, not a big photo.
  if (
    sniffed.kind === 'image' &&
    sniffed.width !== undefined &&
    sniffed.height !== undefined &&
    !plausibleSize(sniffed.width, sniffed.height)
  ) {
    throw new FailureError(corruptImageFailure(fileName, sniffed));
  }
  // Refuse absurd sizes before decoding: the decode itself is what would exhaust memory.
  if (sniffed.kind === 'image' && sniffed.width && sniffed.height) {
    const plan = planWorkingSize(sniffed.width, sniffed.height);
    if (plan.kind === 'refuse') throw new FailureError(tooLargeFailure(fileName, plan.width, plan.height));
  }

  let bitmap: ImageBitmap;
  try {
    // imageOrientation 'from-image' (the default) applies EXIF orientation: phone photos stand upright.
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new FailureError(corruptImageFailure(fileName, sniffed));
  }
  const plan = planWorkingSize(bitmap.width, bitmap.height);
  if (plan.kind === 'refuse') {
    bitmap.close();
    throw new FailureError(tooLargeFailure(fileName, plan.width, plan.height));
  }
  if (plan.kind === 'as-is') return { bitmap };
  const scaled = await createImageBitmap(bitmap, {
    resizeWidth: plan.width,
    resizeHeight: plan.height,
    resizeQuality: 'high',
  });
  bitmap.close();
  return { bitmap: scaled, notice: downscaleNotice(plan.fromWidth, plan.fromHeight, plan.width, plan.height) };
}

/**
 * The two passes (issue 12): a fast one at FAST_SIDE² (≈ 0.27 of the full pass's time) whose cutout is
 * shown at once, then the full one at the model's own MODEL_SIDE², which replaces it and is what gets
 * downloaded. Sizes and fits measured on eval-dev's 9 photos and 12 small-subject composites (BENCH.md;
 * the fits themselves are in shared/image/model-frame.ts).
 */
const FAST_SIDE = 512;

function modelInput(bitmap: ImageBitmap, frame: ModelFrame): Uint8ClampedArray<ArrayBuffer> {
  const canvas = new OffscreenCanvas(frame.width, frame.height);
  const context = context2d(canvas);
  context.fillStyle = 'rgb(128 128 128)';
  context.fillRect(0, 0, frame.width, frame.height);
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, frame.place.x, frame.place.y, frame.place.width, frame.place.height);
  return context.getImageData(0, 0, frame.width, frame.height).data;
}

/** Share of the photo's area the mask calls subject (≥ 50 %). */
function subjectShare(mask: Uint8ClampedArray, frame: ModelFrame): number {
  let subject = 0;
  const { place } = frame;
  for (let y = place.y; y < place.y + place.height; y++)
    for (let x = place.x; x < place.x + place.width; x++) if ((mask[y * frame.width + x] ?? 0) >= 128) subject++;
  return subject / Math.max(1, place.width * place.height);
}

/** Below this share of the photo, the model found no subject worth delivering silently. */
const NO_SUBJECT_SHARE = 0.001;

/*
 * The 1024² mask reaches full resolution through the fast guided filter, with the photo's luma as
 * guide, so mask edges follow the photo's edges (BENCH.md: edge error −7 % against bilinear scaling);
 * its radius and ε live beside the filter.
 */

/** The model's mask and its input inside `place`, as 0–1 planes for the guided filter. */
function guidedPlanes(
  rgba: Uint8ClampedArray,
  mask: Uint8ClampedArray,
  frame: ModelFrame,
): { guide: Float32Array; maskPlane: Float32Array } {
  const { place } = frame;
  const count = place.width * place.height;
  const guide = new Float32Array(count);
  const maskPlane = new Float32Array(count);
  for (let y = 0; y < place.height; y++) {
    for (let x = 0; x < place.width; x++) {
      const from = (place.y + y) * frame.width + place.x + x;
      const to = y * place.width + x;
      guide[to] = (0.299 * (rgba[from * 4] ?? 0) + 0.587 * (rgba[from * 4 + 1] ?? 0) + 0.114 * (rgba[from * 4 + 2] ?? 0)) / 255;
      maskPlane[to] = (mask[from] ?? 0) / 255;
    }
  }
  return { guide, maskPlane };
}

/**
 * Applies the 1024² mask to the full-resolution image, refines the alpha levels there, then gives
 * every semi-transparent pixel the subject's own colour instead of the photo's mix with the old
 * background (shared/image/foreground.ts). Returns the canvas and how long the colour step took.
 */
function applyMask(
  bitmap: ImageBitmap,
  modelRgba: Uint8ClampedArray,
  mask: Uint8ClampedArray,
  frame: ModelFrame,
): { canvas: OffscreenCanvas; foregroundMs: number } {
  const { place } = frame;
  const output = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = context2d(output);
  context.drawImage(bitmap, 0, 0);
  const { guide, maskPlane } = guidedPlanes(modelRgba, mask, frame);
  const coefficients = guidedCoefficients(guide, maskPlane, place.width, place.height, GUIDED_RADIUS, GUIDED_EPSILON);
  const pixels = context.getImageData(0, 0, output.width, output.height);
  applyGuidedAlpha(pixels.data, output.width, output.height, coefficients);
  refineAlphaChannel(pixels.data);
  const foregroundStarted = performance.now();
  estimateForeground(pixels.data, output.width, output.height);
  const foregroundMs = performance.now() - foregroundStarted;
  context.putImageData(pixels, 0, 0);
  return { canvas: output, foregroundMs };
}

/**
 * The on-screen preview, composed from a screen-sized copy of the photo so it shows before the
 * full-resolution compose (seconds at 24 MP) has even started.
 */
async function previewOf(
  bitmap: ImageBitmap,
  modelRgba: Uint8ClampedArray,
  mask: Uint8ClampedArray,
  frame: ModelFrame,
): Promise<ImageBitmap> {
  const scale = Math.min(1, PREVIEW_SIDE / Math.max(bitmap.width, bitmap.height));
  const small = await createImageBitmap(bitmap, { ...scaledSize(bitmap, scale), resizeQuality: 'medium' });
  try {
    return await createImageBitmap(applyMask(small, modelRgba, mask, frame).canvas);
  } finally {
    small.close();
  }
}

/** A screen-sized copy of a finished image (a provider's cutout), for the compare view. */
export async function screenPreview(image: ImageBitmap): Promise<ImageBitmap> {
  const scale = Math.min(1, PREVIEW_SIDE / Math.max(image.width, image.height));
  if (scale === 1) return createImageBitmap(image);
  return createImageBitmap(image, { ...scaledSize(image, scale), resizeQuality: 'medium' });
}

/** A scaled size that never reaches 0 on either side: a 1×10000 strip stays 1 pixel wide, not 0. */
function scaledSize(image: { width: number; height: number }, scale: number): { resizeWidth: number; resizeHeight: number } {
  return { resizeWidth: Math.max(1, Math.round(image.width * scale)), resizeHeight: Math.max(1, Math.round(image.height * scale)) };
}

export async function runCutout(
  input: CutoutInput,
  report: (progress: CutoutProgress, transfer?: Transferable[]) => void,
): Promise<CutoutOutput> {
  const started = performance.now();
  report({ stage: 'decode' });
  const { bitmap, notice } = await decodeInput(input.file, input.fileName);
  try {
    // Download progress arrives per resource (model, runtime wasm, runtime mjs); report the sum.
    const downloads = new Map<string, { loaded: number; total: number }>();
    const onDownload = (key: string, current: number, total: number): void => {
      downloads.set(key, { loaded: current, total });
      let loaded = 0;
      let sum = 0;
      for (const entry of downloads.values()) {
        loaded += entry.loaded;
        sum += entry.total;
      }
      report({ stage: 'download', loaded, total: Math.max(sum, input.expectedDownloadBytes ?? 0) });
    };
    try {
      await loadModel(input.model, onDownload);
    } catch (error) {
      throw new FailureError(modelLoadFailure(error instanceof Error ? error.message : String(error)));
    }
    const modelReady = performance.now();

    report({ stage: 'inference' });
    // Fast pass: a small input, its cutout on screen at once.
    const fastFrame = modelFrame(bitmap.width, bitmap.height, FAST_SIDE, QUICK_PASS_STRETCH);
    const fastRgba = modelInput(bitmap, fastFrame);
    const fastMask = await predictMask(fastRgba, input.model, fastFrame.width, fastFrame.height);
    // A second, less certain object beside the subject (an out-of-focus boat, people on a beach) is dropped.
    keepConfidentParts(fastMask, fastFrame.width, fastFrame.place);
    const fastPreview = await previewOf(bitmap, fastRgba, fastMask, fastFrame);
    const fastDone = performance.now();
    report({ stage: 'preview', preview: fastPreview, width: bitmap.width, height: bitmap.height, pass: 'fast' }, [fastPreview]);

    // Full pass at the model's own size. If it finds nothing where the fast pass found a subject
    // (it happens with small subjects), the fast pass's mask is the better one.
    const fullFrame = modelFrame(bitmap.width, bitmap.height, MODEL_SIDE, FULL_PASS_STRETCH);
    let rgba = modelInput(bitmap, fullFrame);
    let mask = await predictMask(rgba, input.model, fullFrame.width, fullFrame.height);
    keepConfidentParts(mask, fullFrame.width, fullFrame.place);
    let frame = fullFrame;
    const fastShare = subjectShare(fastMask, fastFrame);
    let share = subjectShare(mask, fullFrame);
    if (share < NO_SUBJECT_SHARE && fastShare >= NO_SUBJECT_SHARE) {
      rgba = fastRgba;
      mask = fastMask;
      frame = fastFrame;
      share = fastShare;
    }
    const inferenceDone = performance.now();
    const backend = await backendOf(input.model);

    report({ stage: 'compose' });
    // A screen-sized photo is composed once; a larger one gets its preview composed first.
    const fitsScreen = Math.max(bitmap.width, bitmap.height) <= PREVIEW_SIDE;
    let composed = fitsScreen ? applyMask(bitmap, rgba, mask, frame) : undefined;
    const preview = composed ? await createImageBitmap(composed.canvas) : await previewOf(bitmap, rgba, mask, frame);
    report({ stage: 'preview', preview, width: bitmap.width, height: bitmap.height, pass: 'full' }, [preview]);
    composed ??= applyMask(bitmap, rgba, mask, frame);
    const cutout = composed.canvas;

    report({ stage: 'encode' });
    const png = await cutout.convertToBlob({ type: 'image/png' });
    const finished = performance.now();
    const output: CutoutOutput = {
      png,
      width: cutout.width,
      height: cutout.height,
      timings: {
        modelMs: Math.round(modelReady - started),
        inferenceMs: Math.round(inferenceDone - modelReady),
        fastPreviewMs: Math.round(fastDone - started),
        foregroundMs: Math.round(composed.foregroundMs),
        totalMs: Math.round(finished - started),
        backend,
      },
    };
    const notices = [notice, share < NO_SUBJECT_SHARE ? noSubjectNotice() : undefined].filter(Boolean);
    if (notices.length > 0) output.notice = notices.join(' ');
    return output;
  } finally {
    bitmap.close();
  }
}
