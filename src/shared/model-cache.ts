/**
 * What "the model is available offline" means, as pure logic over the library's resources.json
 * (written by scripts/model-assets.ts): which chunk files a model needs, how big each must be, and
 * which of them still have to be fetched. Runs anywhere; the service worker and the offline store use it.
 */

import type { ModelChoice, ModelManifest } from './model-manifest.ts';

export { MODEL_CACHE } from './names.ts';
export { MODEL_RESOURCE_KEYS } from './model-manifest.ts';
export type { ModelManifest } from './model-manifest.ts';

/** The model a person chose to keep offline (the same two as the engine's). */
export type OfflineModel = ModelChoice;

export interface ChunkFile {
  /** Path relative to the asset folder, e.g. "models/<sha256>" or "ort/<hash>.wasm". */
  name: string;
  /** Exact byte length the file must have. */
  size: number;
}

/** Checks the shape of a parsed resources.json; throws a readable error when it is not one. */
export function parseModelManifest(json: unknown): ModelManifest {
  if (typeof json !== 'object' || json === null) throw new Error('resources.json is not an object');
  for (const [key, entry] of Object.entries(json)) {
    const chunks = (entry as { chunks?: unknown } | null)?.chunks;
    if (!Array.isArray(chunks)) throw new Error(`resources.json: ${key} has no chunks`);
    for (const chunk of chunks as unknown[]) {
      const { name, offsets } = (chunk ?? {}) as { name?: unknown; offsets?: unknown };
      const valid =
        typeof name === 'string' &&
        Array.isArray(offsets) &&
        offsets.length === 2 &&
        offsets.every((offset) => Number.isSafeInteger(offset) && offset >= 0) &&
        (offsets[1] as number) > (offsets[0] as number);
      if (!valid) throw new Error(`resources.json: ${key} has a malformed chunk`);
      // A name is resolved against the asset folder: never let it climb out of it or be absolute.
      if (/^[a-z]+:|^\/|(^|\/)\.\.(\/|$)/i.test(name as string)) throw new Error(`resources.json: unsafe chunk name ${String(name)}`);
    }
  }
  return json as ModelManifest;
}

/** Every chunk file of the given resource keys, each once, with the byte length it must have. */
export function chunkFiles(manifest: ModelManifest, keys: readonly string[]): ChunkFile[] {
  const files = new Map<string, number>();
  for (const key of keys) {
    const entry = manifest[key];
    if (!entry) throw new Error(`resources.json has no ${key}`);
    for (const chunk of entry.chunks) files.set(chunk.name, chunk.offsets[1] - chunk.offsets[0]);
  }
  return [...files].map(([name, size]) => ({ name, size }));
}

/** Expected byte length of every chunk file the manifest names (any key), by file name. */
export function expectedChunkSizes(manifest: ModelManifest): Map<string, number> {
  return new Map(chunkFiles(manifest, Object.keys(manifest)).map((file) => [file.name, file.size]));
}

/**
 * A cached or downloaded chunk is only good when it has exactly the declared length: a cut-off
 * download (the usual failure) is shorter, and the names are content hashes, so a right-sized file
 * under the right name is the right file.
 */
export function isCompleteChunk(expectedSize: number | undefined, actualSize: number): boolean {
  return expectedSize !== undefined && actualSize === expectedSize;
}

export interface OfflineProgress {
  /** Bytes already good (cached before, or fetched now). */
  loaded: number;
  total: number;
  /** Files still missing or incomplete. */
  missing: ChunkFile[];
}

/** What is left to fetch, given the byte length of each cached file (absent = not cached). */
export function offlineProgress(files: readonly ChunkFile[], cachedSizes: ReadonlyMap<string, number>): OfflineProgress {
  let loaded = 0;
  let total = 0;
  const missing: ChunkFile[] = [];
  for (const file of files) {
    total += file.size;
    const cached = cachedSizes.get(file.name);
    if (cached !== undefined && isCompleteChunk(file.size, cached)) loaded += file.size;
    else missing.push(file);
  }
  return { loaded, total, missing };
}

/** The asset-folder-relative name of a same-origin URL under `assetBase` (absolute URL ending in "/"). */
export function chunkNameOf(url: string, assetBase: string): string | undefined {
  if (!url.startsWith(assetBase)) return undefined;
  const name = url.slice(assetBase.length).split(/[?#]/)[0];
  return name && name !== 'resources.json' ? name : undefined;
}

/**
 * The SHA-256 a content-addressed asset name promises, as lowercase hex: the model chunks are named by
 * their full digest ("models/<64 hex>"), the runtime files by its first 32 hex digits
 * ("ort/<32 hex>.wasm"). Undefined for a name that promises nothing.
 */
export function promisedDigest(name: string): string | undefined {
  const base =
    name
      .split('/')
      .pop()
      ?.replace(/\.[a-z]+$/, '') ?? '';
  return /^[0-9a-f]{32,64}$/.test(base) ? base : undefined;
}

/**
 * Whether the bytes are the ones their name promises. A tampered or mixed-up file of the right length
 * (a compromised host or CDN) would otherwise be cached for good, and the runtime glue runs as code.
 */
export async function matchesPromisedDigest(name: string, bytes: Blob | ArrayBuffer): Promise<boolean> {
  const promised = promisedDigest(name);
  if (promised === undefined) return false;
  const buffer = bytes instanceof Blob ? await bytes.arrayBuffer() : bytes;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return hex.startsWith(promised);
}
