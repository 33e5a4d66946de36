import { describe, expect, it } from 'vitest';
import { generateModelAssets } from '../../scripts/model-assets.ts';
import {
  chunkFiles,
  chunkNameOf,
  expectedChunkSizes,
  isCompleteChunk,
  MODEL_RESOURCE_KEYS,
  offlineProgress,
  parseModelManifest,
} from '../../src/shared/model-cache.ts';

const { manifest, files } = generateModelAssets();
const parsed = parseModelManifest(JSON.parse(JSON.stringify(manifest)));

describe('offline model files', () => {
  it('lists every chunk a model needs with the size of the published file', () => {
    for (const model of ['small', 'medium'] as const) {
      const needed = chunkFiles(parsed, MODEL_RESOURCE_KEYS[model]);
      const published = new Map(files.map((file) => [file.name, file.size]));
      expect(needed.length).toBeGreaterThan(5);
      for (const file of needed) expect(published.get(file.name), file.name).toBe(file.size);
      // Model weights plus the CPU runtime (wasm + mjs), each file once.
      const total = needed.reduce((sum, file) => sum + file.size, 0);
      const weights = model === 'small' ? '/models/isnet_quint8' : '/models/isnet_fp16';
      const runtime = ['.wasm', '.mjs'].reduce(
        (sum, ext) => sum + (manifest[`/onnxruntime-web/ort-wasm-simd-threaded${ext}`]?.size ?? 0),
        0,
      );
      expect(total).toBe((manifest[weights]?.size ?? 0) + runtime);
      expect(new Set(needed.map((file) => file.name)).size).toBe(needed.length);
    }
  });

  it('knows the expected size of every file in the manifest', () => {
    const sizes = expectedChunkSizes(parsed);
    for (const file of files) expect(sizes.get(file.name), file.name).toBe(file.size);
  });

  it('refuses malformed or unsafe manifests with a readable error', () => {
    expect(() => parseModelManifest(null)).toThrow(/not an object/);
    expect(() => parseModelManifest({ '/m': { size: 1 } })).toThrow(/no chunks/);
    expect(() => parseModelManifest({ '/m': { chunks: [{ name: 'a', offsets: [5, 5] }] } })).toThrow(/malformed/);
    expect(() => parseModelManifest({ '/m': { chunks: [{ name: '../secret', offsets: [0, 5] }] } })).toThrow(/unsafe/);
    expect(() => parseModelManifest({ '/m': { chunks: [{ name: 'https://cdn.example/x', offsets: [0, 5] }] } })).toThrow(/unsafe/);
    expect(() => chunkFiles(parsed, ['/models/none'])).toThrow(/no \/models\/none/);
  });
});

describe('chunk validation and resume', () => {
  const model = [
    { name: 'models/a', size: 100 },
    { name: 'models/b', size: 50 },
    { name: 'ort/c.wasm', size: 30 },
  ];

  it('keeps a file only at exactly its declared length', () => {
    expect(isCompleteChunk(100, 100)).toBe(true);
    expect(isCompleteChunk(100, 99)).toBe(false);
    expect(isCompleteChunk(100, 101)).toBe(false);
    expect(isCompleteChunk(undefined, 0)).toBe(false);
  });

  it('counts complete cached files and lists the rest, cut-off ones included', () => {
    const progress = offlineProgress(
      model,
      new Map([
        ['models/a', 100],
        ['models/b', 20],
      ]),
    );
    expect(progress).toEqual({ loaded: 100, total: 180, missing: [model[1], model[2]] });
    expect(offlineProgress(model, new Map()).missing).toEqual(model);
    expect(offlineProgress(model, new Map(model.map((file) => [file.name, file.size]))).missing).toEqual([]);
  });

  it('maps a URL under the asset folder to its chunk name, and nothing else', () => {
    const base = 'https://app.example/imgly/';
    expect(chunkNameOf('https://app.example/imgly/models/abc?x=1', base)).toBe('models/abc');
    expect(chunkNameOf('https://app.example/imgly/resources.json', base)).toBeUndefined();
    expect(chunkNameOf('https://app.example/assets/index.js', base)).toBeUndefined();
    expect(chunkNameOf('https://other.example/imgly/models/abc', base)).toBeUndefined();
  });
});

describe('content-addressed names', () => {
  it('reads the digest a model chunk or runtime file name promises, and checks bytes against it', async () => {
    const { createHash } = await import('node:crypto');
    const { promisedDigest, matchesPromisedDigest } = await import('../../src/shared/model-cache.ts');
    const bytes = Buffer.from('ONNX Runtime glue');
    const full = createHash('sha256').update(bytes).digest('hex');
    expect(promisedDigest(`models/${full}`)).toBe(full);
    expect(promisedDigest(`ort/${full.slice(0, 32)}.mjs`)).toBe(full.slice(0, 32));
    expect(promisedDigest('ort/ort-wasm.mjs')).toBeUndefined();
    expect(await matchesPromisedDigest(`ort/${full.slice(0, 32)}.mjs`, new Blob([bytes]))).toBe(true);
    expect(await matchesPromisedDigest(`models/${full}`, new Blob([Buffer.from('ONNX Runtime glu3')]))).toBe(false);
    expect(await matchesPromisedDigest('ort/ort-wasm.mjs', new Blob([bytes]))).toBe(false);
  });
});
