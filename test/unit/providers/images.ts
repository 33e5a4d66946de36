import { expect } from 'vitest';
import { ProviderError } from '../../../src/providers/errors.ts';
/** Test images for the provider tests: a red square on a white background, as PNG bytes. */
import { PNG } from 'pngjs';

export interface DecodedPng {
  width: number;
  height: number;
  data: Buffer;
}

export function subjectOnWhite(width: number, height: number): Blob {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = x >= width / 4 && x < (width * 3) / 4 && y >= height / 4 && y < (height * 3) / 4;
      const offset = (y * width + x) * 4;
      png.data[offset] = 255;
      png.data[offset + 1] = inside ? 0 : 255;
      png.data[offset + 2] = inside ? 0 : 255;
      png.data[offset + 3] = 255;
    }
  }
  return new Blob([new Uint8Array(PNG.sync.write(png))], { type: 'image/png' });
}

export async function decode(blob: Blob): Promise<DecodedPng> {
  const png = PNG.sync.read(Buffer.from(await blob.arrayBuffer()));
  return { width: png.width, height: png.height, data: png.data };
}

export function pixel(image: DecodedPng, x: number, y: number): [number, number, number, number] {
  const offset = (y * image.width + x) * 4;
  return [image.data[offset] ?? -1, image.data[offset + 1] ?? -1, image.data[offset + 2] ?? -1, image.data[offset + 3] ?? -1];
}

/** A port nothing listens on: a server started and closed again. */
export async function deadUrl(): Promise<string> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

/** The ProviderError a call rejects with (fails the test when it resolves or throws anything else). */
export async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}
