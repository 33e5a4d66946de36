/**
 * Recent cutouts (main thread): every finished cutout is kept on this device with its photo and
 * finishing choices (src/recents/store.ts), listed with thumbnails, reopened for more edits, deleted
 * one by one or all at once. A photo dropped again that already has a paid cutout is recognised.
 */
import { createSignal, onCleanup } from 'solid-js';
import { openRecentsStore, type RecentCutout, type RecentFinish, type RecentsStore } from '../../recents/store.ts';
import type { ReopenInput } from './editor.ts';

export interface RecentEntry {
  id: string;
  fileName: string;
  madeBy: string;
  savedAt: number;
  width: number;
  height: number;
  bytes: number;
  thumbnailUrl: string;
}

/** What Recent keeps of a finished cutout: what reopening needs, and the screen copy for its thumbnail. */
export interface RememberInput extends ReopenInput {
  preview: ImageBitmap;
}

export interface RecentsDeps {
  open?: () => Promise<RecentsStore>;
  now?: () => number;
  newId?: () => string;
}

const THUMBNAIL_SIDE = 160;

export async function photoHash(photo: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await photo.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function thumbnailOf(preview: ImageBitmap): Promise<Blob> {
  const scale = Math.min(1, THUMBNAIL_SIDE / Math.max(preview.width, preview.height));
  const canvas = new OffscreenCanvas(Math.max(1, Math.round(preview.width * scale)), Math.max(1, Math.round(preview.height * scale)));
  canvas.getContext('2d')?.drawImage(preview, 0, 0, canvas.width, canvas.height);
  return canvas.convertToBlob({ type: 'image/png' });
}

/** Words for a failed save: a full disk is named as such, and nothing else is lost. */
export function saveProblem(error: unknown): string {
  const full = error instanceof DOMException && error.name === 'QuotaExceededError';
  return full
    ? 'This cutout was not added to Recent: the storage this browser allows Cutwise is full. Delete some recent cutouts (Recent), then it is kept again. Your cutout on screen is unaffected.'
    : `This cutout was not added to Recent (${error instanceof Error ? error.message : String(error)}). Your cutout on screen is unaffected.`;
}

export function createRecents(deps: RecentsDeps = {}) {
  const open = deps.open ?? (() => openRecentsStore());
  const now = deps.now ?? (() => Date.now());
  const newId = deps.newId ?? (() => crypto.randomUUID());
  let opened: Promise<RecentsStore> | undefined;
  const store = (): Promise<RecentsStore> => (opened ??= open());
  // A dropped photo is hashed when it arrives (is there a paid cutout of it?) and again when its
  // cutout is kept: the same File both times, so the digest is worked out once.
  const hashes = new WeakMap<Blob, Promise<string>>();
  const hashOf = (photo: Blob): Promise<string> => {
    let hash = hashes.get(photo);
    if (!hash) {
      hash = photoHash(photo);
      hashes.set(photo, hash);
    }
    return hash;
  };
  const [entries, setEntries] = createSignal<RecentEntry[]>([]);
  const [problem, setProblem] = createSignal<string>();

  function release(list: readonly RecentEntry[]): void {
    for (const entry of list) URL.revokeObjectURL(entry.thumbnailUrl);
  }

  async function refresh(): Promise<void> {
    try {
      const records = await (await store()).list();
      const next = records.map((record) => ({
        id: record.id,
        fileName: record.fileName,
        madeBy: record.madeBy,
        savedAt: record.savedAt,
        width: record.width,
        height: record.height,
        bytes: record.photo.size + record.cutout.size + (record.modelCutout?.size ?? 0) + record.thumbnail.size,
        thumbnailUrl: URL.createObjectURL(record.thumbnail),
      }));
      const previous = entries();
      setEntries(next);
      // Revoked a moment later: a thumbnail being replaced may still be loading from its address.
      setTimeout(() => release(previous), 1000);
    } catch (error) {
      setProblem(`Recent cutouts could not be read on this device (${error instanceof Error ? error.message : String(error)}).`);
    }
  }

  /** Keeps a finished cutout; returns its id, or undefined (with the reason in problem()) if it could not. */
  async function remember(input: RememberInput): Promise<string | undefined> {
    try {
      const id = newId();
      // Drawn now: the screen copy is closed when an edit replaces it.
      const thumbnail = thumbnailOf(input.preview);
      const record: RecentCutout = {
        id,
        savedAt: now(),
        fileName: input.fileName,
        madeBy: input.madeBy,
        ...(input.watermarked ? { watermarked: true } : {}),
        photoHash: await hashOf(input.photo),
        photo: input.photo,
        cutout: input.cutout,
        thumbnail: await thumbnail,
        width: input.width,
        height: input.height,
        finish: input.finish,
      };
      await (await store()).put(record);
      setProblem(undefined);
      await refresh();
      return id;
    } catch (error) {
      setProblem(saveProblem(error));
      return undefined;
    }
  }

  async function updateFinish(id: string, finish: RecentFinish): Promise<void> {
    try {
      await (await store()).updateFinish(id, finish);
    } catch (error) {
      setProblem(saveProblem(error));
    }
  }

  /** Hand edits of a kept cutout: the edited cutout, the one it started from, and a new thumbnail. */
  async function updateCutout(id: string, change: { cutout: Blob; modelCutout: Blob; preview: ImageBitmap }): Promise<void> {
    try {
      // Drawn now: the screen copy is closed when the next edit replaces it.
      const thumbnail = thumbnailOf(change.preview);
      await (await store()).updateCutout(id, { cutout: change.cutout, modelCutout: change.modelCutout, thumbnail: await thumbnail });
      await refresh();
    } catch (error) {
      setProblem(saveProblem(error));
    }
  }

  async function remove(id: string): Promise<void> {
    await (await store()).remove(id);
    await refresh();
  }

  async function clear(): Promise<void> {
    await (await store()).clear();
    await refresh();
  }

  /** The stored record, or why it cannot be opened. */
  async function load(id: string): Promise<RecentCutout | undefined> {
    return (await store()).get(id);
  }

  /** A paid cutout already kept for this very photo (same bytes), newest first. */
  async function paidCutoutOf(photo: Blob): Promise<RecentCutout | undefined> {
    try {
      const matches = await (await store()).byPhotoHash(await hashOf(photo));
      return matches.filter((record) => record.madeBy !== 'on-device').sort((a, b) => b.savedAt - a.savedAt)[0];
    } catch {
      return undefined;
    }
  }

  onCleanup(() => release(entries()));

  return {
    entries,
    problem,
    dismissProblem: () => setProblem(undefined),
    bytesUsed: () => entries().reduce((sum, entry) => sum + entry.bytes, 0),
    refresh,
    remember,
    updateFinish,
    updateCutout,
    remove,
    clear,
    load,
    paidCutoutOf,
  };
}

export type Recents = ReturnType<typeof createRecents>;
