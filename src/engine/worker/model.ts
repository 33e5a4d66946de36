/**
 * The segmentation model (@imgly/background-removal on ONNX Runtime Web). Runs in the engine worker only.
 */
import type { ModelChoice } from '../protocol.ts';

/** The network's fixed input size. */
export const MODEL_SIDE = 1024;

/** Our names → the library's (its "small"/"medium" aliases are not in its types). */
const LIBRARY_MODEL = { small: 'isnet_quint8', medium: 'isnet_fp16' } as const;

type ProgressSink = (key: string, current: number, total: number) => void;

/**
 * The library memoises its session per config and keeps the first call's progress callback for
 * good, so we hand it one stable function that forwards to whichever job is running now.
 */
let currentSink: ProgressSink | undefined;
const stableProgress: ProgressSink = (key, current, total) => currentSink?.(key, current, total);

function publicPath(): string {
  // Absolute URL ending in "/": the library resolves resources.json and every chunk against it.
  return new URL(`${import.meta.env.BASE_URL}imgly/`, self.location.origin).href;
}

function libraryConfig(model: ModelChoice) {
  return {
    publicPath: publicPath(),
    model: LIBRARY_MODEL[model],
    progress: stableProgress,
    output: { format: 'image/x-rgba8' as const },
  };
}

/**
 * Makes sure the model is loaded: fetched on first use (progress keys "fetch:…"), then kept by the
 * library for every later call in this worker.
 */
export async function loadModel(model: ModelChoice, onProgress: ProgressSink): Promise<void> {
  const { preload } = await import('@imgly/background-removal');
  currentSink = onProgress;
  try {
    await preload(libraryConfig(model));
  } finally {
    currentSink = undefined;
  }
}

/** Runs the model on a 1024×1024 RGBA image; returns the library's RGBA mask (alpha = subject). */
export async function predictMask(
  rgba: Uint8ClampedArray<ArrayBuffer>,
  model: ModelChoice,
): Promise<Uint8ClampedArray<ArrayBuffer>> {
  const { segmentForeground } = await import('@imgly/background-removal');
  const input = new Blob([rgba], { type: `image/x-rgba8;width=${MODEL_SIDE};height=${MODEL_SIDE}` });
  const mask = await segmentForeground(input, libraryConfig(model));
  return new Uint8ClampedArray(await mask.arrayBuffer());
}
