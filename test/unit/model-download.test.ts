/**
 * The offline download against a real HTTP server (node:http): a body cut off mid-file is never
 * stored, and a second run fetches only what is still missing.
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadMissingChunks, ChunkDownloadError, type ChunkStore } from '../../src/sw/model-download.ts';

// Content-addressed like the real ones: each chunk is named by the SHA-256 of its bytes.
const contents = Array.from({ length: 6 }, (_, index) => Buffer.alloc(64 * 1024 + index, index + 1));
const files = contents.map((body) => ({ name: `models/${createHash('sha256').update(body).digest('hex')}`, size: body.length }));
const bodies = new Map(files.map((file, index) => [file.name, contents[index]!]));
/** Chunk the server answers with other bytes of the same length (a tampered host). */
let tampered: string | undefined;

let server: Server;
let base: string;
const requested: string[] = [];
/** Chunk whose body the server cuts off half-way (the connection drops). */
let cutOff: string | undefined;

beforeAll(async () => {
  server = createServer((request, response) => {
    const name = (request.url ?? '').slice(1);
    requested.push(name);
    const body = bodies.get(name);
    if (!body) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) });
    if (name === tampered) {
      response.end(Buffer.alloc(body.length, 0x42));
      return;
    }
    if (name === cutOff) {
      response.write(body.subarray(0, body.length / 2), () => setTimeout(() => response.destroy(), 20));
      return;
    }
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function mapStore(): ChunkStore & { stored: Map<string, Blob> } {
  const stored = new Map<string, Blob>();
  return {
    stored,
    sizeOf: async (name) => stored.get(name)?.size,
    put: async (name, body) => void stored.set(name, body),
  };
}

describe('downloadMissingChunks', () => {
  it('stores nothing cut off, keeps what completed, and resumes with only the missing files', async () => {
    const store = mapStore();
    const fetchChunk = (name: string) => fetch(`${base}${name}`);
    requested.length = 0;
    cutOff = files[3]?.name;

    const first = downloadMissingChunks(files, { store, fetchChunk, parallel: 1 });
    await expect(first).rejects.toBeInstanceOf(ChunkDownloadError);
    // One lane, in order: 0–2 completed, 3 was cut off, 4–5 never started.
    expect([...store.stored.keys()]).toEqual(files.slice(0, 3).map((file) => file.name));
    expect(requested).toEqual(files.slice(0, 4).map((file) => file.name));

    cutOff = undefined;
    requested.length = 0;
    const progress: Array<[number, number]> = [];
    const fetched = await downloadMissingChunks(files, {
      store,
      fetchChunk,
      onProgress: (loaded, total) => progress.push([loaded, total]),
    });
    expect(fetched).toBe(3);
    expect(requested.sort()).toEqual(
      files
        .slice(3)
        .map((file) => file.name)
        .sort(),
    );
    const total = files.reduce((sum, file) => sum + file.size, 0);
    const resumedAt = files.slice(0, 3).reduce((sum, file) => sum + file.size, 0);
    expect(progress[0]).toEqual([resumedAt, total]);
    expect(progress.at(-1)).toEqual([total, total]);
    for (const file of files) {
      const blob = store.stored.get(file.name);
      expect(blob?.size, file.name).toBe(file.size);
      expect(Buffer.from(await blob!.arrayBuffer()).equals(bodies.get(file.name)!)).toBe(true);
    }

    requested.length = 0;
    expect(await downloadMissingChunks(files, { store, fetchChunk })).toBe(0);
    expect(requested).toEqual([]);
  });

  it('refuses a file whose length is not the declared one, and an HTTP error', async () => {
    const store = mapStore();
    const wrongSize = [{ name: files[0]!.name, size: files[0]!.size + 1 }];
    await expect(downloadMissingChunks(wrongSize, { store, fetchChunk: (name) => fetch(`${base}${name}`) })).rejects.toThrow(/expected/);
    await expect(
      downloadMissingChunks([{ name: 'models/none', size: 3 }], { store, fetchChunk: (name) => fetch(`${base}${name}`) }),
    ).rejects.toThrow(/HTTP 404/);
    expect(store.stored.size).toBe(0);
  });

  it('refuses a file of the right length whose bytes are not the ones its name promises', async () => {
    const store = mapStore();
    tampered = files[1]!.name;
    try {
      await expect(
        downloadMissingChunks(files.slice(0, 2), { store, fetchChunk: (name) => fetch(`${base}${name}`), parallel: 1 }),
      ).rejects.toThrow(/does not match its name \(SHA-256\); it was not kept/);
      expect([...store.stored.keys()]).toEqual([files[0]!.name]);
    } finally {
      tampered = undefined;
    }
  });
});
