/**
 * Recent cutouts in IndexedDB (`cutwise-recents`): the picked photo, the full-resolution cutout, a
 * thumbnail and the finishing choices, so a cutout can be reopened and edited again after a reload or
 * offline, and a paid one is never paid for twice by accident. Only the newest few are kept.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { RECENTS_DB } from '../shared/names.ts';
import type { Background } from '../shared/image/composite.ts';
import type { FrameChoice, Shadow } from '../shared/image/finish.ts';
import type { ExportType } from '../shared/format.ts';

/** How many recent cutouts are kept; the oldest goes first. */
export const RECENTS_KEPT = 12;

export interface RecentFinish {
  background: Background;
  frame: FrameChoice;
  shadow: Shadow;
  exportType: ExportType;
  quality: number;
}

export interface RecentCutout {
  id: string;
  savedAt: number;
  fileName: string;
  /** 'on-device' or the provider's name. */
  madeBy: string;
  watermarked?: boolean;
  /** SHA-256 of the photo's bytes (hex): the same photo dropped again is recognised. */
  photoHash: string;
  photo: Blob;
  /** The cutout as last saved, hand edits included. */
  cutout: Blob;
  /** The model's or provider's cutout before hand edits, when `cutout` has some (Reset goes back to it). */
  modelCutout?: Blob;
  thumbnail: Blob;
  width: number;
  height: number;
  finish: RecentFinish;
}

interface RecentsSchema extends DBSchema {
  cutouts: { key: string; value: RecentCutout; indexes: { bySavedAt: number; byPhotoHash: string } };
}

export interface RecentsStore {
  /** Newest first. */
  list(): Promise<RecentCutout[]>;
  get(id: string): Promise<RecentCutout | undefined>;
  /** Saves one and drops the oldest beyond RECENTS_KEPT; a full disk rejects with QuotaExceededError. */
  put(cutout: RecentCutout): Promise<void>;
  updateFinish(id: string, finish: RecentFinish): Promise<void>;
  /** The cutout after hand edits, the one before them, and a new thumbnail. */
  updateCutout(id: string, change: Pick<RecentCutout, 'cutout' | 'modelCutout' | 'thumbnail'>): Promise<void>;
  remove(id: string): Promise<void>;
  clear(): Promise<void>;
  byPhotoHash(hash: string): Promise<RecentCutout[]>;
}

export async function openRecentsStore(name = RECENTS_DB): Promise<RecentsStore> {
  const db: IDBPDatabase<RecentsSchema> = await openDB<RecentsSchema>(name, 1, {
    upgrade(database) {
      const store = database.createObjectStore('cutouts', { keyPath: 'id' });
      store.createIndex('bySavedAt', 'savedAt');
      store.createIndex('byPhotoHash', 'photoHash');
    },
  });
  return {
    async list() {
      return (await db.getAllFromIndex('cutouts', 'bySavedAt')).reverse();
    },
    get: (id) => db.get('cutouts', id),
    async put(cutout) {
      const tx = db.transaction('cutouts', 'readwrite');
      await tx.store.put(cutout);
      const keys = await tx.store.index('bySavedAt').getAllKeys();
      for (const old of keys.slice(0, Math.max(0, keys.length - RECENTS_KEPT))) await tx.store.delete(old);
      await tx.done;
    },
    async updateFinish(id, finish) {
      const tx = db.transaction('cutouts', 'readwrite');
      const found = await tx.store.get(id);
      if (found) await tx.store.put({ ...found, finish });
      await tx.done;
    },
    async updateCutout(id, change) {
      const tx = db.transaction('cutouts', 'readwrite');
      const found = await tx.store.get(id);
      if (found) await tx.store.put({ ...found, ...change });
      await tx.done;
    },
    remove: (id) => db.delete('cutouts', id),
    clear: () => db.clear('cutouts'),
    byPhotoHash: (hash) => db.getAllFromIndex('cutouts', 'byPhotoHash', hash),
  };
}
