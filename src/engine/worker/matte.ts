/**
 * The matte being brushed (issue 16), held in a worker so the page only draws: the cutout's and the
 * photo's full-resolution pixels, the undo history, and a screen-sized copy that each edit updates
 * only where it touched. The pixels themselves are changed by the pure shared/image/matte-edit.ts.
 */
import { createEditHistory, DEFAULT_HISTORY_LIMITS, type EditHistory } from '../../shared/image/edit-history.ts';
import { applyStroke, readPatch, writePatch, type Patch } from '../../shared/image/matte-edit.ts';
import type { Rect, Size } from '../../shared/image/finish.ts';
import type { MatteAction, MatteEdited, MatteOpenInput } from '../protocol.ts';
import { context2d, FailureError } from './pipeline.ts';

interface Session {
  id: number;
  size: Size;
  cutout: Uint8ClampedArray<ArrayBuffer>;
  photo: Uint8ClampedArray<ArrayBuffer>;
  history: EditHistory;
  preview: OffscreenCanvas;
}

/** Straight RGBA pixels of an image, drawn at `size` (the photo at the cutout's size and orientation). */
async function pixelsOf(blob: Blob, size?: Size): Promise<{ size: Size; pixels: Uint8ClampedArray<ArrayBuffer> }> {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  try {
    const target = size ?? { width: bitmap.width, height: bitmap.height };
    const canvas = new OffscreenCanvas(target.width, target.height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('2D canvas is not available in this browser');
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, target.width, target.height);
    const pixels = context.getImageData(0, 0, target.width, target.height).data;
    canvas.width = canvas.height = 1; // free the backing store now
    return { size: target, pixels };
  } finally {
    bitmap.close();
  }
}

const lost = (): FailureError =>
  new FailureError({
    code: 'internal',
    message:
      'The edit could not be applied: the cutout it was meant for is no longer open here. Your cutout as last saved is kept; try again.',
  });

export function createMatteSessions() {
  let session: Session | undefined;

  function current(id: number): Session {
    if (!session || session.id !== id) throw lost();
    return session;
  }

  /** Redraws the screen copy where `rect` (full-resolution pixels) changed. */
  function refreshPreview(open: Session, rect: Rect): void {
    const { preview, size } = open;
    const scale = preview.width / size.width;
    const dx0 = Math.max(0, Math.floor(rect.x * scale));
    const dy0 = Math.max(0, Math.floor(rect.y * scale));
    const dx1 = Math.min(preview.width, Math.ceil((rect.x + rect.width) * scale));
    const dy1 = Math.min(preview.height, Math.ceil((rect.y + rect.height) * scale));
    if (dx1 <= dx0 || dy1 <= dy0) return;
    // The full-resolution pixels under those screen pixels, with one more around for the smoothing.
    const sx0 = Math.max(0, Math.floor(dx0 / scale) - 1);
    const sy0 = Math.max(0, Math.floor(dy0 / scale) - 1);
    const sx1 = Math.min(size.width, Math.ceil(dx1 / scale) + 1);
    const sy1 = Math.min(size.height, Math.ceil(dy1 / scale) + 1);
    const source = readPatch(open.cutout, size, { x: sx0, y: sy0, width: sx1 - sx0, height: sy1 - sy0 });
    const staging = new OffscreenCanvas(source.rect.width, source.rect.height);
    context2d(staging).putImageData(new ImageData(source.pixels, source.rect.width, source.rect.height), 0, 0);
    const context = context2d(preview);
    context.imageSmoothingQuality = 'high';
    context.clearRect(dx0, dy0, dx1 - dx0, dy1 - dy0);
    context.drawImage(
      staging,
      dx0 / scale - sx0,
      dy0 / scale - sy0,
      (dx1 - dx0) / scale,
      (dy1 - dy0) / scale,
      dx0,
      dy0,
      dx1 - dx0,
      dy1 - dy0,
    );
  }

  async function edited(open: Session, changed: Rect | undefined, started: number): Promise<MatteEdited> {
    const applyMs = performance.now() - started;
    if (changed) refreshPreview(open, changed);
    return { preview: await createImageBitmap(open.preview), history: open.history.status(), changed: changed !== undefined, applyMs };
  }

  async function reset(open: Session, to: Blob): Promise<Rect | undefined> {
    const target = await pixelsOf(to);
    if (target.size.width !== open.size.width || target.size.height !== open.size.height) {
      throw new FailureError({
        code: 'internal',
        message: 'The original cutout has another size than this one, so it cannot be restored here.',
      });
    }
    const whole: Rect = { x: 0, y: 0, ...open.size };
    const before = readPatch(open.cutout, open.size, whole);
    const after: Patch = { rect: whole, pixels: target.pixels };
    writePatch(open.cutout, open.size, after);
    open.history.push({ before, after });
    return whole;
  }

  return {
    async open(input: MatteOpenInput): Promise<Size> {
      session = undefined; // the previous cutout's memory goes first
      const cutout = await pixelsOf(input.cutout);
      const photo = await pixelsOf(input.photo, cutout.size);
      const scale = Math.min(1, input.previewSide / Math.max(cutout.size.width, cutout.size.height));
      const preview = new OffscreenCanvas(
        Math.max(1, Math.round(cutout.size.width * scale)),
        Math.max(1, Math.round(cutout.size.height * scale)),
      );
      session = {
        id: input.session,
        size: cutout.size,
        cutout: cutout.pixels,
        photo: photo.pixels,
        history: createEditHistory(DEFAULT_HISTORY_LIMITS),
        preview,
      };
      refreshPreview(session, { x: 0, y: 0, ...cutout.size });
      return cutout.size;
    },

    async edit(id: number, action: MatteAction): Promise<MatteEdited> {
      const open = current(id);
      const started = performance.now();
      switch (action.kind) {
        case 'stroke': {
          const change = applyStroke(open.cutout, open.photo, open.size, action.stroke);
          if (change) open.history.push(change);
          return edited(open, change?.after.rect, started);
        }
        case 'undo': {
          const step = open.history.undo();
          if (step) writePatch(open.cutout, open.size, step.before);
          return edited(open, step?.before.rect, started);
        }
        case 'redo': {
          const step = open.history.redo();
          if (step) writePatch(open.cutout, open.size, step.after);
          return edited(open, step?.after.rect, started);
        }
        case 'reset':
          return edited(open, await reset(open, action.to), started);
      }
    },

    async encode(id: number): Promise<Blob> {
      const open = current(id);
      const canvas = new OffscreenCanvas(open.size.width, open.size.height);
      context2d(canvas).putImageData(new ImageData(open.cutout, open.size.width, open.size.height), 0, 0);
      const png = await canvas.convertToBlob({ type: 'image/png' });
      canvas.width = canvas.height = 1;
      return png;
    },

    close(id: number): void {
      if (session?.id === id) session = undefined;
    },
  };
}
