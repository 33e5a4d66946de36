/**
 * Self-hosted model and ONNX Runtime files, listed in `<asset dir>/resources.json` (the imgly library's
 * manifest format, which the engine worker, the service worker and the bench read).
 *
 * The manifest is generated at build time from two npm packages, so nothing is ever fetched from a CDN:
 * - model weights from @imgly/background-removal-data, made to run at any input size that is a
 *   multiple of 64 (scripts/onnx-dynamic.ts; identical output at 1024²) and published as
 *   content-addressed chunks named by their SHA-256, which the engine and service worker verify,
 * - ONNX Runtime wasm/mjs from onnxruntime-web, the version the engine imports (the data package ships
 *   ORT 1.17 wasm, which does not load with a newer ORT's JS): the CPU-only build, and the WebGPU (JSEP)
 *   build the engine loads instead where it tries WebGPU.
 *
 * Runs in Node only (Vite plugin and tests).
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import type { Plugin } from 'vite';
import { makeDynamicShape } from './onnx-dynamic.ts';

import {
  MODEL_WEIGHTS_KEY,
  RUNTIME_MJS_KEY,
  RUNTIME_WASM_KEY,
  WEBGPU_RUNTIME_MJS_KEY,
  WEBGPU_RUNTIME_WASM_KEY,
  type ManifestChunk,
  type ManifestEntry,
  type ModelManifest,
} from '../src/shared/model-manifest.ts';
import { MODEL_ASSET_DIR } from '../src/shared/names.ts';

export { MODEL_ASSET_DIR };
export type ResourceChunk = ManifestChunk;
export type ResourceEntry = ManifestEntry;
export type ResourceManifest = ModelManifest;

/** A file to publish: `name` (relative to the asset dir) is a copy of `sourcePath`, or `bytes` made at build time. */
export type PublishedFile = { name: string; size: number } & (
  { sourcePath: string; bytes?: undefined } | { bytes: Uint8Array; sourcePath?: undefined }
);

export interface ModelAssets {
  manifest: ResourceManifest;
  files: PublishedFile[];
}

/** Library key → key in @imgly/background-removal-data's own manifest. */
const MODEL_KEYS: Record<string, string> = {
  [MODEL_WEIGHTS_KEY.small]: '/models/small',
  [MODEL_WEIGHTS_KEY.medium]: '/models/medium',
};

const ORT_FILES: Record<string, { file: string; mime: string }> = {
  [RUNTIME_WASM_KEY]: { file: 'ort-wasm-simd-threaded.wasm', mime: 'application/wasm' },
  [RUNTIME_MJS_KEY]: { file: 'ort-wasm-simd-threaded.mjs', mime: 'text/javascript' },
  [WEBGPU_RUNTIME_WASM_KEY]: { file: 'ort-wasm-simd-threaded.jsep.wasm', mime: 'application/wasm' },
  [WEBGPU_RUNTIME_MJS_KEY]: { file: 'ort-wasm-simd-threaded.jsep.mjs', mime: 'text/javascript' },
};

interface DataPackageEntry {
  chunks: Array<{ hash: string; offsets: [number, number] }>;
  size: number;
  mime: string;
}

export interface PackageLocations {
  dataDist: string;
  ortDist: string;
}

export function locatePackages(fromDir: string = process.cwd()): PackageLocations {
  const require = createRequire(join(fromDir, 'package.json'));
  const dataPkg = require.resolve('@imgly/background-removal-data/package.json');
  // onnxruntime-web's exports map hides package.json; its main entry sits in dist/.
  const ortMain = require.resolve('onnxruntime-web');
  return { dataDist: join(dirname(dataPkg), 'dist'), ortDist: dirname(ortMain) };
}

function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function generateModelAssets(locations: PackageLocations = locatePackages()): ModelAssets {
  const dataManifest = JSON.parse(readFileSync(join(locations.dataDist, 'resources.json'), 'utf8')) as Record<string, DataPackageEntry>;

  const manifest: ResourceManifest = {};
  const files: PublishedFile[] = [];

  for (const [libraryKey, dataKey] of Object.entries(MODEL_KEYS)) {
    const entry = dataManifest[dataKey];
    if (!entry) throw new Error(`@imgly/background-removal-data has no ${dataKey}`);
    const original = Buffer.concat(entry.chunks.map((chunk) => readFileSync(join(locations.dataDist, chunk.hash))));
    if (original.length !== entry.size) throw new Error(`${dataKey}: chunks hold ${original.length} bytes, manifest says ${entry.size}`);
    const { model } = makeDynamicShape(original);
    // Chunks as large as the data package's own, so a resumed download loses as little.
    const chunkSize = Math.max(1, (entry.chunks[0]?.offsets[1] ?? model.length) - (entry.chunks[0]?.offsets[0] ?? 0));
    const chunks: ManifestChunk[] = [];
    for (let start = 0; start < model.length; start += chunkSize) {
      const bytes = model.subarray(start, Math.min(model.length, start + chunkSize));
      const name = `models/${createHash('sha256').update(bytes).digest('hex')}`;
      files.push({ name, bytes, size: bytes.length });
      chunks.push({ name, offsets: [start, start + bytes.length] });
    }
    // The data package mislabels models "application/octet-steam"; the library ignores it, we fix it.
    manifest[libraryKey] = { size: model.length, mime: 'application/octet-stream', chunks };
  }

  for (const [libraryKey, { file, mime }] of Object.entries(ORT_FILES)) {
    const sourcePath = join(locations.ortDist, file);
    const size = statSync(sourcePath).size;
    const extension = file.slice(file.lastIndexOf('.'));
    // Content-addressed name: safe to cache forever, and a new ORT version never mixes with an old one.
    const name = `ort/${sha256OfFile(sourcePath).slice(0, 32)}${extension}`;
    files.push({ name, sourcePath, size });
    manifest[libraryKey] = { size, mime, chunks: [{ name, offsets: [0, size] }] };
  }

  return { manifest, files };
}

