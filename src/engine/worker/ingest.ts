/**
 * Prepares a cutout made by a paid provider for the same compare view and export path as an
 * on-device one: decoded and scaled for the screen here, off the main thread. Runs in the worker.
 */
import { oversizedResultFailure, unreadableResultFailure } from '../../shared/cutout-errors.ts';
import { MAX_INPUT_PIXELS } from '../../shared/image/limits.ts';
import { SNIFF_BYTES, sniffImage } from '../../shared/image/sniff.ts';
import type { IngestInput, IngestOutput } from '../protocol.ts';
import { context2d, FailureError, screenPreview } from './pipeline.ts';

export async function ingestResult(input: IngestInput): Promise<IngestOutput> {
  // The same pixel limit as a dropped photo, read from the header before decoding: an answer that
  // claims more (a hostile relay's decompression bomb) is never handed to the decoder.
  const sniffed = sniffImage(new Uint8Array(await input.image.slice(0, SNIFF_BYTES).arrayBuffer()));
  if (sniffed.kind === 'image' && sniffed.width !== undefined && sniffed.height !== undefined) {
    if (sniffed.width * sniffed.height > MAX_INPUT_PIXELS)
      throw new FailureError(oversizedResultFailure(input.providerName, sniffed.width, sniffed.height, input.charged));
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(input.image);
  } catch {
    const sniffed = sniffImage(new Uint8Array(await input.image.slice(0, SNIFF_BYTES).arrayBuffer()));
    throw new FailureError(unreadableResultFailure(input.providerName, sniffed, input.charged));
  }
  if (bitmap.width * bitmap.height > MAX_INPUT_PIXELS) {
    const { width, height } = bitmap;
    bitmap.close();
    throw new FailureError(oversizedResultFailure(input.providerName, width, height, input.charged));
  }
  try {
    const preview = await screenPreview(bitmap);
    let png = input.image;
    if (input.image.type !== 'image/png') {
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      context2d(canvas).drawImage(bitmap, 0, 0);
      png = await canvas.convertToBlob({ type: 'image/png' });
    }
    return { preview, width: bitmap.width, height: bitmap.height, png };
  } finally {
    bitmap.close();
  }
}
