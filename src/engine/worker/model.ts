/**
 * The segmentation model (IS-Net from @imgly/background-removal-data) on ONNX Runtime Web, called
 * directly. Runs in the engine worker only.
 *
 * Why not the library's segmentForeground: it asks the runtime for all 12 graph outputs on every run
 * (the side outputs are 1024² float maps copied out of WASM memory) where only "output" is used.
 * Fetching just that output made no measurable speed difference on a busy 2-core box (BENCH.md), but
 * it skips those copies, rounds the mask instead of truncating it, and keeps the library out of the worker.
 * The files are the same self-hosted ones, listed in the library's resources.json format. The runtime
 * is imported lazily so the export worker (same file) never loads it.
 *
 * Backends: the CPU (WASM, threaded) always; WebGPU only for the medium model, where the browser has an
 * adapter, and only if a warm-up run on it gives the CPU's mask and is faster (tryWebGpu). Any WebGPU
 * failure, then or later, means the CPU, silently (one console.debug line says why).
 */
import type { InferenceSession } from 'onnxruntime-web';
import {
  MODEL_WEIGHTS_KEY,
  RUNTIME_MJS_KEY,
  RUNTIME_WASM_KEY,
  WEBGPU_RUNTIME_MJS_KEY,
  WEBGPU_RUNTIME_WASM_KEY,
  type ModelChoice,
  type ModelManifest,
} from '../../shared/model-manifest.ts';
import { MODEL_ASSET_DIR } from '../../shared/names.ts';
import type { InferenceBackend } from '../protocol.ts';
import { ChunkDownloadError, loadChunk, openModelCache, type ChunkCache } from '../../shared/model-cache.ts';

/** The network's fixed input size. */
export const MODEL_SIDE = 1024;
/** The build makes the graphs run at any size that is a multiple of this (scripts/onnx-dynamic.ts). */
export const MODEL_STRIDE = 64;

type ProgressSink = (key: string, current: number, total: number) => void;

type ResourceManifest = ModelManifest;

function assetBase(): URL {
  return new URL(`${import.meta.env.BASE_URL}${MODEL_ASSET_DIR}/`, self.location.origin);
}

