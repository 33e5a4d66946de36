/**
 * The one way the model cache is read and written (shared/model-cache.ts): what the engine worker
 * does on every model load, so that the first cutout leaves the model available offline even when
 * no service worker saw its fetches. A Map-backed fake of a Cache Storage cache stands in for the browser's.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../src/shared/format.ts';
import {
  cacheChunkStore,
  chunkDefect,
  ChunkDownloadError,
  chunkNameOf,
  loadChunk,
  offlineProgress,
  type CacheLike,
} from '../../src/shared/model-cache.ts';

const assetBase = 'https://cutwise.test/imgly/';

function chunk(fill: number, length = 4096): { name: string; size: number; bytes: Buffer } {
  const bytes = Buffer.alloc(length, fill);
  return { name: `models/${createHash('sha256').update(bytes).digest('hex')}`, size: length, bytes };
}

/** A Cache Storage cache as far as the code uses it: entries by URL, each match a fresh Response. */
function fakeCache(options: { failPuts?: boolean } = {}) {
  const entries = new Map<string, { body: Blob; type: string | null }>();
  const key = (request: RequestInfo | URL): string =>
    typeof request === 'string' ? request : request instanceof URL ? request.href : request.url;
  const cache: CacheLike = {
    async match(request) {
      const entry = entries.get(key(request));
      return entry ? new Response(entry.body, { headers: entry.type ? { 'Content-Type': entry.type } : {} }) : undefined;
    },
    async put(request, response) {
      if (options.failPuts) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      // Like the browser: the entry appears once its body has been read to the end.
      const body = await response.blob();
      entries.set(key(request), { body, type: response.headers.get('Content-Type') });
    },
    async delete(request) {
      return entries.delete(key(request));
    },
  };
  return { cache, entries };
}

function network(bodies: Map<string, Buffer>) {
  const requested: string[] = [];
  const fetchChunk = async (name: string): Promise<Response> => {
    requested.push(name);
    const body = bodies.get(name);
    return body
      ? new Response(new Uint8Array(body), { headers: { 'Content-Type': 'application/octet-stream' } })
      : new Response(null, { status: 404 });
  };
  return { fetchChunk, requested };
}

