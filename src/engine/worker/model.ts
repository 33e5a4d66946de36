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
 */
import type { InferenceSession } from 'onnxruntime-web';
import { MODEL_WEIGHTS_KEY, RUNTIME_MJS_KEY, RUNTIME_WASM_KEY, type ModelChoice, type ModelManifest } from '../../shared/model-manifest.ts';
import { MODEL_ASSET_DIR } from '../../shared/names.ts';
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

/** One session per model for the life of the worker: loading is the slow part, runs reuse it. */
const sessions = new Map<ModelChoice, Promise<InferenceSession>>();
const runtime = () => import('onnxruntime-web');
let runtimeReady: Promise<void> | undefined;

async function prepareRuntime(manifest: ResourceManifest, cache: ChunkCache | undefined, onProgress: ProgressSink): Promise<void> {
  // Fetched here for the download progress and into the model cache (before the runtime asks for it);
  // the runtime then loads the WASM by URL, so the browser compiles it while streaming and can cache
  // the compiled code. Offline, that URL is answered from the model cache by the service worker.
  const [ort, , glue] = await Promise.all([
    runtime(),
    fetchResource(manifest, RUNTIME_WASM_KEY, cache, onProgress),
    fetchResource(manifest, RUNTIME_MJS_KEY, cache, onProgress),
  ]);
  // Threads need cross-origin isolation (the app is served with COOP/COEP); without it ONNX Runtime
  // falls back to one thread by itself.
  ort.env.wasm.numThreads = navigator.hardwareConcurrency || 4;
  ort.env.wasm.proxy = false;
  // The glue module is imported from the bytes already fetched: a module import by URL from inside a
  // worker was not answered from the service worker's cache offline (measured: "Failed to fetch
  // dynamically imported module" with the network off), a blob: URL needs no network at all.
  ort.env.wasm.wasmPaths = { wasm: resourceUrl(manifest, RUNTIME_WASM_KEY), mjs: URL.createObjectURL(glue) };
}

/** The URL of a one-chunk resource (the runtime files are never split). */
function resourceUrl(manifest: ResourceManifest, key: string): string {
  const chunk = manifest[key]?.chunks[0];
  if (!chunk) throw new Error(`Model files are incomplete: ${key} is missing from resources.json`);
  return new URL(chunk.name, assetBase()).href;
}

async function createSession(model: ModelChoice, onProgress: ProgressSink): Promise<InferenceSession> {
  const ort = await runtime();
  const manifest = (await (await fetchOk(new URL('resources.json', assetBase()))).json()) as ResourceManifest;
  const cache = await openModelCache(assetBase().href);
  runtimeReady ??= prepareRuntime(manifest, cache, onProgress).catch((error: unknown) => {
    runtimeReady = undefined;
    throw error;
  });
  const [weights] = await Promise.all([fetchResource(manifest, MODEL_WEIGHTS_KEY[model], cache, onProgress), runtimeReady]);
  return ort.InferenceSession.create(new Uint8Array(await weights.arrayBuffer()), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
    executionMode: 'parallel',
    enableCpuMemArena: true,
  });
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
  const session = await sessions.get(model);
  if (!session) throw new Error('The model is not loaded');
  const ort = await runtime();
  const plane = width * height;
  const planar = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    planar[i] = ((rgba[i * 4] ?? 0) - 128) / 256;
    planar[plane + i] = ((rgba[i * 4 + 1] ?? 0) - 128) / 256;
    planar[2 * plane + i] = ((rgba[i * 4 + 2] ?? 0) - 128) / 256;
  }
  const input = new ort.Tensor('float32', planar, [1, 3, height, width]);
  const inputName = session.inputNames[0] ?? 'input';
  // Only the final matte: the other graph outputs are deep-supervision side maps nobody reads.
  const outputs = await session.run({ [inputName]: input }, ['output']);
  input.dispose();
  const output = outputs.output;
  if (!output) throw new Error('The model gave no output');
  const probabilities = output.data as Float32Array;
  const mask = new Uint8ClampedArray(plane);
  for (let i = 0; i < plane; i++) mask[i] = Math.round((probabilities[i] ?? 0) * 255);
  output.dispose();
  return mask;
}
