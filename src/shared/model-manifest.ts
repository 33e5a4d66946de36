/**
 * The on-device models and the manifest that lists their files (`<asset dir>/resources.json`, in the
 * imgly library's format, written by scripts/model-assets.ts). One definition for the build, the engine
 * worker, the service worker, the page and the bench. Pure.
 */

/** The two on-device models: IS-Net quint8 ("small") and fp16 ("medium"). */
export type ModelChoice = 'small' | 'medium';
export const MODEL_CHOICES: readonly ModelChoice[] = ['small', 'medium'];

/** resources.json key of each model's weights. */
export const MODEL_WEIGHTS_KEY: Readonly<Record<ModelChoice, string>> = {
  small: '/models/isnet_quint8',
  medium: '/models/isnet_fp16',
};

/** ONNX Runtime Web's CPU (WASM, threaded) files, the only runtime the engine loads. */
export const RUNTIME_WASM_KEY = '/onnxruntime-web/ort-wasm-simd-threaded.wasm';
export const RUNTIME_MJS_KEY = '/onnxruntime-web/ort-wasm-simd-threaded.mjs';

/** Every resources.json key one model needs on the engine's path. */
export const MODEL_RESOURCE_KEYS: Readonly<Record<ModelChoice, readonly string[]>> = {
  small: [MODEL_WEIGHTS_KEY.small, RUNTIME_WASM_KEY, RUNTIME_MJS_KEY],
  medium: [MODEL_WEIGHTS_KEY.medium, RUNTIME_WASM_KEY, RUNTIME_MJS_KEY],
};

export interface ManifestChunk {
  /** Path relative to the asset folder, e.g. "models/<sha256>". */
  name: string;
  /** Byte range of this chunk within the whole file: [start, end). */
  offsets: [number, number];
}

export interface ManifestEntry {
  chunks: ManifestChunk[];
  size: number;
  mime: string;
}

export type ModelManifest = Record<string, ManifestEntry>;
