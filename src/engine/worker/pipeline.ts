/**
 * The on-device cutout, from file bytes to a full-resolution transparent PNG. Runs in the engine
 * worker (OffscreenCanvas, createImageBitmap), never on the main thread.
 */
import {
  corruptImageFailure,
  downscaleNotice,
  emptyFileFailure,
  modelLoadFailure,
  tooLargeFailure,
  unreadableFormatFailure,
  type CutoutFailure,
} from '../../shared/cutout-errors.ts';
import { flattenOnto, parseHexColor } from '../../shared/image/composite.ts';
import { planWorkingSize } from '../../shared/image/limits.ts';
import { refineAlphaChannel } from '../../shared/image/mask.ts';
import { SNIFF_BYTES, sniffImage } from '../../shared/image/sniff.ts';
import type { CutoutInput, CutoutOutput, CutoutProgress, RenderInput } from '../protocol.ts';
import { loadModel, MODEL_SIDE, predictMask } from './model.ts';

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

interface DecodedInput {
  bitmap: ImageBitmap;
  notice?: string;
}

async function decodeInput(file: Blob, fileName: string): Promise<DecodedInput> {
  if (file.size === 0) throw new FailureError(emptyFileFailure(fileName));
  const sniffed = sniffImage(new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer()));
  const refusal = unreadableFormatFailure(fileName, sniffed);
  if (refusal) throw new FailureError(refusal);

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

function modelInput(bitmap: ImageBitmap): Uint8ClampedArray<ArrayBuffer> {
  const canvas = new OffscreenCanvas(MODEL_SIDE, MODEL_SIDE);
  const context = context2d(canvas);
  context.imageSmoothingQuality = 'high';
  context.drawImage(bitmap, 0, 0, MODEL_SIDE, MODEL_SIDE);
  return context.getImageData(0, 0, MODEL_SIDE, MODEL_SIDE).data;
}

/**
 * Applies the 1024² mask to the full-resolution image: the canvas scales the mask (the library's
 * output is white with the mask as alpha), then the alpha levels are refined at full resolution.
 */
function applyMask(bitmap: ImageBitmap, maskRgba: Uint8ClampedArray<ArrayBuffer>): OffscreenCanvas {
  const maskCanvas = new OffscreenCanvas(MODEL_SIDE, MODEL_SIDE);
  context2d(maskCanvas).putImageData(new ImageData(maskRgba, MODEL_SIDE, MODEL_SIDE), 0, 0);

  const output = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = context2d(output);
  context.drawImage(bitmap, 0, 0);
  context.globalCompositeOperation = 'destination-in';
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(maskCanvas, 0, 0, bitmap.width, bitmap.height);
  context.globalCompositeOperation = 'source-over';
  const pixels = context.getImageData(0, 0, output.width, output.height);
  refineAlphaChannel(pixels.data);
  context.putImageData(pixels, 0, 0);
  return output;
}

export async function previewOf(canvas: OffscreenCanvas | ImageBitmap): Promise<ImageBitmap> {
  const scale = Math.min(1, PREVIEW_SIDE / Math.max(canvas.width, canvas.height));
  if (scale === 1) return createImageBitmap(canvas);
  return createImageBitmap(canvas, {
    resizeWidth: Math.round(canvas.width * scale),
    resizeHeight: Math.round(canvas.height * scale),
    resizeQuality: 'medium',
  });
}

export async function runCutout(
  input: CutoutInput,
  report: (progress: CutoutProgress, transfer?: Transferable[]) => void,
): Promise<CutoutOutput> {
  const started = performance.now();
  report({ stage: 'decode' });
  const { bitmap, notice } = await decodeInput(input.file, input.fileName);
  try {
    const rgba = modelInput(bitmap);

    // Download progress arrives per resource (model, runtime wasm, runtime mjs); report the sum.
    const downloads = new Map<string, { loaded: number; total: number }>();
    const onDownload = (key: string, current: number, total: number): void => {
      if (!key.startsWith('fetch:')) return;
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
    const mask = await predictMask(rgba, input.model);
    const inferenceDone = performance.now();

    report({ stage: 'compose' });
    const cutout = applyMask(bitmap, mask);
    const preview = await previewOf(cutout);
    report({ stage: 'preview', preview, width: cutout.width, height: cutout.height }, [preview]);

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
        totalMs: Math.round(finished - started),
      },
    };
    if (notice) output.notice = notice;
    return output;
  } finally {
    bitmap.close();
  }
}

/** Encodes a finished cutout for download: PNG or WebP, transparent or over a colour. */
export async function renderExport(input: RenderInput): Promise<Blob> {
  const bitmap = await createImageBitmap(input.png);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = context2d(canvas);
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  if (input.background.kind === 'color') {
    const color = parseHexColor(input.background.color);
    if (!color) throw new Error(`Not a colour: ${input.background.color}`);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height);
    flattenOnto(pixels.data, color);
    context.putImageData(pixels, 0, 0);
  }
  // WebP at 0.95 keeps edges clean; PNG is lossless anyway.
  return canvas.convertToBlob({ type: input.type, quality: 0.95 });
}
