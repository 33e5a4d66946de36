/**
 * Answers are read only up to a limit: a host that declares or streams more than any image Cutwise
 * asks for is cut off, not buffered, and the call is reported (a paid one as possibly charged).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ANSWER_BYTES, readCapped } from '../../../src/providers/http.ts';
import { createAdapters, emptyEndpoints } from '../../../src/providers/endpoints.ts';
import { ProviderError } from '../../../src/providers/errors.ts';
import { subjectOnWhite } from './images.ts';

const stream = (chunks: number, size: number) =>
  new ReadableStream<Uint8Array>({
    start(controller) {
      for (let index = 0; index < chunks; index++) controller.enqueue(new Uint8Array(size));
      controller.close();
    },
  });

describe('readCapped', () => {
  it('reads an answer within the limit whole, with its type', async () => {
    const body = await readCapped(new Response(stream(3, 10), { headers: { 'Content-Type': 'image/png' } }), 30);
    expect(body).toBeInstanceOf(Blob);
    expect((body as Blob).size).toBe(30);
    expect((body as Blob).type).toBe('image/png');
  });
  it('refuses a declared length over the limit without reading, and a stream that runs past it', async () => {
    expect(await readCapped(new Response('tiny', { headers: { 'Content-Length': String(MAX_ANSWER_BYTES + 1) } }), MAX_ANSWER_BYTES)).toBe(
      'too-large',
    );
    expect(await readCapped(new Response(stream(4, 10)), 30)).toBe('too-large');
  });
});

describe('a provider answer larger than any image', () => {
  let server: Server;
  let base: string;
  let streamed = 0;
  beforeAll(async () => {
    // Answers 200 to the remove.bg cutout path with an endless chunked PNG-typed body.
    server = createServer((request, response) => {
      response.writeHead(200, { 'Content-Type': 'image/png', 'Access-Control-Allow-Origin': '*' });
      const chunk = Buffer.alloc(4 * 1024 * 1024);
      const pump = () => {
        while (!response.destroyed && streamed < MAX_ANSWER_BYTES * 2) {
          streamed += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      request.resume();
      request.on('end', pump);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is cut off after the limit and reported as possibly charged, with no usable image', async () => {
    const endpoints = emptyEndpoints();
    endpoints.removebg = { base };
    const adapter = createAdapters(endpoints).removebg;
    const error = await adapter.process(adapter.hdRequest(await subjectOnWhite(8, 8)), 'rb_key_0002').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'ambiguous' });
    expect((error as ProviderError).message).toMatch(
      /answered, but without a usable image.*larger than 256 MB.*not read.*may have charged/,
    );
    // It stopped reading soon after the limit instead of buffering all the host would send.
    expect(streamed).toBeLessThan(MAX_ANSWER_BYTES * 2);
  }, 60_000);
});
