import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { downloadSizes, generateModelAssets, writeModelAssets } from '../../scripts/model-assets.ts';

const assets = generateModelAssets();
const librarySource = readFileSync('node_modules/@imgly/background-removal/dist/index.mjs', 'utf8');

describe('self-hosted model assets', () => {
  it('covers every resource the library asks for with our two models (CPU and WebGPU runtimes)', () => {
    expect(librarySource).toContain('`/models/${model}`');
    expect(librarySource).toContain('"/onnxruntime-web/ort-wasm-simd-threaded.jsep"');
    expect(librarySource).toContain('"/onnxruntime-web/ort-wasm-simd-threaded"');
    for (const suffix of ['', '.jsep']) {
      for (const extension of ['.wasm', '.mjs']) {
        expect(assets.manifest).toHaveProperty([`/onnxruntime-web/ort-wasm-simd-threaded${suffix}${extension}`]);
      }
    }
    expect(Object.keys(assets.manifest)).toEqual(expect.arrayContaining(['/models/isnet_quint8', '/models/isnet_fp16']));
  });

  it('uses the ONNX Runtime the app depends on, not the data package’s older one, and the library gets the same', () => {
    const wanted = JSON.parse(readFileSync('package.json', 'utf8')).dependencies['onnxruntime-web'];
    const installed = JSON.parse(readFileSync('node_modules/onnxruntime-web/package.json', 'utf8')).version;
    expect(installed).toBe(wanted);
    // The library (the bench's baseline) asks for an older ORT as its peer; package.json overrides it to
    // ours, since it loads these very runtime files: no copy of its own.
    expect(existsSync('node_modules/@imgly/background-removal/node_modules/onnxruntime-web')).toBe(false);
    const wasm = assets.manifest['/onnxruntime-web/ort-wasm-simd-threaded.wasm'];
    expect(wasm?.size).toBe(statSync('node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm').size);
  });

  it('describes chunks whose offsets are contiguous and add up to the size', () => {
    for (const [key, entry] of Object.entries(assets.manifest)) {
      let expectedStart = 0;
      for (const chunk of entry.chunks) {
        expect(chunk.offsets[0], key).toBe(expectedStart);
        expect(chunk.offsets[1], key).toBeGreaterThan(chunk.offsets[0]);
        expectedStart = chunk.offsets[1];
      }
      expect(expectedStart, key).toBe(entry.size);
    }
  });

  it('has the model sizes the settings show (small ≈ 44 MB, medium ≈ 88 MB, plus the runtime)', () => {
    const sizes = downloadSizes(assets.manifest);
    expect(sizes['/models/isnet_quint8']).toBeGreaterThan(44_000_000);
    expect(sizes['/models/isnet_fp16']).toBeGreaterThan(88_000_000);
    expect(sizes['/models/isnet_fp16']).toBeGreaterThan(sizes['/models/isnet_quint8'] ?? 0);
  });

  describe('written to a build folder', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'cutwise-assets-'));
    afterAll(() => rmSync(outDir, { recursive: true, force: true }));

    it('writes resources.json and every chunk with exactly the bytes its offsets promise', async () => {
      await writeModelAssets(assets, outDir);
      const written = JSON.parse(readFileSync(join(outDir, 'resources.json'), 'utf8')) as typeof assets.manifest;
      expect(written).toEqual(assets.manifest);
      for (const entry of Object.values(written)) {
        for (const chunk of entry.chunks) {
          expect(chunk.name).not.toMatch(/^\/|\.\./);
          expect(statSync(join(outDir, chunk.name)).size).toBe(chunk.offsets[1] - chunk.offsets[0]);
        }
      }
    });
  });
});
