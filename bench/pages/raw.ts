/**
 * Contender (b): ONNX Runtime Web alone on a prepared 1024² tensor — the floor for this model on
 * this machine. Same model bytes, same runtime files and session options as the library uses.
 */
import * as ort from 'onnxruntime-web';
import type { ManifestEntry } from '../../src/shared/model-manifest.ts';
import { MODEL_ASSET_DIR } from '../../src/shared/names.ts';

const SIDE = 1024;
type Entry = Pick<ManifestEntry, 'chunks'>;
const base = new URL(`/${MODEL_ASSET_DIR}/`, location.origin);
let session: ort.InferenceSession | undefined;
let feeds: Record<string, ort.Tensor> | undefined;

async function manifest(): Promise<Record<string, Entry>> {
  return (await fetch(new URL('resources.json', base))).json() as Promise<Record<string, Entry>>;
}

function url(entry: Entry | undefined): string {
  const chunk = entry?.chunks[0];
  if (!chunk) throw new Error('missing resource');
  return new URL(chunk.name, base).href;
}

async function modelBytes(entry: Entry | undefined): Promise<ArrayBuffer> {
  if (!entry) throw new Error('missing model');
  const parts = await Promise.all(entry.chunks.map(async (chunk) => (await fetch(new URL(chunk.name, base))).blob()));
  return new Blob(parts).arrayBuffer();
}

const raw = {
  async load(model = 'isnet_fp16'): Promise<number> {
    const started = performance.now();
    const resources = await manifest();
    ort.env.wasm.numThreads = navigator.hardwareConcurrency ?? 4;
    ort.env.wasm.wasmPaths = {
      wasm: url(resources['/onnxruntime-web/ort-wasm-simd-threaded.wasm']),
      mjs: url(resources['/onnxruntime-web/ort-wasm-simd-threaded.mjs']),
    };
    session = await ort.InferenceSession.create(await modelBytes(resources[`/models/${model}`]), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
      executionMode: 'parallel',
      enableCpuMemArena: true,
    });
    return performance.now() - started;
  },
  outputNames(): readonly string[] {
    return session?.outputNames ?? [];
  },
  /** Builds the input tensor (squashed to 1024², (x − 128) / 256 as the library does); not timed. */
  async prepare(file: File): Promise<void> {
    const bitmap = await createImageBitmap(file, { resizeWidth: SIDE, resizeHeight: SIDE, resizeQuality: 'high' });
    const canvas = new OffscreenCanvas(SIDE, SIDE);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('no 2d canvas');
    context.drawImage(bitmap, 0, 0);
    const rgba = context.getImageData(0, 0, SIDE, SIDE).data;
    const planar = new Float32Array(3 * SIDE * SIDE);
    const plane = SIDE * SIDE;
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++) planar[c * plane + i] = ((rgba[i * 4 + c] ?? 0) - 128) / 256;
    }
    feeds = { input: new ort.Tensor('float32', planar, [1, 3, SIDE, SIDE]) };
  },
  /** session.run asking for every graph output (what the library does); ms. */
  async runAllOutputs(): Promise<number> {
    if (!session || !feeds) throw new Error('load and prepare first');
    const started = performance.now();
    const outputs = await session.run(feeds);
    const elapsed = performance.now() - started;
    for (const tensor of Object.values(outputs)) tensor.dispose();
    return elapsed;
  },
  /** session.run fetching only the final output; ms. */
  async runFinalOutput(): Promise<number> {
    if (!session || !feeds) throw new Error('load and prepare first');
    const started = performance.now();
    const outputs = await session.run(feeds, ['output']);
    const elapsed = performance.now() - started;
    for (const tensor of Object.values(outputs)) tensor.dispose();
    return elapsed;
  },
};
(window as unknown as { raw: typeof raw }).raw = raw;
document.title += ' (ready)';
