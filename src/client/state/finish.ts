/**
 * The finished file (main thread): whenever the cutout or the finishing choices change, the engine
 * renders the file once (debounced, newest choice wins); its size is shown before saving, its
 * screen-sized copy is what the page shows, and Download saves exactly those bytes.
 */
import { createEffect, createSignal, on, onCleanup, type Accessor } from 'solid-js';
import type { RenderInput } from '../../engine/protocol.ts';
import type { ExportType } from '../../shared/format.ts';
import type { FinishChoices } from '../../engine/protocol.ts';

export interface FinishSource {
  png: Blob;
  photo: Blob;
}

export interface FinishRequest {
  choices: FinishChoices;
  type: ExportType;
  quality: number;
}

export interface FinishedFile {
  key: string;
  blob: Blob;
  /** A screen-sized copy of the finished file, for the page (undefined while decoding). */
  preview?: ImageBitmap;
}

export interface FinisherDeps {
  render: (input: RenderInput) => Promise<Blob>;
  /** Decodes the finished file at screen size (createImageBitmap in the browser). */
  decodePreview?: (blob: Blob, maxSide: number) => Promise<ImageBitmap>;
  /** Whether the page shows the finished file (a frame, shadow or image background); else no copy is decoded. */
  wantsPreview?: (request: FinishRequest) => boolean;
  debounceMs?: number;
  previewSide?: number;
}

/** The long side of the on-screen copy of a finished file. */
const PREVIEW_SIDE = 1600;

/** A stable text for "the same choices": blobs (a background image) count by identity. */
export function finishKey(source: FinishSource | undefined, request: FinishRequest, blobId: (blob: Blob) => number): string {
  if (!source) return '';
  const background = request.choices.background;
  return JSON.stringify({
    png: blobId(source.png),
    frame: request.choices.frame,
    shadow: request.choices.shadow,
    background: background.kind === 'image' ? { kind: 'image', image: blobId(background.image) } : background,
    type: request.type,
    quality: request.type === 'image/png' ? undefined : request.quality,
  });
}

/** Decodes an image no larger than `maxSide` on its long side (off the main thread). */
export async function decodeScaled(blob: Blob, maxSide: number): Promise<ImageBitmap> {
  const full = await createImageBitmap(blob);
  const scale = Math.min(1, maxSide / Math.max(full.width, full.height));
  if (scale === 1) return full;
  const small = await createImageBitmap(full, {
    resizeWidth: Math.max(1, Math.round(full.width * scale)),
    resizeHeight: Math.max(1, Math.round(full.height * scale)),
    resizeQuality: 'medium',
  });
  full.close();
  return small;
}

export function createFinisher(deps: FinisherDeps, source: Accessor<FinishSource | undefined>, request: Accessor<FinishRequest>) {
  const ids = new WeakMap<Blob, number>();
  let nextId = 1;
  const blobId = (blob: Blob): number => {
    let id = ids.get(blob);
    if (id === undefined) {
      id = nextId++;
      ids.set(blob, id);
    }
    return id;
  };
  const key = (): string => finishKey(source(), request(), blobId);
  const [file, setFile] = createSignal<FinishedFile>();
  const [error, setError] = createSignal<string>();
  const [rendering, setRendering] = createSignal(false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<FinishedFile | undefined> | undefined;

  function replace(next: FinishedFile | undefined): void {
    const previous = file();
    if (previous?.preview && previous.preview !== next?.preview) previous.preview.close();
    setFile(next);
  }

  /** Renders the current choices, once at a time; a render whose choices changed meanwhile is dropped. */
  async function renderNow(): Promise<FinishedFile | undefined> {
    const current = source();
    const wanted = key();
    if (!current) return undefined;
    const { choices, type, quality } = request();
    setRendering(true);
    try {
      const blob = await deps.render({ png: current.png, photo: current.photo, type, quality, ...choices });
      const preview =
        (deps.wantsPreview?.(request()) ?? true)
          ? await (deps.decodePreview ?? decodeScaled)(blob, deps.previewSide ?? PREVIEW_SIDE).catch(() => undefined)
          : undefined;
      if (wanted !== key()) {
        preview?.close();
        return undefined;
      }
      const made: FinishedFile = { key: wanted, blob, ...(preview ? { preview } : {}) };
      replace(made);
      setError(undefined);
      return made;
    } catch (failure) {
      if (wanted === key()) setError(failure instanceof Error ? failure.message : String(failure));
      return undefined;
    } finally {
      setRendering(false);
    }
  }

  function schedule(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      const run = (inFlight ?? Promise.resolve(undefined)).then(() => (file()?.key === key() ? file() : renderNow()));
      inFlight = run;
      void run.finally(() => {
        if (inFlight === run) inFlight = undefined;
      });
    }, deps.debounceMs ?? 300);
  }

  createEffect(
    on(key, (wanted) => {
      // A failure belongs to the choices that caused it; any change of choices clears it.
      setError(undefined);
      if (file()?.key === wanted) return;
      if (!wanted) {
        replace(undefined);
        return;
      }
      setError(undefined);
      schedule();
    }),
  );
  onCleanup(() => {
    if (timer !== undefined) clearTimeout(timer);
    replace(undefined);
  });

  return {
    /** The finished file for the current choices, or undefined while it is being made. */
    current: (): FinishedFile | undefined => (file()?.key === key() && key() !== '' ? file() : undefined),
    rendering,
    error,
    /** The bytes to save: the file already made for these choices, or made now. */
    async take(): Promise<Blob | undefined> {
      const ready = file();
      if (ready && ready.key === key()) return ready.blob;
      if (inFlight) await inFlight;
      const after = file();
      if (after && after.key === key()) return after.blob;
      return (await renderNow())?.blob;
    },
  };
}

export type Finisher = ReturnType<typeof createFinisher>;