describe('loadChunk: the model cache first, else the network, checked, then cached', () => {
  it('caches a fetched chunk under the URL the service worker route looks up, and reads it from there next time', async () => {
    const file = chunk(1);
    const { cache, entries } = fakeCache();
    const store = cacheChunkStore(cache, assetBase);
    const { fetchChunk, requested } = network(new Map([[file.name, file.bytes]]));

    const first = await loadChunk(file, { cache: store, fetchChunk });
    expect(Buffer.from(await first.arrayBuffer()).equals(file.bytes)).toBe(true);
    expect(requested).toEqual([file.name]);
    // The key is the file's absolute URL: what the service worker's cache-first route matches.
    expect([...entries.keys()]).toEqual([`${assetBase}${file.name}`]);
    expect(chunkNameOf([...entries.keys()][0]!, assetBase)).toBe(file.name);
    expect(entries.get(`${assetBase}${file.name}`)?.type).toBe('application/octet-stream');

    // Offline now: the second load never asks the network.
    const offline = async (): Promise<Response> => {
      throw new TypeError('Failed to fetch');
    };
    const second = await loadChunk(file, { cache: store, fetchChunk: offline });
    expect(Buffer.from(await second.arrayBuffer()).equals(file.bytes)).toBe(true);
    expect(await store.sizeOf(file.name)).toBe(file.size);
    // And the Offline sheet counts it as there.
    expect(offlineProgress([file], new Map([[file.name, (await store.sizeOf(file.name))!]])).missing).toEqual([]);
  });

  it('keeps nothing cut off or altered, and says which file and why', async () => {
    const file = chunk(2);
    const { cache, entries } = fakeCache();
    const store = cacheChunkStore(cache, assetBase);
    const short = network(new Map([[file.name, file.bytes.subarray(0, 100)]]));
    await expect(loadChunk(file, { cache: store, fetchChunk: short.fetchChunk })).rejects.toThrow(
      new ChunkDownloadError(`${file.name}: got 100 bytes, expected ${file.size}`),
    );
    const altered = network(new Map([[file.name, Buffer.alloc(file.size, 0x42)]]));
    await expect(loadChunk(file, { cache: store, fetchChunk: altered.fetchChunk })).rejects.toThrow(/does not match its name \(SHA-256\)/);
    const missing = network(new Map());
    await expect(loadChunk(file, { cache: store, fetchChunk: missing.fetchChunk })).rejects.toThrow(/HTTP 404/);
    expect(entries.size).toBe(0);
  });

  it('drops a cached copy that fails the check and replaces it with the good file', async () => {
    const file = chunk(3);
    const { cache, entries } = fakeCache();
    const store = cacheChunkStore(cache, assetBase);
    await store.put(file.name, new Blob([new Uint8Array(file.size)]), 'application/octet-stream');
    const { fetchChunk, requested } = network(new Map([[file.name, file.bytes]]));
    const loaded = await loadChunk(file, { cache: store, fetchChunk });
    expect(Buffer.from(await loaded.arrayBuffer()).equals(file.bytes)).toBe(true);
    expect(requested).toEqual([file.name]);
    const kept = await entries.get(`${assetBase}${file.name}`)!.body.arrayBuffer();
    expect(Buffer.from(kept).equals(file.bytes)).toBe(true);
  });

  it('still returns the file when the cache cannot take it (storage full) or there is no Cache Storage', async () => {
    const file = chunk(4);
    const { fetchChunk } = network(new Map([[file.name, file.bytes]]));
    const full = fakeCache({ failPuts: true });
    const loaded = await loadChunk(file, { cache: cacheChunkStore(full.cache, assetBase), fetchChunk });
    expect(loaded.size).toBe(file.size);
    expect(full.entries.size).toBe(0);
    expect((await loadChunk(file, { cache: undefined, fetchChunk })).size).toBe(file.size);
  });

  it('two loaders of the same chunk at once (two tabs, or the engine and the service worker route) leave one good entry', async () => {
    const files = [chunk(5), chunk(6, 5000)];
    const { cache, entries } = fakeCache();
    const bodies = new Map(files.map((file) => [file.name, file.bytes]));
    const tabs = [network(bodies), network(bodies)];
    const results = await Promise.all(
      tabs.flatMap((tab) => files.map((file) => loadChunk(file, { cache: cacheChunkStore(cache, assetBase), fetchChunk: tab.fetchChunk }))),
    );
    expect(results.map((blob) => blob.size)).toEqual([...files, ...files].map((file) => file.size));
    expect([...entries.keys()].sort()).toEqual(files.map((file) => `${assetBase}${file.name}`).sort());
    for (const file of files) {
      const kept = await entries.get(`${assetBase}${file.name}`)!.body.arrayBuffer();
      expect(Buffer.from(kept).equals(file.bytes), file.name).toBe(true);
    }
  });
});

describe('chunkDefect', () => {
  it('accepts exactly the promised bytes and names what is wrong otherwise', async () => {
    const file = chunk(7);
    const good = new Blob([new Uint8Array(file.bytes)]);
    expect(await chunkDefect(file.name, file.size, good)).toBeUndefined();
    expect(await chunkDefect(file.name, undefined, good)).toBe('resources.json does not list it');
    expect(await chunkDefect(file.name, file.size + 1, good)).toBe(`got ${file.size} bytes, expected ${file.size + 1}`);
    expect(await chunkDefect('models/not-a-digest', file.size, good)).toMatch(/SHA-256/);
  });
});

describe('formatBytes', () => {
  it('switches to GB from 1024 MB as shown', () => {
    expect(formatBytes(88_188_479)).toBe('84.1 MB');
    expect(formatBytes(1023.9 * 1024 ** 2)).toBe('1023.9 MB');
    expect(formatBytes(1023.97 * 1024 ** 2)).toBe('1.0 GB');
    expect(formatBytes(5.25 * 1024 ** 3)).toBe('5.3 GB');
  });
});
