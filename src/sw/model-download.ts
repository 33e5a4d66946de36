/**
 * Fetches the chunk files a model needs into a store, skipping every file that is already complete,
 * so an interrupted download resumes where it stopped (file granularity). Each file is read to the
 * end and checked against its declared length and against the SHA-256 its name promises (the shared
 * chunkDefect, the same check the engine and the fetch route make) before it is stored: a cut-off or
 * altered body is never kept.
 * Runs in the service worker (Cache Storage) and in Node tests (a Map), hence the small interfaces.
 */
import { chunkDefect, ChunkDownloadError, offlineProgress, type ChunkFile, type ChunkStore } from '../shared/model-cache.ts';

export { ChunkDownloadError, type ChunkStore };

export interface DownloadOptions {
  store: ChunkStore;
  fetchChunk: (name: string) => Promise<Response>;
  onProgress?: (loaded: number, total: number) => void;
  /** Files fetched at the same time. */
  parallel?: number;
}

export async function sizesInStore(store: ChunkStore, files: readonly ChunkFile[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  await Promise.all(
    files.map(async (file) => {
      const size = await store.sizeOf(file.name);
      if (size !== undefined) sizes.set(file.name, size);
    }),
  );
  return sizes;
}

/** Downloads what is missing; resolves with the number of files it fetched. */
export async function downloadMissingChunks(files: readonly ChunkFile[], options: DownloadOptions): Promise<number> {
  const { store, fetchChunk, onProgress } = options;
  const start = offlineProgress(files, await sizesInStore(store, files));
  let loaded = start.loaded;
  const total = start.total;
  onProgress?.(loaded, total);
  const queue = [...start.missing];

  async function fetchOne(file: ChunkFile): Promise<void> {
    const response = await fetchChunk(file.name);
    if (!response.ok || !response.body) throw new ChunkDownloadError(`${file.name}: HTTP ${response.status}`);
    const reader = response.body.getReader();
    const parts: Uint8Array<ArrayBuffer>[] = [];
    let received = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value as Uint8Array<ArrayBuffer>);
        received += value.byteLength;
        loaded += value.byteLength;
        onProgress?.(loaded, total);
      }
    } catch (error) {
      loaded -= received;
      throw new ChunkDownloadError(`${file.name}: the download was cut off (${error instanceof Error ? error.message : String(error)})`);
    }
    const body = new Blob(parts);
    const defect = await chunkDefect(file.name, file.size, body);
    if (defect) {
      loaded -= received;
      throw new ChunkDownloadError(`${file.name}: ${defect}; it was not kept`);
    }
    await store.put(file.name, body, response.headers.get('Content-Type') ?? 'application/octet-stream');
  }

  let failed = false;
  async function lane(): Promise<void> {
    for (let file = queue.shift(); file && !failed; file = queue.shift()) {
      try {
        await fetchOne(file);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  }
  const lanes = Array.from({ length: Math.max(1, options.parallel ?? 3) }, lane);
  // After a failure no lane starts another file, but each finishes the one it is reading, so every
  // completed file is stored and a retry does not fetch it again.
  const outcomes = await Promise.allSettled(lanes);
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  return start.missing.length;
}
