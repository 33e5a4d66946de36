/**
 * What "the model is available offline" means, as pure logic over the library's resources.json
 * (written by scripts/model-assets.ts): which chunk files a model needs, how big each must be, and
 * which of them still have to be fetched. And the one way the model cache is read and written (a Cache
 * Storage cache, passed in): the service worker's fetch route and "Make available offline", the engine
 * worker's own model load and the page's Offline sheet all check and key its entries the same way.
 * Runs anywhere (page, engine worker, service worker, Node tests with a fake cache).
 */

import type { ModelChoice, ModelManifest } from './model-manifest.ts';
import { MODEL_CACHE } from './names.ts';

export { MODEL_CACHE };
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

/**
 * Why these bytes may not be used or kept as the chunk file `name`, or undefined when they are exactly
 * the declared length and the bytes its name promises. One check for every reader and writer.
 */
export async function chunkDefect(name: string, expectedSize: number | undefined, body: Blob): Promise<string | undefined> {
  if (expectedSize === undefined) return 'resources.json does not list it';
  if (!isCompleteChunk(expectedSize, body.size)) return `got ${body.size} bytes, expected ${expectedSize}`;
  if (!(await matchesPromisedDigest(name, body))) return 'its content does not match its name (SHA-256)';
  return undefined;
}

export class ChunkDownloadError extends Error {
  override name = 'ChunkDownloadError';
}

/** Where chunk files are kept: the model cache in browsers, a Map in tests. */
export interface ChunkStore {
  /** Byte length of the stored file, or undefined when there is none. */
  sizeOf(name: string): Promise<number | undefined>;
  put(name: string, body: Blob, contentType: string): Promise<void>;
}

export interface ChunkCache extends ChunkStore {
  /** The stored bytes, or undefined when there are none. */
  read(name: string): Promise<Blob | undefined>;
  remove(name: string): Promise<void>;
}

/** The part of a Cache Storage cache used here. */
export type CacheLike = Pick<Cache, 'match' | 'put' | 'delete'>;

/**
 * The model cache as a chunk store. Entries are keyed by the file's absolute URL (`assetBase` + name,
 * no query), the very request the service worker's cache-first route looks up, so whoever wrote an
 * entry, every reader finds it. The files are content-addressed: two writers putting the same name
 * (two tabs, the engine and the service worker's route) put the same bytes, and a put replaces the
 * entry only once its body is complete.
 */
export function cacheChunkStore(cache: CacheLike, assetBase: string): ChunkCache {
  const url = (name: string): string => `${assetBase}${name}`;
  const read = async (name: string): Promise<Blob | undefined> => (await cache.match(url(name)))?.blob();
  return {
    read,
    sizeOf: async (name) => (await read(name))?.size,
    async put(name, body, contentType) {
      await cache.put(url(name), new Response(body, { headers: { 'Content-Type': contentType } }));
    },
    async remove(name) {
      await cache.delete(url(name));
    },
  };
}

/**
 * The model cache of this origin, or undefined where there is no Cache Storage (an insecure context)
 * or it refuses to open (some private modes): the model then loads from the network every time.
 */
export async function openModelCache(assetBase: string): Promise<ChunkCache | undefined> {
  if (typeof caches === 'undefined') return undefined;
  try {
    return cacheChunkStore(await caches.open(MODEL_CACHE), assetBase);
  } catch {
    return undefined;
  }
}

export interface LoadChunkOptions {
  /** The model cache: read first, written after a fetch. Undefined: fetch only. */
  cache: ChunkCache | undefined;
  fetchChunk: (name: string) => Promise<Response>;
}

/**
 * One chunk file, checked (length and SHA-256) before anyone uses it: the cached copy when it is good,
 * else fetched and, once it passed the check, written to the model cache. So a model the engine loaded
 * once is available offline whether or not the service worker saw the fetch (the first load of a
 * fresh profile runs before the service worker controls the page). A cached copy that fails the check
 * is dropped and fetched again. Writing is best effort: a full disk costs offline use, not the cutout.
 */
export async function loadChunk(file: ChunkFile, { cache, fetchChunk }: LoadChunkOptions): Promise<Blob> {
  const cached = await cache?.read(file.name).catch(() => undefined);
  if (cached) {
    if ((await chunkDefect(file.name, file.size, cached)) === undefined) return cached;
    await cache?.remove(file.name).catch(() => undefined);
  }
  const response = await fetchChunk(file.name);
  if (!response.ok) throw new ChunkDownloadError(`${file.name}: HTTP ${response.status}`);
  const body = await response.blob();
  const defect = await chunkDefect(file.name, file.size, body);
  if (defect) throw new ChunkDownloadError(`${file.name}: ${defect}`);
  await cache?.put(file.name, body, response.headers.get('Content-Type') ?? 'application/octet-stream').catch(() => undefined);
  return body;
}