/** Total download size of one model as the app reports it (model weights plus the runtime). */
export function downloadSizes(manifest: ResourceManifest): Record<string, number> {
  const runtime = (manifest[RUNTIME_WASM_KEY]?.size ?? 0) + (manifest[RUNTIME_MJS_KEY]?.size ?? 0);
  return Object.fromEntries(Object.keys(MODEL_KEYS).map((key) => [key, (manifest[key]?.size ?? 0) + runtime]));
}

export async function writeModelAssets(assets: ModelAssets, outDir: string): Promise<void> {
  await mkdir(join(outDir, 'models'), { recursive: true });
  await mkdir(join(outDir, 'ort'), { recursive: true });
  await writeFile(join(outDir, 'resources.json'), JSON.stringify(assets.manifest));
  await Promise.all(
    assets.files.map((file) =>
      file.bytes ? writeFile(join(outDir, file.name), file.bytes) : copyFile(file.sourcePath, join(outDir, file.name)),
    ),
  );
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Vite plugin: serves the assets from node_modules in dev, copies them into the build output,
 * and exposes the per-model download sizes to the app as `virtual:model-sizes`.
 */
export function modelAssetsPlugin(): Plugin {
  let assets: ModelAssets | undefined;
  let outDir = 'dist';
  let base = '/';
  const load = (): ModelAssets => (assets ??= generateModelAssets());
  const virtualId = 'virtual:model-sizes';

  /**
   * Serves the manifest and the files with their own type and length. Dev reads them from
   * node_modules; preview from the build output — itself, because preview's compression middleware
   * would otherwise gzip the extensionless model chunks on the fly (typeless = "text/plain"), which
   * added about 3 s to every model load on 2 cores (see BENCH.md).
   */
  const middleware =
    (source: 'packages' | 'build', extraHeaders: () => Record<string, string> = () => ({})) =>
    (
      req: { url?: string },
      res: {
        setHeader(name: string, value: string): void;
        end(body?: string): void;
        statusCode: number;
      } & NodeJS.WritableStream,
      next: () => void,
    ): void => {
      const prefix = `${base}${MODEL_ASSET_DIR}/`;
      const path = req.url?.split('?')[0];
      if (!path?.startsWith(prefix)) return next();
      const name = path.slice(prefix.length);
      const located = source === 'packages' ? locateInPackages(name) : locateInBuild(name);
      if (!located) return next();
      for (const [header, value] of Object.entries(extraHeaders())) res.setHeader(header, value);
      if (name === 'resources.json') {
        res.setHeader('Content-Type', 'application/json');
      } else {
        res.setHeader('Cache-Control', IMMUTABLE);
        res.setHeader(
          'Content-Type',
          name.endsWith('.mjs') ? 'text/javascript' : name.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream',
        );
      }
      if (located.body !== undefined) {
        res.end(located.body);
        return;
      }
      if (located.bytes !== undefined) {
        res.setHeader('Content-Length', String(located.bytes.length));
        res.end(Buffer.from(located.bytes.buffer, located.bytes.byteOffset, located.bytes.byteLength));
        return;
      }
      res.setHeader('Content-Length', String(located.size));
      createReadStream(located.path).pipe(res);
    };

  type Located =
    | { body: string; bytes?: undefined; path?: undefined; size?: undefined }
    | { body?: undefined; bytes: Uint8Array; path?: undefined; size?: undefined }
    | { body?: undefined; bytes?: undefined; path: string; size: number };
  const locateInPackages = (name: string): Located | undefined => {
    const { manifest, files } = load();
    if (name === 'resources.json') return { body: JSON.stringify(manifest) };
    const file = files.find((candidate) => candidate.name === name);
    if (!file) return undefined;
    return file.bytes ? { bytes: file.bytes } : { path: file.sourcePath, size: file.size };
  };
  const locateInBuild = (name: string): Located | undefined => {
    const path = join(outDir, name);
    if (!path.startsWith(outDir + sep) || name.includes('..')) return undefined;
    try {
      const stat = statSync(path);
      return stat.isFile() ? { path, size: stat.size } : undefined;
    } catch {
      return undefined;
    }
  };

  return {
    name: 'cutwise-model-assets',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir, MODEL_ASSET_DIR);
      base = config.base;
    },
    resolveId(id) {
      return id === virtualId ? `\0${virtualId}` : undefined;
    },
    load(id) {
      if (id !== `\0${virtualId}`) return undefined;
      const sizes = downloadSizes(load().manifest);
      return `export const modelDownloadBytes = ${JSON.stringify({
        small: sizes[MODEL_WEIGHTS_KEY.small],
        medium: sizes[MODEL_WEIGHTS_KEY.medium],
      })};`;
    },
    configureServer(server) {
      server.middlewares.use(middleware('packages'));
    },
    configurePreviewServer(server) {
      const headers = server.config.preview.headers ?? {};
      server.middlewares.use(
        middleware('build', () =>
          Object.fromEntries(Object.entries(headers).flatMap(([key, value]) => (typeof value === 'string' ? [[key, value]] : []))),
        ),
      );
    },
    async writeBundle() {
      await writeModelAssets(load(), outDir);
    },
  };
}
