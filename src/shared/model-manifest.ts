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

/** ONNX Runtime Web's CPU (WASM, threaded) files: the runtime the engine loads unless WebGPU is tried. */
export const RUNTIME_WASM_KEY = '/onnxruntime-web/ort-wasm-simd-threaded.wasm';
export const RUNTIME_MJS_KEY = '/onnxruntime-web/ort-wasm-simd-threaded.mjs';

/**
 * The same runtime built with WebGPU (JSEP): loaded instead of the one above, only by an engine that has a
 * WebGPU adapter and the medium model (the quint8 model's ConvInteger has no WebGPU kernel). Its CPU
 * backend serves the WASM fallback in the same worker (1024² runs as fast as the CPU-only build within
 * noise; its first run is a few seconds slower, BENCH.md). Not part of "Make available offline": without
 * these files cached the engine simply uses the files above.
 */
export const WEBGPU_RUNTIME_WASM_KEY = '/onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm';
export const WEBGPU_RUNTIME_MJS_KEY = '/onnxruntime-web/ort-wasm-simd-threaded.jsep.mjs';

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