async function fetchOk(url: URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not load ${url.pathname} (HTTP ${response.status})`);
  return response;
}

/**
 * One resource (all its chunks), reporting its bytes under its resources.json key. Each chunk comes
 * from the model cache when it is there and checks out, else from the network, checked (length and
 * SHA-256) and then written to the model cache (shared/model-cache.ts loadChunk, the service worker's
 * cache): a model loaded once works offline even when the service worker did not yet control the page
 * during that load, as on the first cutout in a fresh profile. Nothing unchecked is used: the glue module
 * is imported as code, the weights run as the model.
 */
async function fetchResource(
  manifest: ResourceManifest,
  key: string,
  cache: ChunkCache | undefined,
  onProgress: ProgressSink,
): Promise<Blob> {
  const entry = manifest[key];
  if (!entry) throw new Error(`Model files are incomplete: ${key} is missing from resources.json`);
  let loaded = 0;
  const parts = await Promise.all(
    entry.chunks.map(async (chunk) => {
      const file = { name: chunk.name, size: chunk.offsets[1] - chunk.offsets[0] };
      const blob = await loadChunk(file, { cache, fetchChunk: (name) => fetch(new URL(name, assetBase())) }).catch((error: unknown) => {
        throw error instanceof ChunkDownloadError ? new Error(`Model file ${error.message}`) : error;
      });
      loaded += blob.size;
      onProgress(key, loaded, entry.size);
      return blob;
    }),
  );
  return new Blob(parts, { type: entry.mime });
}

interface LoadedModel {
  session: InferenceSession;
  backend: InferenceBackend;
  /** Set while the session runs on WebGPU: WebGPU errors seen on its device so far. */
  gpuErrors?: () => number;
}

/** One session per model for the life of the worker: loading is the slow part, runs reuse it. */
const sessions = new Map<ModelChoice, Promise<LoadedModel>>();
const runtime = () => import('onnxruntime-web');

/** The runtime this worker loaded (once: ONNX Runtime initialises its WASM module one time per worker). */
interface Runtime {
  /** The adapter, when the WebGPU-capable runtime was loaded for it. */
  adapter: GPUAdapter | undefined;
}
let runtimeReady: Promise<Runtime> | undefined;

/** A WebGPU adapter, if this browser has one for us; never throws. */
async function webGpuAdapter(): Promise<GPUAdapter | undefined> {
  try {
    if (!('gpu' in navigator)) return undefined;
    return (await navigator.gpu.requestAdapter()) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Only the fp16 model can run on WebGPU: quint8's ConvInteger has no WebGPU kernel in ONNX Runtime Web. */
const WEBGPU_MODELS: ReadonlySet<ModelChoice> = new Set(['medium']);

async function prepareRuntime(
  manifest: ResourceManifest,
  cache: ChunkCache | undefined,
  onProgress: ProgressSink,
  tryWebGpu: boolean,
): Promise<Runtime> {
  const [ort, adapter] = await Promise.all([runtime(), tryWebGpu ? webGpuAdapter() : undefined]);
  // Fetched here for the download progress and into the model cache (before the runtime asks for it);
  // the runtime then loads the WASM by URL, so the browser compiles it while streaming and can cache
  // the compiled code. Offline, that URL is answered from the model cache by the service worker.
  const fetchRuntime = async (wasmKey: string, mjsKey: string) => {
    const [, glue] = await Promise.all([
      fetchResource(manifest, wasmKey, cache, onProgress),
      fetchResource(manifest, mjsKey, cache, onProgress),
    ]);
    return { wasm: resourceUrl(manifest, wasmKey), glue };
  };
  // With an adapter, the WebGPU build (its CPU backend serves the fallback too); if its files cannot be
  // had (offline, never cached), the CPU-only build as before.
  const webGpuFiles = adapter ? await fetchRuntime(WEBGPU_RUNTIME_WASM_KEY, WEBGPU_RUNTIME_MJS_KEY).catch(() => undefined) : undefined;
  const files = webGpuFiles ?? (await fetchRuntime(RUNTIME_WASM_KEY, RUNTIME_MJS_KEY));
  // Threads need cross-origin isolation (the app is served with COOP/COEP); without it ONNX Runtime
  // falls back to one thread by itself.
  ort.env.wasm.numThreads = navigator.hardwareConcurrency || 4;
  ort.env.wasm.proxy = false;
  // The glue module is imported from the bytes already fetched: a module import by URL from inside a
  // worker was not answered from the service worker's cache offline (measured: "Failed to fetch
  // dynamically imported module" with the network off), a blob: URL needs no network at all.
  ort.env.wasm.wasmPaths = { wasm: files.wasm, mjs: URL.createObjectURL(files.glue) };
  if (webGpuFiles && adapter) ort.env.webgpu.adapter = adapter;
  return { adapter: webGpuFiles ? adapter : undefined };
}

/** The URL of a one-chunk resource (the runtime files are never split). */
function resourceUrl(manifest: ResourceManifest, key: string): string {
  const chunk = manifest[key]?.chunks[0];
  if (!chunk) throw new Error(`Model files are incomplete: ${key} is missing from resources.json`);
  return new URL(chunk.name, assetBase()).href;
}

async function wasmSession(weights: Uint8Array): Promise<InferenceSession> {
  const ort = await runtime();
  return ort.InferenceSession.create(weights, {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    executionMode: 'parallel',
    enableCpuMemArena: true,
  });
}

async function loadManifest(): Promise<{ manifest: ResourceManifest; cache: ChunkCache | undefined }> {
  const manifest = (await (await fetchOk(new URL('resources.json', assetBase()))).json()) as ResourceManifest;
  return { manifest, cache: await openModelCache(assetBase().href) };
}

async function createSession(model: ModelChoice, onProgress: ProgressSink): Promise<LoadedModel> {
  const { manifest, cache } = await loadManifest();
  runtimeReady ??= prepareRuntime(manifest, cache, onProgress, WEBGPU_MODELS.has(model)).catch((error: unknown) => {
    runtimeReady = undefined;
    throw error;
  });
  const [weights, { adapter }] = await Promise.all([fetchResource(manifest, MODEL_WEIGHTS_KEY[model], cache, onProgress), runtimeReady]);
  const bytes = new Uint8Array(await weights.arrayBuffer());
  const cpu = await wasmSession(bytes);
  if (!adapter || !WEBGPU_MODELS.has(model)) return { session: cpu, backend: 'wasm' };
  return (await tryWebGpu(bytes, adapter, cpu)) ?? { session: cpu, backend: 'wasm' };
}

// ---------------------------------------------------------------------------------------------------
// WebGPU: used only where a warm-up run gives the CPU backend's mask and is faster than it

/** The warm-up's input side: small enough to cost little on the CPU, large enough that GPU overhead does not decide. */
const WARMUP_SIDE = 128;
/**
 * The warm-up masks (0–1) may differ by float16 rounding, not more. Measured: float32 on WebGPU (software)
 * against WASM, max |difference| < 1e-4; the float32 graph against the float16 one on WASM, 5.4e-4 at 1024².
 */
const WARMUP_MEAN_DIFFERENCE = 0.01;
const WARMUP_FAR_DIFFERENCE = 0.1;
const WARMUP_FAR_SHARE = 0.005;

/**
 * A deterministic, image-like warm-up input at side²: a warm disc (the subject) on a cool gradient, with
 * grain; normalised as predictMask does.
 */
function warmupInput(side: number): Float32Array {
  const plane = side * side;
  const planar = new Float32Array(3 * plane);
  let seed = 0x9e3779b9;
  const grain = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return ((seed >>> 0) / 0xffffffff - 0.5) * 12;
  };
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const u = x / side;
      const v = y / side;
      const inDisc = (x - 0.55 * side) ** 2 + (y - 0.45 * side) ** 2 < (0.3 * side) ** 2;
      const rgb = inDisc ? [230 - 40 * v, 170 - 60 * v, 60 + 30 * u] : [40 + 150 * u, 60 + 120 * v, 200 - 100 * (u + v)];
      for (let channel = 0; channel < 3; channel++) {
        const level = Math.min(255, Math.max(0, Math.round((rgb[channel] ?? 0) + grain())));
        planar[channel * plane + y * side + x] = (level - 128) / 256;
      }
    }
  }
  return planar;
}

/** Runs a session on one square planar input; returns the "output" map and how long the run took. */
async function timedRun(session: InferenceSession, planar: Float32Array, side: number): Promise<{ mask: Float32Array; ms: number }> {
  const started = performance.now();
  const mask = await runSession(session, planar, side, side);
  return { mask, ms: performance.now() - started };
}

interface Agreement {
  agrees: boolean;
  meanDifference: number;
  farShare: number;
}

/** Whether a WebGPU mask is the CPU's: finite, in range, and within rounding of it. */
function agreement(reference: Float32Array, candidate: Float32Array): Agreement {
  let sum = 0;
  let far = 0;
  let valid = candidate.length === reference.length;
  for (let i = 0; i < reference.length && valid; i++) {
    const value = candidate[i] ?? NaN;
    if (!Number.isFinite(value) || value < -0.01 || value > 1.01) valid = false;
    const difference = Math.abs(value - (reference[i] ?? 0));
    sum += difference;
    if (difference > WARMUP_FAR_DIFFERENCE) far++;
  }
  const meanDifference = sum / Math.max(1, reference.length);
  const farShare = far / Math.max(1, reference.length);
  // Agreeing with a blank reference would prove nothing (a failed GPU run returns zeros): the warm-up
  // input gives the CPU a confident disc (0 and 1 both reached).
  let lowest = Infinity;
  let highest = -Infinity;
  for (const value of reference) {
    lowest = Math.min(lowest, value);
    highest = Math.max(highest, value);
  }
  const agrees = valid && highest - lowest > 0.5 && meanDifference <= WARMUP_MEAN_DIFFERENCE && farShare <= WARMUP_FAR_SHARE;
  return { agrees, meanDifference, farShare };
}

/** Counts WebGPU errors on a device: ONNX Runtime's WebGPU backend reports a failed shader only there. */
function watchDevice(device: GPUDevice): () => number {
  let errors = 0;
  device.addEventListener('uncapturederror', () => errors++);
  void device.lost.then(() => errors++);
  return () => errors;
}

/**
 * Tries the model on WebGPU against the CPU session `cpu`: float16 where the adapter has shader-f16,
 * else the same weights in float32 (shared/onnx-float32.ts). Returns the WebGPU session if its warm-up
 * mask is the CPU's and it runs faster, releasing the CPU session; otherwise undefined, having released
 * whatever it made. Each side's first run pays one-time costs (the GPU compiles its shaders), so the
 * CPU is timed on its second run and the GPU on its first if that already wins, else on its second.
 * Never throws: a failure is a no.
 */
async function tryWebGpu(fp16: Uint8Array, adapter: GPUAdapter, cpu: InferenceSession): Promise<LoadedModel | undefined> {
  let gpu: InferenceSession | undefined;
  try {
    const ort = await runtime();
    // adapter.info arrived in Chromium 127; before it, nothing is known about the adapter.
    const info = (adapter as Partial<Pick<GPUAdapter, 'info'>>).info;
    const software = info?.isFallbackAdapter === true;
    const float16 = adapter.features.has('shader-f16');
    const converting = performance.now();
    const weights = float16 ? fp16 : (await import('../../shared/onnx-float32.ts')).float16GraphToFloat32(fp16).model;
    const convertMs = performance.now() - converting;
    gpu = await ort.InferenceSession.create(weights, { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' });
    const gpuErrors = watchDevice(await ort.env.webgpu.device);
    const input = warmupInput(WARMUP_SIDE);
    const reference = await timedRun(cpu, input, WARMUP_SIDE);
    const cpuMs = (await timedRun(cpu, input, WARMUP_SIDE)).ms;
    let candidate = await timedRun(gpu, input, WARMUP_SIDE);
    const firstMs = candidate.ms;
    // A software adapter runs the shaders on the CPU (20–100× slower than the CPU backend, BENCH.md):
    // no second run for it.
    if (candidate.ms >= cpuMs && !software) candidate = await timedRun(gpu, input, WARMUP_SIDE);
    const { agrees, meanDifference, farShare } = agreement(reference.mask, candidate.mask);
    const correct = agrees && gpuErrors() === 0;
    const faster = candidate.ms < cpuMs;
    debugLine(
      `adapter ${info?.vendor || '?'} ${info?.architecture || '?'}${software ? ' (software)' : ''}, ` +
        `${float16 ? 'float16' : `float32 (no shader-f16; converted in ${Math.round(convertMs)} ms)`}; warm-up ${WARMUP_SIDE}²: ` +
        `mask ${correct ? 'matches' : 'differs from'} WASM (mean |difference| ${meanDifference.toExponential(1)}, ` +
        `${(farShare * 100).toFixed(2)} % over ${WARMUP_FAR_DIFFERENCE}, ${gpuErrors()} WebGPU errors); ` +
        `${Math.round(candidate.ms)} ms (first ${Math.round(firstMs)} ms) vs WASM ${Math.round(cpuMs)} ms ` +
        `(first ${Math.round(reference.ms)} ms): ` +
        (correct && faster ? 'using WebGPU' : `using WASM (${correct ? 'slower' : 'incorrect'})`),
    );
    if (correct && faster) {
      await cpu.release();
      return { session: gpu, backend: 'webgpu', gpuErrors };
    }
  } catch (error) {
    debugLine(`WebGPU failed, using WASM: ${error instanceof Error ? error.message : String(error)}`);
  }
  await gpu?.release().catch(() => undefined);
  return undefined;
}

/** One line for a developer's console (never the image or a key): which backend and why. */
function debugLine(text: string): void {
  console.debug(`[cutwise engine] ${text}`);
}

/**
 * Makes sure the model is loaded: fetched on first use (progress per resources.json key), then kept for
 * every later call in this worker.
 */
export async function loadModel(model: ModelChoice, onProgress: ProgressSink): Promise<void> {
  let session = sessions.get(model);
  if (!session) {
    session = createSession(model, onProgress);
    sessions.set(model, session);
    session.catch(() => sessions.delete(model));
  }
  await session;
}

/** The backend a loaded model runs on now ('wasm' after any WebGPU failure). */
export async function backendOf(model: ModelChoice): Promise<InferenceBackend> {
  const loaded = await sessions.get(model);
  if (!loaded) throw new Error('The model is not loaded');
  return loaded.backend;
}

/** After a WebGPU failure: the model on the CPU from here on (weights from the model cache). */
async function fallBackToWasm(model: ModelChoice, failed: LoadedModel, reason: string): Promise<LoadedModel> {
  debugLine(`WebGPU failed during a run, using WASM from now on: ${reason}`);
  const replacement = (async (): Promise<LoadedModel> => {
    await failed.session.release().catch(() => undefined);
    const { manifest, cache } = await loadManifest();
    const weights = await fetchResource(manifest, MODEL_WEIGHTS_KEY[model], cache, () => undefined);
    return { session: await wasmSession(new Uint8Array(await weights.arrayBuffer())), backend: 'wasm' };
  })();
  sessions.set(model, replacement);
  replacement.catch(() => sessions.delete(model));
  return replacement;
}

/**
 * Runs the model on a width × height RGBA image (each side a multiple of MODEL_STRIDE; MODEL_SIDE² is
 * what the model was trained at); returns the mask, one byte per pixel (255 = subject).
 * Input normalisation is the library's: (value − 128) / 256 per channel, planar.
 */
export async function predictMask(
  rgba: Uint8ClampedArray,
  model: ModelChoice,
  width = MODEL_SIDE,
  height = MODEL_SIDE,
): Promise<Uint8ClampedArray<ArrayBuffer>> {
  let loaded = await sessions.get(model);
  if (!loaded) throw new Error('The model is not loaded');
  const plane = width * height;
  const planar = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    planar[i] = ((rgba[i * 4] ?? 0) - 128) / 256;
    planar[plane + i] = ((rgba[i * 4 + 1] ?? 0) - 128) / 256;
    planar[2 * plane + i] = ((rgba[i * 4 + 2] ?? 0) - 128) / 256;
  }
  let probabilities: Float32Array;
  if (loaded.backend === 'webgpu') {
    // Any WebGPU trouble (an exception, an error on the device, a value that is no probability): the
    // same input again on the CPU, silently, and the CPU from then on.
    const errorsBefore = loaded.gpuErrors?.() ?? 0;
    const result = await runSession(loaded.session, planar, width, height).catch((error: unknown) => error);
    const failure =
      result instanceof Float32Array
        ? (loaded.gpuErrors?.() ?? 0) > errorsBefore
          ? 'a WebGPU error on the device'
          : result.some((value) => !(value >= -0.01 && value <= 1.01))
            ? 'a value outside 0–1'
            : undefined
        : result instanceof Error
          ? result.message
          : String(result);
    if (failure === undefined && result instanceof Float32Array) probabilities = result;
    else {
      loaded = await fallBackToWasm(model, loaded, failure ?? 'no output');
      probabilities = await runSession(loaded.session, planar, width, height);
    }
  } else probabilities = await runSession(loaded.session, planar, width, height);
  const mask = new Uint8ClampedArray(plane);
  for (let i = 0; i < plane; i++) mask[i] = Math.round((probabilities[i] ?? 0) * 255);
  return mask;
}

/** One run on a planar, normalised input; the "output" map (a copy, so the runtime's tensor is released). */
async function runSession(session: InferenceSession, planar: Float32Array, width: number, height: number): Promise<Float32Array> {
  const ort = await runtime();
  const input = new ort.Tensor('float32', planar, [1, 3, height, width]);
  const inputName = session.inputNames[0] ?? 'input';
  // Only the final matte: the other graph outputs are deep-supervision side maps nobody reads.
  const outputs = await session.run({ [inputName]: input }, ['output']);
  input.dispose();
  const output = outputs.output;
  if (!output) throw new Error('The model gave no output');
  const probabilities = output.data as Float32Array;
  // A CPU output's data lives in WASM memory until disposed, a WebGPU one is downloaded: copy either way.
  const copy = Float32Array.from(probabilities);
  output.dispose();
  return copy;
}
